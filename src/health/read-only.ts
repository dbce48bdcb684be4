// Read-only mode of the target database (runbook "Supabase Platform Failure: set up read-only
// mode"): the state the read-only-mode playbook switches, and the notice /health shows first while
// it is on, like a lockdown. Two sources can make new sessions read-only: the database-level
// default (ALTER DATABASE … SET default_transaction_read_only, what the playbook sets) and a
// server-wide default (Supabase's protection of a full disk), which the playbook cannot lift.
import type { TargetDb } from '../db/target.js';
import type { HealthNotice } from './types.js';

const ON = new Set(['on', 'true', 'yes', '1']);

export interface ReadOnlyState {
  /** The current database's name. */
  database: string;
  /** Whether the database-level default makes new sessions read-only. */
  databaseLevel: boolean;
  /** Whether the server (not the database) defaults to read-only; false when the database level hides it. */
  serverLevel: boolean;
  /** Where this session's default came from (pg_settings.source). */
  source: string;
  /** Whether the bot's own state store (schema opsbot) lives in this database. */
  stateStoreHere: boolean;
  /** Client sessions connected now, not the bot's: they keep their mode until they reconnect. */
  sessions: number;
  /** The largest groups of them, "role (application)". */
  clients: { who: string; n: number }[];
}

/** Reads the read-only state of the target database, in one read-only statement. */
export async function readOnlyState(target: TargetDb): Promise<ReadOnlyState> {
  const rows = await target.readOnly('read-only-state', (tx) => tx.query('playbooks/read-only-mode/state'));
  const r = rows[0] ?? {};
  const dbSetting = typeof r.db_setting === 'string' ? r.db_setting.toLowerCase() : null;
  const source = typeof r.source === 'string' ? r.source : 'default';
  const sessionOn = typeof r.session_default === 'string' && ON.has(r.session_default.toLowerCase());
  return {
    database: String(r.db),
    databaseLevel: dbSetting !== null && ON.has(dbSetting),
    serverLevel: sessionOn && !['database', 'database user', 'user', 'session', 'client'].includes(source),
    source,
    stateStoreHere: r.state_here === true,
    sessions: Number(r.sessions ?? 0),
    clients: Array.isArray(r.clients) ? (r.clients as { who: string; n: number }[]) : [],
  };
}

/** The notice /health and `opsbot health` show first while the database is read-only. */
export function readOnlyNotice(target: TargetDb): () => Promise<HealthNotice[]> {
  return async () => {
    const s = await readOnlyState(target);
    const out: HealthNotice[] = [];
    if (s.databaseLevel) {
      out.push({
        headline: 'READ-ONLY MODE',
        text: `READ-ONLY MODE is on for database ${s.database}: new connections cannot write (sign-ins, saves and chat logging fail). Turn it off with \`/playbook run read-only-mode mode=off\`.`,
      });
    }
    if (s.serverLevel) {
      out.push({
        headline: 'DATABASE READ-ONLY',
        text: `The database server defaults to read-only (default_transaction_read_only from ${s.source}): Supabase does this when the disk is nearly full. Free space or grow the disk (Dashboard → Database → Settings); read-only-mode cannot lift it.`,
      });
    }
    return out;
  };
}

type NoticeSource = () => Promise<readonly (string | HealthNotice)[]>;

/**
 * Several notice sources as one: each is read on its own, so one that fails (the state store
 * down, the target down) does not hide the others. A failure is passed to `onError` when others
 * answered, and rethrown (the first) only when every source failed.
 */
export function allNotices(sources: NoticeSource[], onError?: (err: unknown) => void): () => Promise<(string | HealthNotice)[]> {
  return async () => {
    const results = await Promise.allSettled(sources.map((s) => s()));
    const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (ok.length === 0 && failed[0]) throw failed[0].reason;
    for (const f of failed) onError?.(f.reason);
    return ok.flat();
  };
}
