// The scheduler: a croner heartbeat (explicit IANA time zone) drives tick(); tick() finds, for
// every job, the occurrences due since it last looked and runs each one at most once across
// restarts and replicas:
//   - a per-job Postgres advisory lock keeps two replicas from running the same job at once;
//   - each occurrence is claimed by inserting (job, scheduled time) under a unique key, and only
//     the inserter runs it;
//   - a per-job cursor in the state store says how far occurrences were examined, so on start the
//     ones missed while no replica ran are found: inside the grace window they run, labelled
//     late; older ones are recorded as skipped and not run.
// Tests call catchUp() and tick() with a fake clock instead of waiting for the heartbeat.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import type pg from 'pg';
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { compileCron, type CronSchedule } from '../time/cron.js';
import { createJobRunStore, type JobRunStore, type RunStatus } from '../state/run-store.js';
import type { JobDefinition, Slot } from './types.js';
import { formatLocal } from '../time/zoned-time.js';

/** A run is labelled late when it starts this long after its time (the heartbeat is per minute). */
export const LATE_AFTER_MS = 90_000;
/** Missed occurrences older than this are not even recorded as skipped (a month of downtime). */
export const MAX_CATCH_UP_MS = 35 * 86_400_000;
/** How far ahead `nextRuns` looks for calendar-based jobs. */
const PLAN_HORIZON_MS = 400 * 86_400_000;

export interface SchedulerOptions {
  clock: Clock;
  /** State database (schema opsbot). Holds one connection per running job for its advisory lock. */
  pool: pg.Pool;
  /** IANA zone of every cron expression (OPS_TIMEZONE). */
  timezone: string;
  jobs: JobDefinition[];
  logger: Logger;
  /** Missed runs at most this old run late; older ones are skipped (SCHEDULER_GRACE_MINUTES). */
  graceMs: number;
  /** Identifies this process in job_runs.claimed_by. */
  instanceId?: string;
  /** Cron expression of the heartbeat that calls tick(); default every minute. */
  heartbeat?: string;
  /** Told about runs a dead process left unfinished (they are not re-run). */
  onInterrupted?: (job: JobDefinition, scheduledAt: number) => Promise<void>;
  /** Replaces the run store (tests). */
  store?: JobRunStore;
}

/** What one run did. */
export interface RunOutcome {
  jobId: string;
  scheduledAt: number;
  late: boolean;
  status: 'succeeded' | 'failed';
  summary?: string;
  error?: string;
}

/** What one tick did. */
export interface TickReport {
  ran: RunOutcome[];
  skipped: { jobId: string; scheduledAt: number; reason: string }[];
  /** Jobs another replica was running; their occurrences are looked at again next tick. */
  busy: string[];
  /** Jobs that could not be examined (e.g. the state database is down). */
  errors: { jobId: string; error: string }[];
}

/** One upcoming occurrence, for `opsbot schedule`. */
export interface PlannedRun {
  at: string;
  local: string;
  label?: string;
}

/** A job as `opsbot schedule --json` shows it. */
export interface JobPlan {
  id: string;
  description: string;
  schedule: string;
  catchUp: string;
  enabled: boolean;
  disabledReason?: string;
  notes?: string[];
  next: PlannedRun[];
  lastRun: { scheduledAt: string; status: RunStatus; late: boolean; summary: string | null } | null;
}

export interface SchedulePlan {
  timezone: string;
  generatedAt: string;
  graceMinutes: number;
  jobs: JobPlan[];
}

export interface Scheduler {
  /** Catches up missed runs, then starts the cron heartbeat. */
  start(): Promise<TickReport>;
  /** Stops the heartbeat and waits for a tick in progress. */
  stop(): Promise<void>;
  /** Startup catch-up: marks interrupted runs, runs recent misses late, records older ones skipped. */
  catchUp(): Promise<TickReport>;
  /** Runs every occurrence due since the last tick (the heartbeat calls this every minute). */
  tick(): Promise<TickReport>;
  /** The next `count` occurrences of every job and its last recorded run. */
  nextRuns(count?: number): Promise<SchedulePlan>;
  /** The jobs, as configured. */
  jobs(): readonly JobDefinition[];
}

/** The job's advisory lock went with its cut state-store session. */
class LostJobLockError extends Error {
  constructor(jobId: string) {
    super(`lost the advisory lock of job ${jobId} (its state-store connection was cut); stopped and will look again next tick`);
    this.name = 'LostJobLockError';
  }
}

export function createScheduler(o: SchedulerOptions): Scheduler {
  const log = o.logger.child({ component: 'scheduler' });
  const store = o.store ?? createJobRunStore(o.pool);
  const instance = o.instanceId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const ids = new Set<string>();
  const crons = new Map<string, CronSchedule>();
  for (const job of o.jobs) {
    if (ids.has(job.id)) throw new Error(`two scheduled jobs share the id ${job.id}`);
    ids.add(job.id);
    if (job.schedule.kind === 'cron') crons.set(job.id, compileCron(job.schedule.expression, o.timezone));
  }
  const active = o.jobs.filter((j) => !j.disabledReason);

  /** In memory: how far each job was examined by this process. */
  const cursors = new Map<string, number>();
  /** Jobs whose leftover 'running' rows were already checked this process lifetime. */
  const interruptChecked = new Set<string>();
  let startedAt: number | undefined;
  let initialised: Promise<void> | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  let task: Cron | undefined;

  const graceOf = (job: JobDefinition) => job.graceMs ?? o.graceMs;

  const slotsOf = async (job: JobDefinition, from: number, to: number): Promise<Slot[]> => {
    if (job.schedule.kind === 'slots') return job.schedule.slots(from, to);
    const c = crons.get(job.id);
    return c ? c.between(from, to).map((at) => ({ at })) : [];
  };

  const init = async (): Promise<void> => {
    const now = o.clock.now();
    startedAt = now;
    const saved = await store.cursors(active.map((j) => j.id));
    for (const job of active) {
      const known = saved.get(job.id);
      // latest-only jobs (periodic checks) look back only over their own grace window: a check
      // missed during downtime is worthless and is neither run nor recorded.
      const floor = job.catchUp === 'latest-only' ? now - graceOf(job) : now - MAX_CATCH_UP_MS;
      // First start ever: there is no history, so only the grace window counts as "missed".
      const from = known === undefined ? now - graceOf(job) : Math.max(known, floor);
      cursors.set(job.id, Math.min(from, now));
    }
  };

  const ensureInit = (): Promise<void> => {
    initialised ??= init().catch((err: unknown) => {
      initialised = undefined;
      throw err;
    });
    return initialised;
  };

  const runOne = async (job: JobDefinition, slot: Slot, now: number, report: TickReport): Promise<void> => {
    const late = now - slot.at > LATE_AFTER_MS || (startedAt !== undefined && slot.at < startedAt);
    const id = await store.claim(job.id, slot.at, late, instance, now);
    if (id === undefined) return; // another process ran (or is running) this occurrence
    const runLog = log.child({ jobId: job.id, scheduledAt: new Date(slot.at).toISOString(), late });
    runLog.info('scheduled run started');
    try {
      const result = await job.run({ jobId: job.id, scheduledAt: slot.at, now, late, log: runLog, ...(slot.label ? { label: slot.label } : {}) });
      await store.finish(id, 'succeeded', o.clock.now(), result?.summary ?? null, result?.detail ?? {}, null);
      report.ran.push({ jobId: job.id, scheduledAt: slot.at, late, status: 'succeeded', ...(result?.summary ? { summary: result.summary } : {}) });
      runLog.info({ summary: result?.summary }, 'scheduled run finished');
    } catch (err) {
      const message = errorMessage(err);
      runLog.error({ err }, 'scheduled run failed');
      await store.finish(id, 'failed', o.clock.now(), null, {}, message).catch((e: unknown) => runLog.warn({ err: e }, 'could not record failed run'));
      report.ran.push({ jobId: job.id, scheduledAt: slot.at, late, status: 'failed', error: message });
    }
  };

  const processJob = async (job: JobDefinition, now: number, report: TickReport, advanced: Map<string, number>): Promise<void> => {
    const from = cursors.get(job.id) ?? now;
    const needsInterruptCheck = !interruptChecked.has(job.id);
    const slots = from < now ? await slotsOf(job, from, now) : [];
    if (slots.length === 0 && !needsInterruptCheck) {
      cursors.set(job.id, now);
      advanced.set(job.id, now);
      return;
    }
    const lock = await store.tryLock(job.id);
    if (!lock) {
      report.busy.push(job.id);
      return;
    }
    try {
      if (needsInterruptCheck) {
        // Holding the lock proves no live process is running this job: leftovers are dead runs.
        for (const r of await store.markInterrupted(job.id, now)) {
          log.warn({ jobId: job.id, scheduledAt: new Date(r.scheduledAt).toISOString(), claimedBy: r.claimedBy }, 'scheduled run was interrupted; not re-running it');
          await o.onInterrupted?.(job, r.scheduledAt).catch((err: unknown) => log.warn({ err, jobId: job.id }, 'could not report interrupted run'));
        }
        interruptChecked.add(job.id);
      }
      const grace = graceOf(job);
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i]!;
        // The lock lives in one state-store session; if that was cut, another replica may hold
        // the lock now. Stop here; the cursor stays put and the next tick looks again (claims
        // keep any occurrence from running twice).
        if (!(await lock.held())) throw new LostJobLockError(job.id);
        let reason: string | undefined;
        if (job.catchUp === 'latest-only' && i < slots.length - 1) reason = 'superseded by a newer occurrence';
        else if (now - slot.at > grace) reason = `missed by more than the ${Math.round(grace / 60_000)} min grace window`;
        if (reason) {
          if (await store.skip(job.id, slot.at, instance, now, reason)) {
            report.skipped.push({ jobId: job.id, scheduledAt: slot.at, reason });
            log.warn({ jobId: job.id, scheduledAt: new Date(slot.at).toISOString(), reason }, 'scheduled run skipped');
          }
          continue;
        }
        await runOne(job, slot, now, report);
      }
      if (slots.length > 0 && !(await lock.held())) throw new LostJobLockError(job.id);
      cursors.set(job.id, now);
      advanced.set(job.id, now);
    } finally {
      await lock.release();
    }
  };

  const tickOnce = async (): Promise<TickReport> => {
    const report: TickReport = { ran: [], skipped: [], busy: [], errors: [] };
    try {
      await ensureInit();
    } catch (err) {
      log.warn({ err }, 'scheduler cannot read its state; will retry next tick');
      report.errors.push({ jobId: '*', error: errorMessage(err) });
      return report;
    }
    const now = o.clock.now();
    const advanced = new Map<string, number>();
    // Jobs run in their listed order, so e.g. the maintenance end notice precedes the summary of
    // alerts held during it.
    for (const job of active) {
      try {
        await processJob(job, now, report, advanced);
      } catch (err) {
        log.warn({ err, jobId: job.id }, 'scheduler could not examine job; will retry next tick');
        report.errors.push({ jobId: job.id, error: errorMessage(err) });
      }
    }
    await store.advance(advanced, o.clock.now()).catch((err: unknown) => log.warn({ err }, 'could not save scheduler cursors'));
    return report;
  };

  // Ticks never overlap within a process: the heartbeat and a test (or catch-up) queue up.
  const tick = (): Promise<TickReport> => {
    const next = chain.then(tickOnce, tickOnce);
    chain = next.catch(() => undefined);
    return next;
  };

  const nextRuns = async (count = 5): Promise<SchedulePlan> => {
    const now = o.clock.now();
    const last = await store.lastRuns(o.jobs.map((j) => j.id));
    const jobs: JobPlan[] = [];
    for (const job of o.jobs) {
      const cronPlan = crons.get(job.id);
      const slots = job.disabledReason
        ? []
        : cronPlan
          ? cronPlan.next(now, count).map((at): Slot => ({ at }))
          : (await slotsOf(job, now, now + PLAN_HORIZON_MS)).slice(0, count);
      const lr = last.get(job.id);
      jobs.push({
        id: job.id,
        description: job.description,
        schedule: job.schedule.kind === 'cron' ? `cron "${job.schedule.expression}" (${o.timezone})` : job.schedule.describe,
        catchUp: job.catchUp,
        enabled: !job.disabledReason,
        ...(job.disabledReason ? { disabledReason: job.disabledReason } : {}),
        ...(job.notes?.length ? { notes: job.notes } : {}),
        next: slots.map((s) => ({ at: new Date(s.at).toISOString(), local: formatLocal(s.at, o.timezone), ...(s.label ? { label: s.label } : {}) })),
        lastRun: lr ? { scheduledAt: new Date(lr.scheduledAt).toISOString(), status: lr.status, late: lr.late, summary: lr.summary } : null,
      });
    }
    return { timezone: o.timezone, generatedAt: new Date(now).toISOString(), graceMinutes: Math.round(o.graceMs / 60_000), jobs };
  };

  return {
    jobs: () => o.jobs,
    catchUp: tick,
    tick,
    nextRuns,
    async start() {
      const report = await tick();
      for (const r of report.ran) log.info({ jobId: r.jobId, late: r.late, status: r.status }, 'caught up scheduled run');
      // tick() reports its failures rather than throwing; the catch is the last line of defence
      // against an unhandled rejection from the heartbeat.
      // protect: a tick still running when the next minute comes is not started twice.
      task = new Cron(o.heartbeat ?? '* * * * *', { timezone: o.timezone, name: `opsbot-scheduler-${instance}`, protect: true, mode: '5-or-6-parts' }, () =>
        tick().then(
          () => undefined,
          (err: unknown) => log.warn({ err }, 'scheduler tick failed'),
        ),
      );
      log.info({ jobs: active.map((j) => j.id), timezone: o.timezone, instance }, 'scheduler started');
      return report;
    },
    async stop() {
      if (task) {
        task.stop();
        task = undefined;
      }
      await chain;
    },
  };
}
