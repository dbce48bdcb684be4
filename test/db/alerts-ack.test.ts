// The Acknowledge button over signed HTTP: the first click records who and when (time to
// acknowledge kept) and updates the alert; a second click is told who did; only on-call may.
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthorizer } from '../../src/authz.js';
import { fixedClock, systemClock } from '../../src/clock.js';
import type { HealthService } from '../../src/health/runner.js';
import { createRedactor } from '../../src/redact.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import type { HandlerDeps, InteractionSpec } from '../../src/slack/command.js';
import { slackDirectory } from '../../src/slack/directory.js';
import { createStateStore } from '../../src/state/store.js';
import { healthyUpstreams } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { FakeHttp, RESPONSE_URL, sign, SIGNING_SECRET, SLACK_API } from '../support/slack.js';
import { alertInteractions } from '../../handlers/alerts.js';
import { createAlertEngine, type AlertEngine } from '../../src/alerts/engine.js';
import { alertRules, DEFAULT_ALERT_THRESHOLDS } from '../../src/alerts/rules.js';
import { createAlertStore } from '../../src/alerts/store.js';
import type { HealthReport } from '../../src/health/types.js';
import { memoryChatPoster, type MemoryChatPoster } from '../../src/scheduler/chat-poster.js';

const NY = 'America/New_York';
const logger = pino({ level: 'silent' });
const health: HealthService = { run: () => Promise.reject(new Error('not used')), components: () => [] };

interface TestApp {
  slack: SlackApp;
  http: FakeHttp;
  baseUrl: string;
  close(): Promise<void>;
}

/** The real Bolt app and receiver with only the given interactions registered. */
async function startApp(db: TestDatabase, interactions: (slackRef: { slack?: SlackApp }) => InteractionSpec[], http: FakeHttp): Promise<TestApp> {
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
    commands: [],
    fetch: http.fetch,
    botIdentity: { botId: 'B0TEST', botUserId: 'U0BOT' },
  });
  ref.slack = slack;
  for (const spec of interactions(ref)) spec.register(slack.app, deps);
  await slack.start(0);
  return {
    slack,
    http,
    baseUrl: `http://127.0.0.1:${slack.receiver!.port()!}`,
    async close() {
      await slack.stop();
      await state.close();
    },
  };
}

/** A click as Slack sends it: a signed form post with a block_actions payload. */
async function click(baseUrl: string, payload: Record<string, unknown>): Promise<number> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) },
    body,
  });
  await res.text();
  return res.status;
}

function blockActions(user: string, message: { ts: string; blocks: unknown[] }, action: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: 'T1', domain: 'autorepai' },
    user: { id: user, username: user.toLowerCase(), team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: message.ts, channel_id: 'C0OPS', is_ephemeral: false },
    trigger_id: '1.2.3',
    channel: { id: 'C0OPS', name: 'ops' },
    message: { type: 'message', ts: message.ts, text: 'x', blocks: message.blocks },
    response_url: RESPONSE_URL,
    actions: [{ action_ts: '1700000000.000100', ...action }],
    state: { values: {} },
  };
}

let db: TestDatabase;
let app: TestApp | undefined;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE opsbot.alerts, opsbot.alert_rule_state');
});
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const authDown: HealthReport = {
  status: 'critical',
  startedAt: '2026-11-10T15:00:00.000Z',
  durationMs: 9,
  components: [{ component: 'auth', title: 'Auth', status: 'critical', durationMs: 9, items: [{ key: 'service', label: 'Auth service', status: 'critical', value: '503 in 9 ms', threshold: 'HTTP 200' }] }],
};

async function firedAlert(): Promise<{ engine: AlertEngine; slack: MemoryChatPoster; clock: ReturnType<typeof fixedClock> }> {
  const clock = fixedClock(Date.parse('2026-11-10T15:00:00Z'));
  const slack = memoryChatPoster(clock);
  const engine = createAlertEngine({
    store: createAlertStore(db.pool),
    poster: slack,
    channel: 'C0OPS',
    timezone: NY,
    clock,
    logger,
    health: { run: () => Promise.resolve(authDown), components: () => [] },
    rules: alertRules(DEFAULT_ALERT_THRESHOLDS),
    consecutiveBreaches: 3,
    recoveryChecks: 2,
    reminderMs: 30 * 60_000,
  });
  for (let i = 0; i < 3; i++) {
    await engine.evaluate();
    clock.advance(60_000);
  }
  return { engine, slack, clock };
}

const button = (blocks: unknown) =>
  (blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions')?.elements?.find((e) => e.action_id === 'alert.ack');

describe('Acknowledge over signed HTTP', () => {
  it('records who acknowledged and the time to acknowledge, and the alert loses its button', async () => {
    const { engine, slack, clock } = await firedAlert();
    app = await startApp(db, () => [alertInteractions(engine)], healthyUpstreams(new FakeHttp()));
    const alert = slack.messages[0]!;
    expect(alert.text).toBe('🔴 CRITICAL: Auth service down — 503 in 9 ms');
    const b = button(alert.blocks)!;
    clock.advance(6 * 60_000);
    const status = await click(app.baseUrl, blockActions('U0ONCALL', { ts: alert.ts, blocks: alert.blocks! }, { type: 'button', action_id: 'alert.ack', block_id: `alert:${b.value}`, value: b.value, text: { type: 'plain_text', text: 'Acknowledge' } }));
    expect(status).toBe(200);
    await expect.poll(() => slack.messages[0]!.edits.length).toBe(1);
    expect(button(slack.messages[0]!.blocks)).toBeUndefined();
    expect(JSON.stringify(slack.messages[0]!.blocks)).toContain('Acknowledged by <@U0ONCALL> at Tue 2026-11-10 10:09 EST — 7 min 0 s after it was posted');
    const { rows } = await db.pool.query('SELECT acknowledged_by, time_to_ack_ms::int AS tta FROM opsbot.alerts');
    expect(rows).toEqual([{ acknowledged_by: 'U0ONCALL', tta: 7 * 60_000 }]);
    // Reminders stop: 40 more minutes of breaches post nothing.
    for (let i = 0; i < 40; i++) {
      await engine.evaluate();
      clock.advance(60_000);
    }
    expect(slack.messages).toHaveLength(1);
    await expect.poll(async () => (await db.pool.query<{ actor: string; outcome: string }>("SELECT actor, outcome FROM opsbot.audit_log WHERE action = 'alert.acknowledge'")).rows).toEqual([{ actor: 'U0ONCALL', outcome: 'ok' }]);
  });

  it('a second click is told who acknowledged first; the record keeps the first', async () => {
    const { engine, slack } = await firedAlert();
    const http = healthyUpstreams(new FakeHttp()).on((c) =>
      c.url === `${SLACK_API}usergroups.users.list` ? new Response(JSON.stringify({ ok: true, users: ['U0ONCALL', 'U0SECOND'] })) : undefined,
    );
    app = await startApp(db, () => [alertInteractions(engine)], http);
    const alert = slack.messages[0]!;
    const b = button(alert.blocks)!;
    const action = { type: 'button', action_id: 'alert.ack', block_id: `alert:${b.value}`, value: b.value, text: { type: 'plain_text', text: 'Acknowledge' } };
    await click(app.baseUrl, blockActions('U0ONCALL', { ts: alert.ts, blocks: alert.blocks! }, action));
    await expect.poll(() => slack.messages[0]!.edits.length).toBe(1);
    await click(app.baseUrl, blockActions('U0SECOND', { ts: alert.ts, blocks: alert.blocks! }, action));
    const told = await http.waitFor((c) => c.url === RESPONSE_URL);
    expect((told.json as { text: string }).text).toBe(`Alert #${b.value} was already acknowledged by <@U0ONCALL> at Tue 2026-11-10 10:03 EST.`);
    expect(slack.messages[0]!.edits).toHaveLength(1);
    const { rows } = await db.pool.query('SELECT acknowledged_by FROM opsbot.alerts');
    expect(rows).toEqual([{ acknowledged_by: 'U0ONCALL' }]);
  });

  it('someone outside on-call cannot acknowledge', async () => {
    const { engine, slack } = await firedAlert();
    app = await startApp(db, () => [alertInteractions(engine)], healthyUpstreams(new FakeHttp()));
    const alert = slack.messages[0]!;
    const b = button(alert.blocks)!;
    await click(app.baseUrl, blockActions('U0VISITOR', { ts: alert.ts, blocks: alert.blocks! }, { type: 'button', action_id: 'alert.ack', block_id: `alert:${b.value}`, value: b.value }));
    const refused = await app.http.waitFor((c) => c.url === RESPONSE_URL);
    expect((refused.json as { text: string }).text).toMatch(/^Only the on-call group/);
    const { rows } = await db.pool.query('SELECT acknowledged_by FROM opsbot.alerts');
    expect(rows).toEqual([{ acknowledged_by: null }]);
  });
});
