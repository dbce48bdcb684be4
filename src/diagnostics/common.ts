// What every diagnostic topic shares: the run context, reading typed values out of pg rows,
// the section reported when a query could not run, and ages for people.
import type { ReadOnlyTx, Row, SectionResult } from '../db/target.js';
import { toNumber } from '../core/format.js';
import { formatTime } from '../render/time.js';
import type { DiagnosticsThresholds } from './settings.js';
import type { Finding, Section, Status } from './types.js';

/** Facts about the connection, read once per run (sql/queries/db/context.sql). */
export interface DbFacts {
  database: string;
  /** current_user, quoted for a GRANT statement. */
  roleIdent: string;
  serverVersionNum: number;
  inRecovery: boolean;
  /** pg_stat_database.stats_reset of this database, epoch ms; null when never reset. */
  statsResetMs: number | null;
  postmasterStartMs: number | null;
  /** The role sees other roles' activity and query text. */
  readAllStats: boolean;
}

export interface RunContext {
  tx: ReadOnlyTx;
  thresholds: DiagnosticsThresholds;
  facts: DbFacts;
  /** clock.now() when the run started. */
  now: number;
  timezone: string;
  /** Shortens, masks and redacts query text for display. */
  query(text: unknown): string;
  /** Scrubs secrets from text shown as is (e.g. a policy expression, whose literals matter). */
  redact(text: string): string;
}

/** What a topic hands back to the service. */
export interface TopicResult {
  title: string;
  notes: string[];
  statsResetAt: string | null;
  sections: Section[];
}

export type FailedResult = Extract<SectionResult<Row>, { ok: false }>;

export function num(row: Row, key: string): number {
  return toNumber(row[key]) ?? 0;
}

export function numOrNull(row: Row, key: string): number | null {
  return toNumber(row[key]);
}

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

export function str(row: Row, key: string): string {
  return text(row[key]) ?? '';
}

export function strOrNull(row: Row, key: string): string | null {
  return text(row[key]);
}

export function bool(row: Row, key: string): boolean {
  return row[key] === true;
}

export function epochMs(row: Row, key: string): number | null {
  const v = row[key];
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string' && v !== '') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** A duration for people: "45 s", "12 min", "3 h 5 min", "4 d 2 h". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 || m >= 10 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

export { plural } from '../core/format.js';

/** "Statistics since … (… ago)" for cumulative counters; says so when they were never reset. */
export function statsAgeNote(what: string, resetMs: number | null, ctx: RunContext): string {
  if (resetMs !== null) return `${what} since ${formatTime(resetMs, ctx.timezone)} (${formatAge(ctx.now - resetMs)} ago)`;
  const up = ctx.facts.postmasterStartMs;
  return `${what} never reset${up !== null ? `; server up since ${formatTime(up, ctx.timezone)} (${formatAge(ctx.now - up)})` : ''}`;
}

const STATUS_RANK: Record<Status, number> = { ok: 0, warn: 1, unknown: 2, critical: 3 };

/** The more severe of two statuses ("unknown" ranks between warn and critical). */
export function worse(a: Status, b: Status): Status {
  return STATUS_RANK[b] > STATUS_RANK[a] ? b : a;
}

/** The section shown when its query could not run: what happened, and what to do about it. */
export function failedSection(key: string, title: string, r: FailedResult, ctx: RunContext): Section {
  const nextStep =
    r.reason === 'timeout'
      ? 'The catalog query gave up so the bot would not add load: the database may be overloaded, or DDL holds a lock on a table. Check `/db locks` and `/db long`, then try again.'
      : r.reason === 'permission'
        ? `Give the bot role the monitoring privileges it needs: \`GRANT pg_monitor TO ${ctx.facts.roleIdent};\` (see sql/roles.sql).`
        : r.reason === 'missing'
          ? 'This database lacks an object the query needs; check the Postgres version (13–18 are supported).'
          : 'The query failed; the details are in the bot’s log.';
  return {
    key,
    title,
    status: 'unknown',
    summary: `${r.message.charAt(0).toUpperCase()}${r.message.slice(1)}: this part was skipped; the other sections still ran.`,
    findings: [],
    omitted: 0,
    failure: { reason: r.reason, message: r.message },
    nextStep,
  };
}

/** Facts that identify a session: role, application, client. */
export function sessionFacts(row: Row): string[] {
  const facts = [`user ${str(row, 'role') || '?'}`];
  const app = str(row, 'application');
  if (app) facts.push(`app ${app}`);
  const client = strOrNull(row, 'client');
  facts.push(client ? `client ${client}` : 'local or hidden client');
  return facts;
}

/** The worst status among findings, or `fallback` when there are none. */
export function worstOf(findings: Finding[], fallback: Status = 'ok'): Status {
  return findings.reduce<Status>((w, f) => worse(w, f.status), fallback);
}
