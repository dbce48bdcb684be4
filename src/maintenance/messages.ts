// Maintenance posts and replies as Block Kit. Every time shows its zone; a post made late after
// a restart says so, with the time it was due.
import type { KnownBlock } from '@slack/types';
import { actorMention } from '../checklist/render.js';
import type { HealthReport } from '../health/types.js';
import type { BackupResult } from '../scheduler/backup-port.js';
import { healthSummary } from '../scheduler/health-summary.js';
import type { RunStatus } from '../state/run-store.js';
import { formatDistance, formatLocal } from '../time/zoned-time.js';
import { context, escapeMrkdwn, escapeText, fitMessage, header, sections } from '../slack/blocks.js';
import { describeWindow, type MaintenanceWindow } from './calendar.js';

export interface Message {
  text: string;
  blocks: KnownBlock[];
}

/** Set when a post is made after its time. */
export interface Lateness {
  scheduledAt: number;
  now: number;
}

function lateLine(late: Lateness | undefined, timezone: string): KnownBlock[] {
  if (!late) return [];
  return [context([`⏰ *Late:* this was due ${formatLocal(late.scheduledAt, timezone)} and is posted ${formatLocal(late.now, timezone)}, after the bot was restarted.`])];
}

function whereWhy(w: MaintenanceWindow, timezone: string): string {
  return `*When:* ${describeWindow(w, timezone)} (${timezone})\n*Why:* ${escapeMrkdwn(w.reason)}${w.kind === 'custom' && w.createdBy ? ` — added by ${actorMention(w.createdBy)}` : ''}`;
}

function hoursText(h: number): string {
  return h % 24 === 0 && h >= 48 ? `${h / 24} days` : `${h} hour${h === 1 ? '' : 's'}`;
}

export function noticeMessage(w: MaintenanceWindow, hoursBefore: number, timezone: string, late?: Lateness): Message {
  const title = `🛠️ Planned maintenance in ${hoursText(hoursBefore)}`;
  const blocks: KnownBlock[] = [
    header(title),
    ...sections(
      `${whereWhy(w, timezone)}\n*Expect:* the AutoRepAi app and the AI chat may be briefly unavailable. Alerts are held during the window and summarised at its end.`,
    ),
    ...lateLine(late, timezone),
    context([`Notice ${hoursText(hoursBefore)} ahead, as the runbook asks (72 h notice). \`/maintenance next\` shows the plan.`]),
  ];
  return { text: `${title}: ${describeWindow(w, timezone)} — ${escapeText(w.reason)}`, blocks };
}

export function startMessage(w: MaintenanceWindow, timezone: string, health: HealthReport | string, backupNote: string, late?: Lateness): Message {
  const title = '🚧 Maintenance has started';
  const healthText = typeof health === 'string' ? `:white_circle: Health check could not run: ${escapeMrkdwn(health)}` : healthSummary(health);
  const blocks: KnownBlock[] = [
    header(title),
    ...sections(`${whereWhy(w, timezone)}\n\n*Health before the work:*\n${healthText}\n\n*Backup:* ${backupNote}`),
    ...lateLine(late, timezone),
    context([`Alerts are held until ${formatLocal(w.endsAt, timezone)}. Tick the pre-maintenance checklist as you go.`]),
  ];
  return { text: `${title}: ${describeWindow(w, timezone)}`, blocks: fitMessage(blocks, 'Run /health for the full report.') };
}

export function backupReply(result: BackupResult | undefined): Message {
  if (!result) {
    const text =
      'No backup command is available in this bot yet, so no backup was taken. Take one before changing anything (Supabase dashboard → Database → Backups, or `pg_dump`), then tick "Database backed up".';
    return { text, blocks: sections(`:warning: ${text}`) };
  }
  const text = result.ok ? `✅ Backup taken: ${result.summary}` : `🔴 Backup failed: ${result.summary}. Do not start risky changes until a backup exists.`;
  return { text, blocks: sections(escapeMrkdwn(text)) };
}

export function endMessage(w: MaintenanceWindow, timezone: string, health: HealthReport | string, late?: Lateness): Message {
  const ok = typeof health !== 'string' && health.status === 'ok';
  const title = ok ? '✅ Maintenance window has ended' : '⚠️ Maintenance window has ended — checks need attention';
  const healthText = typeof health === 'string' ? `:white_circle: Health check could not run: ${escapeMrkdwn(health)}` : healthSummary(health);
  const blocks: KnownBlock[] = [
    header(title),
    ...sections(`${whereWhy(w, timezone)}\n\n*Smoke test (health check):*\n${healthText}`),
    ...lateLine(late, timezone),
    context(['Alerts are live again; any held during the window are summarised next. Work through the post-maintenance checklist below.']),
  ];
  return { text: `${title}: ${describeWindow(w, timezone)}`, blocks: fitMessage(blocks, 'Run /health for the full report.') };
}

export function addedMessage(w: MaintenanceWindow, timezone: string, missedNotices: number[]): Message {
  const note =
    missedNotices.length > 0
      ? `\n_Added less than ${hoursText(Math.max(...missedNotices))} ahead, so this post replaces the ${missedNotices.map((h) => `${h} h`).join(' and ')} notice${missedNotices.length === 1 ? '' : 's'}._`
      : '';
  const title = '📅 Maintenance window added';
  return {
    text: `${title}: ${describeWindow(w, timezone)} — ${escapeText(w.reason)}`,
    blocks: [header(title), ...sections(`${whereWhy(w, timezone)}${note}`)],
  };
}

export function skippedMessage(ws: MaintenanceWindow[], actor: string, reason: string | null, timezone: string, next: MaintenanceWindow | undefined): Message {
  const title = ws.length === 1 ? '🗓️ Maintenance window skipped' : `🗓️ ${ws.length} maintenance windows skipped`;
  const lines = ws.map((w) => `• ~${describeWindow(w, timezone)}~ — ${escapeMrkdwn(w.reason)}`);
  const body = `${lines.join('\n')}\nSkipped by ${actorMention(actor)}${reason ? `: ${escapeMrkdwn(reason)}` : ''}. No notices will be posted for ${ws.length === 1 ? 'it' : 'them'}.\n*Next window:* ${next ? describeWindow(next, timezone) : 'none scheduled'}`;
  return { text: `${title}: ${ws.map((w) => describeWindow(w, timezone)).join(', ')}`, blocks: [header(title), ...sections(body)] };
}

export function listMessage(ws: MaintenanceWindow[], timezone: string, now: number): Message {
  if (ws.length === 0) return { text: 'No maintenance windows are scheduled.', blocks: sections('No maintenance windows are scheduled. Add one with `/maintenance add`.') };
  const lines = ws.map((w) => {
    const when = describeWindow(w, timezone);
    const kind = w.kind === 'rule' ? 'regular' : 'one-off';
    if (w.skipped) return `• ~${when}~ _${kind}, skipped by ${actorMention(w.skipped.by)}${w.skipped.reason ? `: ${escapeMrkdwn(w.skipped.reason)}` : ''}_`;
    const state = w.startsAt <= now ? ' *in progress*' : ` (${formatDistance(w.startsAt - now)})`;
    return `• ${when}${state} — ${escapeMrkdwn(w.reason)} _(${kind})_`;
  });
  return {
    text: `Maintenance windows: ${ws.filter((w) => !w.skipped).length} upcoming`,
    blocks: [header('🗓️ Maintenance windows'), ...sections(lines.join('\n')), context([`Times in ${timezone}. Skip one with \`/maintenance skip <date>\`.`])],
  };
}

/** One announcement of a window and whether it went out. */
export interface NoticeStatus {
  label: string;
  at: number;
  status: RunStatus | 'due';
  late: boolean;
}

export function nextMessage(w: MaintenanceWindow | undefined, notices: NoticeStatus[], timezone: string, now: number): Message {
  if (!w) return { text: 'No maintenance window is scheduled.', blocks: sections('No maintenance window is scheduled. Add one with `/maintenance add`.') };
  const when = w.startsAt <= now ? '*in progress*' : formatDistance(w.startsAt - now);
  const mark: Record<NoticeStatus['status'], string> = {
    due: '◻️',
    running: '⏳',
    succeeded: '✅',
    failed: '🔴',
    skipped: '⏭️',
    interrupted: '⚠️',
  };
  const lines = notices.map(
    (n) => `${mark[n.status]} ${n.label} — ${formatLocal(n.at, timezone)}${n.status === 'due' ? '' : ` (${n.status}${n.late ? ', late' : ''})`}`,
  );
  return {
    text: `Next maintenance: ${describeWindow(w, timezone)} (${when})`,
    blocks: [header('🛠️ Next maintenance window'), ...sections(`${whereWhy(w, timezone)}\n*Starts:* ${when}\n\n*Posts:*\n${lines.join('\n')}`)],
  };
}
