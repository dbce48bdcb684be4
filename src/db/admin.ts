// The writing connection to the target database (DATABASE_ADMIN_URL), used only by approved
// playbooks. Every statement runs with statement_timeout and lock_timeout; batched work is
// one short transaction per batch so no lock is held for long.
import pg from 'pg';
import { sql } from '../sql.js';
import { UpstreamError } from '../errors.js';
import type { Logger } from '../log.js';
import { describeConnectError, type Row } from './target.js';

export interface StatementOptions {
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
}

/** Runs sql/<name>.sql inside the current transaction. */
export type AdminQuery = <R extends Row = Row>(name: string, params?: unknown[]) => Promise<{ rows: R[]; rowCount: number }>;

/** Writing access to the target database. */
export interface AdminDb {
  /** Runs `fn` in one transaction with timeouts; `purpose` becomes part of application_name. */
  transaction<T>(purpose: string, fn: (q: AdminQuery) => Promise<T>, opts?: StatementOptions): Promise<T>;
  /**
   * Runs one statement outside a transaction (VACUUM, CREATE INDEX CONCURRENTLY). `identifiers`
   * fill `{{name}}` placeholders in the SQL file, escaped as identifiers; never user text.
   */
  standalone(purpose: string, name: string, identifiers: Record<string, string>, opts?: StatementOptions): Promise<number>;
  /** Closes the pool. */
  close(): Promise<void>;
}

export interface AdminDbOptions {
  url: string;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  connectTimeoutMs: number;
  logger: Logger;
}

/** Fills {{name}} placeholders with escaped identifiers ("schema"."table" for dotted names). */
export function withIdentifiers(text: string, identifiers: Record<string, string>): string {
  return text.replace(/\{\{([a-z_]+)\}\}/g, (_m, key: string) => {
    const value = identifiers[key];
    if (value === undefined) throw new Error(`missing identifier ${key}`);
    return value
      .split('.')
      .map((part) => pg.escapeIdentifier(part))
      .join('.');
  });
}

export function createAdminDb(opts: AdminDbOptions): AdminDb {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: 2,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    application_name: 'opsbot/playbook',
  });
  pool.on('error', (err) => opts.logger.warn({ err }, 'admin database idle client error'));

  const connect = async (): Promise<pg.PoolClient> => {
    try {
      return await pool.connect();
    } catch (err) {
      throw new UpstreamError(`Cannot connect to the target database for writing: ${describeConnectError(err)}`, { cause: err });
    }
  };
  const name = (purpose: string) => `opsbot/${purpose}`.replace(/[^a-zA-Z0-9/_:.-]/g, '_').slice(0, 63);
  // Timeouts and application_name, for the transaction (local) or the whole session.
  const limit = (client: pg.PoolClient, purpose: string, o: StatementOptions | undefined, local: boolean) =>
    client.query('SELECT set_config($1, $2, $7), set_config($3, $4, $7), set_config($5, $6, $7)', [
      'statement_timeout',
      String(Math.trunc(o?.statementTimeoutMs ?? opts.statementTimeoutMs)),
      'lock_timeout',
      String(Math.trunc(o?.lockTimeoutMs ?? opts.lockTimeoutMs)),
      'application_name',
      name(purpose),
      local,
    ]);

  return {
    async transaction(purpose, fn, o) {
      const client = await connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        await limit(client, purpose, o, true);
        const q: AdminQuery = async <R extends Row>(file: string, params: unknown[] = []) => {
          const res = await client.query(sql(file), params);
          return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
        };
        const result = await fn(q);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async standalone(purpose, file, identifiers, o) {
      const client = await connect();
      try {
        await limit(client, purpose, o, false);
        const res = await client.query(withIdentifiers(sql(file), identifiers));
        return res.rowCount ?? 0;
      } finally {
        // Session settings were changed: do not hand this connection to anyone else.
        client.release(true);
      }
    },
    close: () => pool.end(),
  };
}
