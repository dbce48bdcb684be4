// What maintenance start and end do: the health check, the backup where the bot has one (and
// saying so where it does not), and the pre/post checklists the bot ticks what it did itself.
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { HealthThresholds } from '../../src/app/config.js';
import type { HealthService } from '../../src/health/runner.js';
import type { HealthReport } from '../../src/health/types.js';
import type { BackupPort } from '../../src/scheduler/backup-port.js';
import { memoryChatPoster, type MemoryChatPoster } from '../../src/slack/chat-poster.js';
import { createChecklistStore } from '../../src/checklist/store.js';
import { createOpsScheduler, type OpsScheduler } from '../../src/app/ops-scheduler.js';
import { parseSchedulerSettings } from '../../src/scheduler/settings.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { DEFAULT_HEALTH_THRESHOLDS } from '../../src/health/settings.js';

const NY = 'America/New_York';
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

const degraded: HealthReport = {
  ...healthy,
  status: 'critical',
  components: [
    {
      component: 'auth',
      title: 'Auth',
      status: 'critical',
      durationMs: 5,
      items: [{ key: 'service', label: 'Auth service', status: 'critical', value: '503 in 12 ms', threshold: 'HTTP 200' }],
    },
  ],
};

function fakeHealth(reports: HealthReport[] = [healthy]): HealthService & { runs: number } {
  const h = {
    runs: 0,
    run() {
      const r = reports[Math.min(h.runs, reports.length - 1)]!;
      h.runs++;
      return Promise.resolve(r);
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
function replica(
  clock: ReturnType<typeof fixedClock>,
  poster: MemoryChatPoster,
  health: HealthService,
  backup?: BackupPort,
): OpsScheduler {
  return createOpsScheduler({ settings, timezone: NY, clock, pool: db.pool, logger, poster, health, thresholds, throttle: false, ...(backup ? { backup } : {}) });
}

async function runThroughWindow(poster: MemoryChatPoster, health: HealthService, backup?: BackupPort) {
  const clock = fixedClock(W - 25 * HOUR);
  const r = replica(clock, poster, health, backup);
  await r.scheduler.catchUp();
  for (const t of [W - 24 * HOUR, W - HOUR, W, END]) {
    clock.set(t + 1000);
    await r.scheduler.tick();
  }
  return r;
}

const checklists = () => createChecklistStore(db.pool);

async function checklistOf(kind: string) {
  const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM opsbot.checklists WHERE kind = $1', [kind]);
  expect(rows).toHaveLength(1);
  return (await checklists().get(Number(rows[0]!.id)))!;
}

describe('maintenance start and end', () => {
  it('posts the pre-maintenance checklist with the 24 h notice, with "announced" ticked by the bot', async () => {
    const slack = memoryChatPoster();
    await runThroughWindow(slack, fakeHealth());
    const pre = await checklistOf('maintenance.pre');
    expect(pre.items.map((i) => i.key)).toEqual(['announce', 'backup', 'staging', 'rollback', 'team', 'monitoring', 'secrets']);
    expect(pre.items.filter((i) => i.checked).map((i) => [i.key, i.checkedBy])).toEqual([['announce', 'opsbot']]);
    const posted = slack.messages.find((m) => m.ts === pre.messageTs)!;
    expect(posted.channel).toBe('C0MAINT');
    // The message was redrawn after the bot ticked the item.
    expect(JSON.stringify(posted.blocks)).toContain('1 of 7 done');
    expect(JSON.stringify(posted.blocks)).toContain('initial_options');
  });

  it('runs the health check at start and says there is no backup command when the bot has none', async () => {
    const slack = memoryChatPoster();
    const health = fakeHealth();
    await runThroughWindow(slack, health);
    expect(health.runs).toBe(2); // start and end
    const start = slack.messages.find((m) => m.text.startsWith('🚧 Maintenance has started'))!;
    expect(JSON.stringify(start.blocks)).toContain('Health: *OK* (Database)');
    expect(JSON.stringify(start.blocks)).toContain('no backup command is available in this bot');
    const reply = slack.replies(start.ts);
    expect(reply).toHaveLength(1);
    expect(reply[0]!.broadcast).toBe(true);
    expect(reply[0]!.text).toMatch(/^No backup command is available/);
    const pre = await checklistOf('maintenance.pre');
    expect(pre.items.find((i) => i.key === 'backup')!.checked).toBe(false);
  });

  it('takes a backup at start where the backup command exists, posts the result and ticks "Database backed up"', async () => {
    const slack = memoryChatPoster();
    let backups = 0;
    const backup: BackupPort = {
      now: () => (backups++, Promise.resolve({ ok: true, summary: 'opsbot-2026-11-01T0700.dump, 1.2 GiB, 84 s' })),
      verifyLatest: () => Promise.reject(new Error('not used')),
    };
    await runThroughWindow(slack, fakeHealth(), backup);
    expect(backups).toBe(1);
    const start = slack.messages.find((m) => m.text.startsWith('🚧'))!;
    expect(slack.replies(start.ts).map((m) => m.text)).toEqual(['✅ Backup taken: opsbot-2026-11-01T0700.dump, 1.2 GiB, 84 s']);
    const pre = await checklistOf('maintenance.pre');
    expect(pre.items.find((i) => i.key === 'backup')).toMatchObject({ checked: true, checkedBy: 'opsbot' });
  });

  it('a failed backup is posted as failed, and the item stays unticked', async () => {
    const slack = memoryChatPoster();
    const backup: BackupPort = { now: () => Promise.reject(new Error('pg_dump: connection refused')), verifyLatest: () => Promise.reject(new Error('x')) };
    await runThroughWindow(slack, fakeHealth(), backup);
    const start = slack.messages.find((m) => m.text.startsWith('🚧'))!;
    expect(slack.replies(start.ts)[0]!.text).toBe('🔴 Backup failed: failed: pg_dump: connection refused. Do not start risky changes until a backup exists.');
    expect((await checklistOf('maintenance.pre')).items.find((i) => i.key === 'backup')!.checked).toBe(false);
  });

  it('at the end runs the health check as smoke test and posts the post-maintenance checklist', async () => {
    const slack = memoryChatPoster();
    await runThroughWindow(slack, fakeHealth());
    const end = slack.messages.find((m) => m.text.startsWith('✅ Maintenance window has ended'))!;
    expect(JSON.stringify(end.blocks)).toContain('Smoke test (health check):*\\n:large_green_circle: Health: *OK*');
    const post = await checklistOf('maintenance.post');
    expect(post.items.map((i) => i.label)).toEqual([
      'All services up (front end, database, edge function, auth)',
      'Smoke tests pass (sign in, AI chat, key flows)',
      'Error rates back to normal',
      'Logs checked for new errors',
      'Documentation and runbook updated',
      'Users notified that maintenance is complete',
    ]);
    expect(post.items.filter((i) => i.checked).map((i) => i.key)).toEqual(['services-up']);
  });

  it('a failing smoke test is called out and "All services up" is left for a person', async () => {
    const slack = memoryChatPoster();
    await runThroughWindow(slack, fakeHealth([healthy, degraded]));
    const end = slack.messages.find((m) => m.text.includes('Maintenance window has ended'))!;
    expect(end.text).toMatch(/^⚠️ Maintenance window has ended — checks need attention/);
    expect(JSON.stringify(end.blocks)).toContain('Auth service*: 503 in 12 ms');
    expect((await checklistOf('maintenance.post')).items.every((i) => !i.checked)).toBe(true);
  });
});
