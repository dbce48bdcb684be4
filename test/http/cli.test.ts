// The `opsbot` CLI and the bot's start-up, as real processes: exit codes, JSON shape, and
// messages without stack traces.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../src/health/types.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const root = path.resolve(import.meta.dirname, '..', '..');
let db: TestDatabase;
let upstream: Server;
let upstreamUrl: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string>, entry = 'bin/opsbot.js'): Promise<Run> {
  const nodeArgs = entry.endsWith('.ts') ? ['--import', 'tsx', entry, ...args] : [entry, ...args];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      nodeArgs,
      { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 99) : 0;
        resolve({ code: typeof code === 'number' ? code : 99, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  // Stand-in for the app host and Supabase (edge function and auth), all healthy.
  upstream = createServer((req, res) => {
    if (req.url === '/functions/v1/ai-chat' && req.method === 'POST') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"reply":"OK"}');
    } else if (req.url === '/auth/v1/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"v2.180.0"}');
    } else {
      res.writeHead(200).end();
    }
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => upstream.close(r));
  await db.drop();
});

const env = (overrides: Record<string, string> = {}) => ({
  DATABASE_URL: db.url,
  APP_URL: `${upstreamUrl}/`,
  SUPABASE_URL: upstreamUrl,
  SUPABASE_ANON_KEY: 'anon-key-for-cli-tests-0123456789',
  ...overrides,
});

const EXIT: Record<string, number> = { ok: 0, warn: 1, critical: 2, unknown: 3 };

describe('opsbot health', () => {
  it('--json prints every component with status, value, threshold and advice; exit code follows the status', async () => {
    const r = await run(['health', '--json'], env());
    const report = JSON.parse(r.stdout) as HealthReport;
    expect(report.components.map((c) => c.component).sort()).toEqual(['auth', 'backups', 'database', 'edge', 'frontend']);
    for (const c of report.components) {
      expect(c.items.length).toBeGreaterThan(0);
      for (const i of c.items) {
        expect(['ok', 'warn', 'critical', 'unknown']).toContain(i.status);
        expect(typeof i.value).toBe('string');
        expect(typeof i.threshold).toBe('string');
        if (i.status !== 'ok') expect(i.advice).toBeTruthy();
      }
    }
    expect(report.components.find((c) => c.component === 'frontend')?.status).toBe('ok');
    expect(report.components.find((c) => c.component === 'edge')?.status).toBe('ok');
    expect(r.code).toBe(EXIT[report.status]);
  });

  it('database on a closed port: critical within the timeout, exit 2, no stack trace', async () => {
    const started = performance.now();
    const r = await run(['health', 'db', '--json'], env({ DATABASE_URL: 'postgres://opsbot:pw@127.0.0.1:1/postgres', HEALTH_CHECK_TIMEOUT_MS: '3000' }));
    const elapsed = performance.now() - started;
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as HealthReport;
    expect(report.components).toHaveLength(1);
    expect(report.components[0]).toMatchObject({ component: 'database', status: 'critical' });
    expect(report.components[0]?.durationMs).toBeLessThanOrEqual(3000 + 500);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout + r.stderr).not.toContain(':pw@');
    expect(elapsed).toBeLessThan(30_000);
  });

  it('unreachable app URL: frontend critical, the other components still reported', async () => {
    const r = await run(['health', '--json'], env({ APP_URL: 'http://127.0.0.1:1/' }));
    const report = JSON.parse(r.stdout) as HealthReport;
    expect(report.status).toBe('critical');
    expect(r.code).toBe(2);
    const frontend = report.components.find((c) => c.component === 'frontend');
    expect(frontend?.status).toBe('critical');
    expect(frontend?.items[0]?.value).toMatch(/unreachable/);
    expect(report.components.find((c) => c.component === 'edge')?.status).toBe('ok');
    expect(report.components.find((c) => c.component === 'database')?.items.length).toBeGreaterThan(3);
  });

  it('plain text output, one line per item', async () => {
    const r = await run(['health', 'edge'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^AutoRepAi health: OK/);
    expect(r.stdout).toContain('[OK] Probe: 200, JSON reply');
  });

  it('a bad component: a usage message and exit 3 (unknown)', async () => {
    const r = await run(['health', 'dtabase'], env());
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('opsbot health db');
  });

  it('missing settings: one message naming each, exit 1, no stack trace', async () => {
    const r = await run(['health'], {});
    expect(r.code).toBe(1);
    for (const name of ['DATABASE_URL', 'APP_URL', 'SUPABASE_URL', 'SUPABASE_ANON_KEY']) expect(r.stderr).toContain(name);
    expect(r.stderr).not.toContain('SLACK_BOT_TOKEN');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('opsbot migrate', () => {
  it('reports the state store up to date', async () => {
    const r = await run(['migrate'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/up to date/);
  });
});

describe('bot start-up', () => {
  it('missing settings: one message naming each with what it is for, exit 1, no stack trace', async () => {
    const r = await run([], { APP_URL: 'not a url' }, 'src/main.ts');
    expect(r.code).toBe(1);
    expect(r.stderr.match(/opsbot cannot start/g)).toHaveLength(1);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'DATABASE_URL', 'SUPABASE_URL', 'SUPABASE_ANON_KEY']) {
      expect(r.stderr).toContain(`${name} is missing`);
    }
    expect(r.stderr).toContain('APP_URL must be an http(s):// URL');
    expect(r.stderr).toContain('Bot token');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('state database unreachable: one readable line, exit 1', async () => {
    const r = await run(
      [],
      { ...env({ DATABASE_URL: 'postgres://u:topsecretpw@127.0.0.1:1/postgres' }), SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'signing-secret-x' },
      'src/main.ts',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/opsbot failed to start: Cannot connect to the state database.*connection refused/);
    expect(r.stderr).not.toContain('topsecretpw');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('opsbot lockdown', () => {
  it('status --json prints the state and the preview; exit 0 when none is open', async () => {
    const r = await run(['lockdown', 'status', '--json'], env());
    expect(r.code).toBe(0);
    const status = JSON.parse(r.stdout) as { preview: { open?: unknown; sessions: number; integrationsActive: number } };
    expect(status.preview.open).toBeUndefined();
    expect(typeof status.preview.sessions).toBe('number');
  });

  it('start and lift are refused here: they need an approval in Slack', async () => {
    const r = await run(['lockdown', 'start', 'leak'], env());
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/only run from Slack \(\/lockdown start <reason>\)/);
  });
});

describe('opsbot audit', () => {
  it('--json lists the newest audit rows with their details; bad n is a usage error', async () => {
    await db.pool.query(`INSERT INTO opsbot.audit_log (actor, action, target, outcome, detail) VALUES ('U0REQ', 'playbook.finished', 'clear-test-data', 'succeeded', '{"rowsAffected": 4}')`);
    const r = await run(['audit', '5', '--json'], env());
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { action: string; target: string; detail: { rowsAffected: number } }[];
    expect(rows[0]).toMatchObject({ action: 'playbook.finished', target: 'clear-test-data', detail: { rowsAffected: 4 } });
    const text = await run(['audit'], env());
    expect(text.stdout).toMatch(/playbook\.finished\s+clear-test-data\s+succeeded rows=4/);
    expect((await run(['audit', 'many'], env())).code).toBe(3);
  });
});
