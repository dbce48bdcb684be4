// Where the local workspace's databases are: the embedded Postgres (started, and seeded once)
// when no DATABASE_URL is set, or the databases the environment names, used as they are.
import pg from 'pg';
import type { Logger } from '../../core/log.js';
import { fillSql, sql } from '../../core/sql.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded.js';
import { databaseUrl, ensureLocalDatabases, resetLocalDatabases, TARGET_DATABASE } from '../db/seed.js';

export interface ResolvedDatabases {
  /** Superuser URL of the server's maintenance database (drills, reset). */
  serverUrl: string;
  targetUrl: string;
  stateUrl: string;
  adminUrl: string;
  targetDatabase: string;
  /** Set when the workspace runs its own embedded server (and may reseed it). */
  embedded?: EmbeddedPostgres;
  /** Milliseconds spent starting Postgres and seeding, for the start-up report. */
  timings: { postgresMs?: number; seedMs?: number; initdb?: boolean };
}

export interface DatabaseOptions {
  env: Record<string, string | undefined>;
  dir: string;
  logger: Logger;
  /** Monotonic milliseconds, for the timings. */
  now: () => number;
}

/** A database left refusing connections by a database-outage drill that never reset (the process died). */
async function allowConnections(serverUrl: string, database: string, logger: Logger): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl, application_name: 'opsbot-local/start' });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.query(fillSql(sql('local/drills/allow-connections'), { database: pg.escapeIdentifier(database) }));
  } catch (err) {
    logger.debug({ err }, 'could not make sure the target accepts connections');
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function resolveDatabases(o: DatabaseOptions): Promise<ResolvedDatabases> {
  const given = o.env.DATABASE_URL?.trim();
  if (given) {
    const name = decodeURIComponent(new URL(given).pathname.slice(1)) || 'postgres';
    const serverUrl = databaseUrl(given, 'postgres');
    await allowConnections(serverUrl, name, o.logger);
    return {
      serverUrl,
      targetUrl: given,
      stateUrl: o.env.STATE_DATABASE_URL?.trim() || given,
      adminUrl: o.env.DATABASE_ADMIN_URL?.trim() || given,
      targetDatabase: name,
      timings: {},
    };
  }
  const t0 = o.now();
  const embedded = await startEmbeddedPostgres({ dir: o.dir, logger: o.logger });
  const postgresMs = Math.round(o.now() - t0);
  try {
    await allowConnections(embedded.serverUrl, TARGET_DATABASE, o.logger);
    const seed = await ensureLocalDatabases(embedded.serverUrl, o.now);
    return {
      serverUrl: embedded.serverUrl,
      targetUrl: seed.targetUrl,
      stateUrl: seed.stateUrl,
      adminUrl: seed.targetUrl,
      targetDatabase: TARGET_DATABASE,
      embedded,
      timings: { postgresMs, initdb: embedded.initialised, ...(seed.ms !== undefined ? { seedMs: seed.ms } : {}) },
    };
  } catch (err) {
    await embedded.stop().catch(() => undefined);
    throw err;
  }
}

/** Reseeds the embedded databases; refused for databases the environment named (they are not ours to drop). */
export async function reseed(d: ResolvedDatabases, now: () => number): Promise<{ ms: number }> {
  if (!d.embedded) throw new Error('The local workspace uses DATABASE_URL, which it does not own: reset reseeds only its embedded database.');
  const r = await resetLocalDatabases(d.serverUrl, now);
  return { ms: r.ms ?? 0 };
}
