// The bot's own memory (schema opsbot on STATE_DATABASE_URL): audit log now; approvals, runs,
// incidents and schedules as later migrations add them.
import pg from 'pg';
import { sql } from '../sql.js';
import type { Logger } from '../log.js';
import { migrate, type MigrateResult } from './migrate.js';

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
      const client = await pool.connect();
      try {
        return await migrate(client);
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
