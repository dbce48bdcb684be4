// Incident messages: the pinned card, the stakeholder announcement and updates, the closing
// summary, /incident list|show|timeline|stats, and the declare / update / resolve modals. Data
// in, Block Kit or text out; every piece of user text is escaped here.
import type { Button, KnownBlock, View } from '@slack/types';
import { formatMs } from '../core/format.js';
import { context, escapeMrkdwn, escapeText, fitMessage, header, LIMITS, sections, splitText, truncate } from '../slack/blocks.js';
import { formatLocal } from '../time/zoned-time.js';
import {
  KIND_LABEL,
  KIND_SEVERITY,
  KINDS,
  ROLE_LABEL,
  ROLES,
  SEVERITIES,
  SEVERITY_LABEL,
  STATUSES,
  type DurationStats,
  type Incident,
  type IncidentKind,
  type IncidentSource,
  type IncidentStats,
  type Severity,
  type StakeholderUpdate,
  type TimelineEntry,
} from './types.js';

export const ACTIONS = {
  role: 'incident.role',
  status: 'incident.status',
  severity: 'incident.severity',
  update: 'incident.update',
  resolve: 'incident.resolve',
  timeline: 'incident.timeline',
  declare: 'incident.declare',
  step: 'incident.step',
} as const;

export const VIEWS = { declare: 'incident_declare', update: 'incident_update', resolve: 'incident_resolve' } as const;
/** The message shortcut's callback id (manifest.yml). */
export const PIN_SHORTCUT = 'incident_add_to_timeline';

export const MAX_TITLE = 120;
export const MAX_IMPACT = 1000;
export const MAX_NOTE = 500;

const SEVERITY_ICON: Record<Severity, string> = { P0: ':red_circle:', P1: ':large_orange_circle:', P2: ':large_yellow_circle:', P3: ':white_circle:' };
const STATUS_LABEL: Record<Incident['status'], string> = { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved' };

export interface Message {
  text: string;
  blocks: KnownBlock[];
}

/** `INC-12`: how an incident is named everywhere. */
export function ref(i: Pick<Incident, 'id'>): string {
  return `INC-${i.id}`;
}

const who = (u: string | undefined | null) => (u ? (/^[UW][A-Z0-9]+$/.test(u) ? `<@${u}>` : escapeMrkdwn(u)) : '_nobody yet_');
const plain = (t: string) => ({ type: 'plain_text' as const, text: truncate(t, LIMITS.buttonText), emoji: true });
const since = (from: Date | number, now: number) => formatMs(Math.max(0, now - (typeof from === 'number' ? from : from.getTime())));

/** What the card shows of a lockdown (src/lockdown/service.ts's Lockdown has these fields). */
export interface LinkedLockdown {
  id: string;
  state: 'starting' | 'active' | 'lifted';
  reason: string;
  channel: string | null;
  approvedBy: string | null;
  activeSince: Date | null;
  sessionsRevoked: number;
  refreshTokensRevoked: number;
  sessionsDoneAt: Date | null;
  integrationsDoneAt: Date | null;
}

/** A breach-notification deadline of the lockdown (src/lockdown/service.ts's Reminder). */
export interface LinkedReminder {
  kind: '24h' | '72h';
  dueAt: Date;
  doneAt: Date | null;
  doneBy: string | null;
}

/** The lockdown linked to a breach incident: its state, what it revoked, and the notification deadlines. */
export interface CardLockdown {
  lockdown: LinkedLockdown;
  reminders: readonly LinkedReminder[];
}

function lockdownLines(l: CardLockdown, tz: string): string {
  const ld = l.lockdown;
  const lines = [`*Lockdown* (${ld.state}): ${escapeMrkdwn(truncate(ld.reason, 200))}`];
  if (ld.activeSince) lines.push(`• active since ${formatLocal(ld.activeSince.getTime(), tz)}${ld.approvedBy ? `, approved by <@${ld.approvedBy}>` : ''}`);
  lines.push(`• sessions revoked: ${ld.sessionsDoneAt ? `${ld.sessionsRevoked} (${ld.refreshTokensRevoked} refresh tokens)` : 'not yet'}`);
  lines.push(`• integrations switched off: ${ld.integrationsDoneAt ? formatLocal(ld.integrationsDoneAt.getTime(), tz) : 'not yet'}`);
  for (const r of [...l.reminders].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())) {
    lines.push(`• ${r.kind} notifications due ${formatLocal(r.dueAt.getTime(), tz)}: ${r.doneAt ? `done by ${who(r.doneBy)}` : '*open*'}`);
  }
  return lines.join('\n');
}

/** The pinned card: severity, status, roles, times, what users see, the lockdown, and the buttons. */
export function incidentCard(i: Incident, o: { timezone: string; now: number; lockdown?: CardLockdown }): Message {
  const open = i.status !== 'resolved';
  const title = `${ref(i)} ${i.title}`;
  const blocks: KnownBlock[] = [
    header(`${open ? '🚨' : '✅'} ${title}`),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Severity*\n${SEVERITY_ICON[i.severity]} ${SEVERITY_LABEL[i.severity]}` },
        { type: 'mrkdwn', text: `*Status*\n${STATUS_LABEL[i.status]}` },
        { type: 'mrkdwn', text: `*Kind*\n${KIND_LABEL[i.kind]}` },
        { type: 'mrkdwn', text: `*Started*\n${formatLocal(i.declaredAt.getTime(), o.timezone)} by ${who(i.declaredBy)}` },
        ...ROLES.map((r) => ({ type: 'mrkdwn' as const, text: `*${ROLE_LABEL[r]}*\n${who(i.roles[r])}` })),
      ],
    },
    ...sections(`*What users see*\n${escapeMrkdwn(truncate(i.userImpact || '(not described)', MAX_IMPACT))}`),
  ];
  if (o.lockdown) blocks.push(...sections(lockdownLines(o.lockdown, o.timezone)));
  const facts = [
    i.lastUpdateAt ? `last update ${since(i.lastUpdateAt, o.now)} ago` : 'no stakeholder update yet',
    ...(open && i.nextUpdateDueAt ? [`next update due ${formatLocal(i.nextUpdateDueAt.getTime(), o.timezone)}`] : []),
    ...(i.resolvedAt ? [`resolved ${formatLocal(i.resolvedAt.getTime(), o.timezone)} by ${who(i.resolvedBy)} after ${formatMs(i.resolvedAt.getTime() - i.declaredAt.getTime())}`] : []),
    `\`/incident timeline\` shows everything that happened`,
  ];
  blocks.push(context(facts));
  if (i.resolution) blocks.push(...sections(`*Resolution*\n${escapeMrkdwn(truncate(i.resolution, MAX_NOTE))}`));
  if (open) {
    blocks.push({
      type: 'actions',
      block_id: `incident-roles:${i.id}`,
      elements: ROLES.map((r) => ({ type: 'button' as const, action_id: `${ACTIONS.role}.${r}`, text: plain(`I'm ${r === 'communications' ? 'comms' : r}`), value: `${i.id}:${r}` })),
    });
    blocks.push({
      type: 'actions',
      block_id: `incident-controls:${i.id}`,
      elements: [
        {
          type: 'static_select',
          action_id: ACTIONS.status,
          placeholder: plain('Status'),
          options: STATUSES.filter((s) => s !== 'resolved').map((s) => ({ text: plain(STATUS_LABEL[s]), value: `${i.id}:${s}` })),
        },
        {
          type: 'static_select',
          action_id: ACTIONS.severity,
          placeholder: plain('Severity'),
          options: SEVERITIES.map((s) => ({ text: plain(SEVERITY_LABEL[s]), value: `${i.id}:${s}` })),
        },
        { type: 'button', action_id: ACTIONS.update, text: plain('Post update'), value: String(i.id) },
        { type: 'button', action_id: ACTIONS.timeline, text: plain('Timeline'), value: String(i.id) },
        { type: 'button', action_id: ACTIONS.resolve, text: plain('Resolve'), style: 'danger', value: String(i.id) },
      ],
    });
  }
  return { text: escapeText(`${open ? '🚨' : '✅'} ${title} — ${SEVERITY_LABEL[i.severity]}, ${STATUS_LABEL[i.status]}`), blocks };
}

/** The stakeholder channel's announcement of a new incident. */
export function declaredAnnouncement(i: Incident): Message {
  const text = `${SEVERITY_ICON[i.severity]} *${ref(i)} declared: ${escapeMrkdwn(i.title)}* — ${SEVERITY_LABEL[i.severity]}, ${KIND_LABEL[i.kind]}. War room: ${i.channelId ? `<#${i.channelId}>` : '(none)'}. Declared by ${who(i.declaredBy)}.`;
  return { text: escapeText(`${ref(i)} declared: ${i.title}`), blocks: [...sections(text), ...sections(`*What users see:* ${escapeMrkdwn(truncate(i.userImpact, MAX_IMPACT))}`)] };
}

/** A stakeholder update, as posted in the status channel and the war room. */
export function updateMessage(i: Incident, u: StakeholderUpdate, tz: string): Message {
  const body = [
    `*Status:* ${STATUS_LABEL[u.status]}`,
    `*Impact:* ${escapeMrkdwn(truncate(u.impact, MAX_NOTE))}`,
    `*Next steps:* ${escapeMrkdwn(truncate(u.nextSteps, MAX_NOTE))}`,
  ].join('\n');
  return {
    text: escapeText(`${ref(i)} update: ${STATUS_LABEL[u.status]} — ${u.impact}`),
    blocks: [
      header(`📣 ${ref(i)} update: ${i.title}`),
      ...sections(body),
      context([`${SEVERITY_LABEL[i.severity]} · by ${who(u.postedBy)} at ${formatLocal(u.at.getTime(), tz)} · next update in ${u.nextUpdateMinutes} min${i.channelId ? ` · war room <#${i.channelId}>` : ''}`]),
    ],
  };
}

/** The reminder to the commander that a stakeholder update is overdue. */
export function overdueMessage(i: Incident, dueAt: Date, now: number, tz: string): Message {
  const to = i.roles.commander ? `<@${i.roles.commander}>` : 'Commander (nobody has taken the role yet)';
  const text = `:alarm_clock: ${to}: the stakeholder update for *${ref(i)}* was due ${formatLocal(dueAt.getTime(), tz)} (${since(dueAt, now)} ago). Post one with \`/incident update\` or the card's *Post update* button.`;
  return { text: escapeText(`${ref(i)}: stakeholder update overdue`), blocks: sections(text) };
}

/** The closing summary, for the stakeholder channel and the war room. */
export function closingSummary(i: Incident, tz: string): Message {
  const dur = i.resolvedAt ? formatMs(i.resolvedAt.getTime() - i.declaredAt.getTime()) : '?';
  const lines = [
    `✅ *${ref(i)} resolved: ${escapeMrkdwn(i.title)}*`,
    `${SEVERITY_LABEL[i.severity]} · ${KIND_LABEL[i.kind]} · declared ${formatLocal(i.declaredAt.getTime(), tz)}, resolved after ${dur} by ${who(i.resolvedBy)}`,
    `*Resolution:* ${escapeMrkdwn(truncate(i.resolution ?? '', MAX_NOTE))}`,
    `Commander: ${who(i.roles.commander)} · the postmortem draft follows in ${i.channelId ? `<#${i.channelId}>` : 'the war room'}.`,
  ];
  return { text: escapeText(`${ref(i)} resolved: ${i.title}`), blocks: sections(lines.join('\n')) };
}

/** One line per open incident, for /incident list. */
export function listLines(list: readonly Incident[], now: number): string[] {
  return list.map((i) => {
    const upd = i.lastUpdateAt ? `last update ${since(i.lastUpdateAt, now)} ago` : 'no update yet';
    return `${SEVERITY_ICON[i.severity]} *${ref(i)}* ${escapeMrkdwn(truncate(i.title, 80))} — ${i.severity}, ${KIND_LABEL[i.kind]}, ${STATUS_LABEL[i.status]}, open ${since(i.declaredAt, now)}, commander ${who(i.roles.commander)}, ${upd}${i.channelId ? ` · <#${i.channelId}>` : ''}`;
  });
}

export function listMessage(list: readonly Incident[], now: number): Message {
  if (list.length === 0) return { text: 'No open incidents.', blocks: sections(':white_check_mark: No open incidents.') };
  return {
    text: `${list.length} open incident${list.length === 1 ? '' : 's'}`,
    blocks: fitMessage([header(`Open incidents (${list.length})`), ...sections(listLines(list, now).join('\n'))], 'The terminal shows all: `opsbot incident list`.'),
  };
}

/** Plain text for the terminal (no mrkdwn escapes or mentions). */
export function listText(list: readonly Incident[], now: number): string {
  if (list.length === 0) return 'No open incidents.';
  return list
    .map((i) => `${ref(i)}  ${i.severity}  ${i.status.padEnd(13)} ${KIND_LABEL[i.kind].padEnd(24)} open ${since(i.declaredAt, now)}  commander ${i.roles.commander ?? '-'}  ${i.lastUpdateAt ? `update ${since(i.lastUpdateAt, now)} ago` : 'no update'}  ${i.title}`)
    .join('\n');
}

export function showText(i: Incident, tz: string, now: number): string {
  return [
    `${ref(i)}: ${i.title}`,
    `severity ${SEVERITY_LABEL[i.severity]}, kind ${KIND_LABEL[i.kind]}, status ${i.status}`,
    `declared ${formatLocal(i.declaredAt.getTime(), tz)} by ${i.declaredBy} (${since(i.declaredAt, now)} ago)`,
    `channel ${i.channelName ?? '-'} (${i.channelId ?? '-'})`,
    ...ROLES.map((r) => `${ROLE_LABEL[r].toLowerCase()}: ${i.roles[r] ?? '-'}`),
    `what users see: ${i.userImpact}`,
    ...(i.resolvedAt ? [`resolved ${formatLocal(i.resolvedAt.getTime(), tz)} by ${i.resolvedBy ?? '-'}: ${i.resolution ?? ''}`] : []),
  ].join('\n');
}

/** The timeline as lines, oldest first. */
export function timelineLines(entries: readonly TimelineEntry[], tz: string, mrkdwn: boolean): string[] {
  return entries.map((e) => `${formatLocal(e.at.getTime(), tz)}  ${mrkdwn ? who(e.actor) : e.actor}  ${mrkdwn ? e.text : e.text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')}`);
}

/** The timeline split into messages within Block Kit's limits (several posts when it is long). */
export function timelineMessages(i: Incident, entries: readonly TimelineEntry[], tz: string): Message[] {
  if (entries.length === 0) return [{ text: `${ref(i)} has no timeline entries yet.`, blocks: sections(`${ref(i)} has no timeline entries yet.`) }];
  const chunks = splitText(timelineLines(entries, tz, true).join('\n'), LIMITS.sectionText);
  const perMessage = LIMITS.blocksPerMessage - 2;
  const out: Message[] = [];
  for (let p = 0; p * perMessage < chunks.length; p++) {
    const part = chunks.slice(p * perMessage, (p + 1) * perMessage);
    const pages = Math.ceil(chunks.length / perMessage);
    out.push({
      text: escapeText(`${ref(i)} timeline${pages > 1 ? ` (${p + 1}/${pages})` : ''}`),
      blocks: [header(`${ref(i)} timeline${pages > 1 ? ` (${p + 1}/${pages})` : ''}: ${i.title}`), ...part.map((t) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text: t } })), context([`${entries.length} entries`])],
    });
  }
  return out;
}

function statLine(label: string, s: DurationStats): string {
  return `${label}: ${s.count} · MTTA ${s.mttaMs === null ? '–' : formatMs(s.mttaMs)} · MTTR ${s.mttrMs === null ? '–' : formatMs(s.mttrMs)}`;
}

export function statsText(s: IncidentStats): string {
  return [
    `Incidents in the last ${s.days} days`,
    statLine('all', s.total),
    ...SEVERITIES.filter((k) => s.bySeverity[k].count > 0).map((k) => statLine(SEVERITY_LABEL[k], s.bySeverity[k])),
    ...KINDS.filter((k) => s.byKind[k].count > 0).map((k) => statLine(KIND_LABEL[k], s.byKind[k])),
    'MTTA: declared → first commander; MTTR: declared → resolved.',
  ].join('\n');
}

export function statsMessage(s: IncidentStats): Message {
  const [head = '', ...rest] = statsText(s).split('\n');
  return { text: head, blocks: [header(head), ...sections(rest.join('\n'))] };
}

// ——— modals ———

export interface DeclarePrefill {
  title?: string;
  severity?: Severity;
  kind?: IncidentKind;
  userImpact?: string;
  source: IncidentSource;
}

const input = (block: string, label: string, el: Record<string, unknown>, optional = false) => ({ type: 'input', block_id: block, label: plain(label), optional, element: el });
const option = (text: string, value: string) => ({ text: plain(text), value });

/** The declare modal; `private_metadata` carries where it came from. */
export function declareModal(p: DeclarePrefill): View {
  const sevOpts = SEVERITIES.map((s) => option(SEVERITY_LABEL[s], s));
  const kindOpts = KINDS.map((k) => option(`${KIND_LABEL[k]} (${KIND_SEVERITY[k]})`, k));
  const sev = p.severity ?? (p.kind ? KIND_SEVERITY[p.kind] : undefined);
  return {
    type: 'modal',
    callback_id: VIEWS.declare,
    title: plain('Declare incident'),
    submit: plain('Declare'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(p.source),
    blocks: [
      input('title', 'Title', { type: 'plain_text_input', action_id: 'value', max_length: MAX_TITLE, ...(p.title ? { initial_value: truncate(p.title, MAX_TITLE) } : {}) }),
      input('severity', 'Severity', { type: 'static_select', action_id: 'value', options: sevOpts, ...(sev ? { initial_option: option(SEVERITY_LABEL[sev], sev) } : {}) }),
      input('kind', 'Kind', { type: 'static_select', action_id: 'value', options: kindOpts, ...(p.kind ? { initial_option: option(`${KIND_LABEL[p.kind]} (${KIND_SEVERITY[p.kind]})`, p.kind) } : {}) }),
      input('impact', 'What users see', { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: MAX_IMPACT, ...(p.userImpact ? { initial_value: truncate(p.userImpact, MAX_IMPACT) } : {}) }),
    ],
  };
}

export function updateModal(i: Incident, defaultMinutes: number): View {
  return {
    type: 'modal',
    callback_id: VIEWS.update,
    title: plain('Stakeholder update'),
    submit: plain('Post update'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ incidentId: i.id }),
    blocks: [
      input('status', 'Current status', {
        type: 'static_select',
        action_id: 'value',
        options: STATUSES.filter((s) => s !== 'resolved').map((s) => option(STATUS_LABEL[s], s)),
        ...(i.status !== 'resolved' ? { initial_option: option(STATUS_LABEL[i.status], i.status) } : {}),
      }),
      input('impact', 'Impact', { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: MAX_NOTE }),
      input('next', 'Next steps', { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: MAX_NOTE }),
      input('minutes', 'Next update in (minutes)', { type: 'plain_text_input', action_id: 'value', initial_value: String(defaultMinutes), max_length: 5 }),
    ],
  };
}

export function resolveModal(i: Incident): View {
  return {
    type: 'modal',
    callback_id: VIEWS.resolve,
    title: plain(`Resolve ${ref(i)}`),
    submit: plain('Resolve'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ incidentId: i.id }),
    blocks: [
      ...sections(`Resolving *${escapeMrkdwn(truncate(i.title, 200))}* posts the closing summary and writes the postmortem draft.`),
      input('resolution', 'Resolution note', { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: MAX_NOTE }),
    ],
  };
}

/** The title a Declare button carried, as typed (the value holds it escaped). */
export function unescapeTitle(t: string): string {
  return t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** What a *Declare incident* button carries (its value, JSON, at most 2000 characters). */
export interface DeclareButtonValue {
  source: 'alert' | 'health';
  ref?: string;
  title: string;
  kind?: IncidentKind;
  severity?: Severity;
}

/** A *Declare incident* button for alert messages and critical /health reports (the title travels escaped). */
export function declareButton(v: DeclareButtonValue): { type: 'actions'; elements: Button[] } {
  const value: DeclareButtonValue = { source: v.source, title: escapeMrkdwn(truncate(v.title, 100)), ...(v.ref ? { ref: v.ref.slice(0, 80) } : {}), ...(v.kind ? { kind: v.kind } : {}), ...(v.severity ? { severity: v.severity } : {}) };
  return {
    type: 'actions',
    elements: [{ type: 'button', action_id: ACTIONS.declare, text: plain('Declare incident'), style: 'danger', value: JSON.stringify(value) }],
  };
}

