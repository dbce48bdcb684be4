// The maintenance calendar on a real state store: the regular windows, /maintenance add and
// skip (with their checks and announcements), and `opsbot schedule --json` following them.
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { HealthThresholds } from '../../src/app/config.js';
import type { HealthService } from '../../src/health/runner.js';
import { memoryChatPoster, type MemoryChatPoster } from '../../src/slack/chat-poster.js';
import { createOpsScheduler, type OpsScheduler } from '../../src/app/ops-scheduler.js';
import { runScheduleCli } from '../../src/app/cli/schedule.js';
import type { SchedulePlan } from '../../src/scheduler/scheduler.js';
import { InputError, OpsError } from '../../src/core/errors.js';
import { parseSchedulerSettings } from '../../src/scheduler/settings.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { DEFAULT_HEALTH_THRESHOLDS } from '../../src/health/settings.js';

const NY = 'America/New_York';
const HOUR = 3_600_000;
const W = Date.parse('2026-11-01T07:00:00Z'); // first Sunday of November, 02:00 EST (fall-back day)
const logger = pino({ level: 'silent' });

const thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS;


const health: HealthService = { run: () => Promise.reject(new Error('not used')), components: () => [] };

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE opsbot.job_runs, opsbot.job_cursors, opsbot.maintenance_windows, opsbot.maintenance_skips, opsbot.checklists CASCADE');
});

const settings = parseSchedulerSettings({ ALERTS_ENABLED: 'false', MAINTENANCE_CHANNEL_ID: 'C0MAINT', REMINDER_DAILY_BACKUP: 'off' }, 'C0ALERTS');

function bot(clock: ReturnType<typeof fixedClock>, poster: MemoryChatPoster): OpsScheduler {
  return createOpsScheduler({ settings, timezone: NY, clock, pool: db.pool, logger, poster, health, thresholds, throttle: false });
}

async function scheduleJson(clock: ReturnType<typeof fixedClock>): Promise<SchedulePlan> {
  let out = '';
  let err = '';
  const code = await runScheduleCli(['--json', '--count', '3'], {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    clock,
    pool: db.pool,
    timezone: NY,
    settings,
    thresholds,
    logger,
  });
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out) as SchedulePlan;
}

const nextOf = (plan: SchedulePlan, job: string) => plan.jobs.find((j) => j.id === job)!.next.map((n) => n.at);
const NOW = Date.parse('2026-10-20T16:00:00Z'); // Tue 2026-10-20 12:00 EDT

describe('maintenance calendar', () => {
  it('lists the next 24 regular windows from the state store: first Sundays 02:00–04:00, across DST', async () => {
    const clock = fixedClock(Date.parse('2026-11-01T04:00:00Z')); // Sat 2026-10-31 midnight EDT
    const list = await bot(clock, memoryChatPoster()).maintenance.list(24);
    expect(list).toHaveLength(24);
    expect(list[0]).toMatchObject({ kind: 'rule', startsAt: W, endsAt: W + 2 * HOUR, skipped: null });
    expect(new Date(list[8]!.startsAt).toISOString()).toBe('2027-07-04T06:00:00.000Z');
    expect(new Date(list[23]!.startsAt).toISOString()).toBe('2028-10-01T06:00:00.000Z');
  });

  it('opsbot schedule --json lists every job with its next runs, and the regular notices', async () => {
    const plan = await scheduleJson(fixedClock(NOW));
    expect(plan.timezone).toBe(NY);
    expect(plan.jobs.map((j) => j.id)).toEqual([
      'maintenance.notice-72h',
      'maintenance.notice-24h',
      'maintenance.notice-1h',
      'maintenance.start',
      'maintenance.end',
      'alerts.evaluate',
      'reminder.oncall-review',
      'reminder.metrics-review',
      'reminder.runbook-review',
      'reminder.daily-backup',
      'reminder.restore-test',
    ]);
    expect(nextOf(plan, 'maintenance.start')).toEqual(['2026-11-01T07:00:00.000Z', '2026-12-06T07:00:00.000Z', '2027-01-03T07:00:00.000Z']);
    expect(nextOf(plan, 'maintenance.notice-72h')[0]).toBe('2026-10-29T07:00:00.000Z');
    expect(nextOf(plan, 'maintenance.end')[0]).toBe('2026-11-01T09:00:00.000Z');
    const alerts = plan.jobs.find((j) => j.id === 'alerts.evaluate')!;
    expect(alerts).toMatchObject({ enabled: false, disabledReason: 'switched off (ALERTS_ENABLED / ALERTS_SCHEDULE)' });
    expect(alerts.notes?.join('\n')).toMatch(/db_cpu .* unavailable/);
    expect(plan.jobs.find((j) => j.id === 'reminder.daily-backup')).toMatchObject({ enabled: false, disabledReason: 'switched off (REMINDER_DAILY_BACKUP=off)' });
    expect(nextOf(plan, 'reminder.oncall-review')[0]).toBe('2026-10-26T14:00:00.000Z'); // Monday 10:00 EDT
  });

  it('/maintenance add puts a one-off window on the calendar, announces it, and the schedule follows', async () => {
    const clock = fixedClock(NOW);
    const slack = memoryChatPoster();
    const ops = bot(clock, slack);
    const start = Date.parse('2026-11-15T07:00:00Z'); // Sun 02:00 EST
    const r = await ops.maintenance.add({ startsAt: start, durationMs: 90 * 60_000, reason: 'Postgres 16 upgrade' }, 'U0ONCALL');
    expect(r).toMatchObject({ missedNotices: [], announced: true, window: { kind: 'custom', startsAt: start, endsAt: start + 90 * 60_000, createdBy: 'U0ONCALL' } });
    expect(slack.messages.map((m) => m.text)).toEqual(['📅 Maintenance window added: Sun 2026-11-15 02:00–03:30 EST — Postgres 16 upgrade']);
    expect(JSON.stringify(slack.messages[0]!.blocks)).toContain('added by <@U0ONCALL>');
    const plan = await scheduleJson(clock);
    expect(nextOf(plan, 'maintenance.start')).toEqual(['2026-11-01T07:00:00.000Z', '2026-11-15T07:00:00.000Z', '2026-12-06T07:00:00.000Z']);
    expect(nextOf(plan, 'maintenance.notice-72h')).toContain('2026-11-12T07:00:00.000Z');
    expect(nextOf(plan, 'maintenance.end')).toContain('2026-11-15T08:30:00.000Z');
    expect((await ops.maintenance.list(3)).map((w) => w.reason)).toEqual(['Monthly maintenance (runbook: first Sunday of the month)', 'Postgres 16 upgrade', 'Monthly maintenance (runbook: first Sunday of the month)']);
  });

  it('refuses a window in the past or overlapping another, saying how to fix it', async () => {
    const ops = bot(fixedClock(NOW), memoryChatPoster());
    await expect(ops.maintenance.add({ startsAt: NOW - HOUR, durationMs: HOUR, reason: 'x' }, 'U1')).rejects.toThrow(InputError);
    const overlap = ops.maintenance.add({ startsAt: W + HOUR, durationMs: 2 * HOUR, reason: 'x' }, 'U1');
    await expect(overlap).rejects.toThrow(OpsError);
    await expect(overlap).rejects.toThrow('overlaps the regular window Sun 2026-11-01 02:00–04:00 EST (Monthly maintenance (runbook: first Sunday of the month)). Skip that one first with `/maintenance skip 2026-11-01`');
  });

  it('two people adding overlapping one-off windows at the same moment: one wins, the other is told', async () => {
    const ops = bot(fixedClock(NOW), memoryChatPoster());
    const at = Date.parse('2026-11-20T03:00:00Z');
    const results = await Promise.allSettled([
      ops.maintenance.add({ startsAt: at, durationMs: HOUR, reason: 'a' }, 'U1'),
      ops.maintenance.add({ startsAt: at + 30 * 60_000, durationMs: HOUR, reason: 'b' }, 'U2'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected')!;
    expect(String(failed.reason)).toMatch(/overlaps/);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM opsbot.maintenance_windows');
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('/maintenance skip removes a regular window and its notices from the schedule, and announces it', async () => {
    const clock = fixedClock(NOW);
    const slack = memoryChatPoster();
    const ops = bot(clock, slack);
    const r = await ops.maintenance.skip({ year: 2026, month: 12, day: 6 }, 'holiday freeze', 'U0ONCALL');
    expect(r.skipped.map((w) => w.id)).toEqual(['rule:2026-12-06T07:00:00.000Z']);
    expect(slack.messages[0]!.text).toBe('🗓️ Maintenance window skipped: Sun 2026-12-06 02:00–04:00 EST');
    expect(JSON.stringify(slack.messages[0]!.blocks)).toContain('Skipped by <@U0ONCALL>: holiday freeze');
    const plan = await scheduleJson(clock);
    expect(nextOf(plan, 'maintenance.start')).toEqual(['2026-11-01T07:00:00.000Z', '2027-01-03T07:00:00.000Z', '2027-02-07T07:00:00.000Z']);
    expect(nextOf(plan, 'maintenance.notice-72h')).not.toContain('2026-12-03T07:00:00.000Z');
    const list = await ops.maintenance.list(3);
    expect(list[1]).toMatchObject({ startsAt: Date.parse('2026-12-06T07:00:00Z'), skipped: { by: 'U0ONCALL', reason: 'holiday freeze' } });
  });

  it('answers a skip on a day without a window, or one already skipped, with the upcoming dates and the format', async () => {
    const ops = bot(fixedClock(NOW), memoryChatPoster());
    await expect(ops.maintenance.skip({ year: 2026, month: 12, day: 7 }, null, 'U1')).rejects.toThrow(
      'There is no maintenance window on 2026-12-07. Upcoming: 2026-11-01 (Sun 2026-11-01 02:00–04:00 EST), 2026-12-06 (Sun 2026-12-06 02:00–04:00 EST), 2027-01-03 (Sun 2027-01-03 02:00–04:00 EST). Write the date as YYYY-MM-DD, e.g. `/maintenance skip 2026-11-01`.',
    );
    await ops.maintenance.skip({ year: 2026, month: 12, day: 6 }, null, 'U1');
    await expect(ops.maintenance.skip({ year: 2026, month: 12, day: 6 }, null, 'U1')).rejects.toThrow(/already skipped/);
  });

  it('skipping the day of a one-off window cancels it', async () => {
    const ops = bot(fixedClock(NOW), memoryChatPoster());
    await ops.maintenance.add({ startsAt: Date.parse('2026-11-20T03:00:00Z'), durationMs: HOUR, reason: 'reindex' }, 'U1');
    const r = await ops.maintenance.skip({ year: 2026, month: 11, day: 19 }, 'not needed', 'U2'); // 22:00 EST on the 19th
    expect(r.skipped.map((w) => w.reason)).toEqual(['reindex']);
    const { rows } = await db.pool.query('SELECT cancelled_by, cancel_reason FROM opsbot.maintenance_windows');
    expect(rows).toEqual([{ cancelled_by: 'U2', cancel_reason: 'not needed' }]);
  });

  it('posts nothing for a skipped window', async () => {
    const clock = fixedClock(W - 100 * HOUR);
    const slack = memoryChatPoster();
    const ops = bot(clock, slack);
    await ops.scheduler.catchUp();
    await ops.maintenance.skip({ year: 2026, month: 11, day: 1 }, null, 'U1');
    slack.messages.length = 0;
    for (const t of [W - 72 * HOUR, W - 24 * HOUR, W - HOUR, W, W + 2 * HOUR]) {
      clock.set(t + 1000);
      await ops.scheduler.tick();
    }
    expect(slack.messages.filter((m) => m.channel === 'C0MAINT')).toEqual([]);
  });

  it('a one-off window added 30 h ahead gets the added post instead of the 72 h notice, then 24 h, 1 h, start and end', async () => {
    const clock = fixedClock(NOW);
    const slack = memoryChatPoster();
    const ops = bot(clock, slack);
    await ops.scheduler.catchUp();
    const start = NOW + 30 * HOUR;
    const r = await ops.maintenance.add({ startsAt: start, durationMs: HOUR, reason: 'hotfix migration' }, 'U1');
    expect(r.missedNotices).toEqual([72]);
    expect(JSON.stringify(slack.messages[0]!.blocks)).toContain('this post replaces the 72 h notice');
    for (const t of [start - 72 * HOUR, start - 24 * HOUR, start - HOUR, start, start + HOUR]) {
      if (t < NOW) continue;
      clock.set(t + 1000);
      await ops.scheduler.tick();
    }
    const texts = slack.inChannel('C0MAINT').map((m) => m.text.split(':')[0]);
    expect(texts).toEqual([
      '📅 Maintenance window added',
      '🛠️ Planned maintenance in 24 hours',
      'Pre-maintenance checklist — Wed 2026-10-21 18',
      '🛠️ Planned maintenance in 1 hour',
      '🚧 Maintenance has started',
      'No backup command is available in this bot yet, so no backup was taken. Take one before changing anything (Supabase dashboard → Database → Backups, or `pg_dump`), then tick "Database backed up".',
      // The health check cannot run in this test, which the end post flags.
      '⚠️ Maintenance window has ended — checks need attention',
      'Post-maintenance checklist — Wed 2026-10-21 18',
    ]);
  });

  it('/maintenance next shows which notices went out', async () => {
    const clock = fixedClock(W - 73 * HOUR);
    const ops = bot(clock, memoryChatPoster());
    await ops.scheduler.catchUp();
    clock.set(W - 72 * HOUR + 1000);
    await ops.scheduler.tick();
    const r = await ops.maintenance.next();
    expect(r.window?.startsAt).toBe(W);
    expect(r.notices.map((n) => [n.label, n.status])).toEqual([
      ['72 h notice', 'succeeded'],
      ['24 h notice', 'due'],
      ['1 h notice', 'due'],
      ['start (health check, backup)', 'due'],
      ['end (smoke test, post-maintenance checklist)', 'due'],
    ]);
    expect(await ops.maintenance.activeWindow(W + HOUR)).toMatchObject({ startsAt: W });
    expect(await ops.maintenance.activeWindow(W + 2 * HOUR)).toBeUndefined();
  });

  it('opsbot schedule says to migrate first when the state store has no tables', async () => {
    const empty = await createTestDatabase();
    try {
      await empty.pool.query('DROP SCHEMA opsbot CASCADE');
      let err = '';
      const code = await runScheduleCli([], { stdout: () => undefined, stderr: (s) => (err += s), clock: fixedClock(NOW), pool: empty.pool, timezone: NY, settings, thresholds, logger });
      expect(code).toBe(1);
      expect(err).toContain('Run `opsbot migrate` first');
      expect(await runScheduleCli(['--count', 'x'], { stdout: () => undefined, stderr: (s) => (err += s), clock: fixedClock(NOW), pool: empty.pool, timezone: NY, settings, thresholds, logger })).toBe(2);
    } finally {
      await empty.drop();
    }
  });
});
