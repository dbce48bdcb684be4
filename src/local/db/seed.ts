// The two databases of the local workspace on one Postgres server: the state store
// (`opsbot_state`, migrated by the bot itself at start) and the target (`autorepai`), created
// when missing and seeded once with AutoRepAi-shaped data (Supabase's roles and auth tables from
// sql/local/supabase/, sql/local/schema.sql, then seed-data.sql, in one transaction ending with a marker row, so a cut seed leaves no marker
// and is redone whole). `reset` drops the target and seeds it again; the state store (the
// bot's audit log and history) is kept, as the bot may be running on it.
import pg from 'pg';
import { fillSql, sql } from '../../core/sql.js';

export const TARGET_DATABASE = 'autorepai';
export const STATE_DATABASE = 'opsbot_state';

export interface LocalDatabases {
  /** DATABASE_URL of the bot: the seeded target. */
  targetUrl: string;
  /** STATE_DATABASE_URL of the bot. */
  stateUrl: string;
}

export interface SeedResult extends LocalDatabases {
  /** Whether this call seeded the target (false when the marker was already there). */
  seeded: boolean;
  /** Time the seed took, when it ran. */
  ms?: number;
}

/** The URL of another database on the same server. */
export function databaseUrl(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'opsbot-local/seed' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(admin: pg.Client, name: string): Promise<boolean> {
  const { rows } = await admin.query<{ exists: boolean }>(sql('local/database-exists'), [name]);
  if (rows[0]?.exists) return false;
  try {
    await admin.query(fillSql(sql('local/create-database'), { database: pg.escapeIdentifier(name) }));
  } catch (err) {
    // Another start created it in between: that is what we wanted.
    if ((err as { code?: string }).code !== '42P04') throw err;
  }
  return true;
}

/** Whether the target holds a completed seed. */
export async function isSeeded(targetUrl: string): Promise<boolean> {
  return withClient(targetUrl, async (c) => {
    try {
      const { rows } = await c.query(sql('local/seed-marker'));
      return rows.length > 0;
    } catch (err) {
      if ((err as { code?: string }).code === '42P01' || (err as { code?: string }).code === '3F000') return false;
      throw err;
    }
  });
}

/**
 * Creates the two databases when missing and seeds the target unless its marker is there.
 * `now` measures the seed (the injected clock's monotonic time).
 */
export async function ensureLocalDatabases(serverUrl: string, now: () => number, names = { target: TARGET_DATABASE, state: STATE_DATABASE }): Promise<SeedResult> {
  await withClient(serverUrl, async (admin) => {
    await ensureDatabase(admin, names.state);
    await ensureDatabase(admin, names.target);
  });
  const targetUrl = databaseUrl(serverUrl, names.target);
  const stateUrl = databaseUrl(serverUrl, names.state);
  if (await isSeeded(targetUrl)) return { targetUrl, stateUrl, seeded: false };
  const started = now();
  await withClient(targetUrl, async (c) => {
    // A database left half-made by an older, interrupted start has no marker: start it over.
    const { rows } = await c.query<{ n: string }>(sql('local/user-tables'));
    if (Number(rows[0]?.n ?? 0) > 0) throw new Error(`The database ${names.target} has tables but no seed marker; run \`opsbot local reset\` to start it over.`);
    // One simple-protocol query: the schema and the data go in as one implicit transaction.
    // Supabase's roles and auth tables first: one definition with the test databases' fixtures.
    await c.query([sql('local/supabase/platform-roles'), sql('local/supabase/gotrue-schema'), sql('local/schema'), sql('local/seed-data')].join(';\n'));
  });
  return { targetUrl, stateUrl, seeded: true, ms: Math.round(now() - started) };
}

/** Drops the target (ending its sessions) and seeds it again; creates the state store if missing. */
export async function resetLocalDatabases(serverUrl: string, now: () => number, names = { target: TARGET_DATABASE, state: STATE_DATABASE }): Promise<SeedResult> {
  await withClient(serverUrl, (admin) => admin.query(fillSql(sql('local/drop-database'), { database: pg.escapeIdentifier(names.target) })));
  return ensureLocalDatabases(serverUrl, now, names);
}
