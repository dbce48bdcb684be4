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

/** Persistent state of the bot. */
export interface StateStore {
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
    max: 3,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    application_name: 'opsbot/state',
  });
  pool.on('error', (err) => opts.logger.warn({ err }, 'state database idle client error'));
  return {
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
