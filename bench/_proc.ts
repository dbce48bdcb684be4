// Child-process helpers for benches that measure whole processes: the compiled bot, a bare Bolt
// app, the CLI. Both sides of every comparison are started the same way, by the same code, so
// the difference printed is the bot's own.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BENCH_SECRET = 'bench-signing-secret-0123456789';

/** A stand-in for Slack's Web API, response_url, the front end and Supabase; counts what it got. */
export interface FakeOutside {
  url: string;
  /** Number of response_url posts received so far. */
  responses(): number;
  close(): Promise<void>;
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) void _;
}

export async function startFakeOutside(): Promise<FakeOutside> {
  let responses = 0;
  let ts = 0;
  const server: Server = createServer((req, res) => {
    void drain(req).then(() => {
      const p = new URL(req.url ?? '/', 'http://x').pathname;
      const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (p === '/api/auth.test') return json({ ok: true, user_id: 'U0BOT', bot_id: 'B0BENCH', team_id: 'T0BENCH', user: 'opsbot', team: 'Bench' });
      if (p === '/api/chat.postMessage') return json({ ok: true, channel: 'C0BENCH', ts: `1700000000.${String(++ts).padStart(6, '0')}`, message: {} });
      if (p === '/api/usergroups.users.list') return json({ ok: true, users: [] });
      if (p.startsWith('/api/')) return json({ ok: true });
      if (p === '/functions/v1/ai-chat') return json({ reply: 'OK' });
      if (p === '/auth/v1/health') return json({ version: 'v2.180.0', name: 'GoTrue' });
      if (p.startsWith('/response/')) responses++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    responses: () => responses,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * The environment the compiled bot gets: HTTP mode, everything outside pointed at `outside`.
 * OPSBOT_BENCH_PROFILE_DIR=<dir> makes the bot write a CPU profile there when it exits, to find
 * where a figure goes (load it in Chrome DevTools or any .cpuprofile viewer).
 */
export function botEnv(outside: FakeOutside, databaseUrl: string, port: number): Record<string, string> {
  const profile = process.env.OPSBOT_BENCH_PROFILE_DIR;
  return {
    ...(profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profile}` } : {}),
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? ROOT,
    PORT: String(port),
    SLACK_BOT_TOKEN: 'xoxb-bench-token-0123456789',
    SLACK_SIGNING_SECRET: BENCH_SECRET,
    SLACK_API_URL: `${outside.url}/api/`,
    DATABASE_URL: databaseUrl,
    APP_URL: `${outside.url}/app/`,
    SUPABASE_URL: outside.url,
    SUPABASE_ANON_KEY: 'sb_publishable_anon-key-bench-0123456789',
    LOG_LEVEL: 'warn',
  };
}

/**
 * The bot's entry point: the build in dist/, or OPSBOT_BENCH_BOT_MAIN (a path to another build's
 * main.js) to measure a candidate change against the same baseline before making it.
 */
export const BOT_MAIN = process.env.OPSBOT_BENCH_BOT_MAIN ?? 'dist/src/main.js';

/** The bare Bolt app's environment: the same Slack stand-in, the same secret. */
export function bareEnv(outside: FakeOutside, port: number): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? ROOT, PORT: String(port), SLACK_API_URL: `${outside.url}/api/`, SLACK_SIGNING_SECRET: BENCH_SECRET };
}

export interface Server0 {
  child: ChildProcess;
  baseUrl: string;
  /** Milliseconds from spawn() to the first 200 from GET /healthz. */
  readyMs: number;
  /** CPU (user + system) the process had used by then: start-up cost that load does not move. */
  readyCpuMs: number;
  output: string[];
  stop(): Promise<void>;
}

/**
 * Spawns `node <script>` (cwd ROOT) and polls GET /healthz every 5 ms until it answers 200.
 * The clock starts just before spawn(), so process creation, module loading and start-up
 * (for the bot: migrations check, sweep, auth.test, listen) are all counted.
 */
export async function startServer(script: string, env: Record<string, string>, port: number, timeoutMs = 60_000): Promise<Server0> {
  const output: string[] = [];
  const t0 = performance.now();
  const child = spawn(process.execPath, [script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString('utf8')));
  const exited = once(child, 'exit');
  let gone = false;
  void exited.then(() => (gone = true));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (gone) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  for (;;) {
    if (gone) throw new Error(`${script} exited during start:\n${output.join('')}`);
    if (performance.now() - t0 > timeoutMs) {
      await stop();
      throw new Error(`${script} did not answer /healthz within ${timeoutMs} ms:\n${output.join('')}`);
    }
    const ok = await fetch(`${baseUrl}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) {
      const readyMs = performance.now() - t0;
      return { child, baseUrl, readyMs, readyCpuMs: cpuMs(child.pid!), output, stop };
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Resident set size of a live process, from /proc (MB). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** User + system CPU time a live process has used so far (ms; /proc ticks, 10 ms resolution). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

/** Pids of live processes in session `sid` (a child spawned detached leads its own session). */
export function sessionMembers(sid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // Fields after "(comm)": state ppid pgrp session …; comm may contain spaces or parentheses.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (f[0] !== 'Z' && Number(f[3]) === sid) pids.push(Number(name));
  }
  return pids;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One line that says how busy the machine was, since every figure here depends on it. */
export function machineLoad(): string {
  return `node ${process.version}; load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} (1/5/15 min)`;
}
