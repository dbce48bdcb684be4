// /backup against `pg_dump -Fc > file` on the same database in the same run, at ~100 MB and
// ~1 GB: wall time ratio (target ≤ 1.1: the stream through Node, the SHA-256, the per-table
// counts and checksums in the dump's snapshot and the pg_restore --list check must cost almost
// nothing) and the bot's peak memory (target < 150 MB and not growing with the database: the
// dump is streamed, never held). Each bot run is a fresh Node process, so its peak RSS is its own.
import { spawn } from 'node:child_process';
import { createWriteStream, rmSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import pino from 'pino';
import { createBackupService } from '../src/backup/service.js';
import { parseBackupSettings } from '../src/backup/settings.js';
import { systemClock } from '../src/core/clock.js';
import { createStateStore } from '../src/state/store.js';
import { benchDatabaseUrl } from './_db.js';
import { fixtureSql } from '../test/support/fixture-sql.js';

const SIZES = [
  { label: '100 MB', db: 'opsbot_bench_backup_100mb', bytes: 100 * 1024 ** 2 },
  { label: '1 GB', db: 'opsbot_bench_backup_1gb', bytes: 1024 ** 3 },
];
const ROUNDS = 2;

interface ChildResult {
  ms: number;
  bytes: number;
  state: string;
  error: string | null;
  tables: number;
  baselineRssMb: number;
  peakRssMb: number;
  peakHeapMb: number;
}

/** Fills the database to about `bytes` with dealership-like rows (kept between runs). */
async function ensureData(url: string, bytes: number): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const size = async () => Number((await c.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n')).rows[0]!.n);
    const now = await size();
    if (now >= bytes * 0.9) return now;
    const { rows } = await c.query(`SELECT to_regclass('public.interactions') AS t`);
    if (!rows[0]?.t) await c.query(fixtureSql('supabase'));
    await c.query('TRUNCATE public.interactions, public.quotes, public.leads, public.integrations CASCADE');
    await c.query('DELETE FROM public.organizations');
    const org = (await c.query<{ id: string }>(`INSERT INTO public.organizations (name) VALUES ('Bench Motors') RETURNING id`)).rows[0]!.id;
    await c.query(`INSERT INTO public.leads (organization_id, first_name, email) SELECT $1, 'Lead ' || g, 'lead' || g || '@example.com' FROM generate_series(1, 50000) g`, [org]);
    const t = performance.now();
    // ~150 bytes per row on disk; insert in slices so the WAL stays manageable.
    const rowsNeeded = Math.ceil(bytes / 200);
    for (let done = 0; done < rowsNeeded; done += 1_000_000) {
      await c.query(
        `INSERT INTO public.interactions (organization_id, channel, content, created_at)
         SELECT $1, (ARRAY['chat','sms','email','call'])[1 + g % 4],
                'customer ' || g || ' asked about ' || (ARRAY['trade-in value','financing','a test drive','the warranty'])[1 + g % 4] || ' ' || md5(g::text) || md5((g * 7)::text),
                now() - (g || ' seconds')::interval
         FROM generate_series($2::bigint, $3::bigint) g`,
        [org, done + 1, Math.min(rowsNeeded, done + 1_000_000)],
      );
    }
    await c.query('VACUUM ANALYZE');
    const n = await size();
    console.log(`  setup: ${(n / 1024 ** 2).toFixed(0)} MB database in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    return n;
  } finally {
    await c.end();
  }
}

/** `pg_dump -Fc > file`, the baseline. */
async function direct(url: string, file: string): Promise<{ ms: number; bytes: number }> {
  const out = createWriteStream(file);
  await new Promise((r) => out.once('open', r));
  const t = performance.now();
  const child = spawn('pg_dump', ['-Fc', `--dbname=${url}`], { stdio: ['ignore', out, 'inherit'] });
  const code = await new Promise<number | null>((r) => child.once('close', r));
  const ms = performance.now() - t;
  out.close();
  if (code !== 0) throw new Error(`pg_dump exited with ${code}`);
  return { ms, bytes: statSync(file).size };
}

/** One bot backup in a fresh Node process. */
async function bot(url: string, dir: string): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', self, '--child', url, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (s: string) => (out += s));
  const code = await new Promise<number | null>((r) => child.once('close', r));
  if (code !== 0) throw new Error(`bench child exited with ${code}: ${out}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult;
}

/** Child mode: build the service as the bot does, take one backup, report time and memory. */
async function childMain(url: string, dir: string): Promise<void> {
  const logger = pino({ level: 'silent' });
  const state = createStateStore({ url, logger, connectTimeoutMs: 5000 });
  await state.migrate();
  const settings = parseBackupSettings(
    // Retention off in effect: keep everything the bench writes until it deletes the folder.
    { BACKUP_LOCAL_DIR: dir, BACKUP_KEEP_DAILY: '366' },
    { databaseUrl: url, supabaseUrl: undefined, serviceRoleKey: undefined },
  );
  const svc = createBackupService({ settings, state, clock: systemClock, logger, timezone: 'UTC', searchPath: process.env.PATH });
  const mb = (n: number) => Math.round((n / 1024 ** 2) * 10) / 10;
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peakRss = baseline;
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 25);
  const t = performance.now();
  const e = await svc.backupNow({ actor: 'bench' });
  const ms = performance.now() - t;
  clearInterval(sampler);
  await state.close();
  const result: ChildResult = {
    ms,
    bytes: e.sizeBytes ?? 0,
    state: e.state,
    error: e.error,
    tables: e.tableCount ?? 0,
    baselineRssMb: mb(baseline),
    peakRssMb: mb(Math.max(peakRss, process.resourceUsage().maxRSS * 1024)),
    peakHeapMb: mb(peakHeap),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export default async function bench(): Promise<void> {
  const rows: string[] = [];
  for (const size of SIZES) {
    const url = await benchDatabaseUrl(size.db);
    const dbBytes = await ensureData(url, size.bytes);
    const dir = await mkdtemp(path.join(tmpdir(), 'opsbot-bench-backup-'));
    try {
      const directMs: number[] = [];
      const botRuns: ChildResult[] = [];
      let directBytes = 0;
      // Alternate, so page cache and background load favour neither side.
      for (let i = 0; i < ROUNDS; i++) {
        const d = await direct(url, path.join(dir, `direct-${i}.dump`));
        directMs.push(d.ms);
        directBytes = d.bytes;
        rmSync(path.join(dir, `direct-${i}.dump`));
        const b = await bot(url, dir);
        if (b.state !== 'succeeded') throw new Error(`bot backup failed: ${b.error}`);
        botRuns.push(b);
      }
      const best = (xs: number[]) => Math.min(...xs);
      const botBest = best(botRuns.map((b) => b.ms));
      const peak = Math.max(...botRuns.map((b) => b.peakRssMb));
      const line = `${size.label} (${(dbBytes / 1024 ** 2).toFixed(0)} MB db, dump ${(directBytes / 1024 ** 2).toFixed(0)} MB): pg_dump -Fc > file ${(best(directMs) / 1000).toFixed(1)} s, bot ${(botBest / 1000).toFixed(1)} s, ratio ${(botBest / best(directMs)).toFixed(2)} (runs: direct ${directMs.map((m) => (m / 1000).toFixed(1)).join('/')} s, bot ${botRuns.map((b) => (b.ms / 1000).toFixed(1)).join('/')} s); bot peak RSS ${peak} MB (baseline ${botRuns[0]!.baselineRssMb} MB, peak heap ${Math.max(...botRuns.map((b) => b.peakHeapMb))} MB), ${botRuns[0]!.tables} tables counted and checksummed`;
      console.log(line);
      rows.push(line);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log('targets: ratio ≤ 1.1; peak memory < 150 MB and the same at 100 MB and 1 GB');
}

if (process.argv[2] === '--child' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await childMain(process.argv[3]!, process.argv[4]!);
}
