// Access to the target (Supabase) database for diagnostics. Every call is one short READ ONLY
// transaction with statement and lock timeouts and an application_name starting with "opsbot",
// through a pool of at most three connections, so the bot never becomes the cause of
// "connection pool exhausted". Each section runs under its own savepoint: one that times out
// or is refused reports that, and the others still report.
import pg from 'pg';
import { sql } from '../core/sql.js';
import { errorMessage, UpstreamError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { connectionLost, guardPool, isConnectionLost, releaseArg } from './connection-lost.js';

export type Row = Record<string, unknown>;

export type SectionResult<R> =
  | { ok: true; rows: R[]; ms: number }
  | { ok: false; reason: 'timeout' | 'permission' | 'missing' | 'error'; message: string; ms: number };

/** A read-only transaction handed to diagnostics. */
export interface ReadOnlyTx {
  /** Runs sql/<name>.sql; throws on error (aborting the transaction). */
  query<R extends Row = Row>(name: string, params?: unknown[]): Promise<R[]>;
  /** Runs sql/<name>.sql under a savepoint; a failure is returned, not thrown, and the transaction goes on. */
  section<R extends Row = Row>(name: string, params?: unknown[], opts?: { statementTimeoutMs?: number }): Promise<SectionResult<R>>;
}

export interface ReadOnlyOptions {
  statementTimeoutMs?: number;
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

function safeName(purpose: string): string {
  return `opsbot/${purpose}`.replace(/[^a-zA-Z0-9/_:.-]/g, '_').slice(0, 63);
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
      // TCP keepalive from 10 s: a silently dead peer (failover, cable pulled) is noticed in
      // minutes rather than the kernel's default two hours.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    }),
    'target',
    opts.logger,
    cannotConnect,
  );

  return {
    async readOnly<T>(purpose: string, fn: (tx: ReadOnlyTx) => Promise<T>, ro?: ReadOnlyOptions): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw cannotConnect(err);
      }
      let broken: Error | boolean | undefined;
      try {
        const timeout = ro?.statementTimeoutMs ?? opts.statementTimeoutMs;
        await client.query('BEGIN READ ONLY');
        await client.query(`SET LOCAL statement_timeout = ${Math.trunc(timeout)}`);
        await client.query(`SET LOCAL lock_timeout = ${Math.trunc(opts.lockTimeoutMs)}`);
        await client.query('SELECT set_config($1, $2, true)', ['application_name', safeName(purpose)]);
        let sp = 0;
        const tx: ReadOnlyTx = {
          async query<R extends Row>(name: string, params: unknown[] = []) {
            const res = await client.query(sql(name), params);
            return res.rows as R[];
          },
          async section<R extends Row>(name: string, params: unknown[] = [], o?: { statementTimeoutMs?: number }) {
            const started = opts.monotonic();
            const savepoint = `s${++sp}`;
            await client.query(`SAVEPOINT ${savepoint}`);
            try {
              if (o?.statementTimeoutMs !== undefined) {
                await client.query(`SET LOCAL statement_timeout = ${Math.trunc(o.statementTimeoutMs)}`);
              }
              const res = await client.query(sql(name), params);
              await client.query(`RELEASE SAVEPOINT ${savepoint}`);
              if (o?.statementTimeoutMs !== undefined) {
                await client.query(`SET LOCAL statement_timeout = ${Math.trunc(timeout)}`);
              }
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
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        // Nothing to roll back on a dead session (the server did it); a failed ROLLBACK means the
        // connection's state is unknown, so the pool must not reuse it.
        broken = releaseArg(client, err);
        if (!broken) await client.query('ROLLBACK').catch((e: unknown) => (broken = e instanceof Error ? e : true));
        throw connectionLost(err, 'target', client) ?? err;
      } finally {
        client.release(broken ?? releaseArg(client));
      }
    },
    close: () => pool.end(),
  };
}
