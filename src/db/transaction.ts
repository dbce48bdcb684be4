// The one BEGIN … COMMIT of the bot, shared by the target (read-only diagnostics), the admin
// connection (playbooks) and the state store. A lost session must never take the process down,
// never leave a broken client in a pool and never be reported as an ordinary SQL error, so those
// rules live here once rather than in three copies that drift apart.
import type pg from 'pg';
import { ConnectionLostError, type DatabaseSystem } from '../core/errors.js';
import { connectionLost, releaseArg } from './connection-lost.js';

/** How a transaction starts and what it sets for itself. */
export interface TransactionSpec {
  /** Which database, for the error an operator reads when its session is lost. */
  system: DatabaseSystem;
  /** BEGIN READ ONLY: nothing it runs can write. */
  readOnly?: boolean;
  /**
   * Settings for this transaction only (statement_timeout, lock_timeout, application_name …),
   * applied right after BEGIN with set_config(…, true), in order: names and values are
   * parameters, never SQL text.
   */
  settings?: readonly (readonly [name: string, value: string])[];
  /** Ends with ROLLBACK instead of COMMIT (a read that must leave no trace, e.g. /db rls). */
  rollback?: boolean;
}

/**
 * Applies `settings` with one set_config statement (for the transaction when `local`, else for
 * the session); nothing is sent when there are none.
 */
export async function applySettings(client: pg.ClientBase, settings: readonly (readonly [string, string])[], local: boolean): Promise<void> {
  if (settings.length === 0) return;
  const calls = settings.map((_s, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, $${2 * settings.length + 1})`);
  await client.query(`SELECT ${calls.join(', ')}`, [...settings.flat(), local]);
}

/** application_name for `purpose`: opsbot/<purpose>, in the characters and length Postgres keeps. */
export function applicationName(purpose: string): string {
  return `opsbot/${purpose}`.replace(/[^a-zA-Z0-9/_:.-]/g, '_').slice(0, 63);
}

/**
 * Runs `fn` on one connection inside BEGIN … COMMIT and returns its result; rolls back and
 * rethrows when it throws. `connect` checks a client out (and says what to fix when it cannot).
 * A lost session rejects with ConnectionLostError naming `spec.system` — for a writing
 * transaction lost while COMMIT was on the wire, saying it may or may not have been applied —
 * is not sent a ROLLBACK (the server has rolled back already), and its client is released with
 * the error so the pool destroys it. A failed ROLLBACK leaves the session in an unknown state, so
 * that client is destroyed too.
 */
export async function inTransaction<T>(connect: () => Promise<pg.PoolClient>, spec: TransactionSpec, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await connect();
  let broken: Error | boolean | undefined;
  let committing = false;
  try {
    await client.query(spec.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
    await applySettings(client, spec.settings ?? [], true);
    const result = await fn(client);
    committing = !spec.rollback;
    await client.query(spec.rollback ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (err) {
    broken = releaseArg(client, err);
    if (!broken) await client.query('ROLLBACK').catch((e: unknown) => (broken = e instanceof Error ? e : true));
    const lost = connectionLost(err, spec.system, client);
    if (lost && committing && !spec.readOnly) {
      throw new ConnectionLostError(spec.system, `${lost.reason}, while the last transaction was being committed, so it may or may not have been applied`, {
        cause: err,
      });
    }
    throw lost ?? err;
  } finally {
    client.release(broken ?? releaseArg(client));
  }
}
