// The bot's own memory (schema opsbot on STATE_DATABASE_URL): audit log now; approvals, runs,
// incidents and schedules as later migrations add them.
import pg from 'pg';
import { sql, type SqlName } from '../core/sql.js';
import type { Logger } from '../core/log.js';
import { migrate, type MigrateResult } from './migrate.js';
import { describeConnectError } from '../db/target.js';
import { connectionLost, checkout, guardPool, KEEPALIVE, releaseArg } from '../db/connection-lost.js';
import { inTransaction } from '../db/transaction.js';
import { UpstreamError, WHILE_LOST } from '../core/errors.js';
import { waitAtMost } from '../core/wait.js';

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string;
  channel?: string;
  outcome: string;
  detail?: Record<string, unknown>;
}

/**
 * The parameters of sql/state/audit-insert.sql for an entry: what StateStore.audit sends, and
 * what a caller running the insert inside its own transaction (through the `q` of
 * StateStore.transaction) sends, so the change and its audit row commit together.
 */
export function auditParams(e: AuditEntry): unknown[] {
  return [e.actor, e.action, e.target ?? null, e.channel ?? null, e.outcome, JSON.stringify(e.detail ?? {})];
}

/** Runs sql/<name>.sql with parameters and returns its rows. */
export type StateQuery = <R extends Record<string, unknown> = Record<string, unknown>>(name: SqlName, params?: unknown[]) => Promise<R[]>;

/** Persistent state of the bot. */
export interface StateStore {
  /** The pool itself, for components that run their own SQL files (scheduler, checklists). */
  readonly pool: pg.Pool;
  /** Runs one statement from sql/<name>.sql. */
  query: StateQuery;
  /** Runs `fn` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(fn: (q: StateQuery) => Promise<T>): Promise<T>;
  /** Appends an audit row (and links it to the timeline of the incidents it belongs to: sql/state/audit-insert.sql). */
  audit(entry: AuditEntry): Promise<void>;
  /** Applies pending migrations. */
  migrate(): Promise<MigrateResult>;
  /** Waits (at most CLOSE_WAIT_MS) for the audit rows still being written, then closes connections. */
  close(): Promise<void>;
}

/** How long close() waits for audit rows in flight: a stopping bot keeps its record, but never hangs on a dead database. */
export const CLOSE_WAIT_MS = 5000;

export function createStateStore(opts: { url: string; logger: Logger; connectTimeoutMs: number }): StateStore {
  const cannotConnect = (err: unknown) =>
    new UpstreamError(
      `Cannot connect to the bot's state store (STATE_DATABASE_URL, or DATABASE_URL when unset): ${describeConnectError(err)}. ${WHILE_LOST.state}`,
      { cause: err },
    );
  // Guarded: the scheduler, checklists and alerts query this pool directly, so its query() is
  // where their lost connections become typed errors too.
  const pool = guardPool(
    new pg.Pool({
      connectionString: opts.url,
      // Scheduled jobs hold one connection each for their advisory lock while using others.
      max: 6,
      connectionTimeoutMillis: opts.connectTimeoutMs,
      application_name: 'opsbot/state',
      ...KEEPALIVE,
    }),
    'state',
    opts.logger,
    cannotConnect,
  );
  const connect = () => checkout(pool, cannotConnect);
  // Audit rows are often written in the background after the answer; close() waits for them.
  const writing = new Set<Promise<unknown>>();
  return {
    pool,
    async query<R extends Record<string, unknown>>(name: SqlName, params: unknown[] = []) {
      return (await pool.query(sql(name), params)).rows as R[];
    },
    transaction<T>(fn: (q: StateQuery) => Promise<T>): Promise<T> {
      return inTransaction(connect, { system: 'state' }, (client) =>
        fn(async <R extends Record<string, unknown>>(name: SqlName, params: unknown[] = []) => (await client.query(sql(name), params)).rows as R[]),
      );
    },
    async audit(e) {
      const write = pool.query(sql('state/audit-insert'), auditParams(e));
      writing.add(write);
      try {
        await write;
      } finally {
        writing.delete(write);
      }
    },
    async migrate() {
      const client = await connect();
      let failure: unknown;
      try {
        return await migrate(client);
      } catch (err) {
        failure = err;
        throw connectionLost(err, 'state', client) ?? err;
      } finally {
        client.release(releaseArg(client, failure));
      }
    },
    async close() {
      // Bounded: a write stuck on a lock or a dead server must not hold the stop. pool.end()
      // itself waits for every checked-out client, so it gets the same bound; a query still
      // stuck then ends with the process (or when its lock is released).
      const deadline = performance.now() + CLOSE_WAIT_MS;
      const within = (p: Promise<unknown>) => waitAtMost(p, deadline - performance.now());
      if (writing.size > 0) await within(Promise.allSettled([...writing]));
      const ending = pool.end();
      ending.catch(() => undefined);
      await within(ending);
    },
  };
}
