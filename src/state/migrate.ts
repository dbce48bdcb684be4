// Forward-only migrations of the bot's state schema (opsbot). Files sql/migrations/NNN_name.sql
// are applied in order, each in its own transaction, and recorded with a checksum; an applied
// file that was edited afterwards stops the start rather than drifting silently. An advisory
// lock serialises replicas starting at the same time; a start with nothing to apply reads the
// record once and takes no lock.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { SQL_DIR } from '../core/sql.js';
import { OpsError } from '../core/errors.js';
import { isConnectionLost } from '../db/connection-lost.js';

export interface Migration {
  version: number;
  name: string;
  text: string;
  checksum: string;
}

/** Arbitrary constant: the advisory lock key taken while migrating. */
const MIGRATION_LOCK_KEY = 7_346_221_001;

export function listMigrations(dir = path.join(SQL_DIR, 'migrations')): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const out: Migration[] = [];
  for (const file of files) {
    const m = /^(\d{3,})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new Error(`migration file name must look like 001_name.sql: ${file}`);
    const text = readFileSync(path.join(dir, file), 'utf8');
    out.push({ version: Number(m[1]), name: m[2]!, text, checksum: createHash('sha256').update(text).digest('hex') });
  }
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.version === out[i - 1]!.version) throw new Error(`two migrations share version ${out[i]!.version}`);
  }
  return out;
}

export interface MigrateResult {
  applied: Migration[];
  alreadyApplied: number;
}

/**
 * Whether exactly `migrations` are recorded, each with its checksum: one read and no lock, which
 * is every start but the first after an upgrade. Anything else (no table yet, a migration to
 * apply, an edited or unknown one) is left to the locked path, which applies or refuses it.
 */
async function upToDate(client: pg.ClientBase, migrations: readonly Migration[]): Promise<boolean> {
  let rows: { version: number; checksum: string }[];
  try {
    ({ rows } = await client.query<{ version: number; checksum: string }>('SELECT version, checksum FROM opsbot.schema_migrations'));
  } catch (err) {
    if (isConnectionLost(err)) throw err;
    return false;
  }
  const recorded = new Map(rows.map((r) => [r.version, r.checksum]));
  return rows.length === migrations.length && migrations.every((m) => recorded.get(m.version) === m.checksum);
}

/** Applies pending migrations on `client` (a dedicated connection). */
export async function migrate(client: pg.ClientBase, migrations = listMigrations()): Promise<MigrateResult> {
  if (await upToDate(client, migrations)) return { applied: [], alreadyApplied: migrations.length };
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await client.query('CREATE SCHEMA IF NOT EXISTS opsbot');
    await client.query(`CREATE TABLE IF NOT EXISTS opsbot.schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM opsbot.schema_migrations ORDER BY version',
    );
    const done = new Map(rows.map((r) => [r.version, r]));
    for (const m of migrations) {
      const prior = done.get(m.version);
      if (prior && prior.checksum !== m.checksum) {
        throw new OpsError(
          'conflict',
          `Migration ${m.version}_${m.name} was changed after it was applied. Migrations are forward-only: restore the file and add a new migration instead.`,
        );
      }
    }
    const known = new Set(migrations.map((m) => m.version));
    const unknown = rows.filter((r) => !known.has(r.version));
    if (unknown.length > 0) {
      throw new OpsError(
        'conflict',
        `The state database has migrations this version does not know (${unknown.map((u) => `${u.version}_${u.name}`).join(', ')}). Run a newer opsbot.`,
      );
    }
    const applied: Migration[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.text);
        await client.query('INSERT INTO opsbot.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          m.checksum,
        ]);
        await client.query('COMMIT');
      } catch (err) {
        // On a lost session the server has rolled back already; say the connection was lost, not
        // that the migration is wrong.
        if (isConnectionLost(err)) throw err;
        await client.query('ROLLBACK');
        throw new OpsError('conflict', `Migration ${m.version}_${m.name} failed and was rolled back: ${(err as Error).message}`, {
          cause: err,
        });
      }
      applied.push(m);
    }
    const result = { applied, alreadyApplied: done.size };
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    return result;
  } catch (err) {
    // Unlock on the way out, but never let a failed unlock (the session may be gone, which frees
    // the lock anyway) hide why migrating failed.
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    throw err;
  }
}
