// The facts of a postmortem, always from the bot's own records, never from the model: the
// milestones and their durations (from the incident row), what was run (from the audit rows
// the playbook engine and the backup service wrote, with their detail fields as they write
// them), and the lockdown's steps and notification deadlines.
import type { AuditRow } from '../state/audit-log.js';
import type { Incident, TimelineEntry } from './types.js';

const HOUR_MS = 3_600_000;

/** A timeline entry with the id the draft and the model cite it by (E1 is the oldest). */
export interface CitedEntry {
  cite: string;
  entry: TimelineEntry;
}

/** Ids E1…En in time order; the same ids in the prompt and in the Markdown. */
export function citeTimeline(timeline: readonly TimelineEntry[]): CitedEntry[] {
  return [...timeline]
    .map((entry, i) => ({ entry, i }))
    .sort((a, b) => a.entry.at.getTime() - b.entry.at.getTime() || a.i - b.i)
    .map(({ entry }, i) => ({ cite: `E${i + 1}`, entry }));
}

export interface Milestone {
  label: string;
  at: Date | null;
  /** From the declaration, ms; null when not reached. */
  sinceDeclaredMs: number | null;
}

/** Declared → acknowledged (a commander set) → mitigated (monitoring) → resolved. */
export function milestones(incident: Incident): Milestone[] {
  const declared = incident.declaredAt.getTime();
  const m = (label: string, at: Date | null): Milestone => ({ label, at, sinceDeclaredMs: at ? Math.max(0, at.getTime() - declared) : null });
  return [
    m('Declared', incident.declaredAt),
    m('Acknowledged (commander assigned)', incident.acknowledgedAt),
    m('Mitigated (status monitoring)', incident.mitigatedAt),
    m('Resolved', incident.resolvedAt),
  ];
}

export interface RunStep {
  step: string;
  rows: number;
  ms: number;
  note?: string;
}

export type RunState = 'succeeded' | 'failed' | 'stopped' | 'interrupted' | 'denied' | 'expired' | 'running' | 'pending';

/** One playbook request as the audit rows tell it. */
export interface PlaybookRun {
  cite: string;
  requestId: string;
  playbookId: string;
  params: Record<string, unknown>;
  requestedBy: string;
  requestedAt: Date | null;
  /** Who approved; `at` is null when only the run's own rows name the approver. */
  approvals: { by: string; at: Date | null }[];
  breakGlass: string | null;
  deniedBy: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  state: RunState;
  rowsAffected: number | null;
  durationMs: number | null;
  error: string | null;
  steps: RunStep[];
}

export type BackupEvent = 'created' | 'failed' | 'verified' | 'restored' | 'pruned';

export interface BackupFact {
  at: Date;
  actor: string;
  event: BackupEvent;
  outcome: string;
  backupId: string | null;
  sizeBytes: number | null;
  durationMs: number | null;
  /** Details from the row's detail (kind, tables, failing checks, reason), as phrases. */
  details: string[];
  approvedBy: string[];
  failed: boolean;
}

export interface LockdownFacts {
  /** lockdown-start and lockdown-lift runs, in order. */
  runs: PlaybookRun[];
  /** The 24 h / 72 h notification deadlines, counted from the lockdown's start. */
  deadlines: { kind: '24h' | '72h'; dueAt: Date }[];
  /** Other lockdown.* rows (reminders, checklist), as they came. */
  other: AuditRow[];
}

export interface RunFacts {
  playbooks: PlaybookRun[];
  backups: BackupFact[];
  lockdown: LockdownFacts;
  /** Rows of no family above, kept so nothing recorded is silently dropped. */
  other: AuditRow[];
}

const LOCKDOWN_PLAYBOOKS = new Set(['lockdown-start', 'lockdown-lift']);

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function steps(v: unknown): RunStep[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((s) => {
    const r = record(s);
    const step = str(r.step);
    if (!step) return [];
    const note = str(r.note);
    return [{ step, rows: num(r.rows) ?? 0, ms: num(r.ms) ?? 0, ...(note ? { note } : {}) }];
  });
}

const FINISHED: ReadonlySet<string> = new Set(['succeeded', 'failed', 'stopped', 'interrupted']);

function playbookRuns(rows: readonly AuditRow[]): PlaybookRun[] {
  const byRequest = new Map<string, PlaybookRun>();
  const sorted = [...rows].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const row of sorted) {
    const d = row.detail;
    const requestId = str(d.requestId) ?? `row:${row.id}`;
    let run = byRequest.get(requestId);
    if (!run) {
      run = {
        cite: '',
        requestId,
        playbookId: str(row.target) ?? str(d.playbook) ?? 'unknown playbook',
        params: record(d.params),
        requestedBy: str(d.requestedBy) ?? row.actor,
        requestedAt: null,
        approvals: [],
        breakGlass: null,
        deniedBy: null,
        startedAt: null,
        finishedAt: null,
        state: 'pending',
        rowsAffected: null,
        durationMs: null,
        error: null,
        steps: [],
      };
      byRequest.set(requestId, run);
    }
    switch (row.action) {
      case 'playbook.requested':
        run.requestedAt = row.at;
        run.requestedBy = str(d.requestedBy) ?? row.actor;
        break;
      case 'playbook.approved':
        if (!run.approvals.some((a) => a.by === row.actor)) run.approvals.push({ by: row.actor, at: row.at });
        break;
      case 'playbook.break_glass':
        run.breakGlass = str(d.reason) ?? 'no reason recorded';
        break;
      case 'playbook.denied':
        run.deniedBy = row.actor;
        if (run.state === 'pending') run.state = 'denied';
        break;
      case 'playbook.expired':
        if (run.state === 'pending') run.state = 'expired';
        break;
      case 'playbook.started':
        run.startedAt = row.at;
        for (const by of strings(d.approvers)) if (!run.approvals.some((a) => a.by === by)) run.approvals.push({ by, at: null });
        if (run.state === 'pending') run.state = 'running';
        break;
      case 'playbook.finished': {
        run.finishedAt = row.at;
        const outcome = str(d.outcome) ?? row.outcome;
        run.state = FINISHED.has(outcome) ? (outcome as RunState) : 'failed';
        run.rowsAffected = num(d.rowsAffected);
        run.durationMs = num(d.durationMs);
        run.error = str(d.error);
        run.steps = steps(d.steps);
        // Approvers as the run recorded them, when the approval rows are not among the facts.
        for (const by of strings(d.approvers)) if (!run.approvals.some((a) => a.by === by)) run.approvals.push({ by, at: null });
        break;
      }
      default:
        break;
    }
  }
  return [...byRequest.values()];
}

function backupFact(row: AuditRow): BackupFact | undefined {
  const event = row.action.slice('backup.'.length);
  if (!['created', 'failed', 'verified', 'restored', 'pruned'].includes(event)) return undefined;
  const d = row.detail;
  const details: string[] = [];
  const kind = str(d.kind);
  if (kind) details.push(`${kind}`);
  const tables = Array.isArray(d.tables) ? d.tables : num(d.tables);
  if (typeof tables === 'number') details.push(`${tables} tables`);
  else if (Array.isArray(tables) && tables.length > 0) {
    const names = tables.map((t) => (typeof t === 'string' ? t : (str(record(t).table) ?? '?')));
    const rows = tables.reduce<number>((s, t) => s + (num(record(t).rowsAfter) ?? 0), 0);
    details.push(`tables ${names.slice(0, 10).join(', ')}${names.length > 10 ? ` and ${names.length - 10} more` : ''}${rows > 0 ? ` (${rows} rows restored)` : ''}`);
  }
  if (event === 'verified') {
    const failing = (Array.isArray(d.checks) ? d.checks : []).map(record).filter((c) => c.status !== undefined && c.status !== 'ok' && c.status !== 'passed');
    for (const c of failing.slice(0, 5)) details.push(`check ${str(c.name) ?? '?'}: ${str(c.status) ?? '?'}${str(c.detail) ? ` (${str(c.detail)})` : ''}`);
  }
  const safety = str(d.safetyBackupId);
  if (safety) details.push(`safety backup ${safety.slice(0, 8)}`);
  const reason = str(d.reason);
  if (reason) details.push(`reason: ${reason}`);
  const failed = event === 'failed' || row.outcome === 'failed' || (event === 'verified' && row.outcome !== 'ok' && row.outcome !== 'passed' && row.outcome !== 'verified');
  return { at: row.at, actor: row.actor, event: event as BackupEvent, outcome: row.outcome, backupId: str(d.backupId), sizeBytes: num(d.sizeBytes), durationMs: num(d.durationMs) ?? num(d.restoreMs), details, approvedBy: strings(d.approvedBy), failed };
}

/** Sorts the audit facts into playbooks, backups, the lockdown and the rest; cites runs R1…Rn. */
export function runFacts(auditFacts: readonly AuditRow[]): RunFacts {
  const rows = [...auditFacts].sort((a, b) => a.at.getTime() - b.at.getTime());
  const all = playbookRuns(rows.filter((r) => r.action.startsWith('playbook.')));
  all.forEach((run, i) => (run.cite = `R${i + 1}`));
  const lockdownRuns = all.filter((r) => LOCKDOWN_PLAYBOOKS.has(r.playbookId));
  const backups = rows.flatMap((r) => (r.action.startsWith('backup.') ? (backupFact(r) ?? []) : []));
  const deadlines: LockdownFacts['deadlines'] = [];
  // The lockdown counts its deadlines from its own record, created by the first start attempt
  // (a failed start is completed by a later run, which keeps that record): so from the first
  // lockdown-start run, once one succeeded.
  const starts = lockdownRuns.filter((r) => r.playbookId === 'lockdown-start');
  const succeeded = starts.find((r) => r.state === 'succeeded');
  const first = starts.find((r) => r.startedAt !== null && (!succeeded?.startedAt || r.startedAt <= succeeded.startedAt));
  const from = succeeded ? (first?.startedAt ?? succeeded.finishedAt) : null;
  if (from) deadlines.push({ kind: '24h', dueAt: new Date(from.getTime() + 24 * HOUR_MS) }, { kind: '72h', dueAt: new Date(from.getTime() + 72 * HOUR_MS) });
  const known = (r: AuditRow) => r.action.startsWith('playbook.') || (r.action.startsWith('backup.') && backupFact(r) !== undefined) || r.action.startsWith('lockdown.');
  return {
    playbooks: all.filter((r) => !LOCKDOWN_PLAYBOOKS.has(r.playbookId)),
    backups,
    lockdown: { runs: lockdownRuns, deadlines, other: rows.filter((r) => r.action.startsWith('lockdown.')) },
    other: rows.filter((r) => !known(r)),
  };
}

/** Runs that did not do what was asked: failed, stopped by the scope guard, or interrupted. */
export function failedRuns(facts: RunFacts): PlaybookRun[] {
  return [...facts.playbooks, ...facts.lockdown.runs].filter((r) => r.state === 'failed' || r.state === 'stopped' || r.state === 'interrupted');
}
