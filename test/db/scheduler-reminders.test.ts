// Review and backup reminders: posted on their schedule in the configured zone, switched off or
// re-timed by settings, running the backup commands where the bot has them and saying so where
// it does not, and labelled late after a restart.
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAlertStore } from '../../src/alerts/store.js';
import { fixedClock } from '../../src/core/clock.js';
import type { BackupPort } from '../../src/scheduler/backup-port.js';
import { memoryChatPoster } from '../../src/slack/chat-poster.js';
import { reminderJobs } from '../../src/reminders/reminders.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { parseSchedulerSettings } from '../../src/scheduler/settings.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const NY = 'America/New_York';
const MIN = 60_000;
const logger = pino({ level: 'silent' });
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE opsbot.job_runs, opsbot.job_cursors, opsbot.alerts');
});

function setup(env: Record<string, string>, start: number, backup?: BackupPort) {
  const clock = fixedClock(start);
  const slack = memoryChatPoster(clock);
  const settings = parseSchedulerSettings(env, 'C0OPS');
  const alerts = createAlertStore(db.pool);
  const jobs = reminderJobs({
    schedules: settings.reminders.schedules,
    channel: settings.reminders.channel,
    poster: slack,
    timezone: NY,
    alertStats: (since) => alerts.stats(since),
    oncallGroup: 'S0ONCALL',
    ...(backup ? { backup } : {}),
  });
  const scheduler = createScheduler({ clock, pool: db.pool, timezone: NY, jobs, logger, graceMs: settings.graceMs });
  return { clock, slack, scheduler };
}

const MON = Date.parse('2026-11-16T15:00:00Z'); // Monday 10:00 EST

describe('reminders', () => {
  it('posts the weekly on-call review on Monday 10:00 New York time, with last week\'s alerts', async () => {
    await db.pool.query(
      `INSERT INTO opsbot.alerts (rule_id, severity, title, value, threshold, breaches, fired_at, notified_at, acknowledged_by, acknowledged_at, time_to_ack_ms)
       VALUES ('storage', 'critical', 't', 'v', 'th', 3, $1, $1, 'U1', $1, 240000), ('connections', 'warning', 't', 'v', 'th', 3, $1, $1, NULL, NULL, NULL)`,
      [new Date(MON - 2 * 86_400_000)],
    );
    const r = setup({}, MON - 5 * MIN);
    await r.scheduler.catchUp();
    r.clock.set(MON + 1000);
    await r.scheduler.tick();
    expect(r.slack.messages.map((m) => m.text)).toEqual(['🗓️ Weekly on-call review']);
    const text = JSON.stringify(r.slack.messages[0]!.blocks);
    expect(text).toContain('<!subteam^S0ONCALL>');
    expect(text).toContain('Last 7 days: 2 alerts (1 critical), 1 acknowledged, median time to acknowledge 4 min 0 s.');
    expect(text).toContain('change or switch off with REMINDER_ONCALL_REVIEW');
  });

  it('can be re-timed or switched off in settings', async () => {
    const r = setup({ REMINDER_ONCALL_REVIEW: '30 9 * * 5', REMINDER_DAILY_BACKUP: 'off' }, MON - 5 * MIN);
    await r.scheduler.catchUp();
    for (const t of [MON + 1000, Date.parse('2026-11-17T08:00:00Z') + 1000]) {
      r.clock.set(t);
      await r.scheduler.tick();
    }
    expect(r.slack.messages).toEqual([]); // not Monday 10:00, no daily backup at 03:00
    r.clock.set(Date.parse('2026-11-20T14:30:00Z') + 1000); // Friday 09:30 EST
    await r.scheduler.tick();
    expect(r.slack.messages.map((m) => m.text)).toEqual(['🗓️ Weekly on-call review']);
    const plan = await r.scheduler.nextRuns(1);
    expect(plan.jobs.find((j) => j.id === 'reminder.daily-backup')).toMatchObject({ enabled: false, disabledReason: 'switched off (REMINDER_DAILY_BACKUP=off)' });
  });

  it('the daily backup runs the backup command where the bot has one and posts the result', async () => {
    let calls = 0;
    const backup: BackupPort = {
      now: () => (calls++, Promise.resolve({ ok: true, summary: 'opsbot-2026-11-17.dump, 1.1 GiB' })),
      verifyLatest: () => Promise.resolve({ ok: true, summary: 'x' }),
    };
    const at = Date.parse('2026-11-17T08:00:00Z'); // 03:00 EST
    const r = setup({}, at - 5 * MIN, backup);
    await r.scheduler.catchUp();
    r.clock.set(at + 1000);
    await r.scheduler.tick();
    expect(calls).toBe(1);
    expect(JSON.stringify(r.slack.messages[0]!.blocks)).toContain('✅ Backup: opsbot-2026-11-17.dump, 1.1 GiB');
  });

  it('without a backup command the daily backup and the restore test say so and give the manual steps', async () => {
    const tue = Date.parse('2026-12-01T15:00:00Z'); // first Tuesday of December, 10:00 EST
    const r = setup({}, tue - 5 * MIN);
    await r.scheduler.catchUp();
    r.clock.set(tue + 1000);
    await r.scheduler.tick();
    const restore = r.slack.messages.find((m) => m.text === '🧪 Monthly restore test')!;
    expect(JSON.stringify(restore.blocks)).toContain('This bot has no backup command yet, so it could not verify a backup');
    expect(JSON.stringify(restore.blocks)).toContain('RTO is 4 h');
  });

  it('the restore test verifies the latest backup where it can; a failure is called out', async () => {
    const backup: BackupPort = { now: () => Promise.reject(new Error('x')), verifyLatest: () => Promise.resolve({ ok: false, summary: 'latest dump is 3 days old' }) };
    const tue = Date.parse('2026-12-01T15:00:00Z');
    const r = setup({}, tue - 5 * MIN, backup);
    await r.scheduler.catchUp();
    r.clock.set(tue + 1000);
    await r.scheduler.tick();
    const restore = r.slack.messages.find((m) => m.text === '🧪 Monthly restore test')!;
    expect(JSON.stringify(restore.blocks)).toContain('🔴 Restore test of the latest backup failed: latest dump is 3 days old');
  });

  it('a reminder missed by a restart within the grace window is posted late and says so', async () => {
    const r = setup({}, MON - 5 * MIN);
    await r.scheduler.catchUp();
    r.clock.set(MON + 12 * MIN);
    const again = setup({}, MON + 12 * MIN);
    await again.scheduler.catchUp();
    expect(again.slack.messages.map((m) => m.text)).toEqual(['🗓️ Weekly on-call review']);
    expect(JSON.stringify(again.slack.messages[0]!.blocks)).toContain('*Late:* this was due Mon 2026-11-16 10:00 EST');
  });
});
