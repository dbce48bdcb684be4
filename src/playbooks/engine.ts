// The approval engine: request → preview → approvals → one atomic claim → run → audit.
// The rules are DESIGN.md's safety model: the approver holds the role (checked by the caller)
// and is not the requester; the request is pending and unexpired; the claim is a single
// UPDATE … WHERE state = 'pending' RETURNING under a row lock, so any number of clicks,
// retries or replicas run a playbook once; the plan hash is checked and the preview recomputed
// before running, and a changed scope stops the run; every outcome records the rows committed
// so far; a run whose process died is reported as interrupted, never re-run.
import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { errorMessage, InputError, isOpsError, OpsError } from '../core/errors.js';
import { formatCount } from '../core/format.js';
import type { Logger } from '../core/log.js';
import type { StateStore } from '../state/store.js';
import { normalizeParams, parseParams } from './params.js';
import { rowToRequest, type PlaybookRequest } from './request.js';
import { requestMessage } from './render.js';
import type { ChatPoster } from '../slack/chat-poster.js';
import { ScopeChangedError, type Playbook, type Preview, type ReadContext, type RunMeta, type RunResult, type WriteContext } from './types.js';

/** Shows a request's current state wherever it was posted (Slack message, …). */
export interface RequestNotifier {
  /** Re-renders the request; failures are logged by the caller, never thrown into a run. */
  update(req: PlaybookRequest): Promise<void>;
}

export type ApproveOutcome =
  | { kind: 'not_found' }
  | { kind: 'break_glass_refused'; why: string }
  | { kind: 'own_request' }
  | { kind: 'expired' }
  | { kind: 'not_pending'; request: PlaybookRequest }
  | { kind: 'already_approved'; request: PlaybookRequest }
  | { kind: 'recorded'; request: PlaybookRequest }
  | { kind: 'started'; request: PlaybookRequest; done: Promise<PlaybookRequest> };

export interface RequestInput {
  playbookId: string;
  rawParams: Record<string, string>;
  requestedBy: string;
  channel?: string;
}

export interface PlaybookEngine {
  /** The registry, in display order. */
  list(): readonly Playbook<unknown>[];
  /** The playbook with this id, or undefined. */
  find(id: string): Playbook<unknown> | undefined;
  /** Validates, previews and records a request; a playbook needing no approval starts at once. */
  request(input: RequestInput): Promise<{ request: PlaybookRequest; done?: Promise<PlaybookRequest> }>;
  /** Remembers where the request message lives. */
  attachMessage(id: string, channel: string, ts: string): Promise<void>;
  /**
   * Posts a placeholder in the channel, records the request with its preview, ties it to that
   * message (approvals count only there) and shows the request in it. When recording fails the
   * message says why (`subject` names it, default "Request for <id>") and the error is rethrown.
   */
  requestInMessage(input: RequestInput & { channel: string }, chat: ChatPoster, opts: { timeZone: string; subject?: string }): Promise<PlaybookRequest>;
  /**
   * Records an approval by `approver` (whose role the caller has checked) and starts the run when
   * enough. With `breakGlassReason`, the requester self-approves (lockdown only, when enabled).
   */
  approve(id: string, approver: string, opts?: { breakGlassReason?: string }): Promise<ApproveOutcome>;
  /** Whether break-glass self-approval is switched on. */
  breakGlassEnabled(): boolean;
  /** Denies a pending request; undefined when it was not pending. */
  deny(id: string, user: string): Promise<PlaybookRequest | undefined>;
  /** The request with its approvers. */
  get(id: string): Promise<PlaybookRequest | undefined>;
  /** Newest requests first. */
  recent(limit: number): Promise<PlaybookRequest[]>;
  /** Expires due requests and reports runs whose process died; call at start and periodically. */
  sweep(): Promise<{ expired: PlaybookRequest[]; interrupted: PlaybookRequest[] }>;
  /** Waits for runs started by this process (shutdown, tests). */
  idle(): Promise<void>;
}

export interface EngineDeps {
  registry: readonly Playbook<unknown>[];
  state: StateStore;
  /**
   * Preview and run context, without the per-run parts. `admin` reaches only the runs of write
   * and destructive playbooks; previews and read playbooks get the context without it.
   */
  context: Omit<WriteContext, 'heartbeat' | 'log' | 'committed'>;
  clock: Clock;
  logger: Logger;
  notifier: RequestNotifier;
  /** How long a request waits for approval. */
  ttlMs: number;
  /** How often a running request proves it is alive. */
  heartbeatMs?: number;
  /** A running request without a heartbeat for this long is interrupted. */
  staleMs?: number;
  /** Break-glass self-approval for playbooks that allow it (off by default). */
  breakGlassEnabled?: boolean;
}

/** The shortest break-glass reason we accept: a sentence, not a shrug. */
export const BREAK_GLASS_MIN_REASON = 10;

/** Checks the registry at start-up: the types say the same, but this also catches casts. */
export function validateRegistry(registry: readonly Playbook<unknown>[]): void {
  const seen = new Set<string>();
  for (const entry of registry) {
    // Plain view: the types already forbid the bad cases, this catches casts and plain JS.
    const p = entry as { id: string; risk: string; approvals: number };
    if (!/^[a-z][a-z0-9-]{1,62}$/.test(p.id)) throw new Error(`playbook id "${p.id}" must be kebab-case`);
    if (seen.has(p.id)) throw new Error(`playbook id "${p.id}" is defined twice`);
    seen.add(p.id);
    if (!['read', 'write', 'destructive'].includes(p.risk)) throw new Error(`playbook ${p.id} has risk "${String(p.risk)}"; it must be read, write or destructive`);
    if (![0, 1, 2].includes(p.approvals)) throw new Error(`playbook ${p.id} asks for ${String(p.approvals)} approvals; it must be 0, 1 or 2`);
    if (p.risk === 'destructive' && !(p.approvals >= 1)) {
      throw new Error(`playbook ${p.id} is destructive but needs no approval; destructive playbooks need at least one`);
    }
    if (p.risk === 'read' && p.approvals !== 0) throw new Error(`playbook ${p.id} only reads; it must not ask for approvals`);
  }
}

/** The context without the writing connection: what previews and read playbooks receive, by type and at run time. */
export function readContext(base: Omit<WriteContext, 'heartbeat' | 'log' | 'committed'>, perRun: Pick<ReadContext, 'heartbeat' | 'log' | 'committed'>): ReadContext {
  return { target: base.target, authAdmin: base.authAdmin, clock: base.clock, ...perRun };
}

/** Runs a playbook with the context its risk allows: the writing connection only for writers. */
export function runPlaybook(playbook: Playbook<unknown>, ctx: ReadContext, admin: WriteContext['admin'], params: unknown, approved: Preview, meta: RunMeta): Promise<RunResult> {
  if (playbook.risk === 'read') return playbook.run(ctx, params, approved, meta);
  return playbook.run({ ...ctx, admin }, params, approved, meta);
}

/** JSON with object keys sorted at every level: jsonb does not keep key order, this does not need to. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The plan hash: what runs (playbook, parameters) and exactly what it may touch (count, keys,
 * pinned values, fingerprint) plus what the approver read (summary, items). It is checked again
 * when the run starts, so a request row changed in the state store after the preview does not
 * run. It is a plain digest, not a signature: it catches edits that do not also recompute it.
 */
export function planHash(playbookId: string, params: unknown, preview: Preview): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        playbookId,
        params,
        count: preview.count,
        keys: preview.keys ?? null,
        pinned: preview.pinned ?? null,
        fingerprint: preview.fingerprint ?? null,
        summary: preview.summary,
        items: preview.items,
      }),
    )
    .digest('hex');
}

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

/**
 * The one scope check (DESIGN.md): the preview recomputed with the approved pinned values
 * against the preview people approved. Returns why the run must stop, or undefined.
 */
export function scopeChange(playbook: Pick<Playbook<unknown>, 'scope' | 'effect'>, approved: Preview, now: Preview): string | undefined {
  const noun = playbook.effect?.noun ?? 'rows';
  const again = 'Nothing was changed; request it again to see and approve the current scope.';
  if (playbook.scope === 'keys') {
    const before = new Set(approved.keys ?? []);
    const after = new Set(now.keys ?? []);
    const added = [...after].filter((k) => !before.has(k)).length;
    const gone = [...before].filter((k) => !after.has(k)).length;
    if (added === 0 && gone === 0) return undefined;
    return `the scope changed after the preview: ${formatCount(after.size)} ${noun} match now, but ${formatCount(before.size)} were approved (${formatCount(added)} added, ${formatCount(gone)} gone). ${again}`;
  }
  if (now.count !== approved.count) {
    const diff = Math.abs(now.count - approved.count);
    return `the scope changed after the preview: ${formatCount(now.count)} ${noun} match the approved condition now, but ${formatCount(approved.count)} were approved (${formatCount(diff)} ${now.count > approved.count ? 'more' : 'fewer'}). ${again}`;
  }
  if ((approved.fingerprint ?? null) !== (now.fingerprint ?? null)) {
    return `the scope changed after the preview: ${plural(now.count, 'row')} match, as approved, but they are not the ones that were approved (rows were swapped). ${again}`;
  }
  return undefined;
}

export function createPlaybookEngine(deps: EngineDeps): PlaybookEngine {
  validateRegistry(deps.registry);
  const heartbeatMs = deps.heartbeatMs ?? 10_000;
  const staleMs = deps.staleMs ?? 60_000;
  const running = new Set<Promise<PlaybookRequest>>();
  const byId = new Map(deps.registry.map((p) => [p.id, p]));
  const at = (ms: number) => new Date(ms);

  const notify = async (req: PlaybookRequest | undefined) => {
    if (!req) return;
    try {
      await deps.notifier.update(req);
    } catch (err) {
      deps.logger.warn({ err, requestId: req.id }, 'could not update the playbook message');
    }
  };

  const get = async (id: string) => {
    const rows = await deps.state.query('state/playbooks/get', [id]);
    return rows[0] ? rowToRequest(rows[0]) : undefined;
  };

  const audit = async (req: PlaybookRequest, action: string, outcome: string, actor: string, detail: Record<string, unknown> = {}) => {
    await deps.state.audit({
      actor,
      action,
      target: req.playbookId,
      ...(req.channel ? { channel: req.channel } : {}),
      outcome,
      detail: { requestId: req.id, params: req.params, requestedBy: req.requestedBy, planHash: req.planHash, ...detail },
    });
  };

  const execute = async (claimed: PlaybookRequest): Promise<PlaybookRequest> => {
    const playbook = byId.get(claimed.playbookId);
    const log = deps.logger.child({ playbookId: claimed.playbookId, runId: claimed.id });
    const started = deps.clock.monotonic();
    // What is committed so far, kept here and in the request row (heartbeat), so a run that
    // fails, stops or dies still records and reports how much it did.
    let committed = 0;
    const progress: { step: string; rows: number; ms: number }[] = [];
    let lastStep = started;
    // Heartbeats run one after another: a late one never races a newer one.
    let beating: Promise<void> = Promise.resolve();
    const beat = (): Promise<void> => {
      beating = beating
        .then(async () => {
          await deps.state.query('state/playbooks/heartbeat', [claimed.id, at(deps.clock.now()), committed, progress.length]);
        })
        .catch((err: unknown) => log.warn({ err }, 'heartbeat failed'));
      return beating;
    };
    const timer = setInterval(() => void beat(), heartbeatMs);
    timer.unref();
    let state: 'succeeded' | 'failed' | 'stopped' = 'failed';
    let result: RunResult | undefined;
    let error: string | null = null;
    let current: Preview | undefined;
    try {
      await audit(claimed, 'playbook.started', 'ok', claimed.decidedBy ?? claimed.requestedBy, { approvers: claimed.approvers });
      await notify(claimed);
      if (!playbook) throw new OpsError('not_found', `Playbook ${claimed.playbookId} no longer exists in this version of the bot.`);
      if (planHash(claimed.playbookId, claimed.params, claimed.preview) !== claimed.planHash) {
        throw new OpsError(
          'conflict',
          'The stored request no longer matches the plan that was approved (its parameters or preview were changed in the state store). Nothing ran; request it again.',
        );
      }
      const params = playbook.params.parse(claimed.params);
      const ctx = readContext(deps.context, {
        log,
        heartbeat: beat,
        committed: (n, step) => {
          if (!(n > 0)) return;
          committed += n;
          const t = deps.clock.monotonic();
          progress.push({ step: step ?? `step ${progress.length + 1}`, rows: n, ms: Math.round(t - lastStep) });
          lastStep = t;
          void beat();
        },
      });
      // The scope guard: what would change now, under the approved pins, against what people approved.
      current = await playbook.preview(ctx, params, claimed.preview);
      const why = scopeChange(playbook, claimed.preview, current);
      if (why) throw new ScopeChangedError(why);
      result = await runPlaybook(playbook, ctx, deps.context.admin, params, claimed.preview, {
        requestId: claimed.id,
        requestedBy: claimed.requestedBy,
        approvers: claimed.approvers,
        channel: claimed.channel,
        breakGlassReason: claimed.breakGlassReason,
      });
      state = 'succeeded';
    } catch (err) {
      state = err instanceof ScopeChangedError ? 'stopped' : 'failed';
      error = isOpsError(err) ? err.userMessage : errorMessage(err);
      if (state === 'failed') log.warn({ err, committed }, 'playbook run failed');
      else log.info({ committed, why: error }, 'playbook run stopped: scope changed');
    } finally {
      clearInterval(timer);
      await beating;
    }
    const durationMs = Math.round(deps.clock.monotonic() - started);
    const rowsAffected = result?.rowsAffected ?? committed;
    const steps = result?.steps ?? progress;
    const resultJson = {
      summary: result?.summary ?? null,
      steps,
      durationMs,
      detail: result?.detail ?? {},
      progress: { rows: committed, steps: progress.length },
      ...(current?.outside ? { notApprovedNow: current.outside } : {}),
      ...(current ? { previewAtRun: { count: current.count, summary: current.summary } } : {}),
    };
    try {
      const rows = await deps.state.query('state/playbooks/finish', [claimed.id, state, at(deps.clock.now()), rowsAffected, JSON.stringify(resultJson), error]);
      if (!rows[0]) log.warn({ state, rowsAffected }, 'playbook run was no longer running when it finished (interrupted by a sweep)');
    } catch (err) {
      // The state store is gone: keep the process up; the row stays "running" with the count
      // of its last heartbeat, and a sweep reports it as interrupted with that count.
      log.error({ err, state, rowsAffected, error }, 'could not record the end of a playbook run');
      return { ...claimed, state: 'running', rowsAffected: committed, error };
    }
    const finished = (await get(claimed.id).catch(() => undefined)) ?? { ...claimed, state, rowsAffected, error, result: resultJson };
    try {
      await audit(finished, 'playbook.finished', state, finished.decidedBy ?? finished.requestedBy, {
        playbook: claimed.playbookId,
        approvers: finished.approvers,
        preview: { summary: claimed.preview.summary, count: claimed.preview.count, items: claimed.preview.items.slice(0, 20) },
        rowsAffected,
        stepsDone: steps.length,
        durationMs,
        outcome: state,
        error,
        steps,
      });
    } catch (err) {
      log.error({ err, state, rowsAffected }, 'could not audit the end of a playbook run');
    }
    log.info({ state, rowsAffected, durationMs }, 'playbook run finished');
    await notify(finished);
    return finished;
  };

  const start = (claimed: PlaybookRequest): Promise<PlaybookRequest> => {
    // A run never rejects: whatever fails is recorded (or logged when even that fails).
    const p = execute(claimed).catch((err: unknown) => {
      deps.logger.error({ err, requestId: claimed.id }, 'playbook run crashed');
      return claimed;
    });
    running.add(p);
    void p.finally(() => running.delete(p)).catch(() => undefined);
    return p;
  };

  // Named, so methods call each other through it rather than through `this` (callers may pass a
  // method on its own).
  const engine: PlaybookEngine = {
    list: () => deps.registry,
    find: (id) => byId.get(id),
    get,

    async request(input) {
      const playbook = byId.get(input.playbookId);
      if (!playbook) {
        throw new InputError(
          `There is no playbook "${input.playbookId.slice(0, 60)}". Available: ${deps.registry.map((p) => `\`${p.id}\``).join(', ')}. See \`/playbook list\`.`,
        );
      }
      const params = parseParams(playbook, input.rawParams);
      const stored = normalizeParams(params);
      const ctx = readContext(deps.context, { log: deps.logger, heartbeat: () => Promise.resolve(), committed: () => undefined });
      const preview = await playbook.preview(ctx, params);
      const now = deps.clock.now();
      const id = randomUUID();
      const rows = await deps.state.query('state/playbooks/insert', [
        id,
        playbook.id,
        JSON.stringify(stored),
        JSON.stringify(preview),
        planHash(playbook.id, stored, preview),
        playbook.risk,
        playbook.approvals,
        input.requestedBy,
        input.channel ?? null,
        'pending',
        at(now),
        at(now + deps.ttlMs),
        null,
      ]);
      const request = rowToRequest({ ...rows[0], approvers: [] });
      await audit(request, 'playbook.requested', 'ok', input.requestedBy, {
        preview: { summary: preview.summary, count: preview.count },
        approvalsRequired: playbook.approvals,
      });
      if (playbook.approvals > 0) return { request };
      // No approval needed (a write playbook declared so): claim and run at once, still audited.
      const claimed = await deps.state.query('state/playbooks/claim', [id, at(deps.clock.now()), input.requestedBy]);
      if (!claimed[0]) return { request };
      const req = rowToRequest({ ...claimed[0], approvers: [] });
      return { request: req, done: start(req) };
    },

    async attachMessage(id, channel, ts) {
      await deps.state.query('state/playbooks/set-message', [id, channel, ts]);
    },

    async requestInMessage(input, chat, opts) {
      const playbook = byId.get(input.playbookId);
      // Validate before posting anything, so bad input leaves no trace but the error.
      if (playbook) parseParams(playbook, input.rawParams);
      const posted = await chat.postMessage({ channel: input.channel, text: `Preparing a preview of ${input.playbookId}…`, purpose: 'the request message', ifFails: 'nothing was requested' });
      // The request remembers where Slack put its message: approvals count only there.
      const where = posted.channel || input.channel;
      try {
        const { request } = await engine.request({ ...input, channel: where });
        await engine.attachMessage(request.id, where, posted.ts);
        const current = (await get(request.id)) ?? { ...request, channel: where, messageTs: posted.ts };
        const msg = requestMessage(current, playbook, opts.timeZone, { breakGlassEnabled: deps.breakGlassEnabled === true });
        await chat.update({ channel: where, ts: posted.ts, text: msg.text, blocks: msg.blocks, purpose: 'the request message' });
        return current;
      } catch (err) {
        const why = err instanceof OpsError ? err.userMessage : 'an unexpected error (see the bot logs)';
        await chat.update({ channel: where, ts: posted.ts, text: `${opts.subject ?? `Request for ${input.playbookId}`} was not created: ${why}` }).catch(() => undefined);
        throw err;
      }
    },

    breakGlassEnabled: () => deps.breakGlassEnabled === true,

    async approve(id, approver, opts) {
      const now = deps.clock.now();
      const reason = opts?.breakGlassReason?.trim();
      const outcome = await deps.state.transaction(async (q): Promise<ApproveOutcome | { kind: 'claimed'; row: Record<string, unknown> }> => {
        const locked = await q('state/playbooks/lock', [id]);
        const row = locked[0];
        if (!row) return { kind: 'not_found' };
        const req = rowToRequest({ ...row, approvers: [] });
        if (reason !== undefined) {
          if (req.requestedBy !== approver) return { kind: 'break_glass_refused', why: 'Break-glass is only for the requester; approve normally instead.' };
          if (!byId.get(req.playbookId)?.breakGlass) return { kind: 'break_glass_refused', why: `Break-glass is not allowed for ${req.playbookId}; it is for the lockdown only.` };
          if (deps.breakGlassEnabled !== true) {
            return { kind: 'break_glass_refused', why: 'Break-glass self-approval is switched off (BREAK_GLASS_ENABLED). Ask an approver.' };
          }
          if (reason.length < BREAK_GLASS_MIN_REASON) {
            return { kind: 'break_glass_refused', why: `Break-glass needs a reason of at least ${BREAK_GLASS_MIN_REASON} characters saying why no approver can be reached.` };
          }
          if (req.state !== 'pending') return { kind: 'not_pending', request: req };
          if (req.expiresAt.getTime() <= now) return { kind: 'expired' };
          await q('state/playbooks/approve', [id, approver, at(now)]);
          const claimed = await q('state/playbooks/claim-break-glass', [id, at(now), approver, reason]);
          if (!claimed[0]) return { kind: 'not_pending', request: req };
          return { kind: 'claimed', row: { ...claimed[0], approvers: [approver] } };
        }
        if (req.requestedBy === approver) return { kind: 'own_request' };
        if (req.state !== 'pending') return { kind: 'not_pending', request: req };
        if (req.expiresAt.getTime() <= now) return { kind: 'expired' };
        const inserted = await q('state/playbooks/approve', [id, approver, at(now)]);
        if (inserted.length === 0) return { kind: 'already_approved', request: req };
        const counted = await q<{ n: number; approvers: string[] }>('state/playbooks/count-approvals', [id]);
        const n = counted[0]?.n ?? 0;
        if (n < req.approvalsRequired) return { kind: 'recorded', request: { ...req, approvers: counted[0]?.approvers ?? [] } };
        const claimed = await q('state/playbooks/claim', [id, at(now), approver]);
        if (!claimed[0]) return { kind: 'not_pending', request: req };
        return { kind: 'claimed', row: { ...claimed[0], approvers: counted[0]?.approvers ?? [] } };
      });
      if (outcome.kind === 'claimed') {
        const req = rowToRequest(outcome.row);
        if (req.breakGlassReason) {
          await audit(req, 'playbook.break_glass', 'ok', approver, { reason: req.breakGlassReason });
          deps.logger.warn({ requestId: req.id, playbookId: req.playbookId, userId: approver }, 'break-glass self-approval');
        }
        await audit(req, 'playbook.approved', 'ok', approver, { approvers: req.approvers, breakGlass: Boolean(req.breakGlassReason) });
        return { kind: 'started', request: req, done: start(req) };
      }
      if (outcome.kind === 'recorded') {
        await audit(outcome.request, 'playbook.approved', 'ok', approver, {
          approvers: outcome.request.approvers,
          approvalsRequired: outcome.request.approvalsRequired,
        });
        await notify(await get(id));
      }
      if (outcome.kind === 'expired') await engine.sweep();
      return outcome;
    },

    async deny(id, user) {
      const rows = await deps.state.query('state/playbooks/deny', [id, user, at(deps.clock.now())]);
      if (!rows[0]) return undefined;
      const req = await get(id);
      if (req) {
        await audit(req, 'playbook.denied', 'denied', user);
        await notify(req);
      }
      return req;
    },

    async recent(limit) {
      const rows = await deps.state.query('state/playbooks/recent', [limit]);
      return rows.map(rowToRequest);
    },

    async sweep() {
      const now = deps.clock.now();
      const expiredRows = await deps.state.query('state/playbooks/expire-due', [at(now)]);
      const interruptedRows = await deps.state.query('state/playbooks/interrupt-stale', [at(now - staleMs), at(now)]);
      const expired: PlaybookRequest[] = [];
      const interrupted: PlaybookRequest[] = [];
      for (const r of expiredRows) {
        const req = (await get(String(r.id))) ?? rowToRequest({ ...r, approvers: [] });
        expired.push(req);
        await audit(req, 'playbook.expired', 'expired', 'opsbot');
        await notify(req);
      }
      for (const r of interruptedRows) {
        const req = (await get(String(r.id))) ?? rowToRequest({ ...r, approvers: [] });
        interrupted.push(req);
        await audit(req, 'playbook.finished', 'interrupted', 'opsbot', {
          playbook: req.playbookId,
          approvers: req.approvers,
          preview: { summary: req.preview.summary, count: req.preview.count },
          // What the run had committed up to its last heartbeat.
          rowsAffected: req.rowsAffected ?? 0,
          stepsDone: req.result?.progress?.steps ?? 0,
          outcome: 'interrupted',
          error: req.error,
        });
        await notify(req);
      }
      return { expired, interrupted };
    },

    async idle() {
      await Promise.allSettled([...running]);
    },
  };
  return engine;
}
