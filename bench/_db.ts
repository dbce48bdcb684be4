// A database for benchmarks: TEST_DATABASE_URL's server or the local one, database opsbot_bench.
import pg from 'pg';

export async function benchDatabaseUrl(name = 'opsbot_bench'): Promise<string> {
  const server = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.toString();
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Admin connection to the server of `url` (its postgres database). */
function serverUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

/**
 * An identical copy of the database at `url` (CREATE DATABASE … TEMPLATE: same rows, same
 * physical layout, same statistics), named `copy`, replaced if it exists. Nobody may be
 * connected to the source while it is copied. Returns the copy's URL.
 */
export async function copyDatabase(url: string, copy: string): Promise<string> {
  const source = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: serverUrl(url) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(copy)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(copy)} TEMPLATE ${pg.escapeIdentifier(source)}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${copy}`;
  return u.toString();
}

export async function dropDatabase(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl(url) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(new URL(url).pathname.slice(1))} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export interface LockSampler {
  /** Stops sampling; the longest time any one transaction held a write lock on the table (ms). */
  stop(): Promise<{ longestMs: number; transactions: number; samples: number }>;
}

/**
 * Watches, from its own connection, every transaction that holds a write lock (RowExclusiveLock
 * or stronger) on `relation`: every `everyMs` it reads each holder's transaction start from
 * pg_stat_activity. The longest such transaction is how long a writer touching one of its rows
 * could have had to wait. The same sampler measures our playbook and the naive statement, so
 * the two figures are comparable (both are lower bounds, accurate to about `everyMs`).
 */
export async function sampleLocks(url: string, relation: string, everyMs = 10): Promise<LockSampler> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const held = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await c.query<{ xact: string; ms: number }>(
        `SELECT a.pid || ':' || a.xact_start AS xact, extract(epoch FROM clock_timestamp() - a.xact_start) * 1000 AS ms
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'relation' AND l.relation = to_regclass($1) AND l.granted
           AND l.mode IN ('RowExclusiveLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')
           AND a.pid <> pg_backend_pid() AND a.xact_start IS NOT NULL`,
        [relation],
      );
      samples++;
      for (const r of rows) held.set(r.xact, Math.max(held.get(r.xact) ?? 0, Number(r.ms)));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await c.end();
      return { longestMs: Math.max(0, ...held.values()), transactions: held.size, samples };
    },
  };
}
