// What a scheduled job declares and what it receives when it runs.
import type { Logger } from '../core/log.js';

/** One occurrence of a job: a scheduled instant plus what it is about, for people. */
export interface Slot {
  /** UTC epoch milliseconds. Together with the job id this is the run's unique key. */
  at: number;
  /** E.g. "maintenance 2026-11-01 02:00 EST (rule)". */
  label?: string;
}

/** A cron expression in the scheduler's time zone. */
export interface CronJobSchedule {
  kind: 'cron';
  expression: string;
}

/** Occurrences computed from data, e.g. the maintenance calendar. */
export interface SlotJobSchedule {
  kind: 'slots';
  /** For `opsbot schedule`, e.g. "72 h before each maintenance window". */
  describe: string;
  /** Occurrences in (fromExclusive, toInclusive], oldest first. */
  slots(fromExclusive: number, toInclusive: number): Promise<Slot[]>;
}

export type JobSchedule = CronJobSchedule | SlotJobSchedule;

/**
 * How missed occurrences are handled. `late`: run it if at most the grace window old (labelled
 * late), else record it as skipped — for announcements people rely on. `latest-only`: only the
 * newest due occurrence runs, older ones are recorded as skipped, and nothing is caught up
 * after downtime — for periodic checks where a stale run is worthless.
 */
export type CatchUp = 'late' | 'latest-only';

/** Facts about the run a job is asked to perform. */
export interface JobContext {
  jobId: string;
  /** The occurrence being run (UTC ms). */
  scheduledAt: number;
  /** Clock time when the run started. */
  now: number;
  /** True when the run happens noticeably after its time (missed by a restart or a stall). */
  late: boolean;
  label?: string;
  log: Logger;
}

/** What a run reports; stored with the run. */
export interface JobResult {
  /** Short summary for `opsbot schedule` and logs. */
  summary?: string;
  detail?: Record<string, unknown>;
}

export interface JobDefinition {
  /** Stable id, also the run-key prefix, e.g. 'maintenance.notice-72h'. */
  id: string;
  description: string;
  schedule: JobSchedule;
  catchUp: CatchUp;
  /** Overrides the scheduler's grace window for this job. */
  graceMs?: number;
  /** When set, the job is listed but never runs, with this reason. */
  disabledReason?: string;
  /** Notes shown by `opsbot schedule`, e.g. alert sources that are not available. */
  notes?: string[];
  /** Does the work of one occurrence. Throwing marks the run failed; it is not retried. */
  run(ctx: JobContext): Promise<JobResult | void>;
}
