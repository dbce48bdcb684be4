// The runbook's P0 "Data Breach" containment, step by step, each step recorded so a start that
// failed midway can be completed later without repeating what was done:
//   1. preserve evidence (auth audit of 7 days, sessions, integrations) — once;
//   2. revoke every session and every refresh token without a session — in batches;
//   3. switch off every active integration, remembering exactly which — once each;
//   4. mark the lockdown active, post the containment checklist;
//   5. schedule the 24 h / 72 h notification reminders.
// Lifting re-enables exactly the integrations step 3 switched off.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import type { SqlName } from '../core/sql.js';
import type { AdminDb } from '../db/admin.js';
import type { TargetDb } from '../db/target.js';
import { errorMessage, InputError, isOpsError, OpsError } from '../core/errors.js';
import { toNumber } from '../core/format.js';
import type { Logger } from '../core/log.js';
import { auditParams, type StateStore } from '../state/store.js';

const EVIDENCE_AUDIT_DAYS = 7;
const HOUR_MS = 3_600_000;
export const SESSION_BATCH = 20_000;

/** Items of the containment checklist (runbook: within the first hour). */
export const CONTAINMENT_ITEMS = [
  { key: 'rotate-lovable-key', label: 'Rotate LOVABLE_API_KEY' },
  { key: 'rotate-service-role', label: 'Rotate SUPABASE_SERVICE_ROLE_KEY' },
  { key: 'rotate-db-url', label: 'Rotate SUPABASE_DB_URL (database password)' },
  { key: 'require-mfa', label: 'Require MFA for all staff accounts' },
  { key: 'review-audit-logs', label: 'Review auth audit logs' },
  { key: 'evidence-preserved', label: 'Evidence preserved' },
] as const;

/** Parties to notify, from the runbook. */
export const NOTIFY: Record<'24h' | '72h', string> = {
  '24h': 'Notify the insurance carrier and begin the regulator assessment: Privacy Commissioner of Canada (PIPEDA breach report) and the US state attorneys general where affected residents live.',
  '72h': 'Deadline: notify the Privacy Commissioner of Canada, the state attorneys general (US), the affected individuals and the insurance carrier.',
};

export interface Lockdown {
  id: string;
  state: 'starting' | 'active' | 'lifted';
  reason: string;
  channel: string | null;
  startedBy: string;
  approvedBy: string | null;
  breakGlass: boolean;
  createdAt: Date;
  activeSince: Date | null;
  evidenceAt: Date | null;
  evidenceFile: string | null;
  sessionsRevoked: number;
  refreshTokensRevoked: number;
  sessionsDoneAt: Date | null;
  integrationsDoneAt: Date | null;
  checklistId: number | null;
  liftedAt: Date | null;
  liftedBy: string | null;
  liftReason: string | null;
}

export interface Reminder {
  lockdownId: string;
  kind: '24h' | '72h';
  dueAt: Date;
  posts: number;
  doneAt: Date | null;
  doneBy: string | null;
}

/** Where the containment checklist lives (the checklist component, or a fake in tests). */
export interface ContainmentChecklist {
  /** Posts the checklist for a lockdown; returns its id. */
  post(lockdownId: string, channel: string | null, items: readonly { key: string; label: string }[]): Promise<number | null>;
  /** Ticks an item on behalf of the bot (e.g. "evidence preserved"). */
  tick(checklistId: number, key: string): Promise<void>;
  /** Current items with who ticked them, for /lockdown status. */
  items(checklistId: number): Promise<{ label: string; checked: boolean; by: string | null; at: Date | null }[]>;
}

export interface LockdownPreview {
  open: Lockdown | undefined;
  sessions: number;
  refreshTokens: number;
  legacyTokens: number;
  integrationsActive: number;
  integrationsTotal: number;
}

export interface StartResult {
  lockdown: Lockdown;
  evidence: { auditEntries: number; sessions: number; integrations: number; reused: boolean };
  sessionsRevoked: number;
  tokensRevoked: number;
  integrationsDisabled: number;
  steps: { step: string; rows: number; ms: number; note?: string }[];
}

export interface LockdownDeps {
  state: StateStore;
  target: TargetDb;
  admin: AdminDb;
  clock: Clock;
  logger: Logger;
  checklist: ContainmentChecklist;
  /** Optional folder where evidence is also written as a file (the backup location). */
  evidenceDir?: string;
  /** How often an undone reminder is posted again. */
  reminderRepeatMs: number;
  /** Sessions deleted per transaction (default 20,000). */
  sessionBatch?: number;
}

export interface LockdownService {
  /** The open lockdown and what a start would revoke now. */
  preview(): Promise<LockdownPreview>;
  /** The open lockdown, if any. */
  current(): Promise<Lockdown | undefined>;
  /** The newest lockdown, open or lifted. */
  latest(): Promise<Lockdown | undefined>;
  /** Runs (or completes) a start; throws an OpsError that says what was and was not done. */
  start(input: {
    reason: string;
    requestedBy: string;
    approvedBy: string;
    breakGlass: boolean;
    channel: string | null;
    requestId: string;
    heartbeat(): Promise<void>;
    /** Told after each committed batch (sessions, tokens, integrations), so a cut run still reports its count. */
    committed?(rows: number, step: string): void;
  }): Promise<StartResult>;
  /**
   * Lifts the active lockdown, re-enabling exactly what it switched off — and, with `only`, only
   * those of them (the integrations the approver saw).
   */
  lift(input: { reason: string; by: string; requestId: string; only?: readonly string[] }): Promise<{ lockdown: Lockdown; reenabled: number; durationMs: number }>;
  /** Integrations the lockdown recorded. */
  integrations(lockdownId: string): Promise<{ id: string; provider: string; disabledAt: Date; reenabledAt: Date | null }[]>;
  /** Evidence held for a lockdown. */
  evidence(lockdownId: string): Promise<{ kind: string; capturedAt: Date; rows: number }[]>;
  /** The notification deadlines of a lockdown. */
  reminders(lockdownId: string): Promise<Reminder[]>;
  /** Claims reminders due now (each post claimed once across restarts and replicas, each with a 'lockdown.reminder' audit row). */
  claimDueReminders(): Promise<Reminder[]>;
  /** Marks a deadline as done (audited, from `channel` when given); false when it was already done. */
  markReminderDone(lockdownId: string, kind: '24h' | '72h', by: string, channel?: string): Promise<boolean>;
  /** The containment checklist's items. */
  checklistItems(lockdown: Lockdown): Promise<{ label: string; checked: boolean; by: string | null; at: Date | null }[]>;
}

const date = (v: unknown): Date | null => (v instanceof Date ? v : typeof v === 'string' ? new Date(v) : null);

function toLockdown(r: Record<string, unknown>): Lockdown {
  return {
    id: String(r.id),
    state: r.state as Lockdown['state'],
    reason: String(r.reason),
    channel: typeof r.channel === 'string' ? r.channel : null,
    startedBy: String(r.started_by),
    approvedBy: typeof r.approved_by === 'string' ? r.approved_by : null,
    breakGlass: r.break_glass === true,
    createdAt: date(r.created_at) ?? new Date(0),
    activeSince: date(r.active_since),
    evidenceAt: date(r.evidence_at),
    evidenceFile: typeof r.evidence_file === 'string' ? r.evidence_file : null,
    sessionsRevoked: toNumber(r.sessions_revoked) ?? 0,
    refreshTokensRevoked: toNumber(r.refresh_tokens_revoked) ?? 0,
    sessionsDoneAt: date(r.sessions_done_at),
    integrationsDoneAt: date(r.integrations_done_at),
    checklistId: toNumber(r.checklist_id),
    liftedAt: date(r.lifted_at),
    liftedBy: typeof r.lifted_by === 'string' ? r.lifted_by : null,
    liftReason: typeof r.lift_reason === 'string' ? r.lift_reason : null,
  };
}

export function createLockdownService(d: LockdownDeps): LockdownService {
  const batch = d.sessionBatch ?? SESSION_BATCH;
  const at = () => new Date(d.clock.now());
  const one = async (name: SqlName, params: unknown[] = []) => (await d.state.query(name, params))[0];
  const get = async (id: string) => {
    const r = await one('lockdown/get', [id]);
    return r ? toLockdown(r) : undefined;
  };
  const current = async () => {
    const r = await one('lockdown/open-get');
    return r ? toLockdown(r) : undefined;
  };

  const captureEvidence = async (lockdown: Lockdown) => {
    type Agg = { n: string | number; rows: string };
    const captured = await d.target.readOnly(
      'lockdown-evidence',
      async (tx) => ({
        auth_audit: (await tx.query<Agg>('playbooks/lockdown/evidence-audit', [EVIDENCE_AUDIT_DAYS]))[0],
        sessions: (await tx.query<Agg>('playbooks/lockdown/evidence-sessions'))[0],
        integrations: (await tx.query<Agg>('playbooks/lockdown/evidence-integrations'))[0],
      }),
      { statementTimeoutMs: 120_000 },
    );
    const now = at();
    const kinds = (['auth_audit', 'sessions', 'integrations'] as const).map((kind) => ({
      kind,
      n: toNumber(captured[kind]?.n) ?? 0,
      // Kept as the server's JSON text end to end: no parse and re-serialise of 100,000 rows.
      json: captured[kind]?.rows ?? '[]',
    }));
    let file: string | null = null;
    let sha: string | null = null;
    if (d.evidenceDir) {
      // A second copy outside the database, with a hash people can quote in a report.
      const body = `{"lockdownId":${JSON.stringify(lockdown.id)},"capturedAt":${JSON.stringify(now.toISOString())},"auditDays":${EVIDENCE_AUDIT_DAYS},${kinds
        .map((k) => `${JSON.stringify(k.kind === 'auth_audit' ? 'authAudit' : k.kind)}:${k.json}`)
        .join(',')}}`;
      sha = createHash('sha256').update(body).digest('hex');
      await mkdir(d.evidenceDir, { recursive: true });
      file = path.join(d.evidenceDir, `lockdown-${lockdown.id}-evidence.json`);
      await writeFile(file, body, { mode: 0o600 });
    }
    await d.state.transaction(async (q) => {
      for (const k of kinds) await q('lockdown/evidence-insert', [lockdown.id, k.kind, now, k.n, k.json]);
      await q('lockdown/set-evidence', [lockdown.id, now, file, sha]);
    });
    const count = (kind: string) => kinds.find((k) => k.kind === kind)?.n ?? 0;
    return { auditEntries: count('auth_audit'), sessions: count('sessions'), integrations: count('integrations') };
  };

  return {
    current,
    async latest() {
      const r = await one('lockdown/latest');
      return r ? toLockdown(r) : undefined;
    },

    async preview() {
      const open = await current();
      const rows = await d.target.readOnly('lockdown-preview', (tx) => tx.query('playbooks/lockdown/preview'));
      const r = rows[0] ?? {};
      return {
        open,
        sessions: toNumber(r.sessions) ?? 0,
        refreshTokens: toNumber(r.refresh_tokens) ?? 0,
        legacyTokens: toNumber(r.legacy_tokens) ?? 0,
        integrationsActive: toNumber(r.integrations_active) ?? 0,
        integrationsTotal: toNumber(r.integrations_total) ?? 0,
      };
    },

    async start(input) {
      let lockdown = await current();
      if (lockdown?.state === 'active') {
        throw new InputError(`Lockdown is already active since ${lockdown.activeSince?.toISOString() ?? '?'} (started by <@${lockdown.startedBy}>). Nothing changed.`);
      }
      if (!lockdown) {
        const created = await one('lockdown/insert', [randomUUID(), input.reason, input.channel, input.requestedBy, input.approvedBy, input.breakGlass, at(), input.requestId]);
        lockdown = created ? toLockdown(created) : await current();
        if (!lockdown) throw new OpsError('conflict', 'Could not open a lockdown record; try again.');
      }
      const id = lockdown.id;
      const steps: StartResult['steps'] = [];
      const done: string[] = [];
      let step = 'preserve evidence';
      let evidence: StartResult['evidence'] = { auditEntries: 0, sessions: 0, integrations: 0, reused: true };
      let sessionsRevoked = 0;
      let tokensRevoked = 0;
      let integrationsDisabled = 0;
      try {
        // 1. Evidence first, and only once: a retry keeps what the first attempt captured.
        let t0 = d.clock.monotonic();
        if (!lockdown.evidenceAt) {
          evidence = { ...(await captureEvidence(lockdown)), reused: false };
          steps.push({ step: 'evidence', rows: evidence.auditEntries + evidence.sessions + evidence.integrations, ms: Math.round(d.clock.monotonic() - t0) });
        } else {
          const held = await d.state.query('lockdown/evidence-summary', [id]);
          const count = (k: string) => toNumber(held.find((h) => h.kind === k)?.row_count) ?? 0;
          evidence = { auditEntries: count('auth_audit'), sessions: count('sessions'), integrations: count('integrations'), reused: true };
          steps.push({ step: 'evidence', rows: 0, ms: 0, note: 'already preserved by an earlier attempt' });
        }
        done.push(`evidence preserved (${evidence.auditEntries} audit entries, ${evidence.sessions} sessions, ${evidence.integrations} integrations)`);
        await input.heartbeat();

        // 2. Revoke sessions (tokens of a session go with it) and session-less refresh tokens.
        step = 'revoke sessions';
        t0 = d.clock.monotonic();
        // Two workers on disjoint batches (SKIP LOCKED): the admin pool's two connections both
        // delete, halving the time to "no session left". The first error stops both.
        let failure: Error | undefined;
        const worker = async () => {
          while (failure === undefined) {
            try {
              const { rows } = await d.admin.transaction('lockdown', (q) => q('playbooks/lockdown/revoke-sessions-batch', [batch]), { statementTimeoutMs: 60_000 });
              const n = toNumber(rows[0]?.sessions) ?? 0;
              sessionsRevoked += n;
              if (n > 0) input.committed?.(n, 'revoke sessions batch');
              if (n > 0) await d.state.query('lockdown/add-revoked', [id, n, 0]);
              await input.heartbeat();
              if (n < batch) return;
            } catch (err) {
              failure ??= err instanceof Error ? err : new Error(errorMessage(err));
              return;
            }
          }
        };
        await Promise.all([worker(), worker()]);
        if (failure !== undefined) throw failure;
        for (;;) {
          const { rows } = await d.admin.transaction('lockdown', (q) => q('playbooks/lockdown/revoke-legacy-tokens', [batch]), { statementTimeoutMs: 60_000 });
          const n = toNumber(rows[0]?.tokens) ?? 0;
          tokensRevoked += n;
          if (n > 0) input.committed?.(n, 'revoke legacy refresh tokens batch');
          if (n > 0) await d.state.query('lockdown/add-revoked', [id, 0, n]);
          if (n < batch) break;
        }
        await d.state.query('lockdown/set-sessions-done', [id, at()]);
        steps.push({ step: 'revoke sessions', rows: sessionsRevoked + tokensRevoked, ms: Math.round(d.clock.monotonic() - t0) });
        done.push(`${sessionsRevoked} sessions and ${tokensRevoked} session-less refresh tokens revoked`);

        // 3. Integrations: record each active one first, then switch the recorded ones off.
        step = 'disable integrations';
        t0 = d.clock.monotonic();
        const active = await d.target.readOnly('lockdown', (tx) => tx.query<{ id: string; provider: string }>('playbooks/lockdown/active-integrations'));
        for (const i of active) await d.state.query('lockdown/integration-record', [id, i.id, i.provider, at()]);
        const recorded = (await d.state.query<{ integration_id: string; reenabled_at: Date | null }>('lockdown/integrations-list', [id]))
          .filter((r) => r.reenabled_at === null)
          .map((r) => r.integration_id);
        const { rows: disabled } = await d.admin.transaction('lockdown', (q) => q('playbooks/lockdown/disable-integrations', [recorded]));
        integrationsDisabled = disabled.length;
        if (integrationsDisabled > 0) input.committed?.(integrationsDisabled, 'disable integrations');
        await d.state.query('lockdown/set-integrations-done', [id, at()]);
        steps.push({ step: 'disable integrations', rows: integrationsDisabled, ms: Math.round(d.clock.monotonic() - t0) });
        done.push(`${integrationsDisabled} integrations switched off (${recorded.length} recorded by this lockdown)`);

        // 4. In force: checklist, then 5. notification deadlines from the start of the lockdown.
        step = 'activate';
        let checklistId = lockdown.checklistId;
        if (checklistId === null) {
          checklistId = await d.checklist.post(id, input.channel, CONTAINMENT_ITEMS);
          if (checklistId !== null) await d.checklist.tick(checklistId, 'evidence-preserved');
        }
        const activated = await one('lockdown/activate', [id, at(), checklistId]);
        const started = lockdown.createdAt.getTime();
        await d.state.query('lockdown/reminders-insert', [id, new Date(started + 24 * HOUR_MS), new Date(started + 72 * HOUR_MS)]);
        return {
          lockdown: activated ? toLockdown(activated) : ((await get(id)) ?? lockdown),
          evidence,
          sessionsRevoked,
          tokensRevoked,
          integrationsDisabled,
          steps,
        };
      } catch (err) {
        d.logger.warn({ err, lockdownId: id, step }, 'lockdown start failed');
        const why = isOpsError(err) ? err.userMessage : errorMessage(err);
        const progress = await get(id).catch(() => undefined);
        const revokedSoFar = progress ? ` (${progress.sessionsRevoked} sessions revoked so far)` : '';
        throw new OpsError(
          'upstream_unavailable',
          `Lockdown start stopped at "${step}": ${why}. Done: ${done.length ? done.join('; ') : 'nothing'}${step === 'revoke sessions' ? revokedSoFar : ''}. Not done: ${['preserve evidence', 'revoke sessions', 'disable integrations', 'activate'].slice(['preserve evidence', 'revoke sessions', 'disable integrations', 'activate'].indexOf(step)).join(', ')}. Request \`/lockdown start\` again to complete the rest; evidence is not captured twice.`,
          { cause: err },
        );
      }
    },

    async lift(input) {
      const lockdown = await current();
      if (lockdown?.state !== 'active') throw new InputError('No lockdown is active, so there is nothing to lift.');
      const only = input.only ? new Set(input.only) : undefined;
      const ids = (await d.state.query<{ integration_id: string; reenabled_at: Date | null }>('lockdown/integrations-list', [lockdown.id]))
        .filter((r) => r.reenabled_at === null && (only === undefined || only.has(String(r.integration_id))))
        .map((r) => r.integration_id);
      const { rows } = await d.admin.transaction('lockdown-lift', (q) => q('playbooks/lockdown/enable-integrations', [ids]));
      await d.state.query('lockdown/integrations-reenabled', [lockdown.id, ids, at()]);
      const lifted = await one('lockdown/lift', [lockdown.id, at(), input.by, input.reason, input.requestId]);
      const l = lifted ? toLockdown(lifted) : lockdown;
      return { lockdown: l, reenabled: rows.length, durationMs: (l.liftedAt?.getTime() ?? d.clock.now()) - (l.activeSince ?? l.createdAt).getTime() };
    },

    async integrations(lockdownId) {
      const rows = await d.state.query('lockdown/integrations-list', [lockdownId]);
      return rows.map((r) => ({ id: String(r.integration_id), provider: String(r.provider), disabledAt: date(r.disabled_at) ?? new Date(0), reenabledAt: date(r.reenabled_at) }));
    },

    async evidence(lockdownId) {
      const rows = await d.state.query('lockdown/evidence-summary', [lockdownId]);
      return rows.map((r) => ({ kind: String(r.kind), capturedAt: date(r.captured_at) ?? new Date(0), rows: toNumber(r.row_count) ?? 0 }));
    },

    async reminders(lockdownId) {
      const rows = await d.state.query('lockdown/reminders-list', [lockdownId]);
      return rows.map((r) => ({
        lockdownId,
        kind: r.kind as '24h' | '72h',
        dueAt: date(r.due_at) ?? new Date(0),
        posts: toNumber(r.posts) ?? 0,
        doneAt: date(r.done_at),
        doneBy: typeof r.done_by === 'string' ? r.done_by : null,
      }));
    },

    async claimDueReminders() {
      // The claim and its audit row commit together: each post is on the breach incident's
      // timeline exactly once, however many replicas claim.
      return d.state.transaction(async (q) => {
        const rows = await q('lockdown/reminders-claim-due', [at(), Math.round(d.reminderRepeatMs / 1000)]);
        const out: Reminder[] = [];
        for (const r of rows) {
          const reminder: Reminder = {
            lockdownId: String(r.lockdown_id),
            kind: r.kind as '24h' | '72h',
            dueAt: date(r.due_at) ?? new Date(0),
            posts: toNumber(r.posts) ?? 0,
            doneAt: null,
            doneBy: null,
          };
          await q(
            'state/audit-insert',
            auditParams({
              actor: 'opsbot',
              action: 'lockdown.reminder',
              target: `lockdown:${reminder.lockdownId}`,
              outcome: 'ok',
              detail: { lockdownId: reminder.lockdownId, kind: reminder.kind, dueAt: reminder.dueAt.toISOString(), posts: reminder.posts },
            }),
          );
          out.push(reminder);
        }
        return out;
      });
    },

    async markReminderDone(lockdownId, kind, by, channel) {
      return d.state.transaction(async (q) => {
        const rows = await q('lockdown/reminder-done', [lockdownId, kind, by, at()]);
        if (rows.length === 0) return false;
        await q('state/audit-insert', auditParams({ actor: by, action: 'lockdown.reminder_done', target: `lockdown:${lockdownId}`, ...(channel ? { channel } : {}), outcome: 'ok', detail: { lockdownId, kind } }));
        return true;
      });
    },

    async checklistItems(lockdown) {
      return lockdown.checklistId === null ? [] : d.checklist.items(lockdown.checklistId);
    },
  };
}
