// The real bot as a child process (the compiled dist/src/main.js, HTTP mode), for tests that
// need a real process to survive real faults, plus a local HTTP server that stands in for
// everything outside it: Slack's Web API (auth.test, chat.postMessage, chat.update,
// usergroups.users.list, views.open), response_url, the front end and Supabase.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One request the bot made to the outside. */
export interface OutsideCall {
  method: string;
  path: string;
  /** Form or JSON body, parsed. */
  body: Record<string, unknown>;
  raw: string;
}

export interface FakeOutside {
  /** http://127.0.0.1:port */
  url: string;
  calls: OutsideCall[];
  /** Resolves with the first call (past or future) matching `pred`. */
  waitFor(pred: (c: OutsideCall) => boolean, timeoutMs?: number, what?: string): Promise<OutsideCall>;
  close(): Promise<void>;
}

/** Members of the test user groups. */
const GROUPS: Record<string, string[]> = { S0ONCALL: ['U0ONCALL', 'U0LEAD'], S0APPROVERS: ['U0APPROVER', 'U0LEAD'] };

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parse(raw: string, type: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (type?.includes('json')) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

export async function startFakeOutside(): Promise<FakeOutside> {
  const calls: OutsideCall[] = [];
  const waiters: { pred: (c: OutsideCall) => boolean; resolve: (c: OutsideCall) => void }[] = [];
  let ts = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://x');
      const call: OutsideCall = { method: req.method ?? 'GET', path: url.pathname, body: parse(raw, req.headers['content-type']), raw };
      calls.push(call);
      for (const w of [...waiters]) {
        if (w.pred(call)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(call);
        }
      }
      const json = (body: unknown, status = 200) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const channel = typeof call.body.channel === 'string' ? call.body.channel : 'C0OPS';
      switch (call.path) {
        case '/api/auth.test':
          return json({ ok: true, user_id: 'U0BOT', bot_id: 'B0TEST', team_id: 'T1', user: 'opsbot', team: 'Test' });
        case '/api/chat.postMessage':
          return json({ ok: true, channel, ts: `1700000000.${String(++ts).padStart(6, '0')}`, message: {} });
        case '/api/chat.update':
          return json({ ok: true, channel, ts: call.body.ts });
        case '/api/usergroups.users.list':
          return json({ ok: true, users: GROUPS[String(call.body.usergroup)] ?? [] });
        case '/api/views.open':
          return json({ ok: true, view: { id: 'V1' } });
        case '/functions/v1/ai-chat':
          return json({ reply: 'OK' });
        case '/auth/v1/health':
          return json({ version: 'v2.180.0', name: 'GoTrue' });
        default:
          if (call.path.startsWith('/api/')) return json({ ok: true });
          // response_url posts, the front end (HEAD /app/) and anything else: a plain 200.
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      }
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    waitFor(pred, timeoutMs = 15_000, what = 'a matching call') {
      const past = calls.find(pred);
      if (past) return Promise.resolve(past);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the bot made no ${what} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          pred,
          resolve: (c) => {
            clearTimeout(timer);
            resolve(c);
          },
        });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface BotProcess {
  child: ChildProcess;
  /** http://127.0.0.1:port of the bot's receiver. */
  baseUrl: string;
  /** Every stdout and stderr line so far. */
  output: string[];
  /** True while the process runs (the pid exists and it has not exited). */
  alive(): boolean;
  /** SIGTERM, then SIGKILL after a grace period; safe to call twice. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const running = new Set<ChildProcess>();
// Whatever happens to the test worker, no bot is left behind.
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/** Starts the bot with `env` (plus PATH and PORT) and waits until it says it started. */
export async function startBotProcess(env: Record<string, string>, startTimeoutMs = 60_000): Promise<BotProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? ROOT, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const output: string[] = [];
  let started: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      output.push(line);
      if (line.includes('"opsbot started"')) started();
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = once(child, 'exit').then(() => {
    running.delete(child);
  });
  const alive = () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return false;
    try {
      process.kill(child.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const stop = async () => {
    if (!alive()) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      exited.then(() => Promise.reject(new Error(`the bot exited during start:\n${output.join('\n')}`))),
      new Promise((_r, reject) => (timer = setTimeout(() => reject(new Error(`the bot did not start within ${startTimeoutMs} ms:\n${output.join('\n')}`)), startTimeoutMs))),
    ]);
  } catch (err) {
    await stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return { child, baseUrl: `http://127.0.0.1:${port}`, output, alive, stop };
}
