// `npm start` as a real process: which bot it starts, and that the Slack mode loads nothing of
// the local workspace (every module the process loads is recorded by a loader hook).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
let dir: string;
let hook: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  modules: string[];
}

async function start(env: Record<string, string>, name: string): Promise<Run> {
  const log = path.join(dir, `${name}.modules`);
  await writeFile(log, '');
  const r = await new Promise<Omit<Run, 'modules'>>((resolve) => {
    execFile(
      process.execPath,
      ['--import', hook, 'dist/src/main.js'],
      { cwd: root, env: { PATH: process.env.PATH ?? '', OPSBOT_TEST_MODULE_LOG: log, OPSBOT_LOCAL_DIR: path.join(dir, 'local'), ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (err as { code?: number }).code : 0;
        resolve({ code: typeof code === 'number' ? code : 99, stdout, stderr });
      },
    );
  });
  const modules = (await readFile(log, 'utf8')).split('\n').filter(Boolean).map((u) => path.relative(root, new URL(u).pathname));
  return { ...r, modules };
}

const SLACK_ENV = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abcdef',
  SLACK_SIGNING_SECRET: 'signing-secret-9f8e7d6c',
  // Nothing listens on port 1: the production start fails at the state store, after loading the whole bot.
  DATABASE_URL: 'postgres://opsbot:pw-mode-test@127.0.0.1:1/postgres',
  APP_URL: 'http://127.0.0.1:1/',
  SUPABASE_URL: 'http://127.0.0.1:1',
  SUPABASE_ANON_KEY: 'sb_publishable_anon-key-0123456789abcdefghij',
  SCHEDULER_ENABLED: 'false',
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'opsbot-mode-'));
  hook = path.join(dir, 'record-modules.mjs');
  await writeFile(
    hook,
    [
      "import { registerHooks } from 'node:module';",
      "import { appendFileSync } from 'node:fs';",
      'const out = process.env.OPSBOT_TEST_MODULE_LOG;',
      "registerHooks({ load(url, context, next) { if (url.startsWith('file:')) appendFileSync(out, url + '\\n'); return next(url, context); } });",
    ].join('\n'),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm start: mode selection as a process', () => {
  it('Slack mode loads the bot and nothing of src/local (the recorder sees the local workspace when it is started)', async () => {
    const slack = await start(SLACK_ENV, 'slack');
    expect(slack.code).toBe(1);
    expect(slack.stderr).toMatch(/opsbot failed to start/);
    expect(slack.stdout).not.toMatch(/local workspace/);
    expect(slack.modules).toContain('dist/src/app/bot.js');
    expect(slack.modules).toContain('dist/src/slack/app.js');
    expect(slack.modules.filter((m) => m.includes('/local/'))).toEqual([]);

    // The same recorder on a local start (its database unreachable too) does see src/local: the check above can fail.
    const local = await start({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/autorepai', PORT: '0' }, 'local');
    expect(local.code).toBe(1);
    expect(local.modules).toContain('dist/src/local/runtime/start.js');
  });

  it('a Slack setting present but the others missing fails as before, never as a local workspace', async () => {
    const r = await start({ SLACK_SIGNING_SECRET: 'signing-secret-9f8e7d6c', ALERTS_CHANNEL_ID: 'C0ALERTS' }, 'partial');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/opsbot cannot start/);
    expect(r.stderr).toContain('SLACK_BOT_TOKEN is missing');
    expect(r.stderr).toContain('DATABASE_URL is missing');
    expect(r.stdout).not.toMatch(/local workspace/);
    expect(r.modules.filter((m) => m.includes('/local/'))).toEqual([]);
  });

  it('no Slack settings and a database on another machine: refused, saying why, before anything starts', async () => {
    const r = await start({ DATABASE_URL: 'postgres://opsbot:pw-remote-1@db.abcdefghijklmnopqrst.supabase.co:5432/postgres' }, 'remote');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/DATABASE_URL points at a database on another machine/);
    expect(r.stderr).toMatch(/OPSBOT_MODE=local/);
    expect(r.stderr).not.toContain('pw-remote-1');
    expect(r.modules.filter((m) => m.includes('/local/'))).toEqual([]);
  });
});
