// The local workspace as a newcomer starts it: `node dist/src/main.js` (what `npm start` runs)
// with an empty environment but for PATH, HOME, the workspace folder and PORT=0 (a free port,
// since other tests run beside this one). The first start initialises the embedded Postgres and
// seeds the AutoRepAi-shaped target; a second start runs neither (so it is faster; the times are
// printed) and leaves the data as it is; `opsbot local reset` (bin/opsbot.js) reseeds, through
// the running workspace and with none running. Every process is stopped and the folder removed at
// the end.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
let base: string;
let dir: string;
let env: Record<string, string>;
const children: ChildProcess[] = [];

interface Started {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn() to the page's first GET / 200. */
  ms: number;
  /** The `local workspace ready` log line's timings. */
  timings: { postgresMs?: number; seedMs?: number; initdb?: boolean; totalMs?: number };
  output: () => string;
}

/** Starts the workspace and waits for its URL line, then for GET / to answer 200. */
async function startWorkspace(): Promise<Started> {
  const t0 = performance.now();
  // cwd is the temp folder, so no ./.env of a developer's checkout can leak into the empty environment.
  const child = spawn(process.execPath, [path.join(root, 'dist/src/main.js')], { cwd: base, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL line within 90 s:\n${out.slice(-3000)}`)), 90_000);
    const look = () => {
      const m = /^AutoRepAi Ops Bot local workspace: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the workspace exited (${String(code)}) during start:\n${out.slice(-3000)}`));
    });
  });
  for (;;) {
    const res = await fetch(`${url}/`).catch(() => undefined);
    if (res?.status === 200) {
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toContain('<title>AutoRepAi Ops — local Slack</title>');
      break;
    }
    if (performance.now() - t0 > 90_000) throw new Error(`GET / never answered 200:\n${out.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - t0;
  const ready = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg?: string; timings?: Started['timings'] })
    .find((l) => l.msg === 'local workspace ready');
  expect(ready?.timings).toBeDefined();
  return { child, url, ms, timings: ready!.timings!, output: () => out };
}

/** SIGINT, as Ctrl-C in the terminal; the workspace stops its Postgres and exits 0. */
async function stop(s: Started): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = once(s.child, 'exit');
  s.child.kill('SIGINT');
  const [code] = (await exited) as [number | null];
  expect(code, s.output().slice(-2000)).toBe(0);
}

/** `opsbot local reset` as typed, with the same environment. */
function reset(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin/opsbot.js'), 'local', 'reset'], { cwd: base, env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: number }).code : 0;
      resolve({ code: typeof code === 'number' ? code : 99, stdout, stderr });
    });
  });
}

/** The embedded server while it runs: its port from postmaster.pid, the password kept beside the data. */
async function target(): Promise<pg.Client> {
  const port = Number((await readFile(path.join(dir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[3]);
  const password = (await readFile(path.join(dir, 'pg-password'), 'utf8')).trim();
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'autorepai' });
  await c.connect();
  return c;
}

async function count(c: pg.Client, q: string): Promise<number> {
  return Number((await c.query<{ n: string }>(q)).rows[0]!.n);
}

const TEST_LEADS = `SELECT count(*) AS n FROM public.leads WHERE email LIKE '%@test.com'`;
/** A table no seed makes: the change a reseed (which drops the target) would undo. */
const MARK = 'public.left_by_the_test';
const marked = async (c: pg.Client) => (await c.query<{ t: string | null }>(`SELECT to_regclass('${MARK}') AS t`)).rows[0]!.t !== null;

/** Whether the embedded postmaster (by the pid in its pid file) is still alive. */
async function postmasterAlive(): Promise<number | undefined> {
  const file = path.join(dir, 'pg', 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number((await readFile(file, 'utf8')).split('\n')[0]);
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'opsbot-local-embedded-'));
  // Run as root, initdb and postgres run as the postgres user, who must be able to enter the folder.
  await chmod(base, 0o755);
  dir = path.join(base, 'local');
  env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? base, OPSBOT_LOCAL_DIR: dir, PORT: '0' };
});

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      const exited = once(c, 'exit');
      c.kill('SIGINT');
      const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  }
  // A workspace killed hard leaves its Postgres: stop that one postmaster (fast shutdown).
  const left = base ? await postmasterAlive().catch(() => undefined) : undefined;
  if (left) {
    process.kill(left, 'SIGINT');
    for (let i = 0; i < 200 && (await postmasterAlive()); i++) await new Promise((r) => setTimeout(r, 50));
  }
  if (base) await rm(base, { recursive: true, force: true });
  expect(base && existsSync(base)).toBe(false);
}, 30_000);

describe('npm start with an empty environment: the local workspace on the embedded Postgres', () => {
  it('first start initialises and seeds; a later start skips both and keeps the data; opsbot local reset reseeds', { timeout: 150_000 }, async () => {
    // First start: initdb, the databases created, the target seeded.
    const first = await startWorkspace();
    console.log(`local workspace first start (initdb + seed): ${first.ms.toFixed(0)} ms to GET / 200; timings ${JSON.stringify(first.timings)}`);
    expect(first.timings).toMatchObject({ initdb: true, seedMs: expect.any(Number) });
    expect(existsSync(path.join(dir, 'pg', 'PG_VERSION'))).toBe(true);
    expect(JSON.parse(await readFile(path.join(dir, 'runtime.json'), 'utf8'))).toMatchObject({ url: first.url, pid: first.child.pid });
    const status = (await (await fetch(`${first.url}/local/status`)).json()) as { database?: string };
    expect(status.database).toBe('embedded');
    let db = await target();
    try {
      expect(await count(db, 'SELECT count(*) AS n FROM public.organizations')).toBe(12);
      expect(await count(db, 'SELECT count(*) AS n FROM public.dealerships')).toBe(48);
      expect(await count(db, 'SELECT count(*) AS n FROM public.leads')).toBe(30_000);
      expect(await count(db, TEST_LEADS)).toBeGreaterThan(500);
      expect(await count(db, `SELECT count(*) AS n FROM public.interactions WHERE created_at < now() - interval '90 days'`)).toBe(20_000);
      expect(await count(db, 'SELECT count(*) AS n FROM auth.users')).toBe(2400);
      expect(await count(db, 'SELECT count(*) AS n FROM auth.sessions')).toBe(3000);
      expect(await count(db, 'SELECT count(*) AS n FROM auth.audit_log_entries')).toBe(20_000);
      expect(await count(db, `SELECT count(*) AS n FROM pg_extension WHERE extname = 'pg_stat_statements'`)).toBe(1);
      expect((await db.query<{ v: string }>(`SELECT current_setting('listen_addresses') AS v`)).rows[0]!.v).toBe('127.0.0.1');
      await db.query(`CREATE TABLE ${MARK} (id int)`);
    } finally {
      await db.end();
    }
    await stop(first);
    expect(await postmasterAlive()).toBeUndefined();
    expect(existsSync(path.join(dir, 'runtime.json'))).toBe(false);

    // Second start: no initdb, no seed, the table still there.
    const second = await startWorkspace();
    console.log(`local workspace later start: ${second.ms.toFixed(0)} ms to GET / 200; timings ${JSON.stringify(second.timings)}`);
    // Faster because it skips initdb and the seed (the times are printed; tests assert no wall-clock speed, bench/local-start measures it).
    expect(second.timings.initdb).toBe(false);
    expect(second.timings.seedMs).toBeUndefined();
    db = await target();
    try {
      expect(await marked(db)).toBe(true);
    } finally {
      await db.end();
    }

    // opsbot local reset while it runs: the workspace reseeds its own target.
    const live = await reset();
    expect(live, live.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Reseeded the local workspace's target database in \d+ ms \(drills were reset first\)\.\n$/) });
    db = await target();
    try {
      expect(await marked(db)).toBe(false);
      expect(await count(db, TEST_LEADS)).toBeGreaterThan(500);
      expect(await count(db, 'SELECT count(*) AS n FROM public.leads')).toBe(30_000);
      await db.query(`CREATE TABLE ${MARK} (id int)`);
    } finally {
      await db.end();
    }
    // The page still answers after the reset.
    expect((await fetch(`${second.url}/`)).status).toBe(200);
    await stop(second);
    expect(await postmasterAlive()).toBeUndefined();

    // opsbot local reset with nothing running: it starts the embedded Postgres itself, reseeds and stops it.
    const offline = await reset();
    expect(offline, offline.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Reseeded the local workspace's target database in \d+ ms\.\n$/) });
    expect(await postmasterAlive()).toBeUndefined();
    const third = await startWorkspace();
    console.log(`local workspace start after an offline reset: ${third.ms.toFixed(0)} ms to GET / 200; timings ${JSON.stringify(third.timings)}`);
    expect(third.timings).toMatchObject({ initdb: false });
    expect(third.timings.seedMs).toBeUndefined();
    db = await target();
    try {
      expect(await marked(db)).toBe(false);
      expect(await count(db, 'SELECT count(*) AS n FROM public.organizations')).toBe(12);
    } finally {
      await db.end();
    }
    await stop(third);
    expect(await postmasterAlive()).toBeUndefined();
  });
});
