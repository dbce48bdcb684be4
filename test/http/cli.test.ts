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
  SUPABASE_ANON_KEY: 'sb_publishable_anon-key-for-cli-tests-0123456789',
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
    // Without any Slack setting `npm start` is the local workspace; OPSBOT_MODE=slack asks for the production bot.
    const r = await run([], { APP_URL: 'not a url', OPSBOT_MODE: 'slack' }, 'dist/src/main.js');
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
      'dist/src/main.js',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/opsbot failed to start: Cannot connect to the (state database|bot's state store).*connection refused/);
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

// A command that asks for APP_URL, SUPABASE_URL and SUPABASE_ANON_KEY without using them fails for no reason.
describe('each command asks only for the settings it uses', () => {
  const onlyDb = () => ({ DATABASE_URL: db.url });
  it.each([
    [['health', 'db', '--json']],
    [['health', 'backups', '--json']],
    [['db', 'connections', '--json']],
    [['db', 'locks', '--json']],
    [['slowqueries', '--json']],
    [['backup', 'list', '--json']],
    [['audit', '3', '--json']],
    [['lockdown', 'status', '--json']],
    [['schedule', '--json']],
  ])('`opsbot %s` runs with only DATABASE_URL set', async (args) => {
    const r = await run(args, onlyDb());
    expect(r.stderr).not.toMatch(/is missing|APP_URL|SUPABASE_URL|SUPABASE_ANON_KEY|Configuration is invalid/);
    expect(() => JSON.parse(r.stdout) as unknown).not.toThrow();
    expect(r.code).not.toBe(99);
  });

  it('`opsbot audit` and `opsbot migrate` run with only STATE_DATABASE_URL (the state store is all they use)', async () => {
    const r = await run(['audit', '1', '--json'], { STATE_DATABASE_URL: db.url });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((await run(['migrate'], { STATE_DATABASE_URL: db.url })).stdout).toMatch(/up to date/);
  });

  it('a command still names what it does use: `opsbot db connections` with nothing set asks for DATABASE_URL only', async () => {
    const r = await run(['db', 'connections'], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('DATABASE_URL is missing');
    expect(r.stderr).not.toMatch(/APP_URL|SUPABASE/);
  });

  it('`opsbot health frontend` needs APP_URL, `health edge` the Supabase URL and anon key, but not each other', async () => {
    const frontend = await run(['health', 'frontend'], { DATABASE_URL: db.url });
    expect(frontend.code).toBe(1);
    expect(frontend.stderr).toContain('APP_URL is missing');
    expect(frontend.stderr).not.toContain('SUPABASE');
    const edge = await run(['health', 'edge'], { DATABASE_URL: db.url, APP_URL: 'not checked here' });
    expect(edge.stderr).toContain('SUPABASE_URL is missing');
    expect(edge.stderr).toContain('SUPABASE_ANON_KEY is missing');
  });

  it.each([
    ['SUPABASE_ANON_KEY', 'x', 'must be the project anon key (a JWT or sb_publishable_… key)'],
    ['SUPABASE_ANON_KEY', 'sb_secret_0123456789abcdefghij', 'must be the project anon key (a JWT or sb_publishable_… key); this is an sb_secret_… key'],
    ['DB_POOL_MAX', '9', 'must be a whole number from 1 to 3'],
    ['HEALTH_CHECK_TIMEOUT_MS', 'soon', 'must be a whole number from 100 to 60000'],
    ['LOGS_REDACT_IPS', 'maybe', 'must be true/false, 1/0 or yes/no'],
    ['LOG_LEVEL', 'loud', 'must be one of fatal, error, warn, info, debug, trace, silent'],
  ])('a bad %s=%s names the rule it breaks', async (key, value, rule) => {
    const r = await run(['health', 'db'], { DATABASE_URL: db.url, [key]: value });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${key} ${rule}`);
    expect(r.stderr).not.toMatch(/too (small|big)|expected|Invalid (input|option)/i);
  });
});

// A log line with ESC[H ESC[J must not clear the terminal of whoever reads `opsbot logs`.
describe('no control characters reach the terminal', () => {
  // C0 except tab and newline, DEL, C1 (ESC starts every ANSI / OSC sequence).
  // eslint-disable-next-line no-control-regex
  const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
  const hostile = [
    '2025-01-15T10:00:00Z ERROR payment failed \u001b[H\u001b[J screen cleared',
    '2025-01-15T10:00:01Z ERROR bell \u0007\u0007 and backspaces abc\b\b\b xyz',
    '2025-01-15T10:00:02Z INFO see \u001b]8;;https://evil.example/\u001b\\the docs\u001b]8;;\u001b\\ now',
    '2025-01-15T10:00:03Z WARN title \u001b]0;owned\u0007 colour \u001b[31mred\u001b[0m c1 \u009b2J del \u007f cr\r',
    '2025-01-15T10:00:04Z ERROR payment failed \u001b[H\u001b[J screen cleared',
  ].join('\n');
  let file: string;
  beforeAll(async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    file = path.join(await mkdtemp(path.join(tmpdir(), 'opsbot-cli-')), 'hostile.log');
    await writeFile(file, `${hostile}\n`);
  });

  it.each([[['logs', 'summarize']], [['logs', 'templates']]])('`opsbot %s FILE` prints the lines without their escapes', async (args) => {
    const r = await run([...args, file], {});
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(CONTROL);
    expect(r.stderr).not.toMatch(CONTROL);
    expect(r.stdout).toContain('payment failed');
  });

  it.each([[['logs', 'summarize']], [['logs', 'templates']]])('`opsbot %s FILE --json` stays JSON, with the characters escaped, not raw', async (args) => {
    const r = await run([...args, file, '--json'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(CONTROL);
    expect(() => JSON.parse(r.stdout) as unknown).not.toThrow();
    if (args[1] === 'templates') expect(r.stdout).toContain('\\u001b');
  });

  it('every command writes through the same filter: database values in `opsbot audit`, and error messages', async () => {
    await db.pool.query(
      `INSERT INTO opsbot.audit_log (actor, action, target, outcome, detail) VALUES ('U0X', 'command', $1, 'ok', '{}')`,
      ['/x \u001b]8;;https://evil.example/\u0007link\u001b]8;;\u0007 \u001b[2J\u0008'],
    );
    const text = await run(['audit', '1'], { DATABASE_URL: db.url });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('/x link');
    expect(text.stdout).not.toMatch(CONTROL);
    const json = await run(['audit', '1', '--json'], { DATABASE_URL: db.url });
    expect(json.stdout).not.toMatch(CONTROL);
    expect((JSON.parse(json.stdout) as { target: string }[])[0]?.target).toContain('\u001b[2J');
    const bad = await run(['health', '\u001b[2Jdb'], {});
    // The whole sequence goes, not only its ESC: what is left is what was typed.
    expect(bad.stderr).toContain('component "db"');
    expect(bad.stderr).not.toMatch(CONTROL);
  });
});

// During an active lockdown the /health header must not say OK.
describe('opsbot health during a lockdown', () => {
  it('the first line says LOCKDOWN ACTIVE, and --json carries the alert', async () => {
    await db.pool.query(
      `INSERT INTO opsbot.lockdowns (id, state, reason, channel, started_by, created_at, active_since)
       VALUES (gen_random_uuid(), 'active', 'leaked service key', 'C0WAR', 'U0ONCALL', now(), now())`,
    );
    try {
      const text = await run(['health', 'db'], { DATABASE_URL: db.url });
      expect(text.stdout.split('\n')[0]).toMatch(/^!! LOCKDOWN ACTIVE !! AutoRepAi health: /);
      expect(text.stdout).toContain('leaked service key');
      const json = JSON.parse((await run(['health', 'db', '--json'], { DATABASE_URL: db.url })).stdout) as HealthReport;
      expect(json.alert).toBe('LOCKDOWN ACTIVE');
    } finally {
      await db.pool.query(`UPDATE opsbot.lockdowns SET state = 'lifted', lifted_at = now() WHERE state = 'active'`);
    }
  });
});

// Commands, flags, help and exit codes come from the same declarations as the slash commands.
describe('opsbot dispatch from the declarations', () => {
  it('`opsbot help` lists every terminal subcommand, including ones Slack declares (db migrations)', async () => {
    const r = await run(['help'], {});
    expect(r.code).toBe(0);
    for (const line of ['opsbot health [db|frontend|edge|auth|backups|outage] [--json]', 'opsbot db long [seconds] [--json]', 'opsbot db migrations [--json]', 'opsbot backup verify <id|latest> [--json]', 'opsbot schedule [--json] [--count N]', 'opsbot logs parse <file|-> [--jsonl]', 'opsbot audit [n] [--json]']) {
      expect(r.stdout).toContain(line);
    }
    expect(r.stdout).not.toContain('opsbot backup restore');
  });

  it.each([
    [['db', 'locks', '--frobnicate'], "Unknown option '--frobnicate'"],
    [['health', 'db', '--jsn'], "Unknown option '--jsn'"],
    [['schedule', '--count'], "'--count <value>' argument missing"],
    [['logs', 'parse', 'x.log', '--json'], "Unknown option '--json'"],
    [['audit', '--limit', '3'], "Unknown option '--limit'"],
  ])('`opsbot %s` is a usage error (exit 3) that names the flag and shows the usage', async (args, message) => {
    const r = await run(args, env());
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toMatch(/Usage:/);
    expect(r.stdout).toBe('');
  });

  it.each([[['db', '--help']], [['db', 'locks', '--help']], [['backup', 'verify', '--help']], [['logs', '--help']], [['schedule', '--help']], [['audit', '-h']], [['lockdown', '--help']]])(
    '`opsbot %s` prints help and exits 0 without touching a database',
    async (args) => {
      const r = await run(args, {});
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage:/);
      expect(r.stderr).toBe('');
    },
  );

  it('a subcommand that needs Slack says so, with what the terminal offers instead', async () => {
    const r = await run(['backup', 'restore', 'latest', 'public.leads'], env());
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('only run from Slack (/backup restore <id|latest> [table …])');
    expect(r.stderr).toContain('opsbot backup list [n] [--json]');
  });

  it('`opsbot db migrations --json` runs the declared subcommand: no table, said so, exit 0', async () => {
    const r = await run(['db', 'migrations', '--json'], { DATABASE_URL: db.url });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { command: string; sections: { summary: string }[] };
    expect(report.command).toBe('/db migrations');
    expect(report.sections[0]?.summary).toMatch(/no supabase_migrations\.schema_migrations table/);
  });

  it('an unknown subcommand is a usage error in terminal words', async () => {
    const r = await run(['db', 'lcoks'], env());
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('I don\'t know "lcoks". Usage: `opsbot db connections | locks | long [seconds]');
  });
});
