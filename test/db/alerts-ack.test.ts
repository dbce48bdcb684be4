// The Acknowledge button over signed HTTP: the first click records who and when (time to
// acknowledge kept) and updates the alert; a second click is told who did; only on-call may.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { healthyUpstreams } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { FakeHttp, RESPONSE_URL, SLACK_API } from '../support/slack.js';
import { alertInteractions } from '../../handlers/alerts.js';
import { createAlertEngine, type AlertEngine } from '../../src/alerts/engine.js';
import { alertRules, DEFAULT_ALERT_THRESHOLDS } from '../../src/alerts/rules.js';
import { createAlertStore } from '../../src/alerts/store.js';
import type { HealthReport } from '../../src/health/types.js';
import { memoryChatPoster, type MemoryChatPoster } from '../../src/slack/chat-poster.js';
import { blockActions, click, logger, NY, startApp, type TestApp } from '../support/interaction-app.js';

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
