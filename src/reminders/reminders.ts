// The runbook's review schedule and backup duties as scheduled posts: weekly on-call review,
// monthly metrics review, quarterly runbook review, daily backup and monthly restore test. The
// backup ones run the backup feature where the bot has it and say plainly when it does not.
import type { KnownBlock } from '@slack/types';
import type { AlertStats } from '../alerts/store.js';
import { formatMs } from '../core/format.js';
import { type BackupPort, type BackupResult, runBackupStep } from '../scheduler/backup-port.js';
import type { ChatPoster } from '../slack/chat-poster.js';
import type { ReminderId } from '../scheduler/settings.js';
import type { JobContext, JobDefinition } from '../scheduler/types.js';
import { formatLocal } from '../time/zoned-time.js';
import { context, escapeMrkdwn, header, sections } from '../slack/blocks.js';

const DAY = 86_400_000;

export interface ReminderDeps {
  /** Cron per reminder in OPS_TIMEZONE, or null when switched off. */
  schedules: Record<ReminderId, string | null>;
  channel: string | undefined;
  poster: ChatPoster;
  timezone: string;
  /** The backup feature, when the bot has it. */
  backup?: BackupPort;
  /** Alert statistics for the reviews, when alerts are on. */
  alertStats?: (since: number) => Promise<AlertStats>;
  /** Mentioned in the on-call review. */
  oncallGroup?: string;
}

interface ReminderSpec {
  id: ReminderId;
  title: string;
  description: string;
  setting: string;
  body(ctx: JobContext): Promise<{ lines: string; ok?: boolean }>;
}

export const reminderJobId = (id: ReminderId): string => `reminder.${id}`;

function statsLine(s: AlertStats, days: number): string {
  if (s.total === 0) return `Last ${days} days: no alerts fired.`;
  const tta = s.medianTimeToAckMs === null ? 'none acknowledged' : `median time to acknowledge ${formatMs(s.medianTimeToAckMs)}`;
  return `Last ${days} days: ${s.total} alert${s.total === 1 ? '' : 's'} (${s.critical} critical), ${s.acknowledged} acknowledged, ${tta}${s.unacknowledgedCritical ? `, *${s.unacknowledgedCritical} critical never acknowledged*` : ''}.`;
}

function backupLine(r: BackupResult, what: string): string {
  return r.ok ? `✅ ${what}: ${escapeMrkdwn(r.summary)}` : `🔴 ${what} failed: ${escapeMrkdwn(r.summary)}. Fix this today: the runbook's RPO is 24 h.`;
}

export function reminderJobs(d: ReminderDeps): JobDefinition[] {
  const stats = async (ctx: JobContext, days: number): Promise<string> => {
    if (!d.alertStats) return 'Alert statistics are not available (alerts are off).';
    try {
      return statsLine(await d.alertStats(ctx.scheduledAt - days * DAY), days);
    } catch (err) {
      ctx.log.warn({ err }, 'alert statistics unavailable');
      return 'Alert statistics could not be read from the state store.';
    }
  };

  const specs: ReminderSpec[] = [
    {
      id: 'oncall-review',
      title: '🗓️ Weekly on-call review',
      description: 'Weekly on-call rotation review',
      setting: 'REMINDER_ONCALL_REVIEW',
      body: async (ctx) => ({
        lines: [
          `• Who is on call this week and next${d.oncallGroup ? ` (<!subteam^${d.oncallGroup}>)` : ''}; swap shifts now rather than at 3 a.m.`,
          `• ${await stats(ctx, 7)}`,
          '• Open incidents and follow-ups handed over; contact list and escalation path still right.',
        ].join('\n'),
      }),
    },
    {
      id: 'metrics-review',
      title: '📊 Monthly metrics review',
      description: 'Monthly metrics review against the runbook targets',
      setting: 'REMINDER_METRICS_REVIEW',
      body: async (ctx) => ({
        lines: [
          '• Compare with the runbook targets: DB connections < 50 (warning > 40), query P95 < 100 ms (`/slowqueries`), storage < 8 GB (`/health db`), edge function error rate < 1 % and P95 < 2 s, failed sign-ins, AI credits.',
          `• ${await stats(ctx, 30)}`,
          '• Note trends (database size, slow queries) and plan the work before they become incidents.',
        ].join('\n'),
      }),
    },
    {
      id: 'runbook-review',
      title: '📘 Quarterly runbook review',
      description: 'Quarterly runbook review',
      setting: 'REMINDER_RUNBOOK_REVIEW',
      body: () =>
        Promise.resolve({
          lines: [
            '• Walk through the runbook with the team: contacts, escalation, thresholds (this bot’s settings), playbooks.',
            '• Maintenance rule and checklists, backup and restore procedure (RPO 24 h, RTO 4 h), breach steps (revoke sessions < 15 min, notify regulators in 24–72 h).',
            '• Update whatever changed; remove steps nobody can perform any more.',
          ].join('\n'),
        }),
    },
    {
      id: 'daily-backup',
      title: '💾 Daily backup',
      description: 'Daily backup (runs the backup command where available)',
      setting: 'REMINDER_DAILY_BACKUP',
      async body() {
        if (!d.backup) {
          return {
            lines: 'This bot has no backup command yet, so it did not take one. Confirm today’s automatic backup in Supabase → Database → Backups (the runbook’s RPO is 24 h).',
          };
        }
        const port = d.backup;
        const r = await runBackupStep(() => port.now());
        return { lines: backupLine(r, 'Backup'), ok: r.ok };
      },
    },
    {
      id: 'restore-test',
      title: '🧪 Monthly restore test',
      description: 'Monthly restore test (verifies the latest backup where available)',
      setting: 'REMINDER_RESTORE_TEST',
      async body() {
        if (!d.backup) {
          return {
            lines: [
              'This bot has no backup command yet, so it could not verify a backup. Do the restore test by hand:',
              '• Restore the latest backup into a scratch project or database.',
              '• Check row counts of the key tables and sign in to the restored app.',
              '• Write down how long it took: the runbook’s RTO is 4 h.',
            ].join('\n'),
          };
        }
        const port = d.backup;
        const r = await runBackupStep(() => port.verifyLatest());
        return { lines: backupLine(r, 'Restore test of the latest backup'), ok: r.ok };
      },
    },
  ];

  return specs.map((s): JobDefinition => {
    const expression = d.schedules[s.id];
    const disabledReason = expression === null ? `switched off (${s.setting}=off)` : !d.channel ? 'no channel: set REMINDERS_CHANNEL_ID or ALERTS_CHANNEL_ID' : undefined;
    return {
      id: reminderJobId(s.id),
      description: s.description,
      schedule: { kind: 'cron', expression: expression ?? '0 0 1 1 *' },
      catchUp: 'late',
      ...(disabledReason ? { disabledReason } : {}),
      async run(ctx) {
        const { lines, ok } = await s.body(ctx);
        const blocks: KnownBlock[] = [header(s.title), ...sections(lines)];
        if (ctx.late) blocks.push(context([`⏰ *Late:* this was due ${formatLocal(ctx.scheduledAt, d.timezone)} and is posted after the bot was restarted.`]));
        blocks.push(context([`Scheduled reminder · change or switch off with ${s.setting}`]));
        const posted = await d.poster.postMessage({ channel: d.channel ?? '', text: `${s.title}`, blocks });
        return { summary: ok === undefined ? 'posted' : ok ? 'posted; backup step ok' : 'posted; backup step failed', detail: { ts: posted.ts } };
      },
    };
  });
}
