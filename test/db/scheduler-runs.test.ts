// The scheduler against a real state store: each occurrence runs once across restarts and
// replicas, missed runs inside the grace window run late, older ones are recorded as skipped,
// runs a crash interrupted are reported and never re-run, and jobs take an advisory lock.
import { scheduledJobs } from 'croner';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { JOB_LOCK_CLASS } from '../../src/state/run-store.js';
import { createScheduler, type Scheduler, type SchedulerOptions } from '../../src/scheduler/scheduler.js';
import type { JobContext, JobDefinition } from '../../src/scheduler/types.js';
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
  await db.pool.query('TRUNCATE opsbot.job_runs, opsbot.job_cursors');
});

/** A job that records every run it was asked to do. */
function recordingJob(id: string, expression: string, over: Partial<JobDefinition> = {}) {
  const runs: JobContext[] = [];
  const job: JobDefinition = {
    id,
    description: `test job ${id}`,
    schedule: { kind: 'cron', expression },
    catchUp: 'late',
    run: (ctx) => {
      runs.push(ctx);
      return Promise.resolve({ summary: `ran ${new Date(ctx.scheduledAt).toISOString()}` });
    },
    ...over,
  };
  return { job, runs };
}

function scheduler(clock: ReturnType<typeof fixedClock>, jobs: JobDefinition[], over: Partial<SchedulerOptions> = {}): Scheduler {
  return createScheduler({ clock, pool: db.pool, timezone: NY, jobs, logger, graceMs: 30 * MIN, ...over });
}

async function rows(jobId: string) {
  const r = await db.pool.query<{ scheduled_at: Date; status: string; late: boolean; summary: string | null }>(
    'SELECT scheduled_at, status, late, summary FROM opsbot.job_runs WHERE job_id = $1 ORDER BY scheduled_at',
    [jobId],
  );
  return r.rows.map((x) => ({ at: x.scheduled_at.toISOString(), status: x.status, late: x.late }));
}

// 09:00 New York every day = 14:00Z in November.
const T = Date.parse('2026-11-16T14:00:00Z');

describe('scheduler runs', () => {
  it('runs an occurrence when its time comes, once, however often it ticks', async () => {
    const clock = fixedClock(T - 5 * MIN);
    const { job, runs } = recordingJob('daily', '0 9 * * *');
    const s = scheduler(clock, [job]);
    await s.catchUp();
    expect(runs).toHaveLength(0);
    clock.set(T + 100);
    await s.tick();
    await s.tick();
    clock.advance(MIN);
    await s.tick();
    expect(runs.map((r) => [new Date(r.scheduledAt).toISOString(), r.late])).toEqual([['2026-11-16T14:00:00.000Z', false]]);
    expect(await rows('daily')).toEqual([{ at: '2026-11-16T14:00:00.000Z', status: 'succeeded', late: false }]);
  });

  it('two scheduler instances on one state store run each occurrence once between them', async () => {
    const clockA = fixedClock(T - 2 * MIN);
    const clockB = fixedClock(T - 2 * MIN);
    const a = recordingJob('every-minute', '* * * * *');
    const b = recordingJob('every-minute', '* * * * *');
    const sa = scheduler(clockA, [a.job], { instanceId: 'replica-a' });
    const sb = scheduler(clockB, [b.job], { instanceId: 'replica-b' });
    await sa.catchUp();
    await sb.catchUp();
    a.runs.length = 0;
    b.runs.length = 0;
    for (let i = 1; i <= 10; i++) {
      clockA.set(T + i * MIN + 50);
      clockB.set(T + i * MIN + 80);
      await Promise.all([sa.tick(), sb.tick()]);
    }
    // A replica that found the job locked looks again next tick, so the last minute may still be open.
    await Promise.all([sa.tick(), sb.tick()]);
    const all = [...a.runs, ...b.runs].map((r) => r.scheduledAt).sort();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(Array.from({ length: 12 }, (_x, i) => T + (i - 1) * MIN));
    expect(a.runs.length).toBeGreaterThan(0);
    const { rows: dup } = await db.pool.query('SELECT scheduled_at FROM opsbot.job_runs GROUP BY 1 HAVING count(*) > 1');
    expect(dup).toEqual([]);
  });

  it('after a restart inside the grace window, runs the missed occurrence once, labelled late', async () => {
    const clock = fixedClock(T - 10 * MIN);
    const first = recordingJob('daily', '0 9 * * *');
    const s1 = scheduler(clock, [first.job]);
    await s1.catchUp();
    await s1.tick(); // the cursor is saved at 08:50; then the process dies
    clock.set(T + 20 * MIN); // back up at 09:20, inside the 30 min grace window
    const second = recordingJob('daily', '0 9 * * *');
    const s2 = scheduler(clock, [second.job]);
    const report = await s2.catchUp();
    expect(report.ran).toMatchObject([{ jobId: 'daily', late: true, status: 'succeeded' }]);
    expect(second.runs).toHaveLength(1);
    expect(second.runs[0]!.late).toBe(true);
    expect(await rows('daily')).toEqual([{ at: '2026-11-16T14:00:00.000Z', status: 'succeeded', late: true }]);
    // A third start does not run it again.
    const third = recordingJob('daily', '0 9 * * *');
    await scheduler(clock, [third.job]).catchUp();
    expect(third.runs).toHaveLength(0);
  });

  it('after a restart outside the grace window, records the missed occurrence as skipped and does not run it', async () => {
    const clock = fixedClock(T - 10 * MIN);
    const first = recordingJob('daily', '0 9 * * *');
    await scheduler(clock, [first.job]).catchUp();
    clock.set(T + 45 * MIN);
    const second = recordingJob('daily', '0 9 * * *');
    const report = await scheduler(clock, [second.job]).catchUp();
    expect(second.runs).toHaveLength(0);
    expect(report.skipped).toMatchObject([{ jobId: 'daily', reason: 'missed by more than the 30 min grace window' }]);
    expect(await rows('daily')).toEqual([{ at: '2026-11-16T14:00:00.000Z', status: 'skipped', late: false }]);
  });

  it('records every occurrence missed during a long outage: older ones skipped, the recent one late', async () => {
    const clock = fixedClock(T - 3 * 86_400_000 - 5 * MIN);
    await scheduler(clock, [recordingJob('daily', '0 9 * * *').job]).catchUp();
    clock.set(T + 10 * MIN);
    const back = recordingJob('daily', '0 9 * * *');
    await scheduler(clock, [back.job]).catchUp();
    expect(back.runs.map((r) => r.late)).toEqual([true]);
    expect((await rows('daily')).map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped', 'succeeded']);
  });

  it('on the very first start treats only the grace window as missed', async () => {
    const clock = fixedClock(T + 10 * MIN);
    const { job, runs } = recordingJob('daily', '0 9 * * *');
    await scheduler(clock, [job]).catchUp();
    expect(runs.map((r) => r.late)).toEqual([true]);
    expect(await rows('daily')).toHaveLength(1);
  });

  it('latest-only jobs run only the newest due occurrence and do not catch up an outage', async () => {
    const clock = fixedClock(T);
    const { job, runs } = recordingJob('check', '* * * * *', { catchUp: 'latest-only', graceMs: 2 * MIN });
    const s = scheduler(clock, [job]);
    await s.catchUp();
    runs.length = 0;
    clock.set(T + 3 * MIN + 10); // a stalled event loop: three minutes due at once
    await s.tick();
    expect(runs.map((r) => r.scheduledAt)).toEqual([T + 3 * MIN]);
    expect((await rows('check')).filter((r) => r.status === 'skipped').map((r) => Date.parse(r.at))).toEqual(expect.arrayContaining([T + MIN, T + 2 * MIN]));
    clock.set(T + 3 * 3_600_000); // three hours down
    const after = recordingJob('check', '* * * * *', { catchUp: 'latest-only', graceMs: 2 * MIN });
    await scheduler(clock, [after.job]).catchUp();
    expect(after.runs.length).toBeLessThanOrEqual(1);
    expect(await db.pool.query("SELECT 1 FROM opsbot.job_runs WHERE job_id = 'check'").then((r) => r.rowCount)).toBeLessThan(10);
  });

  it('reports a run a crash left unfinished as interrupted and never re-runs it', async () => {
    const clock = fixedClock(T + 5 * MIN);
    await db.pool.query(
      "INSERT INTO opsbot.job_runs (job_id, scheduled_at, status, claimed_by, started_at) VALUES ('daily', $1, 'running', 'dead-replica', $1)",
      [new Date(T)],
    );
    const told: number[] = [];
    const { job, runs } = recordingJob('daily', '0 9 * * *');
    await scheduler(clock, [job], { onInterrupted: (_j, at) => (told.push(at), Promise.resolve()) }).catchUp();
    expect(runs).toHaveLength(0);
    expect(told).toEqual([T]);
    expect(await rows('daily')).toEqual([{ at: '2026-11-16T14:00:00.000Z', status: 'interrupted', late: false }]);
  });

  it('a failing run is recorded as failed with its error and not retried', async () => {
    const clock = fixedClock(T - MIN);
    let calls = 0;
    const { job } = recordingJob('flaky', '0 9 * * *', {
      run: () => {
        calls++;
        return Promise.reject(new Error('Slack said no'));
      },
    });
    const s = scheduler(clock, [job]);
    await s.catchUp();
    clock.set(T + 1000);
    const r = await s.tick();
    expect(r.ran).toMatchObject([{ status: 'failed', error: 'Slack said no' }]);
    clock.advance(MIN);
    await s.tick();
    expect(calls).toBe(1);
    const { rows: failed } = await db.pool.query("SELECT status, error FROM opsbot.job_runs WHERE job_id = 'flaky'");
    expect(failed).toEqual([{ status: 'failed', error: 'Slack said no' }]);
  });

  it('does not run a job while another session holds its advisory lock, and runs it once the lock is free', async () => {
    const clock = fixedClock(T - MIN);
    const { job, runs } = recordingJob('daily', '0 9 * * *');
    const s = scheduler(clock, [job]);
    await s.catchUp();
    const other = await db.pool.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1::int, hashtext($2))', [JOB_LOCK_CLASS, 'daily']);
      clock.set(T + 1000);
      const busy = await s.tick();
      expect(busy.busy).toEqual(['daily']);
      expect(runs).toHaveLength(0);
      await other.query('SELECT pg_advisory_unlock($1::int, hashtext($2))', [JOB_LOCK_CLASS, 'daily']);
    } finally {
      other.release();
    }
    clock.advance(MIN);
    await s.tick();
    expect(runs.map((r) => r.scheduledAt)).toEqual([T]);
  });

  it('keeps working when a job cannot be examined, and reports it', async () => {
    const clock = fixedClock(T - MIN);
    const good = recordingJob('daily', '0 9 * * *');
    const broken: JobDefinition = {
      id: 'broken',
      description: 'slots from a database that is down',
      schedule: { kind: 'slots', describe: 'x', slots: () => Promise.reject(new Error('connection refused')) },
      catchUp: 'late',
      run: () => Promise.resolve(),
    };
    const s = scheduler(clock, [broken, good.job]);
    await s.catchUp();
    clock.set(T + 1000);
    const r = await s.tick();
    expect(r.errors).toEqual([{ jobId: 'broken', error: 'connection refused' }]);
    expect(good.runs).toHaveLength(1);
  });
});

describe('schedule listing', () => {
  it('lists the next runs from the scheduler clock, disabled jobs with their reason, and the last run', async () => {
    const clock = fixedClock(Date.parse('2026-10-31T12:00:00Z'));
    const daily = recordingJob('daily', '30 1 * * *');
    const off = recordingJob('off', '0 3 * * *', { disabledReason: 'switched off (REMINDER_DAILY_BACKUP=off)' });
    const s = scheduler(clock, [daily.job, off.job]);
    await db.pool.query("INSERT INTO opsbot.job_runs (job_id, scheduled_at, status, late, summary) VALUES ('daily', '2026-10-31T05:30:00Z', 'succeeded', true, 'posted')");
    const plan = await s.nextRuns(3);
    expect(plan.timezone).toBe(NY);
    expect(plan.jobs[0]).toMatchObject({
      id: 'daily',
      enabled: true,
      schedule: 'cron "30 1 * * *" (America/New_York)',
      next: [
        { at: '2026-11-01T05:30:00.000Z', local: 'Sun 2026-11-01 01:30 EDT' },
        { at: '2026-11-02T06:30:00.000Z', local: 'Mon 2026-11-02 01:30 EST' },
        { at: '2026-11-03T06:30:00.000Z', local: 'Tue 2026-11-03 01:30 EST' },
      ],
      lastRun: { scheduledAt: '2026-10-31T05:30:00.000Z', status: 'succeeded', late: true, summary: 'posted' },
    });
    expect(plan.jobs[1]).toMatchObject({ id: 'off', enabled: false, disabledReason: 'switched off (REMINDER_DAILY_BACKUP=off)', next: [] });
  });

  it('start() registers a cron heartbeat in the configured time zone that runs due jobs, and stop() removes it', async () => {
    const clock = fixedClock(T);
    const { job, runs } = recordingJob('minutely', '* * * * *');
    // A heartbeat every second, so the test sees it fire without waiting a minute.
    const s = scheduler(clock, [job], { instanceId: 'heartbeat-test', heartbeat: '* * * * * *' });
    await s.start();
    const task = scheduledJobs.find((t) => t.name === 'opsbot-scheduler-heartbeat-test');
    expect(task?.isRunning()).toBe(true);
    expect(task?.getPattern()).toBe('* * * * * *');
    const ranAtStart = runs.length;
    clock.set(T + MIN);
    await expect.poll(() => runs.length, { timeout: 5000, interval: 100 }).toBe(ranAtStart + 1);
    expect(runs.at(-1)?.scheduledAt).toBe(T + MIN - (T % MIN));
    await s.stop();
    expect(scheduledJobs.some((t) => t.name === 'opsbot-scheduler-heartbeat-test')).toBe(false);
    clock.set(T + 2 * MIN);
    await new Promise((r) => setTimeout(r, 1500));
    expect(runs.length).toBe(ranAtStart + 1);
  });
});

afterEach(() => undefined);
