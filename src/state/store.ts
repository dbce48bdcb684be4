// The bot's own memory (schema opsbot on STATE_DATABASE_URL): audit log now; approvals, runs,
// incidents and schedules as later migrations add them.
import pg from 'pg';
import { sql } from '../sql.js';
import type { Logger } from '../log.js';
import { migrate, type MigrateResult } from './migrate.js';
import { describeConnectError } from '../db/target.js';
import { UpstreamError } from '../errors.js';

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string;
  channel?: string;
  outcome: string;
  detail?: Record<string, unknown>;
}

/** Runs sql/<name>.sql with parameters and returns its rows. */
export type StateQuery = <R extends Record<string, unknown> = Record<string, unknown>>(name: string, params?: unknown[]) => Promise<R[]>;

/** Persistent state of the bot. */
export interface StateStore {
  /** The pool itself, for components that run their own SQL files (scheduler, checklists). */
  readonly pool: pg.Pool;
  /** Runs one statement from sql/<name>.sql. */
  query: StateQuery;
  /** Runs `fn` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(fn: (q: StateQuery) => Promise<T>): Promise<T>;
  /** Appends an audit row. */
  audit(entry: AuditEntry): Promise<void>;
  /** Applies pending migrations. */
  migrate(): Promise<MigrateResult>;
  /** Closes connections. */
  close(): Promise<void>;
}

export function createStateStore(opts: { url: string; logger: Logger; connectTimeoutMs: number }): StateStore {
  const pool = new pg.Pool({
    connectionString: opts.url,
    // Scheduled jobs hold one connection each for their advisory lock while using others.
    max: 6,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    application_name: 'opsbot/state',
  });
  pool.on('error', (err) => opts.logger.warn({ err }, 'state database idle client error'));
  return {
    pool,
    async query<R extends Record<string, unknown>>(name: string, params: unknown[] = []) {
      return (await pool.query(sql(name), params)).rows as R[];
    },
    async transaction<T>(fn: (q: StateQuery) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const q: StateQuery = async <R extends Record<string, unknown>>(name: string, params: unknown[] = []) =>
          (await client.query(sql(name), params)).rows as R[];
        const result = await fn(q);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async audit(e) {
      await pool.query(sql('state/audit-insert'), [
        e.actor,
        e.action,
        e.target ?? null,
        e.channel ?? null,
        e.outcome,
        JSON.stringify(e.detail ?? {}),
      ]);
    },
    async migrate() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw new UpstreamError(`Cannot connect to the state database (STATE_DATABASE_URL, or DATABASE_URL when unset): ${describeConnectError(err)}`, {
          cause: err,
        });
      }
      try {
        return await migrate(client);
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
