// Access to the target (Supabase) database for diagnostics. Every call is one short READ ONLY
// transaction with statement and lock timeouts and an application_name starting with "opsbot",
// through a pool of at most three connections, so the bot never becomes the cause of
// "connection pool exhausted". Each section runs under its own savepoint: one that times out
// or is refused reports that, and the others still report.
import pg from 'pg';
import { fillSql, sql, type SqlName } from '../core/sql.js';
import { errorMessage, UpstreamError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { checkout, guardPool, KEEPALIVE, isConnectionLost } from './connection-lost.js';
import { applicationName, applySettings, inTransaction, type TransactionSpec } from './transaction.js';

export type Row = Record<string, unknown>;

export type SectionResult<R> =
  | { ok: true; rows: R[]; ms: number }
  | { ok: false; reason: 'timeout' | 'permission' | 'missing' | 'error'; message: string; ms: number };

/** A read-only transaction handed to diagnostics. */
export interface ReadOnlyTx {
  /** Runs sql/<name>.sql; throws on error (aborting the transaction). */
  query<R extends Row = Row>(name: SqlName, params?: unknown[]): Promise<R[]>;
  /** Runs sql/<name>.sql under a savepoint; a failure is returned, not thrown, and the transaction goes on. */
  section<R extends Row = Row>(name: SqlName, params?: unknown[], opts?: SectionOptions): Promise<SectionResult<R>>;
}

export interface SectionOptions {
  /** A limit for this section instead of the transaction's. */
  statementTimeoutMs?: number;
  /** Fills the file's {{key}} placeholders (see fillSql): fragments chosen by code, never user text. */
  fragments?: Readonly<Record<string, string>>;
}

export interface ReadOnlyOptions {
  statementTimeoutMs?: number;
  /** Ends the transaction with ROLLBACK rather than COMMIT. */
  rollback?: boolean;
}

/** The target database, read-only. */
export interface TargetDb {
  /** Runs `fn` inside BEGIN READ ONLY with timeouts; `purpose` becomes part of application_name. */
  readOnly<T>(purpose: string, fn: (tx: ReadOnlyTx) => Promise<T>, opts?: ReadOnlyOptions): Promise<T>;
  /** Closes the pool. */
  close(): Promise<void>;
}

export interface TargetDbOptions {
  url: string;
  poolMax: number;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  connectTimeoutMs: number;
  logger: Logger;
  monotonic: () => number;
}

export function classifyPgError(err: unknown): { reason: 'timeout' | 'permission' | 'missing' | 'error'; message: string } {
  const code = (err as { code?: string }).code;
  if (code === '57014') return { reason: 'timeout', message: 'timed out (statement_timeout)' };
  if (code === '55P03') return { reason: 'timeout', message: 'timed out waiting for a lock (lock_timeout)' };
  if (code === '42501') return { reason: 'permission', message: 'permission denied for the bot role' };
  if (code === '42P01' || code === '3F000' || code === '42883') return { reason: 'missing', message: 'not present on this database' };
  return { reason: 'error', message: errorMessage(err) };
}

/** A connection failure in words an operator can act on (never includes the URL). */
export function describeConnectError(err: unknown): string {
  const e = err as { code?: string; address?: string; port?: number; hostname?: string; message?: string };
  const where = e.address ? ` at ${e.address}${e.port ? `:${e.port}` : ''}` : '';
  switch (e.code) {
    case 'ECONNREFUSED':
      return `connection refused${where}: is the database running and DATABASE_URL right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${e.hostname ?? ''} not found: check the host name in DATABASE_URL`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `host not reachable${where}: check the network path (Supabase direct connections are IPv6 unless the IPv4 add-on is on)`;
    case '28P01':
    case '28000':
      return 'authentication failed: check the user and password in DATABASE_URL';
    case '3D000':
      return 'database does not exist: check the database name in DATABASE_URL';
    case '53300':
      return 'too many connections: the server refused a new connection (connection pool exhausted)';
    case '57P03':
      return 'the database is starting up or shutting down';
    default:
      if (e.message && /timeout/i.test(e.message)) return 'no connection within the time limit: the database or network is overloaded or unreachable';
      return e.message ?? String(err);
  }
}

export function createTargetDb(opts: TargetDbOptions): TargetDb {
  const cannotConnect = (err: unknown) => new UpstreamError(`Cannot connect to the target database: ${describeConnectError(err)}`, { cause: err });
  const pool = guardPool(
    new pg.Pool({
      connectionString: opts.url,
      max: Math.min(3, Math.max(1, opts.poolMax)),
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: opts.connectTimeoutMs,
      application_name: 'opsbot',
      // Diagnostics are short; an idle transaction left by a bug must not hold locks for long.
      idle_in_transaction_session_timeout: 30_000,
      ...KEEPALIVE,
    }),
    'target',
    opts.logger,
    cannotConnect,
  );

  const connect = () => checkout(pool, cannotConnect);

  return {
    readOnly<T>(purpose: string, fn: (tx: ReadOnlyTx) => Promise<T>, ro?: ReadOnlyOptions): Promise<T> {
      const timeout = String(Math.trunc(ro?.statementTimeoutMs ?? opts.statementTimeoutMs));
      const spec = {
        system: 'target',
        readOnly: true,
        ...(ro?.rollback ? { rollback: true } : {}),
        settings: [
          ['statement_timeout', timeout],
          ['lock_timeout', String(Math.trunc(opts.lockTimeoutMs))],
          ['application_name', applicationName(purpose)],
        ],
      } satisfies TransactionSpec;
      return inTransaction(connect, spec, async (client) => {
        let sp = 0;
        const tx: ReadOnlyTx = {
          async query<R extends Row>(name: SqlName, params: unknown[] = []) {
            const res = await client.query(sql(name), params);
            return res.rows as R[];
          },
          async section<R extends Row>(name: SqlName, params: unknown[] = [], o?: SectionOptions) {
            const started = opts.monotonic();
            // Filled before the savepoint: a missing fragment is a bug to throw, not a failed section.
            const text = o?.fragments ? fillSql(sql(name), o.fragments) : sql(name);
            const savepoint = `s${++sp}`;
            await client.query(`SAVEPOINT ${savepoint}`);
            try {
              const own = o?.statementTimeoutMs !== undefined ? [['statement_timeout', String(Math.trunc(o.statementTimeoutMs))] as const] : [];
              await applySettings(client, own, true);
              const res = await client.query(text, params);
              await client.query(`RELEASE SAVEPOINT ${savepoint}`);
              // The section's own limit was set inside the savepoint; releasing it keeps that
              // value for the rest of the transaction, so put the transaction's back.
              if (own.length > 0) await applySettings(client, [['statement_timeout', timeout]], true);
              return { ok: true as const, rows: res.rows as R[], ms: opts.monotonic() - started };
            } catch (err) {
              // A lost session is not one failed section: the whole call has failed.
              if (isConnectionLost(err)) throw err;
              await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
              const c = classifyPgError(err);
              if (c.reason === 'error') opts.logger.warn({ err, section: name }, 'diagnostic section failed');
              return { ok: false as const, ...c, ms: opts.monotonic() - started };
            }
          },
        };
        return fn(tx);
      });
    },
    close: () => pool.end(),
  };
}
