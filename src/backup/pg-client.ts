// Short-lived dedicated connections for backup work (a snapshot transaction, a scratch
// database, a restore's counts). Never the diagnostics pool: a dump holds its connection for
// minutes and must not starve /health.
import pg from 'pg';
import { describeConnectError } from '../db/target.js';
import { UpstreamError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { sql, type SqlName } from '../core/sql.js';
import { fill, qualified, tableKey, type TableRef } from './sql-fill.js';
import type { ChecksumMethod, TableStat } from './types.js';

/** Connects or throws an UpstreamError that names `what` and says what to check. */
export async function connect(url: string, appName: string, what: string, connectTimeoutMs: number, logger: Logger): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: appName, connectionTimeoutMillis: connectTimeoutMs });
  // A connection dropped while idle must not crash the process; the next query reports it.
  client.on('error', (err) => logger.warn({ err }, 'backup connection error'));
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new UpstreamError(`Cannot connect to ${what}: ${describeConnectError(err)}`, { cause: err });
  }
  return client;
}

/** Runs sql/<name>.sql with parameters. */
export async function run<R extends Record<string, unknown> = Record<string, unknown>>(client: pg.ClientBase, name: SqlName, params: unknown[] = []): Promise<R[]> {
  return (await client.query(sql(name), params)).rows as R[];
}

/**
 * How a row is hashed for the checksum. `record` hashes the column values with each type's own
 * hash function (about three times cheaper than printing the row, and independent of display
 * settings); `text` hashes the row's text, for tables with a column type that has no hash
 * function (json, geometric types, …). The manifest records which one each table used.
 */
export const ROW_HASH: Record<ChecksumMethod, string> = {
  record: 'hash_record_extended(t, 0)',
  text: 'hashtextextended(t::text, 0)',
};

async function statWith(client: pg.ClientBase, t: TableRef, method: ChecksumMethod): Promise<{ n: string; checksum: string }> {
  const { rows } = await client.query<{ n: string; checksum: string }>(fill(sql('backup/db/table-stat'), { table: qualified(t), row_hash: ROW_HASH[method] }));
  return rows[0] ?? { n: '0', checksum: '0' };
}

/**
 * Exact rows and checksum of each table, inside the caller's transaction (after
 * backup/db/stat-settings), hashing each table's rows the way `method` says. With `fallback`
 * (taking a backup), a `record` hash the server cannot do (no hash_record_extended before
 * PG 14, or a type without a hash function) is retried as `text` under a savepoint; without it
 * (verifying), the manifest's method is used as is. Calls `onTable` after each one.
 */
export async function tableStats(
  client: pg.ClientBase,
  tables: (TableRef & { method: ChecksumMethod })[],
  opts: { fallback: boolean; onTable?: (done: number) => void },
): Promise<TableStat[]> {
  const out: TableStat[] = [];
  for (const t of tables) {
    let method = t.method;
    let r: { n: string; checksum: string };
    if (method === 'record' && opts.fallback) {
      await client.query('SAVEPOINT opsbot_stat');
      try {
        r = await statWith(client, t, method);
        await client.query('RELEASE SAVEPOINT opsbot_stat');
      } catch (err) {
        await client.query('ROLLBACK TO SAVEPOINT opsbot_stat');
        if ((err as { code?: string }).code !== '42883') throw err;
        method = 'text';
        r = await statWith(client, t, method);
      }
    } else {
      r = await statWith(client, t, method);
    }
    out.push({ schema: t.schema, name: t.name, rows: Number(r.n), checksum: String(r.checksum), method });
    opts.onTable?.(out.length);
  }
  return out;
}

/** Exact row count of each table and a digest of which row versions it holds (restore previews). */
export async function tableFingerprints(client: pg.ClientBase, tables: TableRef[]): Promise<Map<string, { rows: number; digest: string }>> {
  const out = new Map<string, { rows: number; digest: string }>();
  for (const t of tables) {
    const { rows } = await client.query<{ n: string; digest: string }>(fill(sql('backup/db/table-fingerprint'), { table: qualified(t) }));
    out.set(tableKey(t), { rows: Number(rows[0]?.n ?? 0), digest: String(rows[0]?.digest ?? '0') });
  }
  return out;
}

/** Exact row count of each table (no checksum: previews and reports). */
export async function tableCounts(client: pg.ClientBase, tables: TableRef[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const t of tables) {
    const { rows } = await client.query<{ n: string }>(fill(sql('backup/db/table-count'), { table: qualified(t) }));
    out.set(tableKey(t), Number(rows[0]?.n ?? 0));
  }
  return out;
}
