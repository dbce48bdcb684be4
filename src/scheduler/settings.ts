// Settings of the scheduler, maintenance windows, alerts and reminders. Every schedule is a
// 5-field cron expression in OPS_TIMEZONE, or `off`.
import { z } from 'zod';
import { channelId, int, parseArea, setting, settingsArea } from '../core/env-schema.js';
import { cronProblem } from '../time/cron.js';

const cronOrOff = () =>
  z
    .string()
    .trim()
    .superRefine((s, ctx) => {
      if (s.toLowerCase() === 'off') return;
      const problem = cronProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: `"${s}" ${problem}, or off` });
    })
    .transform((s) => (s.toLowerCase() === 'off' ? null : s));

// Wider than the global true/false rule: on/off reads naturally for switching scheduled work.
const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((s) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(s), 'must be true or false')
  .transform((s) => ['true', '1', 'yes', 'on'].includes(s));

const trimmedChannelId = z.string().trim().pipe(channelId());

const noticeHours = z
  .string()
  .trim()
  .transform((s, ctx) => {
    if (s.toLowerCase() === 'off' || s === '') return [];
    const out: number[] = [];
    for (const part of s.split(',')) {
      const n = Number(part.trim());
      if (!Number.isInteger(n) || n < 1 || n > 24 * 30) {
        ctx.addIssue({ code: 'custom', message: `"${part.trim()}" is not a whole number of hours between 1 and 720` });
        return z.NEVER;
      }
      if (!out.includes(n)) out.push(n);
    }
    return out.sort((a, b) => b - a);
  });

/** Every environment variable the scheduler, maintenance, alerts and reminders read. */
export const SchedulerEnv = settingsArea('Scheduler', 'Scheduled work: maintenance windows and their notices, alert checks, and the runbook reminders.', {
  SCHEDULER_ENABLED: setting(bool, {
    doc: 'Run scheduled work (maintenance notices, alert checks, reminders) in this process; every replica may run it, runs are claimed once in the state database',
    default: 'true',
  }),
  SCHEDULER_GRACE_MINUTES: setting(int(0, 24 * 60), {
    doc: 'A run missed while the bot was down is still posted (labelled late) if it is at most this old; older ones are recorded as skipped',
    default: '30',
  }),
  MAINTENANCE_CHANNEL_ID: setting(trimmedChannelId, {
    doc: 'Channel for maintenance notices and checklists; defaults to ALERTS_CHANNEL_ID',
    example: 'C012ABCDEF',
  }),
  MAINTENANCE_RULE: setting(cronOrOff(), {
    doc: 'Start of the regular maintenance window as cron in OPS_TIMEZONE (runbook: first Sunday of the month 02:00), or off',
    default: '0 2 * * 0#1',
  }),
  MAINTENANCE_DURATION_MINUTES: setting(int(1, 24 * 60), {
    doc: 'Length of the regular maintenance window (runbook: 02:00–04:00)',
    default: '120',
  }),
  MAINTENANCE_NOTICE_HOURS: setting(noticeHours, {
    doc: 'Hours before a window at which a notice is posted, comma-separated (runbook: 72 h notice), or off; start and end are always announced',
    default: '72,24,1',
  }),
  ALERTS_ENABLED: setting(bool, {
    doc: 'Evaluate the runbook alert list from the health checks and post alerts',
    default: 'true',
  }),
  ALERTS_SCHEDULE: setting(cronOrOff(), {
    doc: 'When alerts are evaluated; each evaluation runs the health checks, including one ai-chat probe',
    default: '* * * * *',
  }),
  ALERTS_CONSECUTIVE_BREACHES: setting(int(1, 100), {
    doc: 'Consecutive breaching evaluations before an alert fires (fewer is treated as flapping and stays quiet)',
    default: '3',
  }),
  ALERTS_RECOVERY_CHECKS: setting(int(1, 100), {
    doc: 'Consecutive healthy evaluations before a firing alert is declared recovered',
    default: '2',
  }),
  ALERTS_REMINDER_MINUTES: setting(int(1, 24 * 60), {
    doc: 'A critical alert nobody acknowledged is posted again this often',
    default: '30',
  }),
  REMINDERS_CHANNEL_ID: setting(trimmedChannelId, {
    doc: 'Channel for review, backup and restore-test reminders; defaults to ALERTS_CHANNEL_ID',
    example: 'C012ABCDEF',
  }),
  REMINDER_ONCALL_REVIEW: setting(cronOrOff(), {
    doc: 'Weekly on-call rotation review reminder (cron in OPS_TIMEZONE, or off)',
    default: '0 10 * * 1',
  }),
  REMINDER_METRICS_REVIEW: setting(cronOrOff(), {
    doc: 'Monthly metrics review reminder (default: first Monday 10:00), or off',
    default: '0 10 * * 1#1',
  }),
  REMINDER_RUNBOOK_REVIEW: setting(cronOrOff(), {
    doc: 'Quarterly runbook review reminder (default: first Monday of each quarter 10:00), or off',
    default: '0 10 * 1,4,7,10 1#1',
  }),
  REMINDER_DAILY_BACKUP: setting(cronOrOff(), {
    doc: 'Daily backup: runs the backup command where the bot has one and posts the result, otherwise a reminder (RPO 24 h); or off',
    default: '0 3 * * *',
  }),
  REMINDER_RESTORE_TEST: setting(cronOrOff(), {
    doc: 'Monthly restore test: verifies the latest backup where the bot can, otherwise a reminder with the steps (default: first Tuesday 10:00); or off',
    default: '0 10 * * 2#1',
  }),
});

export type SchedulerSettingName = keyof typeof SchedulerEnv.shape;

export type ReminderId = 'oncall-review' | 'metrics-review' | 'runbook-review' | 'daily-backup' | 'restore-test';

/** Parsed settings, as the scheduler and its jobs use them. */
export interface SchedulerSettings {
  enabled: boolean;
  graceMs: number;
  maintenance: {
    /** Falls back to the alerts channel; undefined disables the posts (they are logged instead). */
    channel: string | undefined;
    /** Cron of the regular window start, or null when there is no regular window. */
    rule: string | null;
    durationMs: number;
    noticeHours: number[];
  };
  alerts: {
    enabled: boolean;
    channel: string | undefined;
    schedule: string | null;
    consecutiveBreaches: number;
    recoveryChecks: number;
    reminderMs: number;
  };
  reminders: {
    channel: string | undefined;
    schedules: Record<ReminderId, string | null>;
  };
}

/** The parsed values of the scheduler's variables. */
export type SchedulerEnv = z.infer<typeof SchedulerEnv>;

/** Maps parsed values to the scheduler's settings; `alertsChannel` is ALERTS_CHANNEL_ID. */
export function toSchedulerSettings(e: SchedulerEnv, alertsChannel: string | undefined): SchedulerSettings {
  return {
    enabled: e.SCHEDULER_ENABLED,
    graceMs: e.SCHEDULER_GRACE_MINUTES * 60_000,
    maintenance: {
      channel: e.MAINTENANCE_CHANNEL_ID ?? alertsChannel,
      rule: e.MAINTENANCE_RULE,
      durationMs: e.MAINTENANCE_DURATION_MINUTES * 60_000,
      noticeHours: e.MAINTENANCE_NOTICE_HOURS,
    },
    alerts: {
      enabled: e.ALERTS_ENABLED,
      channel: alertsChannel,
      schedule: e.ALERTS_SCHEDULE,
      consecutiveBreaches: e.ALERTS_CONSECUTIVE_BREACHES,
      recoveryChecks: e.ALERTS_RECOVERY_CHECKS,
      reminderMs: e.ALERTS_REMINDER_MINUTES * 60_000,
    },
    reminders: {
      channel: e.REMINDERS_CHANNEL_ID ?? alertsChannel,
      schedules: {
        'oncall-review': e.REMINDER_ONCALL_REVIEW,
        'metrics-review': e.REMINDER_METRICS_REVIEW,
        'runbook-review': e.REMINDER_RUNBOOK_REVIEW,
        'daily-backup': e.REMINDER_DAILY_BACKUP,
        'restore-test': e.REMINDER_RESTORE_TEST,
      },
    },
  };
}

/** Parses the scheduler's variables on their own; throws ConfigError listing every problem with what the setting is for. */
export function parseSchedulerSettings(rawEnv: Record<string, string | undefined>, alertsChannel?: string): SchedulerSettings {
  return toSchedulerSettings(parseArea(SchedulerEnv, rawEnv), alertsChannel ?? rawEnv.ALERTS_CHANNEL_ID);
}

/** Settings with every default, for tests and for the CLI when nothing is configured. */
export function defaultSchedulerSettings(channel?: string): SchedulerSettings {
  return parseSchedulerSettings({}, channel);
}
