// /maintenance over signed HTTP to the real Bolt receiver: add and skip change what
// `opsbot schedule --json` lists, bad input gets the accepted format at once, only on-call may
// change the calendar, and next/list show it.
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { maintenanceCommand } from '../../handlers/maintenance.js';
import { createAuthorizer } from '../../src/slack/authz.js';
import { fixedClock, systemClock } from '../../src/core/clock.js';
import type { HealthThresholds } from '../../src/app/config.js';
import type { HealthService } from '../../src/health/runner.js';
import { createRedactor } from '../../src/core/redact.js';
import { memoryChatPoster, type MemoryChatPoster } from '../../src/slack/chat-poster.js';
import { runScheduleCli } from '../../src/app/cli/schedule.js';
import { createOpsScheduler, type OpsScheduler } from '../../src/app/ops-scheduler.js';
import type { SchedulePlan } from '../../src/scheduler/scheduler.js';
import { parseSchedulerSettings } from '../../src/scheduler/settings.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import type { HandlerDeps } from '../../src/slack/command.js';
import { slackDirectory } from '../../src/slack/directory.js';
import { createStateStore } from '../../src/state/store.js';
import { healthyUpstreams } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { settled, trackListeners } from '../support/settle.js';
import { FakeHttp, postCommand, RESPONSE_URL, SIGNING_SECRET, SLACK_API } from '../support/slack.js';
import { DEFAULT_HEALTH_THRESHOLDS } from '../../src/health/settings.js';

const NY = 'America/New_York';
const NOW = Date.parse('2026-10-20T16:00:00Z'); // Tue 2026-10-20 12:00 EDT
const logger = pino({ level: 'silent' });
const thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS;
const settings = parseSchedulerSettings({ MAINTENANCE_CHANNEL_ID: 'C0MAINT' }, 'C0ALERTS');
const health: HealthService = { run: () => Promise.reject(new Error('not used')), components: () => [] };

let db: TestDatabase;
let app: { slack: SlackApp; http: FakeHttp; baseUrl: string; announcements: MemoryChatPoster; ops: OpsScheduler; close(): Promise<void> } | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE opsbot.maintenance_windows, opsbot.maintenance_skips, opsbot.job_runs');
});
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start() {
  const http = healthyUpstreams(new FakeHttp());
  const clock = fixedClock(NOW);
  const announcements = memoryChatPoster(clock);
  const ops = createOpsScheduler({ settings, timezone: NY, clock, pool: db.pool, logger, poster: announcements, health, thresholds, throttle: false });
  const ref: { slack?: SlackApp } = {};
  const authz = createAuthorizer(
    { oncallGroup: 'S0ONCALL', approverGroup: 'S0APPROVERS', oncallUsers: [], approverUsers: [], allowedChannels: [], cacheTtlMs: 60_000 },
    slackDirectory(() => ref.slack!.app.client),
    systemClock,
    logger,
  );
  const state = createStateStore({ url: db.url, logger, connectTimeoutMs: 5000 });
  const deps: HandlerDeps = { health, authz, state, clock: systemClock, logger, timezone: NY };
  const slack = createSlackApp({
    botToken: 'xoxb-test-token-123',
    signingSecret: SIGNING_SECRET,
    appToken: undefined,
    apiUrl: SLACK_API,
    logger,
    redactor: createRedactor([]),
    clock: systemClock,
    deps,
    commands: [maintenanceCommand({ maintenance: ops.maintenance })],
    fetch: http.fetch,
    botIdentity: { botId: 'B0TEST', botUserId: 'U0BOT' },
  });
  ref.slack = slack;
  trackListeners(slack.app);
  await slack.start(0);
  app = {
    slack,
    http,
    announcements,
    ops,
    baseUrl: `http://127.0.0.1:${slack.receiver!.port()!}`,
    async close() {
      await slack.stop();
      await state.close();
    },
  };
  return app;
}

async function schedule(): Promise<SchedulePlan> {
  let out = '';
  const code = await runScheduleCli(['--json'], { stdout: (s) => (out += s), stderr: () => undefined, clock: fixedClock(NOW), pool: db.pool, timezone: NY, settings, thresholds, logger });
  expect(code).toBe(0);
  return JSON.parse(out) as SchedulePlan;
}
const starts = (plan: SchedulePlan) => plan.jobs.find((j) => j.id === 'maintenance.start')!.next.map((n) => n.at);

interface Reply {
  response_type?: string;
  text?: string;
  blocks?: unknown[];
}
const reply = async (a: NonNullable<typeof app>, pred: (r: Reply) => boolean = () => true) =>
  (await a.http.waitFor((c) => c.url === RESPONSE_URL && pred(c.json as Reply))).json as Reply;

describe('/maintenance over signed HTTP', () => {
  it('add puts a window on the calendar: announced, confirmed to the caller, and in opsbot schedule --json', async () => {
    const a = await start();
    expect(starts(await schedule())).not.toContain('2026-12-13T07:00:00.000Z');
    const res = await postCommand(a.baseUrl, '/maintenance', 'add 2026-12-13T02:00 2h Postgres 16 upgrade');
    expect(res.status).toBe(200);
    const r = await reply(a);
    expect(r).toMatchObject({
      response_type: 'ephemeral',
      text: 'Added a maintenance window: Sun 2026-12-13 02:00–04:00 EST — Postgres 16 upgrade. Announced in the maintenance channel.',
    });
    expect(a.announcements.messages.map((m) => [m.channel, m.text])).toEqual([['C0MAINT', '📅 Maintenance window added: Sun 2026-12-13 02:00–04:00 EST — Postgres 16 upgrade']]);
    expect(starts(await schedule())).toContain('2026-12-13T07:00:00.000Z');
    const notices72 = (await schedule()).jobs.find((j) => j.id === 'maintenance.notice-72h')!.next.map((n) => n.at);
    expect(notices72).toContain('2026-12-10T07:00:00.000Z');
    await expect
      .poll(async () => (await db.pool.query<{ actor: string; outcome: string }>("SELECT actor, outcome FROM opsbot.audit_log WHERE target = '/maintenance add'")).rows)
      .toEqual([{ actor: 'U0ONCALL', outcome: 'ok' }]);
  });

  it('skip removes the window from opsbot schedule --json', async () => {
    const a = await start();
    expect(starts(await schedule())).toContain('2026-12-06T07:00:00.000Z');
    await postCommand(a.baseUrl, '/maintenance', 'skip 2026-12-06 holiday freeze');
    const r = await reply(a);
    expect(r.text).toBe('Skipped Sun 2026-12-06 02:00–04:00 EST. Announced in the maintenance channel. Next window: Sun 2026-11-01 02:00–04:00 EST.');
    expect(starts(await schedule())).toEqual(['2026-11-01T07:00:00.000Z', '2027-01-03T07:00:00.000Z', '2027-02-07T07:00:00.000Z', '2027-03-07T07:00:00.000Z', '2027-04-04T06:00:00.000Z']);
  });

  it('a bad date is answered at once, in the ack, with the accepted format; nothing changes', async () => {
    const a = await start();
    const res = await postCommand(a.baseUrl, '/maintenance', 'add 2026-13-01T02:00 2h upgrade');
    const ack = JSON.parse(res.body) as Reply;
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toBe('"2026-13-01T02:00" is not a real date and time. Write it as YYYY-MM-DDTHH:MM in America/New_York, e.g. `2026-12-13T02:00`. Usage: `/maintenance add <start> <duration> <reason>`.');
    const skip = JSON.parse((await postCommand(a.baseUrl, '/maintenance', 'skip 6/12')).body) as Reply;
    expect(skip.text).toBe('I couldn\'t read the date "6/12". Write it as YYYY-MM-DD, e.g. `/maintenance skip 2026-12-06 holiday freeze`.');
    const start2 = JSON.parse((await postCommand(a.baseUrl, '/maintenance', 'add next-sunday 2h upgrade')).body) as Reply;
    expect(start2.text).toContain('Write it as YYYY-MM-DDTHH:MM in America/New_York, e.g. `/maintenance add 2026-12-13T02:00 2h Postgres 16 upgrade`');
    await settled(a);
    expect(a.http.calls.filter((c) => c.url === RESPONSE_URL)).toEqual([]);
    expect(a.announcements.messages).toEqual([]);
    expect((await db.pool.query('SELECT 1 FROM opsbot.maintenance_windows')).rowCount).toBe(0);
  });

  it('a skip on a day without a window says which days have one', async () => {
    const a = await start();
    await postCommand(a.baseUrl, '/maintenance', 'skip 2026-12-07');
    const r = await reply(a);
    expect(r.text).toMatch(/^There is no maintenance window on 2026-12-07\. Upcoming: 2026-11-01 \(Sun 2026-11-01 02:00–04:00 EST\)/);
  });

  it('only on-call may change the calendar; anyone may read it', async () => {
    const a = await start();
    await postCommand(a.baseUrl, '/maintenance', 'skip 2026-12-06', { fields: { user_id: 'U0VISITOR' } });
    const refused = await reply(a);
    expect(refused).toMatchObject({ response_type: 'ephemeral' });
    expect(refused.text).toMatch(/^Only the on-call group \(<!subteam\^S0ONCALL>\) may run this/);
    expect(starts(await schedule())).toContain('2026-12-06T07:00:00.000Z');
    await postCommand(a.baseUrl, '/maintenance', 'list', { fields: { user_id: 'U0VISITOR' } });
    const list = await reply(a, (r) => r.text?.startsWith('Maintenance windows') === true);
    const text = JSON.stringify(list.blocks);
    expect(text).toContain('Sun 2026-11-01 02:00–04:00 EST (in 11 d 15 h)');
    expect(text).toContain('Sun 2026-12-06 02:00–04:00 EST');
  });

  it('next shows the coming window and each of its posts', async () => {
    const a = await start();
    await postCommand(a.baseUrl, '/maintenance', 'next');
    const r = await reply(a);
    expect(r.text).toBe('Next maintenance: Sun 2026-11-01 02:00–04:00 EST (in 11 d 15 h)');
    const text = JSON.stringify(r.blocks);
    expect(text).toContain('◻️ 72 h notice — Thu 2026-10-29 03:00 EDT');
    expect(text).toContain('◻️ 1 h notice — Sun 2026-11-01 01:00 EST');
    expect(text).toContain('◻️ end (smoke test, post-maintenance checklist) — Sun 2026-11-01 04:00 EST');
  });

  it('help lists the subcommands with examples', async () => {
    const a = await start();
    const res = JSON.parse((await postCommand(a.baseUrl, '/maintenance', 'help')).body) as Reply;
    expect(res.text).toContain('`/maintenance add <start> <duration> <reason>`');
    expect(res.text).toContain('`/maintenance skip <date> [reason]`');
  });
});
