// /lockdown as Block Kit and as data for --json: the state, a preview of what a start would do,
// and for an active lockdown its timeline, checklist and notification deadlines.
import type { KnownBlock } from '@slack/types';
import { formatMs } from '../core/format.js';
import { formatTime } from '../render/time.js';
import { context, escapeMrkdwn, escapeText, fitMessage, header, sections } from '../slack/blocks.js';
import { NOTIFY, type Lockdown, type LockdownPreview, type Reminder } from './service.js';

export const REMINDER_DONE_ACTION = 'lockdown_reminder_done';

export interface TimelineEntry {
  at: Date;
  actor: string;
  what: string;
}

export interface LockdownStatus {
  preview: LockdownPreview;
  latest: Lockdown | undefined;
  timeline: TimelineEntry[];
  checklist: { label: string; checked: boolean; by: string | null; at: Date | null }[];
  reminders: Reminder[];
  integrations: { id: string; provider: string; reenabledAt: Date | null }[];
  now: number;
}

const who = (u: string) => (/^[UW][A-Z0-9]+$/.test(u) ? `<@${u}>` : escapeMrkdwn(u));

export function lockdownStatusBlocks(s: LockdownStatus, tz: string): { text: string; blocks: KnownBlock[] } {
  const open = s.preview.open;
  const blocks: KnownBlock[] = [];
  const would = `revoke ${s.preview.sessions} sessions and ${s.preview.legacyTokens} session-less refresh tokens (${s.preview.refreshTokens} refresh tokens in all), switch off ${s.preview.integrationsActive} of ${s.preview.integrationsTotal} integrations`;
  if (!open) {
    blocks.push(header(':white_check_mark: No lockdown is active'));
    blocks.push(...sections(`Starting one would first preserve evidence (7 days of auth audit entries, the sessions, the integrations), then ${would}.\nStart: \`/lockdown start <reason>\` — needs an approver other than you.`));
    if (s.latest?.state === 'lifted') {
      const dur = (s.latest.liftedAt?.getTime() ?? 0) - (s.latest.activeSince ?? s.latest.createdAt).getTime();
      blocks.push(context([`Last lockdown: ${escapeMrkdwn(s.latest.reason)} — lifted ${s.latest.liftedAt ? formatTime(s.latest.liftedAt.getTime(), tz) : ''} by ${s.latest.liftedBy ? who(s.latest.liftedBy) : '?'} after ${formatMs(dur)}`]));
    }
    return { text: 'No lockdown is active', blocks };
  }
  const since = open.activeSince ?? open.createdAt;
  blocks.push(
    header(open.state === 'active' ? ':rotating_light: LOCKDOWN ACTIVE' : ':warning: Lockdown started but NOT complete'),
    ...sections(
      [
        `*Reason:* ${escapeMrkdwn(open.reason)}`,
        `*Since:* ${formatTime(since.getTime(), tz)} (${formatMs(s.now - since.getTime())})${open.breakGlass ? ' · :rotating_light: break-glass' : ''}`,
        open.state === 'starting' ? `*Not finished:* request \`/lockdown start <reason>\` again to complete it; evidence is kept. Right now a start would ${would}.` : '',
        `Access tokens issued before the lockdown stay valid until they expire (1 h by default).`,
      ]
        .filter(Boolean)
        .join('\n'),
    ),
  );
  if (s.timeline.length) {
    blocks.push(...sections(`*Timeline*\n${s.timeline.map((t) => `• ${formatTime(t.at.getTime(), tz)} ${who(t.actor)} ${escapeMrkdwn(t.what)}`).join('\n')}`));
  }
  const off = s.integrations.filter((i) => i.reenabledAt === null).map((i) => escapeMrkdwn(i.provider));
  blocks.push(
    ...sections(
      `*Containment:* evidence ${open.evidenceAt ? `preserved ${formatTime(open.evidenceAt.getTime(), tz)}` : 'NOT yet preserved'} · ${open.sessionsRevoked} sessions and ${open.refreshTokensRevoked} refresh tokens revoked · integrations off: ${off.length ? off.join(', ') : 'none'}`,
    ),
  );
  if (s.checklist.length) {
    blocks.push(
      ...sections(
        `*Checklist*\n${s.checklist.map((c) => `${c.checked ? ':ballot_box_with_check:' : ':white_large_square:'} ${escapeMrkdwn(c.label)}${c.checked && c.by ? ` — ${who(c.by)}${c.at ? ` ${formatTime(c.at.getTime(), tz)}` : ''}` : ''}`).join('\n')}`,
      ),
    );
  }
  if (s.reminders.length) {
    blocks.push(
      ...sections(
        `*Notification deadlines*\n${s.reminders.map((r) => `• ${r.kind} — due ${formatTime(r.dueAt.getTime(), tz)}: ${r.doneAt ? `done by ${who(r.doneBy ?? '?')} ${formatTime(r.doneAt.getTime(), tz)}` : `*open* (${escapeMrkdwn(NOTIFY[r.kind])})`}`).join('\n')}`,
      ),
    );
  }
  blocks.push(context([`Lockdown ${open.id} · lift with \`/lockdown lift <reason>\` (needs an approver)`]));
  return { text: open.state === 'active' ? `LOCKDOWN ACTIVE: ${escapeText(open.reason)}` : `Lockdown incomplete: ${escapeText(open.reason)}`, blocks: fitMessage(blocks, 'Run `opsbot lockdown status --json`.') };
}

export function reminderMessage(r: Reminder, lockdown: Lockdown | undefined, tz: string): { text: string; blocks: KnownBlock[] } {
  const text = `:alarm_clock: Breach notification deadline (${r.kind} after the lockdown started): ${escapeText(NOTIFY[r.kind])}`;
  return {
    text,
    blocks: [
      ...sections(`${text}\nLockdown: ${escapeMrkdwn(lockdown?.reason ?? r.lockdownId)} · due ${formatTime(r.dueAt.getTime(), tz)}${r.posts > 1 ? ` · reminder ${r.posts}` : ''}`),
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: REMINDER_DONE_ACTION,
            text: { type: 'plain_text', text: 'Mark done' },
            style: 'primary',
            value: `${r.lockdownId}:${r.kind}`,
            confirm: {
              title: { type: 'plain_text', text: 'Notifications sent?' },
              text: { type: 'plain_text', text: `Mark the ${r.kind} notifications as done. Reminders for this deadline stop.` },
              confirm: { type: 'plain_text', text: 'Mark done' },
              deny: { type: 'plain_text', text: 'Cancel' },
            },
          },
        ],
      },
    ],
  };
}

export function timelineFromAudit(rows: { at: Date; actor: string; action: string; outcome: string; detail: Record<string, unknown> }[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const r of rows) {
    const playbook = typeof r.detail.playbook === 'string' ? r.detail.playbook : '';
    if (r.action === 'playbook.requested') out.push({ at: r.at, actor: r.actor, what: 'requested the lockdown' });
    else if (r.action === 'playbook.break_glass') out.push({ at: r.at, actor: r.actor, what: `self-approved under break-glass: ${String(r.detail.reason)}` });
    else if (r.action === 'playbook.approved') out.push({ at: r.at, actor: r.actor, what: 'approved' });
    else if (r.action === 'playbook.finished') {
      const steps = Array.isArray(r.detail.steps) ? (r.detail.steps as { step: string; rows: number; ms: number }[]) : [];
      for (const s of steps) out.push({ at: r.at, actor: 'opsbot', what: `${s.step}: ${s.rows} (${formatMs(s.ms)})` });
      out.push({ at: r.at, actor: 'opsbot', what: `${playbook || 'run'} ${r.outcome}${typeof r.detail.error === 'string' ? `: ${r.detail.error}` : ''}` });
    }
  }
  return out;
}
