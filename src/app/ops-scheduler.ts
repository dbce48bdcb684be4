// Assembles the bot's scheduled work from settings: maintenance notices and checklists, the
// alert check, and the review/backup reminders, on one scheduler. src/main.ts (via bot.ts)
// calls createOpsScheduler once, wires the returned services into the Slack handlers, starts the
// scheduler after migrations and stops it before closing the pools.
import type pg from 'pg';
import { createAlertEngine, type AlertEngine } from '../alerts/engine.js';
import { alertsJob } from '../alerts/job.js';
import { type AlertSources, type AlertThresholds, alertRules, DEFAULT_ALERT_THRESHOLDS } from '../alerts/rules.js';
import { createAlertStore } from '../alerts/store.js';
import { createChecklistService, type ChecklistService } from '../checklist/service.js';
import { createChecklistStore } from '../checklist/store.js';
import type { Clock } from '../core/clock.js';
import type { HealthThresholds } from './config.js';
import type { HealthService } from '../health/runner.js';
import type { PlatformThresholds } from '../health/settings.js';
import type { Logger } from '../core/log.js';
import { createMaintenanceCalendar } from '../maintenance/calendar.js';
import { maintenanceJobs } from '../maintenance/jobs.js';
import { createMaintenanceService, type MaintenanceService } from '../maintenance/service.js';
import { userExportRetentionJob } from '../playbooks/user-exports.js';
import { reminderJobs } from '../reminders/reminders.js';
import type { BackupPort } from '../scheduler/backup-port.js';
import { type ChatPoster, throttledPoster } from '../slack/chat-poster.js';
import { createJobRunStore } from '../state/run-store.js';
import { createScheduler, type Scheduler } from '../scheduler/scheduler.js';
import type { SchedulerSettings } from '../scheduler/settings.js';
import type { JobDefinition } from '../scheduler/types.js';
import { formatLocal } from '../time/zoned-time.js';

export interface OpsSchedulerDeps {
  settings: SchedulerSettings;
  /** OPS_TIMEZONE. */
  timezone: string;
  clock: Clock;
  /** State database pool; the scheduler holds one connection per running job (advisory lock). */
  pool: pg.Pool;
  logger: Logger;
  /** Posts to channels, e.g. slackChatPoster(app.client); throttled here to ~1 message/s per channel. */
  poster: ChatPoster;
  health: HealthService;
  /** config.thresholds: alerts use the same thresholds as /health. */
  thresholds: HealthThresholds;
  /** config.platform: the CPU and edge error-rate alerts use the same thresholds as /health. */
  platform?: PlatformThresholds;
  /** The backup feature, when it exists (maintenance start, daily backup, restore test). */
  backup?: BackupPort;
  /** Which optional sources the health checks read (host metrics, edge function logs): rules without one are unavailable. */
  alertSources?: AlertSources;
  /** ONCALL_USERGROUP_ID, mentioned in the on-call review. */
  oncallGroup?: string;
  /** An existing checklist service to share (e.g. the one lockdown uses); one is created otherwise. */
  checklists?: ChecklistService;
  /** false when `poster` is already throttled, and in tests that drive a fake clock; otherwise throttle options. */
  throttle?: false | { minIntervalMs?: number; sleep?: (ms: number) => Promise<void> };
  /** USER_EXPORT_RETENTION_DAYS in ms: a daily job deletes older delete-user safety exports. */
  userExportRetentionMs?: number;
  /** Identifies this replica in job_runs (default host:pid:random). */
  instanceId?: string;
}

export interface OpsScheduler {
  scheduler: Scheduler;
  /** For maintenanceCommand(). */
  maintenance: MaintenanceService;
  /** For checklistInteractions(checklists.store), and for other features' checklists. */
  checklists: ChecklistService;
  /** For alertInteractions(); undefined when alerts are off or have no channel. */
  alerts: AlertEngine | undefined;
  /** Catches up missed runs and starts the heartbeat (no-op when SCHEDULER_ENABLED=false). */
  start(): Promise<void>;
  /** Stops the heartbeat and waits for a run in progress. */
  stop(): Promise<void>;
}

export function alertThresholdsFrom(t: HealthThresholds, platform?: PlatformThresholds): AlertThresholds {
  return {
    ...DEFAULT_ALERT_THRESHOLDS,
    ...(platform ? { dbCpuPct: platform.dbCpuCriticalPct, edgeErrorRatePct: platform.edgeErrorRateCriticalPct } : {}),
    connectionsWarn: t.connectionsWarn,
    storageCriticalPct: t.storageCriticalPct,
    edgeLatencyCriticalMs: t.edgeLatencyCriticalMs,
    failedLoginsPerMinuteWarn: t.failedLoginsPerMinuteWarn,
  };
}

export function createOpsScheduler(d: OpsSchedulerDeps): OpsScheduler {
  const s = d.settings;
  const log = d.logger.child({ component: 'ops-scheduler' });
  const poster = d.throttle === false ? d.poster : throttledPoster(d.poster, { clock: d.clock, ...(d.throttle ?? {}) });
  const runs = createJobRunStore(d.pool);
  const calendar = createMaintenanceCalendar({ db: d.pool, timezone: d.timezone, rule: s.maintenance.rule, durationMs: s.maintenance.durationMs });
  const checklists = d.checklists ?? createChecklistService({ store: createChecklistStore(d.pool), poster, clock: d.clock, timezone: d.timezone });
  const maintenance = createMaintenanceService({
    calendar,
    db: d.pool,
    clock: d.clock,
    logger: d.logger,
    noticeHours: s.maintenance.noticeHours,
    runs,
    poster,
    ...(s.maintenance.channel ? { channel: s.maintenance.channel } : {}),
  });
  const rules = alertRules(alertThresholdsFrom(d.thresholds, d.platform), d.alertSources);
  const alertStore = createAlertStore(d.pool);
  const alerts =
    s.alerts.enabled && s.alerts.schedule !== null && s.alerts.channel
      ? createAlertEngine({
          store: alertStore,
          poster,
          channel: s.alerts.channel,
          timezone: d.timezone,
          clock: d.clock,
          logger: d.logger,
          health: d.health,
          rules,
          consecutiveBreaches: s.alerts.consecutiveBreaches,
          recoveryChecks: s.alerts.recoveryChecks,
          reminderMs: s.alerts.reminderMs,
          maintenance,
        })
      : undefined;

  // Order matters within a tick: the maintenance end is posted before the summary of the
  // alerts held during the window, and before reminders.
  const jobs: JobDefinition[] = [
    ...maintenanceJobs({
      calendar,
      noticeHours: s.maintenance.noticeHours,
      channel: s.maintenance.channel,
      poster,
      checklists,
      health: d.health,
      ...(d.backup ? { backup: d.backup } : {}),
    }),
    alertsJob({ engine: alerts, rules, schedule: s.alerts.schedule, enabled: s.alerts.enabled, channel: s.alerts.channel }),
    ...reminderJobs({
      schedules: s.reminders.schedules,
      channel: s.reminders.channel,
      poster,
      timezone: d.timezone,
      ...(d.backup ? { backup: d.backup } : {}),
      ...(alerts ? { alertStats: (since: number) => alertStore.stats(since) } : {}),
      ...(d.oncallGroup ? { oncallGroup: d.oncallGroup } : {}),
    }),
    ...(d.userExportRetentionMs ? [userExportRetentionJob(d.pool, d.userExportRetentionMs)] : []),
  ];

  const noticeChannel = s.maintenance.channel ?? s.alerts.channel ?? s.reminders.channel;
  const scheduler = createScheduler({
    clock: d.clock,
    pool: d.pool,
    store: runs,
    timezone: d.timezone,
    jobs,
    logger: d.logger,
    graceMs: s.graceMs,
    ...(d.instanceId ? { instanceId: d.instanceId } : {}),
    async onInterrupted(job, scheduledAt) {
      // Periodic checks are not worth a message; announcements people rely on are.
      if (job.catchUp !== 'late' || !noticeChannel) return;
      await poster.postMessage({
        channel: noticeChannel,
        text: `⚠️ The scheduled "${job.description}" due ${formatLocal(scheduledAt, d.timezone)} was interrupted when the bot stopped, and is not re-run. Check whether its message went out; \`opsbot schedule --json\` shows the run history.`,
      });
    },
  });

  if (!s.maintenance.channel) log.warn('no maintenance channel: maintenance notices are off (set MAINTENANCE_CHANNEL_ID or ALERTS_CHANNEL_ID)');
  for (const r of rules.filter((x) => x.unavailable)) log.info({ ruleId: r.id, reason: r.unavailable }, 'alert rule unavailable');

  return {
    scheduler,
    maintenance,
    checklists,
    alerts,
    async start() {
      if (!s.enabled) {
        log.info('scheduler disabled (SCHEDULER_ENABLED=false)');
        return;
      }
      await scheduler.start();
    },
    stop: () => scheduler.stop(),
  };
}
