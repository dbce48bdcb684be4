// The App Home view for one person: what is going on (open incidents, an active lockdown, the
// last health status per component, the next maintenance window), what waits for them (playbook
// requests they may approve, with Approve / Deny), and a *Declare incident* button. Data in,
// a `home` view out; within Block Kit's limits by construction (100 blocks, 3000 characters per
// section, 150 per header, 75 per button).
import type { Button, KnownBlock, View } from '@slack/types';
import { formatMs } from '../core/format.js';
import { formatLocal } from '../time/zoned-time.js';
import type { Incident } from '../incidents/types.js';
import { actorMention } from '../checklist/render.js';
import { ACTIONS, listLines } from '../incidents/render.js';
import type { Lockdown } from '../lockdown/service.js';
import type { MaintenanceWindow } from '../maintenance/calendar.js';
import { describeWindow } from '../maintenance/calendar.js';
import type { PlaybookRequest } from '../playbooks/request.js';
import { formatParams } from '../playbooks/render.js';
import { STATUS_EMOJI, STATUS_WORD } from '../render/health-blocks.js';
import { context, divider, escapedWithin, escapeMrkdwn, header, LIMITS, truncate } from '../slack/blocks.js';
import type { HomeDatabase } from './chart.js';
import type { ComponentHealth } from './store.js';

/** Slack's limit for a Home tab view. */
export const HOME_MAX_BLOCKS = 100;
/** The most incidents and approvals listed one by one; the rest are counted with a pointer. */
export const MAX_INCIDENTS = 25;
export const MAX_APPROVALS = 15;

export const HOME_ACTIONS = { approve: 'home_playbook_approve', deny: 'home_playbook_deny', refresh: 'home_refresh' } as const;
/** The private_metadata of every Home view: whose it is, so a click is checked against its viewer. */
export const HOME_CALLBACK = 'opsbot_home';

export interface HomeData {
  viewer: string;
  now: number;
  timezone: string;
  incidents: readonly Incident[];
  /** The open lockdown (starting or active), if any. */
  lockdown: Lockdown | undefined;
  health: readonly ComponentHealth[];
  /** The database chart (an uploaded image, when charts are on) and its figures; undefined without samples. */
  database?: HomeDatabase | undefined;
  /** Requests waiting for this viewer's approval; undefined when the viewer is not an approver. */
  approvals: readonly PlaybookRequest[] | undefined;
  /** The next maintenance window (or the one in progress). */
  maintenance: MaintenanceWindow | undefined;
  /** A sentence for this viewer first (the answer to their last click on the Home tab). */
  notice?: string;
  /** What could not be read, said instead of the section (e.g. "Incidents: the state store is down"). */
  problems?: readonly string[];
  /** Whether the viewer may declare (INCIDENT_DECLARE_ACCESS); the button is left out otherwise. Default true. */
  canDeclare?: boolean;
}

const ago = (from: Date | number, now: number) => formatMs(Math.max(0, now - (typeof from === 'number' ? from : from.getTime())));
const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } });
const plain = (t: string) => ({ type: 'plain_text' as const, text: truncate(t, LIMITS.buttonText), emoji: true });

function declareButton(): Button {
  // The same action as the Declare buttons on alerts and /health: it opens the same declare form.
  return { type: 'button', action_id: ACTIONS.declare, text: plain('Declare incident'), style: 'danger', value: JSON.stringify({ source: 'home', title: '' }) };
}

function incidentBlocks(d: HomeData): KnownBlock[] {
  const out: KnownBlock[] = [header(`Open incidents (${d.incidents.length})`)];
  if (d.incidents.length === 0) return [...out, section(':white_check_mark: No open incidents.')];
  const shown = d.incidents.slice(0, MAX_INCIDENTS);
  out.push(...listLines(shown, d.now).map(section));
  if (d.incidents.length > shown.length) out.push(context([`_…and ${d.incidents.length - shown.length} more: \`/incident list\` shows them all._`]));
  return out;
}

function lockdownBlocks(l: Lockdown | undefined, now: number): KnownBlock[] {
  if (!l) return [];
  const since = l.activeSince ?? l.createdAt;
  const state = l.state === 'active' ? 'ACTIVE' : 'STARTING';
  const lines = [
    `:rotating_light: *Lockdown ${state}* for ${ago(since, now)}, started by ${actorMention(l.startedBy)}${l.approvedBy ? `, approved by ${actorMention(l.approvedBy)}` : ''}${l.breakGlass ? ' (break-glass)' : ''}`,
    `Reason: ${escapeMrkdwn(truncate(l.reason, 500))}`,
    `Sessions revoked: ${l.sessionsRevoked}, refresh tokens: ${l.refreshTokensRevoked}${l.channel ? ` · <#${l.channel}>` : ''} · \`/lockdown status\` for the checklist and deadlines`,
  ];
  return [section(lines.join('\n'))];
}

/** Slack's limit on an image block's alt text and title. */
const IMAGE_TEXT_MAX = 2000;

/** The chart (when uploaded) and, always, its figures in words: the Home tab reads the same with images off. */
function databaseBlocks(db: HomeDatabase | undefined): KnownBlock[] {
  if (!db) return [];
  const out: KnownBlock[] = [];
  if (db.image) {
    out.push({
      type: 'image',
      slack_file: { id: db.image.fileId },
      alt_text: truncate(db.image.alt, IMAGE_TEXT_MAX),
      title: { type: 'plain_text', text: truncate(db.image.title, IMAGE_TEXT_MAX) },
    });
  }
  out.push(context([`:chart_with_upwards_trend: *Database, last 24 h:* ${escapeMrkdwn(db.figures)}`]));
  return out;
}

function healthBlocks(list: readonly ComponentHealth[], now: number, db: HomeDatabase | undefined): KnownBlock[] {
  const out: KnownBlock[] = [header('Last health check')];
  if (list.length === 0) return [...out, section('No health report yet. Run `/health` in an ops channel.'), ...databaseBlocks(db)];
  const lines = list.map((c) => `${STATUS_EMOJI[c.status]} *${escapeMrkdwn(truncate(c.title, 60))}*: ${STATUS_WORD[c.status]}, ${ago(c.checkedAt, now)} ago`);
  return [...out, section(lines.join('\n')), ...databaseBlocks(db)];
}

function approvalBlocks(list: readonly PlaybookRequest[], d: HomeData): KnownBlock[] {
  const out: KnownBlock[] = [header(`Waiting for your approval (${list.length})`)];
  if (list.length === 0) return [...out, section('Nothing is waiting for your approval.')];
  const shown = list.slice(0, MAX_APPROVALS);
  for (const r of shown) {
    const left = Math.max(0, r.expiresAt.getTime() - d.now);
    const got = r.approvers.length ? ` · approved so far by ${r.approvers.map(actorMention).join(', ')}` : '';
    out.push(
      section(
        [
          `*${escapeMrkdwn(r.playbookId)}* · risk *${r.risk}* · needs ${r.approvalsRequired} approval${r.approvalsRequired === 1 ? '' : 's'}${got}`,
          `Requested by ${actorMention(r.requestedBy)}${r.channel ? ` in <#${r.channel}>` : ''} · ${formatParams(r.params)} · expires in ${formatMs(left)}`,
          `*Preview:* ${escapeMrkdwn(truncate(r.preview.summary, 1500))}`,
        ].join('\n'),
      ),
    );
    out.push({
      type: 'actions',
      // A new block id per state (approvals so far), as Slack asks for changed blocks.
      block_id: `home_req_${r.id}_${r.approvers.length}`,
      elements: [
        {
          type: 'button',
          action_id: HOME_ACTIONS.approve,
          text: plain('Approve'),
          style: 'primary',
          value: r.id,
          confirm: {
            title: plain(`Approve ${r.playbookId}?`),
            text: { type: 'plain_text', text: escapedWithin(`This runs ${r.playbookId} (${r.preview.summary}) on production once enough approvers agree.`, 300) },
            confirm: plain('Approve and run'),
            deny: plain('Cancel'),
            style: 'danger',
          },
        },
        {
          type: 'button',
          action_id: HOME_ACTIONS.deny,
          text: plain('Deny'),
          style: 'danger',
          value: r.id,
          confirm: { title: plain('Deny this request?'), text: plain('Nothing will run; the requester can ask again.'), confirm: plain('Deny'), deny: plain('Cancel') },
        },
      ],
    });
  }
  if (list.length > shown.length) out.push(context([`_…and ${list.length - shown.length} more waiting; their request messages have the same buttons._`]));
  return out;
}

function maintenanceBlocks(w: MaintenanceWindow | undefined, d: HomeData): KnownBlock[] {
  if (!w) return [section(':calendar: No maintenance window is scheduled.')];
  const when = describeWindow(w, d.timezone);
  const rel = w.startsAt <= d.now ? `in progress, ends in ${ago(d.now, w.endsAt)}` : `in ${ago(d.now, w.startsAt)}`;
  return [section(`:calendar: *Next maintenance:* ${escapeMrkdwn(when)} (${rel}) — ${escapeMrkdwn(truncate(w.reason, 300))}`)];
}

/** The Home tab of `d.viewer`, at most 100 blocks. */
export function homeView(d: HomeData): View {
  const top: KnownBlock[] = [];
  if (d.notice) top.push(section(d.notice));
  for (const p of (d.problems ?? []).slice(0, 5)) top.push(section(`:warning: ${p}`));
  const refresh: Button = { type: 'button', action_id: HOME_ACTIONS.refresh, text: plain('Refresh'), value: 'refresh' };
  top.push({ type: 'actions', block_id: 'home_top', elements: d.canDeclare === false ? [refresh] : [declareButton(), refresh] });
  if (d.canDeclare === false) top.push(context(['_Declaring an incident is for the on-call group here (INCIDENT_DECLARE_ACCESS); ask them, or use `/incident declare` if you join it._']));
  top.push(...lockdownBlocks(d.lockdown, d.now));
  const approvals = d.approvals ? [divider, ...approvalBlocks(d.approvals, d)] : [];
  const tail: KnownBlock[] = [divider, ...healthBlocks(d.health, d.now, d.database), divider, ...maintenanceBlocks(d.maintenance, d), context([`Updated ${formatLocal(d.now, d.timezone)} · this tab refreshes itself when incidents, approvals or the lockdown change`])];
  // Approvals come before incidents for approvers: they are what this person must act on.
  // The caps above keep the sum under 100 blocks (9 + 33 + 27 + 9); the slice is a last guard.
  const blocks = [...top, ...approvals, divider, ...incidentBlocks(d), ...tail].slice(0, HOME_MAX_BLOCKS);
  return { type: 'home', callback_id: HOME_CALLBACK, private_metadata: JSON.stringify({ viewer: d.viewer }), blocks };
}

/** The Home tab of someone who may not read the ops status (outside the allowed channels): only why. */
export function outsiderView(viewer: string, why: string, notice?: string): View {
  return {
    type: 'home',
    callback_id: HOME_CALLBACK,
    private_metadata: JSON.stringify({ viewer }),
    blocks: [...(notice ? [section(notice)] : []), header('AutoRepAi Ops'), section(`:lock: ${why}`)],
  };
}
