// Maintenance notices end to end on a real state store: −72 h, −24 h, −1 h, start and end, each
// posted exactly once — with restarts between them and with two replicas ticking at once — and
// a notice missed by a restart posted late inside the grace window, skipped outside it.
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { HealthThresholds } from '../../src/app/config.js';
import type { HealthService } from '../../src/health/runner.js';
import type { HealthReport } from '../../src/health/types.js';
import { memoryChatPoster, type MemoryChatPoster } from '../../src/slack/chat-poster.js';
import { createOpsScheduler, type OpsScheduler } from '../../src/app/ops-scheduler.js';
import { parseSchedulerSettings } from '../../src/scheduler/settings.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { DEFAULT_HEALTH_THRESHOLDS } from '../../src/health/settings.js';

const NY = 'America/New_York';
const MIN = 60_000;
const HOUR = 3_600_000;
const W = Date.parse('2026-11-01T07:00:00Z'); // first Sunday of November, 02:00 EST (fall-back day)
const END = W + 2 * HOUR;
const logger = pino({ level: 'silent' });

const thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS;

const healthy: HealthReport = {
  status: 'ok',
  startedAt: '2026-11-01T07:00:00.000Z',
  durationMs: 12,
  components: [{ component: 'database', title: 'Database', status: 'ok', durationMs: 5, items: [{ key: 'ping', label: 'Ping', status: 'ok', value: '3 ms', threshold: '-' }] }],
};

function fakeHealth(): HealthService & { runs: number } {
  const h = {
    runs: 0,
    run() {
      h.runs++;
      return Promise.resolve(healthy);
    },
    components: () => ['database' as const],
  };
  return h;
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE opsbot.job_runs, opsbot.job_cursors, opsbot.checklists CASCADE');
});

const settings = parseSchedulerSettings(
  {
    ALERTS_ENABLED: 'false',
    REMINDER_ONCALL_REVIEW: 'off',
    REMINDER_METRICS_REVIEW: 'off',
    REMINDER_RUNBOOK_REVIEW: 'off',
    REMINDER_DAILY_BACKUP: 'off',
    REMINDER_RESTORE_TEST: 'off',
    MAINTENANCE_CHANNEL_ID: 'C0MAINT',
  },
  'C0ALERTS',
);

/** One bot process: its own scheduler memory, the shared state store and the shared Slack. */
function replica(clock: ReturnType<typeof fixedClock>, poster: MemoryChatPoster, name: string): OpsScheduler {
  return createOpsScheduler({ settings, timezone: NY, clock, pool: db.pool, logger, poster, health: fakeHealth(), thresholds, throttle: false, instanceId: name });
}

const headers = (poster: MemoryChatPoster) =>
  poster.inChannel('C0MAINT').map((m) => (m.blocks?.[0] as { text?: { text?: string } } | undefined)?.text?.text ?? m.text);

describe('maintenance announcements', () => {
  it('posts −72 h, −24 h, −1 h, start and end exactly once with two replicas restarting between them', async () => {
    const slack = memoryChatPoster();
    const clock = fixedClock(W - 80 * HOUR);
    let replicas = [replica(clock, slack, 'a1'), replica(clock, slack, 'b1')];
    for (const r of replicas) await r.scheduler.catchUp();
    const times = [W - 72 * HOUR, W - 24 * HOUR, W - HOUR, W, END];
    for (const [i, t] of times.entries()) {
      for (const at of [t - MIN, t + 1000, t + MIN + 1000]) {
        clock.set(at);
        await Promise.all(replicas.map((r) => r.scheduler.tick()));
      }
      // Both processes restart before the next announcement.
      replicas = [replica(clock, slack, `a${i + 2}`), replica(clock, slack, `b${i + 2}`)];
      clock.set(t + 2 * MIN);
      await Promise.all(replicas.map((r) => r.scheduler.catchUp()));
    }
    expect(headers(slack)).toEqual([
      '🛠️ Planned maintenance in 3 days',
      '🛠️ Planned maintenance in 24 hours',
      '☑️ Pre-maintenance checklist — Sun 2026-11-01 02:00–04:00 EST',
      '🛠️ Planned maintenance in 1 hour',
      '🚧 Maintenance has started',
      ':warning: No backup command is available in this bot yet, so no backup was taken. Take one before changing anything (Supabase dashboard → Database → Backups, or `pg_dump`), then tick "Database backed up".',
      '✅ Maintenance window has ended',
      '☑️ Post-maintenance checklist — Sun 2026-11-01 02:00–04:00 EST',
    ]);
    expect(JSON.stringify(slack.messages)).not.toContain('Late:');
    const { rows } = await db.pool.query<{ job_id: string; n: number; late: boolean }>(
      "SELECT job_id, count(*)::int AS n, bool_or(late) AS late FROM opsbot.job_runs WHERE status = 'succeeded' GROUP BY job_id ORDER BY job_id",
    );
    expect(rows).toEqual([
      { job_id: 'maintenance.end', n: 1, late: false },
      { job_id: 'maintenance.notice-1h', n: 1, late: false },
      { job_id: 'maintenance.notice-24h', n: 1, late: false },
      { job_id: 'maintenance.notice-72h', n: 1, late: false },
      { job_id: 'maintenance.start', n: 1, late: false },
    ]);
  });

  it('says when and why in each notice, with the zone', async () => {
    const slack = memoryChatPoster();
    const clock = fixedClock(W - 73 * HOUR);
    const r = replica(clock, slack, 'solo');
    await r.scheduler.catchUp();
    clock.set(W - 72 * HOUR + 1000);
    await r.scheduler.tick();
    const text = JSON.stringify(slack.messages[0]!.blocks);
    expect(text).toContain('Sun 2026-11-01 02:00–04:00 EST (America/New_York)');
    expect(text).toContain('Monthly maintenance (runbook: first Sunday of the month)');
    expect(slack.messages[0]!.text).toBe('🛠️ Planned maintenance in 3 days: Sun 2026-11-01 02:00–04:00 EST — Monthly maintenance (runbook: first Sunday of the month)');
  });

  it('a notice missed by a restart inside the grace window is posted once, labelled late', async () => {
    const slack = memoryChatPoster();
    const clock = fixedClock(W - HOUR - 10 * MIN);
    const before = replica(clock, slack, 'before');
    await before.scheduler.catchUp();
    expect(slack.messages).toEqual([]);
    // The bot is down from 00:50 to 01:10 EST; the 1 h notice was due at 01:00 EST.
    clock.set(W - HOUR + 10 * MIN);
    const after = replica(clock, slack, 'after');
    await after.scheduler.catchUp();
    await after.scheduler.tick();
    await replica(clock, slack, 'again').scheduler.catchUp();
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]!.text).toMatch(/^🛠️ Planned maintenance in 1 hour/);
    expect(JSON.stringify(slack.messages[0]!.blocks)).toContain('*Late:* this was due Sun 2026-11-01 01:00 EST and is posted Sun 2026-11-01 01:10 EST, after the bot was restarted.');
    const { rows } = await db.pool.query("SELECT status, late FROM opsbot.job_runs WHERE job_id = 'maintenance.notice-1h'");
    expect(rows).toEqual([{ status: 'succeeded', late: true }]);
  });

  it('a notice missed by more than the grace window is recorded as skipped and not posted', async () => {
    const slack = memoryChatPoster();
    const clock = fixedClock(W - HOUR - 10 * MIN);
    await replica(clock, slack, 'before').scheduler.catchUp();
    clock.set(W - HOUR + 45 * MIN);
    const after = replica(clock, slack, 'after');
    const report = await after.scheduler.catchUp();
    expect(report.skipped).toMatchObject([{ jobId: 'maintenance.notice-1h', scheduledAt: W - HOUR }]);
    expect(slack.messages).toEqual([]);
    const { rows } = await db.pool.query("SELECT status, summary FROM opsbot.job_runs WHERE job_id = 'maintenance.notice-1h'");
    expect(rows).toEqual([{ status: 'skipped', summary: 'missed by more than the 30 min grace window' }]);
    // The start, 15 minutes later, still goes out on time.
    clock.set(W + 1000);
    await after.scheduler.tick();
    expect(headers(slack)[0]).toBe('🚧 Maintenance has started');
  });
});
