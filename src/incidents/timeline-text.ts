// One plain sentence per timeline row, written for a war room: who did what and how it went,
// from the audit row's action, target, outcome and detail. The detail comes from every area of
// the bot (and, for notes and pinned messages, from people), so every value is read defensively
// and everything outside the bot's own words is cut and escaped for mrkdwn. The actor is not in
// the sentence: the renderer puts "<@U…>" or "opsbot" and the time before it.
import { formatBytes, formatCount } from '../core/format.js';
import { escapeMrkdwn, truncate } from '../slack/blocks.js';
import type { AuditRow } from '../state/audit-log.js';
import { KIND_LABEL, ROLE_LABEL, type IncidentKind, type IncidentRole } from './types.js';

/** Longest sentence. */
export const MAX_TIMELINE_TEXT = 600;
/** Longest quoted user text inside a sentence (a note, a pinned message, a reason). */
const QUOTE = 200;

type Detail = Record<string, unknown>;

const s = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);
const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** Outside text, cut to `max` characters as typed, then escaped (the line as a whole is capped at the end). */
const q = (v: unknown, max = QUOTE): string => escapeMrkdwn(truncate((s(v) ?? '').replace(/\s+/g, ' ').trim(), max));
/** A short identifier from outside (a playbook id, a backup id, a target), escaped, in code. */
const code = (v: unknown): string => `\`${escapeMrkdwn(truncate((s(v) ?? '?').replace(/`/g, "'"), 80))}\``;
const SLACK_USER = /^[UW][A-Z0-9]{2,40}$/;
const mention = (v: unknown): string => (typeof v === 'string' && SLACK_USER.test(v) ? `<@${v}>` : q(v, 40) || 'someone');
const withNote = (base: string, note: unknown): string => (s(note) ? `${base}: ${q(note)}` : base);
/** "45 min", "4 h", "1 h 30 min". */
const minutes = (m: number): string => (m < 60 ? `${m} min` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`);
const rows = (v: unknown): string => {
  const c = n(v);
  return c === undefined ? '' : `, ${formatCount(c)} ${c === 1 ? 'row' : 'rows'}`;
};

function incidentSentence(action: string, actor: string, d: Detail): string | undefined {
  switch (action) {
    case 'incident.declared': {
      const kind = KIND_LABEL[d.kind as IncidentKind] ?? q(d.kind, 40);
      const impact = s(d.userImpact) ? ` (what users see: ${q(d.userImpact)})` : '';
      return `declared ${q(d.severity, 4)} ${kind} '${q(d.title, 150)}'${impact}`;
    }
    case 'incident.role': {
      const label = (ROLE_LABEL[d.role as IncidentRole] ?? q(d.role, 30)).toLowerCase();
      const base = d.userId === actor ? `took the ${label} role` : `gave the ${label} role to ${mention(d.userId)}`;
      return s(d.previous) && d.previous !== d.userId ? `${base} (was ${mention(d.previous)})` : base;
    }
    case 'incident.status':
      return withNote(`status ${q(d.from, 20)} → ${q(d.to, 20)}`, d.note);
    case 'incident.severity':
      return withNote(`severity ${q(d.from, 4)} → ${q(d.to, 4)}`, d.note);
    case 'incident.update': {
      const next = n(d.nextUpdateMinutes) !== undefined ? ` (next update in ${minutes(n(d.nextUpdateMinutes)!)})` : '';
      return `posted a stakeholder update: ${q(d.impact) || 'no impact given'}${next}`;
    }
    case 'incident.pinned':
      return `added a message by ${mention(d.author)} to the timeline: “${q(d.text)}”`;
    case 'incident.resolved':
      return withNote('resolved the incident', d.note);
    case 'incident.reminder': {
      const late = n(d.overdueMs);
      return `reminded the commander: the stakeholder update is overdue${late !== undefined ? ` by ${minutes(Math.max(0, Math.round(late / 60_000)))}` : ''}`;
    }
    case 'incident.postmortem':
      return `wrote the postmortem draft (${d.source === 'gemini' ? 'narrative by Gemini' : 'offline draft'})`;
    case 'incident.lockdown_linked':
      return `linked lockdown ${code(d.lockdownId)} to the incident`;
    case 'incident.abandoned':
      return withNote('abandoned the declaration', d.reason);
    default:
      return undefined;
  }
}

function playbookSentence(action: string, target: string | null, outcome: string, d: Detail): string | undefined {
  const pb = code(d.playbook ?? target);
  const req = s(d.requestId) ? ` (request ${code(d.requestId)})` : '';
  switch (action) {
    case 'playbook.requested': {
      const preview = s((d.preview as Detail | undefined)?.summary);
      return `requested playbook ${pb}${req}${preview ? `: ${q(preview)}` : ''}`;
    }
    case 'playbook.approved': {
      const got = Array.isArray(d.approvers) ? d.approvers.length : undefined;
      const need = n(d.approvalsRequired);
      const count = got !== undefined && need !== undefined && got < need ? ` (${got} of ${need} approvals)` : '';
      return `approved playbook ${pb}${req}${count}${d.breakGlass === true ? ', break-glass' : ''}`;
    }
    case 'playbook.break_glass':
      return withNote(`self-approved playbook ${pb}${req} with break-glass`, d.reason);
    case 'playbook.denied':
      return `denied playbook ${pb}${req}`;
    case 'playbook.expired':
      return `playbook ${pb}${req} expired without approval`;
    case 'playbook.started':
      return `playbook ${pb} started${req}`;
    case 'playbook.finished': {
      const state = q(d.outcome ?? outcome, 20);
      const err = s(d.error) ? `: ${q(d.error)}` : '';
      return `playbook ${pb} finished: ${state}${rows(d.rowsAffected)}${err}`;
    }
    default:
      return undefined;
  }
}

function backupSentence(action: string, outcome: string, d: Detail): string | undefined {
  const id = s(d.backupId) ? ` ${code(d.backupId)}` : '';
  switch (action) {
    case 'backup.created': {
      const size = n(d.sizeBytes) !== undefined ? `, ${formatBytes(n(d.sizeBytes)!)}` : '';
      const tables = n(d.tables) !== undefined ? `, ${formatCount(n(d.tables)!)} tables` : '';
      return `backup${id} created${size}${tables}`;
    }
    case 'backup.failed':
      return withNote(`backup${id} failed`, d.reason ?? (outcome === 'interrupted' ? 'interrupted by a restart' : undefined));
    case 'backup.verified':
      return `backup${id} verified: ${q(outcome, 20)}`;
    case 'backup.restored':
      return withNote(`restore from backup${id}: ${outcome === 'ok' ? 'done' : q(outcome, 20)}`, d.reason);
    case 'backup.pruned':
      return `backup${id} pruned by the retention policy`;
    default:
      return undefined;
  }
}

/** "24 h " / "72 h " for a lockdown deadline kind; nothing for anything else. */
const deadline = (kind: unknown): string => (kind === '24h' ? '24 h ' : kind === '72h' ? '72 h ' : '');

/** "`/db locks`": the command and the argument its audit detail names (topic, sort, component, source). */
function commandLine(target: string | null, d: Detail): string {
  const arg = [d.topic, d.sort, d.component === 'all' ? undefined : d.component, d.source].map(s).find((v) => v !== undefined);
  const base = s(target) ?? 'a command';
  const last = base.split(' ').pop();
  return code(arg && last !== arg ? `${base} ${arg}` : base);
}

function otherSentence(action: string, target: string | null, outcome: string, d: Detail): string | undefined {
  if (action === 'command') {
    const st = s(d.status);
    const result = st ? `: ${q(st, 20).toUpperCase()}` : outcome !== 'ok' ? `: ${q(outcome, 20)}` : '';
    // A log summary notes its headline (ctx.note({ headline })), shown after the command.
    const headline = s(d.headline) ? ` — ${q(d.headline)}` : '';
    return `ran ${commandLine(target, d)}${result}${headline}`;
  }
  if (action === 'alert.acknowledge') return `acknowledged ${q(target, 40).replace(/^alert:/, 'alert #')}${s(d.ruleId) ? ` (${q(d.ruleId, 60)})` : ''}`;
  if (action === 'checklist.tick' && Array.isArray(d.changes)) {
    const parts = (d.changes as Detail[]).slice(0, 10).map((c) => `${c.action === 'unticked' ? 'unticked' : 'ticked'} ${code(c.itemKey)}`);
    return `${parts.join(', ') || 'changed'} on the ${q(d.kind, 40) || 'checklist'} checklist`;
  }
  if (action === 'lockdown.reminder_done') return `marked ${deadline(d.kind) ? `the ${deadline(d.kind)}` : 'a '}lockdown notification deadline done`;
  if (action === 'lockdown.reminder') {
    const repeat = (n(d.posts) ?? 1) > 1 ? ` (reminder ${n(d.posts)})` : '';
    return `reminded: the ${deadline(d.kind)}breach notification deadline is due${repeat}`;
  }
  return undefined;
}

/** The sentence for one audit row on an incident's timeline (without the actor). */
export function timelineText(row: Pick<AuditRow, 'actor' | 'action' | 'target' | 'outcome' | 'detail'>): string {
  const d = row.detail ?? {};
  let text: string | undefined;
  if (row.outcome === 'refused') {
    // A refusal's reason is the bot's own sentence: its mentions (<@U…>, <#C…>) stay mentions.
    const why = s(d.why) ? q(d.why).replace(/&lt;([@#][UWC][A-Z0-9]{2,40})&gt;/g, '<$1>') : undefined;
    // What was refused: the command, or the action (a button's target is often only an id).
    const what = row.action === 'command' ? commandLine(row.target, d) : code(row.action);
    text = why ? `was refused ${what}: ${why}` : `was refused ${what}`;
  } else if (row.action.startsWith('incident.')) {
    text = incidentSentence(row.action, row.actor, d);
  } else if (row.action.startsWith('playbook.')) {
    text = playbookSentence(row.action, row.target, row.outcome, d);
  } else if (row.action.startsWith('backup.')) {
    text = backupSentence(row.action, row.outcome, d);
  } else {
    text = otherSentence(row.action, row.target, row.outcome, d);
  }
  // Unknown actions still read as a line: what, on what, how it went.
  text ??= `${code(row.action)}${row.target ? ` on ${code(row.target)}` : ''}: ${q(row.outcome, 30)}`;
  // Cut without leaving half an entity (&amp; …) behind.
  return text.length > MAX_TIMELINE_TEXT ? `${text.slice(0, MAX_TIMELINE_TEXT - 1).replace(/&[a-z]{0,4}$/, '')}…` : text;
}
