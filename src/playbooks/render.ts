// The request message: what will run, with which parameters, what it would change, who asked,
// when it expires — and, while pending, Approve / Deny buttons with confirm dialogs. Re-rendered
// at every state change; the buttons disappear once a decision is made.
import type { KnownBlock } from '@slack/types';
import { formatCount, formatMs } from '../core/format.js';
import { context, escapedWithin, escapeMrkdwn, fitMessage, header, sections, truncate } from '../slack/blocks.js';
import { formatTime } from '../render/time.js';
import type { PlaybookRequest, RequestState } from './request.js';
import type { Playbook } from './types.js';

export const APPROVE_ACTION = 'playbook_approve';
export const DENY_ACTION = 'playbook_deny';
export const BREAK_GLASS_ACTION = 'playbook_break_glass';

const STATE_LINE: Record<RequestState, string> = {
  pending: ':hourglass_flowing_sand: Waiting for approval',
  running: ':arrow_forward: Running',
  succeeded: ':white_check_mark: Done',
  failed: ':x: Failed',
  stopped: ':no_entry: Stopped',
  interrupted: ':warning: Interrupted',
  denied: ':no_entry_sign: Denied',
  expired: ':hourglass: Expired',
};

export function formatParams(params: Record<string, unknown>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return 'no parameters';
  return entries.map(([k, v]) => `\`${k}=${escapeMrkdwn(Array.isArray(v) ? v.join(',') : String(v))}\``).join(' ');
}

/**
 * How much a run that did not finish had committed: "after 7,200 of 30,000 rows were deleted".
 * The count is the request's rows_affected, which every outcome (and every heartbeat) records.
 */
export function progressText(req: PlaybookRequest, playbook: Playbook<unknown> | undefined): string {
  const noun = playbook?.effect?.noun ?? 'rows';
  const verb = playbook?.effect?.verb ?? 'changed';
  const done = req.rowsAffected ?? 0;
  const of = req.preview.count;
  if (done === 0) return `before any of the ${formatCount(of)} ${noun} were ${verb}`;
  return `after ${formatCount(done)} of ${formatCount(of)} ${noun} were ${verb}`;
}

function statusText(req: PlaybookRequest, playbook: Playbook<unknown> | undefined, timeZone: string): string {
  const by = req.decidedBy ? `<@${req.decidedBy}>` : 'someone';
  const approvers = req.approvers.map((a) => `<@${a}>`).join(', ');
  switch (req.state) {
    case 'pending':
      return `${STATE_LINE.pending}: ${req.approvers.length} of ${req.approvalsRequired} from the approvers group, not the requester${approvers ? ` (so far: ${approvers})` : ''}. Expires ${formatTime(req.expiresAt.getTime(), timeZone)}.`;
    case 'running':
      return `${STATE_LINE.running} — approved by ${approvers || by}, started ${req.startedAt ? formatTime(req.startedAt.getTime(), timeZone) : ''}.`;
    case 'succeeded':
      return `${STATE_LINE.succeeded}: ${escapeMrkdwn(req.result?.summary ?? '')} — ${formatCount(req.rowsAffected ?? 0)} row(s) in ${formatMs(req.result?.durationMs ?? 0)}. Approved by ${approvers || by}.${req.result?.notApprovedNow ? ` ${formatCount(req.result.notApprovedNow)} newer match(es) were not approved and were left alone.` : ''}`;
    case 'failed':
      return `${STATE_LINE.failed} ${progressText(req, playbook)}: ${escapeMrkdwn(req.error ?? 'unknown error')}`;
    case 'stopped':
      return `${STATE_LINE.stopped} ${progressText(req, playbook)}: ${escapeMrkdwn(req.error ?? '')}`;
    case 'interrupted':
      return `${STATE_LINE.interrupted} ${progressText(req, playbook)} (as of its last heartbeat): ${escapeMrkdwn(req.error ?? '')} It will not be re-run.`;
    case 'denied':
      return `${STATE_LINE.denied} by ${by}. Nothing ran.`;
    case 'expired':
      return `${STATE_LINE.expired}: no approval before ${formatTime(req.expiresAt.getTime(), timeZone)}. Nothing ran; request it again if still needed.`;
  }
}

export function requestMessage(
  req: PlaybookRequest,
  playbook: Playbook<unknown> | undefined,
  timeZone: string,
  opts: { breakGlassEnabled?: boolean } = {},
): { text: string; blocks: KnownBlock[] } {
  const title = playbook?.title ?? req.playbookId;
  const blocks: KnownBlock[] = [header(`Playbook request: ${title}`)];
  blocks.push(
    ...sections(
      [
        `*${req.playbookId}* · risk *${req.risk}* · needs ${req.approvalsRequired} approval${req.approvalsRequired === 1 ? '' : 's'}`,
        `Requested by <@${req.requestedBy}> · ${formatParams(req.params)}`,
        req.breakGlassReason ? `:rotating_light: *Break-glass* self-approval: ${escapeMrkdwn(req.breakGlassReason)}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    ),
  );
  const items = req.preview.items.slice(0, 20).map((i) => `• ${escapeMrkdwn(truncate(i, 200))}`);
  const more = req.preview.count > items.length && items.length > 0 ? `\n_…and ${req.preview.count - items.length} more_` : '';
  blocks.push(...sections(`*Preview* (read-only, before approval): ${escapeMrkdwn(req.preview.summary)}${items.length ? `\n${items.join('\n')}` : ''}${more}`));
  blocks.push(...sections(statusText(req, playbook, timeZone)));
  if (req.state === 'pending') {
    blocks.push({
      type: 'actions',
      block_id: `playbook_${req.id}_${req.approvers.length}`,
      elements: [
        {
          type: 'button',
          action_id: APPROVE_ACTION,
          text: { type: 'plain_text', text: 'Approve' },
          style: 'primary',
          value: req.id,
          confirm: {
            title: { type: 'plain_text', text: truncate(`Approve ${req.playbookId}?`, 100) },
            text: { type: 'plain_text', text: escapedWithin(`This runs ${req.playbookId} (${req.preview.summary}) on production once enough approvers agree.`, 300) },
            confirm: { type: 'plain_text', text: 'Approve and run' },
            deny: { type: 'plain_text', text: 'Cancel' },
            style: 'danger',
          },
        },
        {
          type: 'button',
          action_id: DENY_ACTION,
          text: { type: 'plain_text', text: 'Deny' },
          style: 'danger',
          value: req.id,
          confirm: {
            title: { type: 'plain_text', text: 'Deny this request?' },
            text: { type: 'plain_text', text: 'Nothing will run; the requester can ask again.' },
            confirm: { type: 'plain_text', text: 'Deny' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        },
        ...(playbook?.breakGlass && opts.breakGlassEnabled
          ? [
              {
                type: 'button' as const,
                action_id: BREAK_GLASS_ACTION,
                text: { type: 'plain_text' as const, text: 'Break glass (requester only)' },
                value: req.id,
              },
            ]
          : []),
      ],
    });
  }
  blocks.push(context([`Request ${req.id} · plan ${req.planHash.slice(0, 12)} · requested ${formatTime(req.createdAt.getTime(), timeZone)}`]));
  const ended = req.state === 'failed' || req.state === 'stopped' || req.state === 'interrupted' ? ` ${progressText(req, playbook)}` : '';
  const text = `Playbook ${req.playbookId} requested by <@${req.requestedBy}>: ${STATE_LINE[req.state].replace(/^:[a-z_]+: /, '')}${ended}`;
  return { text, blocks: fitMessage(blocks, 'See `/playbook audit`.') };
}
