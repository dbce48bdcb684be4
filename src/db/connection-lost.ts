// Lost database sessions, recognised once for every pool of the bot (target, admin, state).
// node-postgres emits 'error' on a client whose server session ends; a pooled client that is
// checked out has no listener of the pool's, so without one of ours Node throws "Unhandled
// 'error' event" and the whole bot dies. guardPool gives every client a listener from the moment
// it connects, remembers why its session ended (so a later "not queryable" error can still say
// "terminated by an administrator"), and turns the lost-connection family into ConnectionLostError.
import type pg from 'pg';
import { ConnectionLostError, type DatabaseSystem, isOpsError } from '../core/errors.js';
import type { Logger } from '../core/log.js';

/** SQLSTATEs after which the session is gone (or the database it was on is). */
const LOST_SQLSTATES: Record<string, string> = {
  '57P01': 'the server ended the session (terminated by an administrator, e.g. pg_terminate_backend, or the server is shutting down)',
  '57P02': 'the server ended the session because another server process crashed (crash_shutdown)',
  '57P03': 'the database is starting up or shutting down',
  '57P04': 'the database was dropped',
  '57P05': 'the session was idle for longer than idle_session_timeout',
  '25P03': 'the session was idle in a transaction for longer than idle_in_transaction_session_timeout',
  '3D000': 'the database no longer exists (was it dropped or renamed?)',
  '08000': 'the connection failed (SQLSTATE 08000)',
  '08003': 'the connection no longer exists (SQLSTATE 08003)',
  '08006': 'the connection failed (SQLSTATE 08006)',
  '08007': 'the connection failed while a transaction was being resolved, so its outcome is unknown (SQLSTATE 08007)',
  '08P01': 'the connection broke the wire protocol (SQLSTATE 08P01)',
};

/** Socket errors of an established connection. */
const LOST_ERRNOS: Record<string, string> = {
  ECONNRESET: 'the network connection was reset (ECONNRESET)',
  EPIPE: 'the network connection was closed while the bot was writing to it (EPIPE)',
  ECONNABORTED: 'the network connection was aborted (ECONNABORTED)',
  ETIMEDOUT: 'the network connection timed out (ETIMEDOUT)',
  ENETDOWN: 'the network went down (ENETDOWN)',
  ENETRESET: 'the network connection was reset (ENETRESET)',
  ENETUNREACH: 'the network became unreachable (ENETUNREACH)',
  EHOSTUNREACH: 'the database host became unreachable (EHOSTUNREACH)',
  EHOSTDOWN: 'the database host went down (EHOSTDOWN)',
};

// node-postgres' own words for a connection that ended or a client that can no longer be used.
const LOST_MESSAGES = /connection terminated|not queryable|connection ended|terminating connection|server closed the connection|connection (was )?closed|socket (hang up|closed)/i;

const codeOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** True for errors that mean the session (or its database) is gone, of any driver layer. */
export function isConnectionLost(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  if (err instanceof ConnectionLostError) return true;
  const code = codeOf(err);
  if (code && (code in LOST_SQLSTATES || code in LOST_ERRNOS)) return true;
  // Any FATAL or PANIC from the server ends the session, whatever its code.
  const severity = (err as { severity?: unknown }).severity;
  if (severity === 'FATAL' || severity === 'PANIC') return true;
  const message = (err as { message?: unknown }).message;
  if (typeof message === 'string' && LOST_MESSAGES.test(message)) return true;
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err && isConnectionLost(cause);
}

/** Why the session ended, in words an operator can act on (never the URL). */
export function lostReason(err: unknown): string {
  if (err instanceof ConnectionLostError) return err.reason;
  const code = codeOf(err);
  if (code && LOST_SQLSTATES[code]) return LOST_SQLSTATES[code];
  if (code && LOST_ERRNOS[code]) return LOST_ERRNOS[code];
  const severity = (err as { severity?: unknown } | null)?.severity;
  if ((severity === 'FATAL' || severity === 'PANIC') && code) return `the server ended the session (SQLSTATE ${code})`;
  const cause = (err as { cause?: unknown } | null)?.cause;
  if (cause !== undefined && cause !== err && isConnectionLost(cause)) return lostReason(cause);
  return 'the server closed the connection unexpectedly (restarted, failed over or the network dropped)';
}

/** Why each watched client's session ended, when it did. */
const ended = new WeakMap<object, Error>();

/** The error that ended `client`'s session, if it ended. */
export function endedWith(client: object): Error | undefined {
  return ended.get(client);
}

/**
 * Gives one client a permanent 'error' listener: the process survives its session ending at any
 * moment (checked out, between queries, mid-query), and the first cause is remembered.
 */
export function watchClient(client: pg.ClientBase, system: DatabaseSystem, logger: Logger): void {
  client.on('error', (err: Error) => {
    if (!ended.has(client)) {
      ended.set(client, err);
      logger.warn({ err, system, reason: lostReason(err) }, 'database connection lost');
    }
  });
  client.once('end', () => {
    if (!ended.has(client)) ended.set(client, new Error('Connection ended'));
  });
}

/**
 * The typed error for `err`, when it (or the state of `client`) says the session was lost;
 * undefined otherwise. OpsErrors pass through untouched: they already say what went wrong.
 */
export function connectionLost(err: unknown, system: DatabaseSystem, client?: object): ConnectionLostError | undefined {
  if (err instanceof ConnectionLostError) return err;
  if (isOpsError(err)) return undefined;
  const first = client ? ended.get(client) : undefined;
  if (!isConnectionLost(err) && !first) return undefined;
  // The first cause says more ("terminated by an administrator") than "not queryable" does.
  const reasonOf = first && isConnectionLost(first) && codeOf(first) ? first : err;
  return new ConnectionLostError(system, lostReason(reasonOf), { cause: err });
}

/**
 * What to hand to `client.release()`: the error when the session is gone or its state unknown,
 * so the pool destroys the client instead of giving a broken one to the next caller.
 */
export function releaseArg(client: object, err?: unknown): Error | undefined {
  const first = ended.get(client);
  if (first) return first;
  if (err !== undefined && isConnectionLost(err)) return err instanceof Error ? err : new Error('connection lost');
  return undefined;
}

/** TCP keepalive from 10 s: a silently dead peer (failover, cable pulled) is noticed in minutes rather than the kernel's default two hours. */
export const KEEPALIVE = { keepAlive: true, keepAliveInitialDelayMillis: 10_000 } as const;

/** A client of `pool`, or `connectError(err)` thrown when no connection can be made. */
export async function checkout(pool: pg.Pool, connectError: (err: unknown) => Error): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (err) {
    throw connectError(err);
  }
}

/**
 * Guards a pool: every client gets watchClient from the moment it connects ('connect' fires
 * before the client is handed out), idle clients that die are logged, and pool.query — which
 * the stores built on the pool itself use — rejects with ConnectionLostError for a lost session
 * and with `connectError(err)` when no connection could be made, instead of a raw driver error.
 */
export function guardPool(pool: pg.Pool, system: DatabaseSystem, logger: Logger, connectError: (err: unknown) => Error): pg.Pool {
  pool.on('connect', (client) => watchClient(client, system, logger));
  // The client's own listener has logged it; the pool has already dropped the idle client.
  pool.on('error', (err) => logger.debug({ err, system }, 'idle database client removed'));
  const rawQuery = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const guarded = async (...args: unknown[]): Promise<unknown> => {
    const client = await checkout(pool, connectError);
    try {
      const result = await (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
      client.release();
      return result;
    } catch (err) {
      client.release(releaseArg(client, err));
      throw connectionLost(err, system, client) ?? err;
    }
  };
  // Callback style and submittables (cursors, streams) keep the driver's own handling; nothing
  // in the bot uses them.
  const passThrough = (args: unknown[]) =>
    typeof args[args.length - 1] === 'function' || typeof (args[0] as { submit?: unknown } | null)?.submit === 'function';
  pool.query = ((...args: unknown[]) => (passThrough(args) ? rawQuery(...args) : guarded(...args))) as typeof pool.query;
  return pool;
}
