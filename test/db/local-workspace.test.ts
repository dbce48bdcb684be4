// The whole local workspace in one process (src/local/runtime/start.ts): the real bot on a
// seeded target and a separate state store of a real Postgres, the simulated Supabase and the
// Slack stand-in, driven through the page's own endpoints as a person would drive the page.
// It proves what the drills promise end to end: the bot survives the database going away and
// says so, recovers when it is back; the breach drill reaches #alerts through the scheduled
// alert check; `/logs summarize edge` reads the generated edge logs through the real adapter.
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { runLocalCli } from '../../src/local/cli.js';
import { ensureLocalDatabases } from '../../src/local/db/seed.js';
import { OUTAGE_MS } from '../../src/local/drills/database-drills.js';
import { SPRAY_FAILURES } from '../../src/local/drills/world-drills.js';
import { ALERTS_CHANNEL, startLocalWorkspace, type LocalWorkspace } from '../../src/local/runtime/start.js';
import { DEFAULT_PERSONAS } from '../../src/local/slack/personas.js';
import type { StoredMessage } from '../../src/local/slack/types.js';
import { settled, trackListeners } from '../support/settle.js';
import { dropDatabase } from '../support/template.js';

const server = inject('pgServerUrl');
const names = { target: `opsbot_lws_${process.pid}_t`, state: `opsbot_lws_${process.pid}_s` };
const ONCALL = DEFAULT_PERSONAS[0]!.id;
const OPS = 'C0LOCOPS';

// Real time, moved forward by the tests for the outage's 90 s.
let offset = 0;
const clock: Clock = { now: () => systemClock.now() + offset, monotonic: () => systemClock.monotonic() };

let dir: string;
let ws: LocalWorkspace;
let target: pg.Pool;
const logs: string[] = [];

beforeAll(async () => {
  const seeded = await ensureLocalDatabases(server, () => systemClock.monotonic(), names);
  target = new pg.Pool({ connectionString: seeded.targetUrl, max: 1 });
  target.on('error', () => undefined);
  dir = await mkdtemp(path.join(tmpdir(), 'opsbot-lws-'));
  ws = await startLocalWorkspace({
    env: { DATABASE_URL: seeded.targetUrl, STATE_DATABASE_URL: seeded.stateUrl, OPSBOT_LOCAL_DIR: dir, SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'info' },
    clock,
    fetch,
    port: 0,
    drillPollMs: 0,
    logDestination: new Writable({
      write(chunk: Buffer, _e, cb) {
        logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        cb();
      },
    }),
  });
  trackListeners(ws.bot.slack.app);
}, 120_000);

afterAll(async () => {
  await ws?.stop();
  await target?.end();
  if (dir) await rm(dir, { recursive: true, force: true });
  for (const n of [names.target, names.state]) await dropDatabase(server, n).catch(() => undefined);
});

/** Types a slash command in the page as a person and waits until the bot is done with it. */
async function command(text: string, channel = OPS, user = ONCALL): Promise<StoredMessage[]> {
  const before = new Set(ws.slack.workspace.messages);
  const res = await fetch(`${ws.url}/ui/command`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-local-slack': '1' }, body: JSON.stringify({ user, channel, text }) });
  expect(res.status).toBe(200);
  await settled({ app: ws.bot.slack.app, idle: () => ws.bot.playbooks.idle() }, 30_000);
  return ws.slack.workspace.messages.filter((m) => !before.has(m) && m.isBot && m.channel === channel);
}

const shown = (m: StoredMessage) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;
const healthReport = (ms: StoredMessage[]) => {
  const m = ms.find((x) => x.blocks?.some((b) => (b as { type?: string }).type === 'header'));
  if (!m) throw new Error(`no health report among: ${ms.map((x) => x.text).join(' | ')}`);
  return shown(m);
};

describe('the local workspace, end to end', () => {
  it('serves the page on 127.0.0.1, the drills and its status on the same origin', async () => {
    expect(ws.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ws.slack.apiUrl).toBe(`${ws.url}/api/`);
    const status = (await (await fetch(`${ws.url}/local/status`)).json()) as { database: string; drills: { name: string }[] };
    expect(status.database).toBe('DATABASE_URL');
    expect(status.drills.map((d) => d.name)).toContain('database-outage');
    // A POST without the page's header cannot start a drill (a form on another site).
    expect((await fetch(`${ws.url}/local/drills/database-outage/start`, { method: 'POST' })).status).toBe(403);
    // A page that rebinds its own host name to 127.0.0.1 (DNS rebinding) reaches neither the drills nor the page.
    const port = new URL(ws.url).port;
    for (const p of ['/local/status', '/local/drills', '/']) {
      const status = await new Promise<number>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: p, headers: { host: `evil.test:${port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
      expect(status, p).toBe(403);
    }
  });

  it('opsbot local drill finds the running workspace through runtime.json and drives its drills', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const cli = (...args: string[]) => runLocalCli(args, { env: { OPSBOT_LOCAL_DIR: dir }, stdout: (t) => out.push(t), stderr: (t) => err.push(t), fetch, clock });
    expect(await cli('drill', 'list')).toBe(0);
    expect(out.join('')).toMatch(/^pool-exhaustion +Connection pool exhausted — not run$/m);
    out.length = 0;
    expect(await cli('drill', 'slow-query')).toBe(0);
    expect(out.join('')).toContain('What to do:\n  1. Run `/slowqueries`');
    out.length = 0;
    expect(await cli('drill', 'status', 'slow-query')).toBe(0);
    expect(out.join('')).toMatch(/slow-query +A slow query hogging the database — running for 0 min \d+ s/);
    expect(await cli('drill', 'slow-query')).toBe(3);
    expect(err.join('')).toContain('is already running; reset it first');
    out.length = 0;
    expect(await cli('drill', 'reset', 'slow-query')).toBe(0);
    expect(out.join('')).toMatch(/slow-query .* reset after/);
    expect(await cli('drill', 'no-such')).toBe(3);
    expect(err.join('')).toContain('There is no drill "no-such"');
    // No workspace there: says how to start one.
    const none = await runLocalCli(['drill', 'list'], { env: { OPSBOT_LOCAL_DIR: path.join(dir, 'elsewhere') }, stdout: () => undefined, stderr: (t) => err.push(t), fetch, clock });
    expect(none).toBe(1);
    expect(err.join('')).toMatch(/no local workspace is running from .*elsewhere; start it with `npm start`/);
  }, 60_000);

  it('/logs summarize edge reads the generated edge logs through the Management API adapter, labelled as the offline summary', async () => {
    const ms = await command('/logs summarize edge 1h');
    const all = ms.map(shown).join('\n');
    expect(all).toMatch(/Offline summary, no AI/);
    // Templates mined from the simulated ai-chat requests and function output.
    expect(all).toMatch(/functions\/v1\/ai-chat|Chat request for dealership|Gemini answered/);
    expect(ws.slack.rejections()).toEqual([]);
  }, 60_000);

  it('database outage: /health says the database is unreachable while the bot stays up, and recovers when it is back', async () => {
    expect(healthReport(await command('/health db'))).not.toMatch(/Reachable/);
    // A session of another database on the same server: the outage must not touch it.
    const bystander = new pg.Client({ connectionString: server, application_name: 'opsbot-test/bystander' });
    bystander.on('error', () => undefined);
    await bystander.connect();
    const started = await fetch(`${ws.url}/local/drills/database-outage/start`, { method: 'POST', headers: { 'x-local-slack': '1' } });
    expect(started.status, await started.clone().text()).toBe(200);
    expect(((await started.json()) as { drill: { state: string } }).drill.state).toBe('running');

    await expect(bystander.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    await bystander.end();
    const down = healthReport(await command('/health db'));
    expect(down).toMatch(/Reachable/);
    expect(down).toMatch(/critical|🔴/i);
    // The state store is another database: the bot still answers commands that need it.
    const help = await command('/ops help');
    expect(help.map(shown).join('\n')).toMatch(/\/health/);

    // The outage lasts OUTAGE_MS; the drill's poll brings the database back.
    await ws.drills.poll();
    expect(ws.drills.status('database-outage').state).toBe('running');
    offset += OUTAGE_MS + 1000;
    await ws.drills.poll();
    expect(ws.drills.status('database-outage')).toMatchObject({ state: 'finished', finishedBy: 'action', active: true });
    await expect(ws.drills.start('database-outage')).rejects.toThrow(/has finished but its world is not put back yet; reset it first/);
    await ws.drills.reset('database-outage');
    expect(ws.drills.status('database-outage')).toMatchObject({ state: 'finished', finishedBy: 'action', active: false });
    const back = healthReport(await command('/health db'));
    expect(back).not.toMatch(/Reachable/);
    expect(back).toMatch(/Connect \+ SELECT 1/);
    expect(logs.some((l) => /"level":(50|60)/.test(l) && /uncaught|unhandled/i.test(l))).toBe(false);
    offset = 0;
  }, 90_000);

  it('data breach: the scheduled alert check posts the failed sign-ins alert into #alerts; reset removes the drill’s traces', async () => {
    const alerts = () => ws.slack.workspace.messages.filter((m) => m.channel === ALERTS_CHANNEL && m.isBot);
    const before = alerts().length;
    const res = await fetch(`${ws.url}/local/drills/data-breach/start`, { method: 'POST', headers: { 'x-local-slack': '1' } });
    expect(res.status, await res.clone().text()).toBe(200);
    const engine = ws.bot.alerts;
    if (!engine) throw new Error('the local workspace has no alert engine');
    // What the scheduler does once a minute (ALERTS_SCHEDULE); the alert fires after 3 breaching checks.
    for (let i = 0; i < 3; i++) await engine.evaluate();
    const posted = alerts().slice(before).map(shown).join('\n');
    expect(posted).toMatch(/More than 10 failed sign-ins per minute/);
    const { rows } = await target.query<{ n: number }>(`SELECT count(*)::int AS n FROM auth.audit_log_entries WHERE payload->'traits'->>'drill' = 'data-breach' AND payload->>'action' = 'login_failed'`);
    expect(rows[0]!.n).toBe(SPRAY_FAILURES);
    await ws.drills.reset('data-breach');
    const after = await target.query<{ n: number }>(`SELECT count(*)::int AS n FROM auth.audit_log_entries WHERE payload->'traits'->>'drill' = 'data-breach'`);
    expect(after.rows[0]!.n).toBe(0);
    expect(ws.slack.rejections()).toEqual([]);
  }, 90_000);
});
