// The writing connection to the target database (DATABASE_ADMIN_URL), used only by approved
// playbooks. Every statement runs with statement_timeout and lock_timeout; batched work is
// one short transaction per batch so no lock is held for long.
import pg from 'pg';
import { fillSql, sql, type SqlName } from '../core/sql.js';
import { UpstreamError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { describeConnectError, type Row } from './target.js';
import { connectionLost, checkout, guardPool, KEEPALIVE } from './connection-lost.js';
import { applicationName, applySettings, inTransaction } from './transaction.js';

export interface StatementOptions {
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  /**
   * standalone only: run read-write even when the database defaults to read-only
   * (default_transaction_read_only on), as switching read-only mode off must.
   */
  readWrite?: boolean;
}

/**
 * Runs sql/<name>.sql inside the current transaction. `fragments` fill the file's {{key}}
 * placeholders (see fillSql): identifiers already escaped (e.g. by format('%I') over the
 * catalog), never text a user typed, which goes in `params`.
 */
export type AdminQuery = <R extends Row = Row>(name: SqlName, params?: unknown[], fragments?: Readonly<Record<string, string>>) => Promise<{ rows: R[]; rowCount: number }>;

/** Writing access to the target database. */
export interface AdminDb {
  /** Runs `fn` in one transaction with timeouts; `purpose` becomes part of application_name. */
  transaction<T>(purpose: string, fn: (q: AdminQuery) => Promise<T>, opts?: StatementOptions): Promise<T>;
  /**
   * Runs one statement outside a transaction (VACUUM, CREATE INDEX CONCURRENTLY). `identifiers`
   * fill `{{name}}` placeholders in the SQL file, escaped as identifiers; never user text.
   */
  standalone(purpose: string, name: SqlName, identifiers: Record<string, string>, opts?: StatementOptions): Promise<number>;
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
  const cannotConnect = (err: unknown) =>
    new UpstreamError(`Cannot connect to the target database for writing (DATABASE_ADMIN_URL, or DATABASE_URL when unset): ${describeConnectError(err)}`, {
      cause: err,
    });
  const pool = guardPool(
    new pg.Pool({
      connectionString: opts.url,
      max: 2,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: opts.connectTimeoutMs,
      application_name: 'opsbot/playbook',
      ...KEEPALIVE,
    }),
    'admin',
    opts.logger,
    cannotConnect,
  );

  const connect = () => checkout(pool, cannotConnect);
  // Timeouts and application_name, for one transaction or (standalone) the whole session.
  const limits = (purpose: string, o: StatementOptions | undefined) =>
    [
      ['statement_timeout', String(Math.trunc(o?.statementTimeoutMs ?? opts.statementTimeoutMs))],
      ['lock_timeout', String(Math.trunc(o?.lockTimeoutMs ?? opts.lockTimeoutMs))],
      ['application_name', applicationName(purpose)],
    ] as const;

  return {
    transaction(purpose, fn, o) {
      return inTransaction(connect, { system: 'admin', settings: limits(purpose, o) }, (client) => {
        const q: AdminQuery = async <R extends Row>(file: SqlName, params: unknown[] = [], fragments?: Readonly<Record<string, string>>) => {
          const res = await client.query(fragments ? fillSql(sql(file), fragments) : sql(file), params);
          return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
        };
        return fn(q);
      });
    },
    async standalone(purpose, file, identifiers, o) {
      const client = await connect();
      try {
        await applySettings(client, [...limits(purpose, o), ...(o?.readWrite ? ([['default_transaction_read_only', 'off']] as const) : [])], false);
        const res = await client.query(withIdentifiers(sql(file), identifiers));
        return res.rowCount ?? 0;
      } catch (err) {
        throw connectionLost(err, 'admin', client) ?? err;
      } finally {
        // Session settings were changed: do not hand this connection to anyone else.
        client.release(true);
      }
    },
    close: () => pool.end(),
  };
}
