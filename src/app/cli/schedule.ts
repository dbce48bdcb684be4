// `opsbot schedule [--json] [--count N]`: the next runs of every scheduled job, from the same job
// definitions and state store the bot uses, so a skip or a one-off window shows up at once.
import type pg from 'pg';
import type { Clock } from '../../core/clock.js';
import type { HealthThresholds } from '../config.js';
import { errorMessage, isOpsError, UpstreamError } from '../../core/errors.js';
import type { HealthService } from '../../health/runner.js';
import type { PlatformThresholds } from '../../health/settings.js';
import type { AlertSources } from '../../alerts/rules.js';
import type { Logger } from '../../core/log.js';
import type { ChatPoster } from '../../slack/chat-poster.js';
import type { SchedulePlan } from '../../scheduler/scheduler.js';
import type { SchedulerSettings } from '../../scheduler/settings.js';

export interface ScheduleCliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  clock: Clock;
  /** State database (STATE_DATABASE_URL); the caller closes it. */
  pool: pg.Pool;
  timezone: string;
  settings: SchedulerSettings;
  thresholds: HealthThresholds;
  /** The CPU and edge error-rate thresholds (config.platform). */
  platform?: PlatformThresholds;
  /** Which optional health sources are configured, so rules with one are not listed as unavailable. */
  alertSources?: AlertSources;
  /** USER_EXPORT_RETENTION_DAYS in ms (config.playbooks), for the safety-export retention job. */
  userExportRetentionMs?: number;
  logger: Logger;
}

export const SCHEDULE_USAGE = 'opsbot schedule [--json] [--count N]   next runs of every scheduled job (maintenance notices, alert checks, reminders)';

// Listing never runs a job: these stand in for Slack and the health checks.
const notFromCli = (): never => {
  throw new Error('scheduled jobs do not run from the CLI');
};
const planningPoster: ChatPoster = { postMessage: notFromCli, update: notFromCli };
const planningHealth: HealthService = { run: notFromCli, components: () => [] };

export function scheduleText(plan: SchedulePlan): string {
  const lines = [`Scheduled jobs (times in ${plan.timezone}; missed runs up to ${plan.graceMinutes} min old are posted late):`, ''];
  for (const j of plan.jobs) {
    lines.push(`${j.id} — ${j.description}`);
    lines.push(`  schedule: ${j.schedule}`);
    if (!j.enabled) lines.push(`  disabled: ${j.disabledReason ?? 'yes'}`);
    else lines.push(`  next: ${j.next.length > 0 ? j.next.map((n) => n.local).join(', ') : 'none in the next 400 days'}`);
    if (j.lastRun) lines.push(`  last: ${j.lastRun.scheduledAt} ${j.lastRun.status}${j.lastRun.late ? ' (late)' : ''}${j.lastRun.summary ? ` — ${j.lastRun.summary}` : ''}`);
    for (const n of j.notes ?? []) lines.push(`  note: ${n}`);
  }
  return lines.join('\n');
}

/** The next `count` runs of every job, from the state store. Never runs a job. */
export async function schedulePlan(io: Omit<ScheduleCliIo, 'stdout' | 'stderr'>, count: number): Promise<SchedulePlan> {
  // Loaded here, not at the top: `opsbot help` lists this command without loading the scheduler.
  const { createOpsScheduler } = await import('../ops-scheduler.js');
  const ops = createOpsScheduler({
    settings: io.settings,
    timezone: io.timezone,
    clock: io.clock,
    pool: io.pool,
    logger: io.logger,
    poster: planningPoster,
    health: planningHealth,
    thresholds: io.thresholds,
    ...(io.platform ? { platform: io.platform } : {}),
    ...(io.alertSources ? { alertSources: io.alertSources } : {}),
    ...(io.userExportRetentionMs ? { userExportRetentionMs: io.userExportRetentionMs } : {}),
    throttle: false,
  });
  try {
    return await ops.scheduler.nextRuns(count);
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') throw new UpstreamError('The state database has no scheduler tables yet. Run `opsbot migrate` first.', { cause: err });
    throw isOpsError(err) ? err : new UpstreamError(`Cannot read the schedule from the state database: ${errorMessage(err)}`, { cause: err });
  }
}

/** Runs `opsbot schedule` with its own flag parsing (for callers without the dispatcher); returns the exit code. */
export async function runScheduleCli(args: string[], io: ScheduleCliIo): Promise<number> {
  let json = false;
  let count = 5;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a === '--count' && /^\d{1,2}$/.test(args[i + 1] ?? '') && Number(args[i + 1]) >= 1) count = Number(args[++i]);
    else {
      io.stderr(`Unknown or incomplete argument "${String(a).slice(0, 40)}".\nUsage: ${SCHEDULE_USAGE} (N from 1 to 99)\n`);
      return 2;
    }
  }
  let plan: SchedulePlan;
  try {
    plan = await schedulePlan(io, count);
  } catch (err) {
    io.stderr(`${isOpsError(err) ? err.userMessage : errorMessage(err)}\n`);
    return 1;
  }
  io.stdout(json ? `${JSON.stringify(plan, null, 2)}\n` : `${scheduleText(plan)}\n`);
  return 0;
}
