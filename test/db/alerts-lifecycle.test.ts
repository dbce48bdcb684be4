// The alert lifecycle on a real state store, driven by a test clock: N breaches fire one alert;
// no repeats except the 30-minute reminder while critical and unacknowledged; acknowledging
// records who and when and stops reminders; one recovery message; flapping stays quiet; alerts
// inside a maintenance window are held and summarised after it.
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAlertEngine, type AlertEngine, type MaintenanceWindowSource } from '../../src/alerts/engine.js';
import { alertRules, DEFAULT_ALERT_THRESHOLDS } from '../../src/alerts/rules.js';
import { createAlertStore } from '../../src/alerts/store.js';
import { fixedClock } from '../../src/core/clock.js';
import type { HealthThresholds } from '../../src/app/config.js';
import type { HealthService } from '../../src/health/runner.js';
import type { ComponentReport, HealthItem, HealthReport } from '../../src/health/types.js';
import { memoryChatPoster, type MemoryChatPoster } from '../../src/slack/chat-poster.js';
import { createOpsScheduler } from '../../src/app/ops-scheduler.js';
import { parseSchedulerSettings } from '../../src/scheduler/settings.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { DEFAULT_HEALTH_THRESHOLDS } from '../../src/health/settings.js';

const NY = 'America/New_York';
const MIN = 60_000;
const T0 = Date.parse('2026-11-10T15:00:00Z'); // Tue 10:00 EST
const logger = pino({ level: 'silent' });

const thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS;

interface Measures {
  storagePct?: number;
  connections?: number;
  dbDown?: boolean;
  edgeStatus?: number;
  edgeMs?: number;
  authStatus?: 'ok' | 'critical';
  failedPeak?: number;
}

function item(key: string, status: HealthItem['status'], value: string, data?: Record<string, unknown>): HealthItem {
  return { key, label: key, status, value, threshold: '-', ...(data ? { data } : {}) };
}

function report(m: Measures): HealthReport {
  const db: ComponentReport = {
    component: 'database',
    title: 'Database',
    status: 'ok',
    durationMs: 5,
    items: m.dbDown
      ? [item('reachable', 'critical', 'no answer within 5.0 s')]
      : [
          item('connections', 'ok', `${m.connections ?? 10} of 60`, { total: m.connections ?? 10, max: 60 }),
          item('storage', 'ok', `${m.storagePct ?? 20} % of 8 GiB`, { pct: m.storagePct ?? 20 }),
        ],
  };
  const edge: ComponentReport = {
    component: 'edge',
    title: 'Edge function ai-chat',
    status: 'ok',
    durationMs: 5,
    items: [item('response', 'ok', String(m.edgeStatus ?? 200), { status: m.edgeStatus ?? 200 }), item('latency', 'ok', `${m.edgeMs ?? 400} ms`, { ms: m.edgeMs ?? 400 })],
  };
  const auth: ComponentReport = {
    component: 'auth',
    title: 'Auth',
    status: 'ok',
    durationMs: 5,
    items: [
      item('service', m.authStatus ?? 'ok', m.authStatus === 'critical' ? '503 in 40 ms' : '200 in 40 ms'),
      item('failed_logins', 'ok', `${m.failedPeak ?? 0} peak`, { total: 0, peakPerMinute: m.failedPeak ?? 0 }),
    ],
  };
  return { status: 'ok', startedAt: '2026-11-25T15:00:00.000Z', durationMs: 10, components: [db, edge, auth] };
}


let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE opsbot.alerts, opsbot.alert_rule_state, opsbot.job_runs, opsbot.job_cursors');
});

interface Rig {
  engine: AlertEngine;
  slack: MemoryChatPoster;
  clock: ReturnType<typeof fixedClock>;
  health: HealthService & { current: Measures };
  /** Sets the measurements, evaluates, then moves the clock one minute on. */
  step(m: Measures, times?: number): Promise<void>;
}

function rig(opts: { maintenance?: MaintenanceWindowSource; start?: number } = {}): Rig {
  const clock = fixedClock(opts.start ?? T0);
  const slack = memoryChatPoster(clock);
  const health = {
    current: {},
    run: () => Promise.resolve(report(health.current)),
    components: () => [],
  } as HealthService & { current: Measures };
  const engine = createAlertEngine({
    store: createAlertStore(db.pool),
    poster: slack,
    channel: 'C0ALERTS',
    timezone: NY,
    clock,
    logger,
    health,
    rules: alertRules(DEFAULT_ALERT_THRESHOLDS),
    consecutiveBreaches: 3,
    recoveryChecks: 2,
    reminderMs: 30 * MIN,
    ...(opts.maintenance ? { maintenance: opts.maintenance } : {}),
  });
  return {
    engine,
    slack,
    clock,
    health,
    async step(m, times = 1) {
      for (let i = 0; i < times; i++) {
        health.current = m;
        await engine.evaluate();
        clock.advance(MIN);
      }
    },
  };
}

const FULL = { storagePct: 93.5 };
const OK = {};
const ackButton = (blocks: unknown) => JSON.stringify(blocks).includes('"action_id":"alert.ack"');

describe('alert lifecycle', () => {
  it('fires one alert after 3 consecutive breaches, with an Acknowledge button', async () => {
    const r = rig();
    await r.step(FULL, 2);
    expect(r.slack.messages).toEqual([]);
    await r.step(FULL);
    expect(r.slack.messages).toHaveLength(1);
    const alert = r.slack.messages[0]!;
    expect(alert.channel).toBe('C0ALERTS');
    expect(alert.text).toBe('🔴 CRITICAL: Database storage above 90 % of the limit — 93.5 % of 8 GiB');
    expect(ackButton(alert.blocks)).toBe(true);
    expect(JSON.stringify(alert.blocks)).toContain('after 3 consecutive failing checks');
    // Still breaching for 29 more minutes: nothing new.
    await r.step(FULL, 29);
    expect(r.slack.messages).toHaveLength(1);
  });

  it('reminds every 30 minutes while critical and unacknowledged, in the alert thread and the channel', async () => {
    const r = rig();
    await r.step(FULL, 3); // fired at T0 + 2 min
    await r.step(FULL, 30);
    expect(r.slack.messages).toHaveLength(2);
    const reminder = r.slack.messages[1]!;
    expect(reminder.threadTs).toBe(r.slack.messages[0]!.ts);
    expect(reminder.broadcast).toBe(true);
    expect(reminder.text).toBe('🔴 Still critical and nobody has acknowledged it for 30 min 0 s: Database storage above 90 % of the limit — now 93.5 % of 8 GiB');
    await r.step(FULL, 30);
    expect(r.slack.messages).toHaveLength(3);
  });

  it('acknowledging records who and when with the time to acknowledge, updates the alert and stops reminders', async () => {
    const r = rig();
    await r.step(FULL, 3);
    const alertId = Number(JSON.parse(JSON.stringify(r.slack.messages[0]!.blocks)).find((b: { type: string }) => b.type === 'actions').elements[0].value);
    r.clock.advance(12 * MIN);
    const ack = await r.engine.acknowledge(alertId, 'U0ONCALL');
    expect(ack).toMatchObject({ status: 'acknowledged', alert: { acknowledgedBy: 'U0ONCALL', timeToAckMs: 13 * MIN } });
    const edited = r.slack.messages[0]!;
    expect(ackButton(edited.blocks)).toBe(false);
    expect(JSON.stringify(edited.blocks)).toContain('Acknowledged by <@U0ONCALL> at Tue 2026-11-10 10:15 EST — 13 min 0 s after it was posted');
    const again = await r.engine.acknowledge(alertId, 'U0OTHER');
    expect(again).toMatchObject({ status: 'already', alert: { acknowledgedBy: 'U0ONCALL' } });
    await r.step(FULL, 120);
    expect(r.slack.messages).toHaveLength(1);
    const { rows } = await db.pool.query('SELECT acknowledged_by, time_to_ack_ms FROM opsbot.alerts');
    expect(rows).toEqual([{ acknowledged_by: 'U0ONCALL', time_to_ack_ms: String(13 * MIN) }]);
    expect(await r.engine.stats(T0 - MIN)).toEqual({ total: 1, critical: 1, acknowledged: 1, medianTimeToAckMs: 13 * MIN, unacknowledgedCritical: 0 });
  });

  it('posts one recovery message after 2 healthy checks and marks the alert recovered', async () => {
    const r = rig();
    await r.step(FULL, 3);
    await r.step(OK);
    expect(r.slack.messages).toHaveLength(1);
    await r.step(OK);
    expect(r.slack.messages).toHaveLength(2);
    const recovery = r.slack.messages[1]!;
    expect(recovery.text).toBe('✅ Recovered: Database storage above 90 % of the limit — now 20 % of 8 GiB, after 2 min 0 s');
    expect(recovery.threadTs).toBe(r.slack.messages[0]!.ts);
    expect(recovery.broadcast).toBe(true);
    expect(r.slack.messages[0]!.text).toMatch(/^✅ RECOVERED: Database storage/);
    expect(ackButton(r.slack.messages[0]!.blocks)).toBe(false);
    await r.step(OK, 10);
    expect(r.slack.messages).toHaveLength(2);
  });

  it('stays quiet while a metric flaps below 3 consecutive breaches', async () => {
    const r = rig();
    for (let i = 0; i < 10; i++) {
      await r.step(FULL, 2);
      await r.step(OK);
    }
    expect(r.slack.messages).toEqual([]);
    const { rows } = await db.pool.query("SELECT breaches FROM opsbot.alert_rule_state WHERE rule_id = 'storage'");
    expect(rows).toEqual([{ breaches: 0 }]);
  });

  it('an unknown measurement neither fires, recovers nor resets the count', async () => {
    const r = rig();
    await r.step(FULL, 2);
    await r.step({ dbDown: true }); // storage not measured; database_down counts its first breach
    await r.step(FULL);
    expect(r.slack.messages.map((m) => m.text.split(' —')[0])).toEqual(['🔴 CRITICAL: Database storage above 90 % of the limit']);
  });

  it('warnings fire and recover once but are not reminded', async () => {
    const r = rig();
    await r.step({ connections: 45 }, 3);
    expect(r.slack.messages.map((m) => m.text)).toEqual(['🟡 WARNING: Database connections at or above 40 — 45 of 60']);
    await r.step({ connections: 45 }, 90);
    expect(r.slack.messages).toHaveLength(1);
  });

  it('an alert Slack could not take is posted at the next check, once', async () => {
    const r = rig();
    await r.step(FULL, 2);
    r.slack.failNext(1);
    await expect(r.step(FULL)).rejects.toThrow(/Slack is unavailable/);
    r.clock.advance(MIN);
    await r.step(FULL);
    await r.step(FULL, 3);
    expect(r.slack.messages.map((m) => m.text.slice(0, 12))).toEqual(['🔴 CRITICAL:']);
  });
});

describe('alerts during maintenance', () => {
  const W = T0 + 10 * MIN;
  const END = W + 60 * MIN;
  const window: MaintenanceWindowSource = { activeWindow: (at) => Promise.resolve(at >= W && at < END ? { id: 'rule:test' } : undefined) };

  it('holds alerts inside a window and summarises them once after it; what still fires is then posted', async () => {
    const r = rig({ maintenance: window });
    // Posted before the window; recovers inside it.
    await r.step({ connections: 45 }, 3);
    expect(r.slack.messages).toHaveLength(1);
    r.clock.set(W);
    await r.step({ connections: 45, storagePct: 95, authStatus: 'critical' }, 3); // storage and auth fire: held
    await r.step({ storagePct: 95, authStatus: 'critical' }, 30); // still breaching: no reminders either
    await r.step({ storagePct: 95 }, 2); // auth and connections recover: held
    expect(r.slack.messages).toHaveLength(1);
    r.clock.set(END);
    await r.step({ storagePct: 95 });
    const posts = r.slack.messages.slice(1);
    expect(posts.map((m) => m.text)).toEqual([
      '🧾 Alerts held during maintenance: 3 (1 still firing)',
      '🔴 CRITICAL: Database storage above 90 % of the limit — 95 % of 8 GiB',
    ]);
    const summary = JSON.stringify(posts[0]!.blocks);
    expect(summary).toContain('Database connections at or above 40* (posted before the window) — recovered Tue 2026-11-10 10:14 EST');
    expect(summary).toContain('Database storage above 90 % of the limit* — fired Tue 2026-11-10 10:12 EST, *still firing*: posted below');
    expect(summary).toContain('Auth service down* — fired Tue 2026-11-10 10:12 EST, recovered Tue 2026-11-10 10:44 EST (200 in 40 ms)');
    expect(ackButton(posts[1]!.blocks)).toBe(true);
    // The alert posted before the window shows it recovered (an edit, not a new post).
    expect(r.slack.messages[0]!.text).toMatch(/^✅ RECOVERED: Database connections/);
    await r.step({ storagePct: 95 }, 5);
    expect(r.slack.messages).toHaveLength(3);
    // Reminders resume from when it was posted after the window.
    await r.step({ storagePct: 95 }, 25);
    expect(r.slack.messages.at(-1)!.text).toMatch(/^🔴 Still critical and nobody has acknowledged it for 30 min/);
  });

  it('with the real calendar: storage filling during the first-Sunday window is held and summarised at its end', async () => {
    const W1 = Date.parse('2026-11-01T07:00:00Z');
    const clock = fixedClock(W1 - 5 * MIN);
    const slack = memoryChatPoster(clock);
    const health = { current: {}, run: () => Promise.resolve(report(health.current)), components: () => [] } as HealthService & { current: Measures };
    const settings = parseSchedulerSettings({ REMINDER_ONCALL_REVIEW: 'off', REMINDER_METRICS_REVIEW: 'off', REMINDER_RUNBOOK_REVIEW: 'off', REMINDER_DAILY_BACKUP: 'off', REMINDER_RESTORE_TEST: 'off', MAINTENANCE_NOTICE_HOURS: 'off' }, 'C0OPS');
    const ops = createOpsScheduler({ settings, timezone: NY, clock, pool: db.pool, logger, poster: slack, health, thresholds, throttle: false });
    await ops.scheduler.catchUp();
    health.current = { storagePct: 96 };
    // Every 5 minutes: the alert check is latest-only, so each tick is one evaluation.
    for (let t = W1 + 1000; t <= W1 + 125 * MIN; t += 5 * MIN) {
      clock.set(t);
      await ops.scheduler.tick();
    }
    const heads = slack.inChannel('C0OPS').map((m) => m.text.split(':')[0]);
    expect(heads).toEqual([
      '🚧 Maintenance has started',
      // Without notices the pre-maintenance checklist comes with the start.
      'Pre-maintenance checklist — Sun 2026-11-01 02',
      'No backup command is available in this bot yet, so no backup was taken. Take one before changing anything (Supabase dashboard → Database → Backups, or `pg_dump`), then tick "Database backed up".',
      '✅ Maintenance window has ended',
      'Post-maintenance checklist — Sun 2026-11-01 02',
      '🧾 Alerts held during maintenance',
      '🔴 CRITICAL',
    ]);
  });

  it('two replicas evaluating every minute open and post one alert between them', async () => {
    const clock = fixedClock(T0);
    const slack = memoryChatPoster(clock);
    const health = { run: () => Promise.resolve(report(FULL)), components: () => [] } as HealthService;
    const settings = parseSchedulerSettings({ MAINTENANCE_RULE: 'off', REMINDER_ONCALL_REVIEW: 'off', REMINDER_METRICS_REVIEW: 'off', REMINDER_RUNBOOK_REVIEW: 'off', REMINDER_DAILY_BACKUP: 'off', REMINDER_RESTORE_TEST: 'off' }, 'C0OPS');
    const make = (id: string) => createOpsScheduler({ settings, timezone: NY, clock, pool: db.pool, logger, poster: slack, health, thresholds, throttle: false, instanceId: id });
    const a = make('a');
    const b = make('b');
    await a.scheduler.catchUp();
    await b.scheduler.catchUp();
    for (let i = 1; i <= 8; i++) {
      clock.set(T0 + i * MIN + 500);
      await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    }
    expect(slack.messages.map((m) => m.text.slice(0, 11))).toEqual(['🔴 CRITICAL']);
  });
});
