// /playbook list | run <id> key=value … | audit [n], and the Approve / Deny buttons of a request.
// Requesting needs the on-call role; approving needs the approvers role and someone other than
// the requester; everything is decided by the engine's atomic claim, so repeated or concurrent
// clicks run a playbook once.
import { requireAccess } from '../src/slack/pipeline.js';
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { ForbiddenError, InputError, OpsError } from '../src/core/errors.js';
import { formatTime } from '../src/render/time.js';
import { keyValues, parseParams, tokenize } from '../src/playbooks/params.js';
import { BREAK_GLASS_MIN_REASON, type ApproveOutcome, type PlaybookEngine } from '../src/playbooks/engine.js';
import { APPROVE_ACTION, BREAK_GLASS_ACTION, DENY_ACTION, formatParams } from '../src/playbooks/render.js';
import type { Playbook } from '../src/playbooks/types.js';
import type { StateStore } from '../src/state/store.js';
import { escapeMrkdwn, escapeText, quoteInput, sections } from '../src/slack/blocks.js';
import { actorMention } from '../src/checklist/render.js';
import type { PlaybookRequest } from '../src/playbooks/request.js';
import { checkRequestId, checkText, parseMetadata } from '../src/slack/input.js';
import { firstDelivery, REPLAY_MESSAGE } from '../src/slack/replay.js';
import type { ChatPoster } from '../src/slack/chat-poster.js';
import { noArgs, subcommand, textArgs, type CommandSpec, type HandlerDeps } from '../src/slack/command.js';
import { recentAudit, type AuditRow } from '../src/state/audit-log.js';
import { describeForAudit } from '../src/slack/context.js';

export const PARAMS_VIEW = 'playbook_params';
export const BREAK_GLASS_VIEW = 'playbook_break_glass_reason';

const USAGE =
  'Usage: `/playbook list`, `/playbook run <id> name=value …` (e.g. `/playbook run purge-old-interactions days=90`), `/playbook audit [n]`.';

function listText(registry: readonly Playbook<unknown>[]): string {
  return registry
    .map((p) => {
      const params = Object.entries(p.paramHelp).map(([k, v]) => `\`${k}\` ${escapeMrkdwn(v)}`);
      return `• *${p.id}* — ${escapeMrkdwn(p.description)} _(${p.risk}, ${p.approvals} approval${p.approvals === 1 ? '' : 's'})_${params.length ? `\n      ${params.join('; ')}` : ''}`;
    })
    .join('\n');
}

/** Keys the user did not give that the playbook requires (no default). */
export function missingRequired(playbook: Playbook<unknown>, raw: Record<string, string>): string[] {
  const parsed = playbook.params.safeParse(raw);
  if (parsed.success) return [];
  return [
    ...new Set(
      parsed.error.issues
        .filter((i) => i.path.length > 0 && raw[String(i.path[0])] === undefined)
        .map((i) => String(i.path[0])),
    ),
  ];
}

export function paramsModal(playbook: Playbook<unknown>, given: Record<string, string>, channel: string) {
  return {
    type: 'modal' as const,
    callback_id: PARAMS_VIEW,
    private_metadata: JSON.stringify({ playbookId: playbook.id, channel }),
    title: { type: 'plain_text' as const, text: 'Request playbook' },
    submit: { type: 'plain_text' as const, text: 'Preview' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${playbook.id}*: ${escapeMrkdwn(playbook.description)}` } },
      ...Object.entries(playbook.paramHelp).map(([key, help]) => ({
        type: 'input',
        block_id: `param_${key}`,
        optional: true,
        label: { type: 'plain_text', text: key },
        hint: { type: 'plain_text', text: help.slice(0, 2000) },
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          ...(given[key] !== undefined ? { initial_value: given[key] } : {}),
        },
      })),
    ] as KnownBlock[],
  };
}

function refusal(outcome: ApproveOutcome, timeZone: string): OpsError | undefined {
  switch (outcome.kind) {
    case 'not_found':
      return new InputError('This request no longer exists. Nothing ran.');
    case 'own_request':
      return new ForbiddenError('You asked for this run, so someone else from the approvers group has to approve it. Nothing ran.');
    case 'expired':
      return new InputError('This request expired before it was approved. Nothing ran; ask for it again with `/playbook run`.');
    case 'not_pending': {
      const r = outcome.request;
      const by = r.decidedBy ? ` by <@${r.decidedBy}>` : '';
      return new OpsError('conflict', `This request is already ${r.state}${by}${r.decidedAt ? ` (${formatTime(r.decidedAt.getTime(), timeZone)})` : ''}. Your click changed nothing.`);
    }
    case 'break_glass_refused':
      return new ForbiddenError(`${outcome.why} Nothing ran.`);
    case 'already_approved': {
      const left = outcome.request.approvalsRequired - outcome.request.approvers.length;
      return new OpsError('conflict', `You have already approved this request; it needs ${Math.max(left, 1)} more approval(s) from someone else.`);
    }
    default:
      return undefined;
  }
}

export interface PlaybookHandlerServices {
  engine: PlaybookEngine;
  chat: ChatPoster;
  state: StateStore;
  /** Where break-glass self-approvals are announced. */
  alertsChannel?: string;
}

/** Longest parameter value a request accepts (schemas are stricter; this bounds what reaches them). */
const MAX_PARAM_VALUE = 1000;

/** Every raw parameter is clean text before a schema or a query sees it; the error names it. */
export function checkRawParams(raw: Record<string, string>): void {
  for (const [key, value] of Object.entries(raw)) {
    checkText(`parameter name \`${quoteInput(key, 40)}\``, key, { max: 64 });
    checkText(`value of \`${quoteInput(key, 40)}\``, value, { max: MAX_PARAM_VALUE });
  }
}

/** Checks the raw parameters, then posts, records and shows the request (one engine step). */
export async function createRequest(s: PlaybookHandlerServices, deps: HandlerDeps, playbook: Playbook<unknown>, raw: Record<string, string>, userId: string, channel: string): Promise<PlaybookRequest> {
  checkRawParams(raw);
  return s.engine.requestInMessage({ playbookId: playbook.id, rawParams: raw, requestedBy: userId, channel }, s.chat, { timeZone: deps.timezone });
}

/**
 * An approval, denial or break-glass click counts only on the request's own message in the
 * request's own channel: a payload naming another channel or message (a DM, a copied button, a
 * forged value) is refused, and nothing runs.
 */
export function assertOwnMessage(req: PlaybookRequest, body: { channel?: { id?: string }; message?: { ts?: string }; container?: { message_ts?: string; channel_id?: string } }): void {
  const channel = body.channel?.id ?? body.container?.channel_id;
  const ts = body.message?.ts ?? body.container?.message_ts;
  if (!req.channel || !req.messageTs || channel !== req.channel || ts !== req.messageTs) {
    throw new ForbiddenError(
      `Approve, Deny and Break glass count only on the request message itself${req.channel ? `, in <#${req.channel}>` : ''}. Nothing ran; use the buttons there.`,
    );
  }
}

/** The request a button names, checked before any query and recorded for the audit log. */
async function requestFromButton(s: PlaybookHandlerServices, context: Parameters<typeof describeForAudit>[0], value: string | undefined, action: string): Promise<PlaybookRequest> {
  const id = checkRequestId(value);
  describeForAudit(context, { action, target: id, detail: { requestId: id } });
  const req = await s.engine.get(id);
  if (!req) throw new InputError('This request no longer exists. Nothing ran.');
  describeForAudit(context, { target: req.playbookId });
  return req;
}

/** A click on an Approve or Deny button: who clicked and the request id the button carries. */
export interface DecisionClick {
  userId: string;
  value: string | undefined;
}

/**
 * The one approval step behind every Approve button (the request message's and the App Home's):
 * the click must come from where the request is shown (`assertWhere` throws otherwise), the
 * approver holds the role in the request's own channel (so the allow-list applies), and the
 * engine's atomic claim decides the rest (two-person rule, expiry, exactly once). A refusal is
 * thrown as an OpsError, which the global error handler answers and audits.
 */
export async function approveClick(s: PlaybookHandlerServices, deps: HandlerDeps, context: Parameters<typeof describeForAudit>[0], click: DecisionClick, assertWhere: (req: PlaybookRequest) => void): Promise<ApproveOutcome> {
  const req = await requestFromButton(s, context, click.value, 'playbook.approve');
  assertWhere(req);
  await requireAccess(deps, 'approver', { userId: click.userId, channelId: req.channel ?? '' }, 'Nothing ran.');
  const outcome = await s.engine.approve(req.id, click.userId);
  const err = refusal(outcome, deps.timezone);
  if (err) throw err;
  return outcome;
}

/** The one denial step behind every Deny button: the requester may withdraw; otherwise only approvers decide, in the request's channel. */
export async function denyClick(s: PlaybookHandlerServices, deps: HandlerDeps, context: Parameters<typeof describeForAudit>[0], click: DecisionClick, assertWhere: (req: PlaybookRequest) => void): Promise<PlaybookRequest> {
  const req = await requestFromButton(s, context, click.value, 'playbook.deny');
  assertWhere(req);
  await requireAccess(deps, req.requestedBy === click.userId ? 'read' : 'approver', { userId: click.userId, channelId: req.channel ?? '' });
  const denied = await s.engine.deny(req.id, click.userId);
  if (!denied) throw new OpsError('conflict', `This request is already ${req.state}; your click changed nothing.`);
  return denied;
}

interface RunArgs {
  playbook: Playbook<unknown>;
  raw: Record<string, string>;
}

/** `run <id> key=value …`: the playbook must exist and every value be clean text before anything else happens. */
function runArgs(s: () => PlaybookHandlerServices) {
  return textArgs((text): RunArgs => {
    const words = tokenize(text.trim());
    const id = words[0];
    if (!id) throw new InputError(`Which playbook? ${USAGE}`);
    const playbook = s().engine.find(id);
    if (!playbook) throw new InputError(`There is no playbook "${quoteInput(id, 60)}". See \`/playbook list\`.`);
    const raw = keyValues(words.slice(1));
    checkRawParams(raw);
    return { playbook, raw };
  });
}

const auditCount = textArgs((text) => {
  const w = text.trim();
  const n = w === '' ? 10 : Number(w);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InputError('`/playbook audit [n]`: n is a whole number from 1 to 100 (default 10).');
  return n;
});

export function playbookCommand(s: { playbooks: PlaybookHandlerServices }): CommandSpec {
  const pb = () => s.playbooks;
  return {
    command: '/playbook',
    description: 'Runbook playbooks: preview, request, two-person approval, audit',
    emptyHelp: USAGE,
    subcommands: [
      subcommand<undefined, readonly Playbook<unknown>[]>({
        name: 'list',
        example: '/playbook list',
        description: 'the playbooks, their risk, approvals and parameters',
        access: 'read',
        args: noArgs('/playbook list'),
        visibility: 'ephemeral',
        audit: false,
        call: () => Promise.resolve(pb().engine.list()),
        slack: (registry) => ({ text: 'Playbooks', blocks: sections(`*Playbooks* (request with \`/playbook run <id> name=value …\`)\n${listText(registry)}`) }),
      }),
      subcommand<RunArgs, undefined>({
        name: 'run',
        argsHint: '<id> name=value …',
        example: '/playbook run kill-idle-connections minutes=60',
        description: 'request a playbook: preview, then approval by someone else',
        access: 'oncall',
        args: runArgs(pb),
        // With parameters missing the form opens instead, so the ack stays empty.
        ack: ({ playbook, raw }) => (missingRequired(playbook, raw).length ? undefined : `Preparing a preview of ${playbook.id}…`),
        visibility: 'in_channel',
        audit: { detail: ({ playbook }) => ({ playbookId: playbook.id }) },
        async run({ playbook, raw }, ctx) {
          if (missingRequired(playbook, raw).length > 0) {
            // trigger_id lives 3 s: open the form right away, before any other work. The form
            // creates nothing itself; its submission is claimed once like a command.
            await ctx.client.views.open({ trigger_id: ctx.triggerId ?? '', view: paramsModal(playbook, raw, ctx.who.channelId) });
            return undefined;
          }
          if (!(await firstDelivery(ctx.deps, ctx.triggerId, '/playbook run', ctx.who.userId))) {
            ctx.log.info({ playbookId: playbook.id }, 'replayed playbook request ignored');
            await ctx.respond({ text: REPLAY_MESSAGE });
            return undefined;
          }
          await createRequest(pb(), ctx.deps, playbook, raw, ctx.who.userId, ctx.who.channelId);
          ctx.log.info({ playbookId: playbook.id }, 'playbook requested');
          // The engine writes the playbook.requested row; the command adds none.
          return undefined;
        },
      }),
      subcommand<number, AuditRow[]>({
        name: 'audit',
        argsHint: '[n]',
        example: '/playbook audit 20',
        description: 'the last playbook requests, approvals and runs',
        access: 'oncall',
        args: auditCount,
        visibility: 'ephemeral',
        audit: false,
        call: (n) => recentAudit(pb().state, n, 'playbook.'),
        slack: (rows, env) => {
          const lines = rows.map(
            (r) =>
              `• ${formatTime(r.at.getTime(), env.timezone)} ${actorMention(r.actor)} ${escapeMrkdwn(r.action.replace('playbook.', ''))} *${escapeMrkdwn(r.target ?? '')}* → ${escapeMrkdwn(r.outcome)}${typeof r.detail.rowsAffected === 'number' ? `, ${r.detail.rowsAffected} rows` : ''}${r.detail.params ? ` ${formatParams(r.detail.params as Record<string, unknown>)}` : ''}`,
          );
          return { text: 'Playbook audit', blocks: sections(lines.length ? `*Playbook audit* (newest first)\n${lines.join('\n')}` : 'No playbook activity yet.') };
        },
      }),
    ],
    register(app: App, deps: HandlerDeps) {
      const s = pb();
      app.view(PARAMS_VIEW, async ({ ack, view, body, context }) => {
        let meta: Record<string, unknown>;
        try {
          meta = parseMetadata(view.private_metadata);
        } catch (err) {
          await ack();
          throw err;
        }
        const channel = typeof meta.channel === 'string' ? meta.channel : '';
        const playbook = typeof meta.playbookId === 'string' ? s.engine.find(meta.playbookId) : undefined;
        if (!playbook) {
          await ack({ response_action: 'errors', errors: {} });
          return;
        }
        const raw: Record<string, string> = {};
        for (const [blockId, v] of Object.entries(view.state.values)) {
          const value = v.value?.value;
          if (typeof value === 'string' && value.trim() !== '') raw[blockId.replace(/^param_/, '')] = value.trim();
        }
        try {
          checkRawParams(raw);
          parseParams(playbook, raw);
        } catch (err) {
          const errors: Record<string, string> = {};
          if (!(err instanceof InputError)) throw err;
          const text = err.userMessage;
          for (const key of Object.keys(playbook.paramHelp)) {
            if (text.includes(`\`${key}\``)) errors[`param_${key}`] = text.split('\n').find((l) => l.includes(`\`${key}\``))?.replace(/^• /, '').slice(0, 150) ?? 'invalid';
          }
          // A message that names no field still has to be shown somewhere.
          const first = Object.keys(playbook.paramHelp)[0];
          if (Object.keys(errors).length === 0 && first) errors[`param_${first}`] = text.slice(0, 150);
          await ack({ response_action: 'errors', errors });
          return;
        }
        await ack();
        describeForAudit(context, { action: 'command', target: '/playbook run', channel, detail: { playbookId: playbook.id } });
        await requireAccess(deps, 'oncall', { userId: body.user.id, channelId: channel });
        if (!(await firstDelivery(deps, (body as { trigger_id?: string }).trigger_id, PARAMS_VIEW, body.user.id))) return;
        await createRequest(s, deps, playbook, raw, body.user.id, channel);
      });

      app.action<BlockAction<ButtonAction>>(APPROVE_ACTION, async ({ ack, body, action, context }) => {
        await ack();
        await approveClick(s, deps, context, { userId: body.user.id, value: action.value }, (req) => assertOwnMessage(req, body));
      });

      app.action<BlockAction<ButtonAction>>(DENY_ACTION, async ({ ack, body, action, context }) => {
        await ack();
        await denyClick(s, deps, context, { userId: body.user.id, value: action.value }, (req) => assertOwnMessage(req, body));
      });

      // Break-glass: the requester alone, with a typed reason, when switched on (lockdown only).
      app.action<BlockAction<ButtonAction>>(BREAK_GLASS_ACTION, async ({ ack, body, action, client, context }) => {
        await ack();
        const req = await requestFromButton(s, context, action.value, 'playbook.break_glass');
        assertOwnMessage(req, body);
        if (req.requestedBy !== body.user.id) throw new ForbiddenError('Only the requester can break glass; approvers use Approve.');
        // A lone responder: still on call, and still in an allowed channel.
        await requireAccess(deps, 'oncall', { userId: body.user.id, channelId: body.channel?.id ?? '' });
        if (!s.engine.breakGlassEnabled()) throw new ForbiddenError('Break-glass self-approval is switched off (BREAK_GLASS_ENABLED). Ask an approver.');
        await client.views.open({
          trigger_id: body.trigger_id,
          view: {
            type: 'modal',
            callback_id: BREAK_GLASS_VIEW,
            private_metadata: JSON.stringify({ requestId: req.id, channel: req.channel, messageTs: req.messageTs }),
            title: { type: 'plain_text', text: 'Break glass' },
            submit: { type: 'plain_text', text: 'Self-approve' },
            close: { type: 'plain_text', text: 'Cancel' },
            blocks: [
              { type: 'section', text: { type: 'mrkdwn', text: `You are about to run *${req.playbookId}* without a second person. This is announced in the alerts channel and audited.` } },
              {
                type: 'input',
                block_id: 'reason',
                label: { type: 'plain_text', text: 'Why can no approver be reached?' },
                element: { type: 'plain_text_input', action_id: 'value', multiline: true, min_length: BREAK_GLASS_MIN_REASON },
              },
            ],
          },
        });
      });

      app.view(BREAK_GLASS_VIEW, async ({ ack, view, body, context }) => {
        const reason = view.state.values.reason?.value?.value?.trim() ?? '';
        let req: PlaybookRequest | undefined;
        try {
          const meta = parseMetadata(view.private_metadata);
          const id = checkRequestId(meta.requestId);
          describeForAudit(context, { action: 'playbook.break_glass', target: id, detail: { requestId: id } });
          checkText('reason', reason, { max: 1000 });
          req = await s.engine.get(id);
          if (!req) throw new InputError('This request no longer exists. Nothing ran.');
          describeForAudit(context, { target: req.playbookId, ...(req.channel ? { channel: req.channel } : {}) });
          // The form was opened from the request message; it must still be that request's form.
          if (meta.channel !== req.channel || meta.messageTs !== req.messageTs) {
            throw new ForbiddenError('This form belongs to another request message. Nothing ran; use Break glass on the request message itself.');
          }
          await requireAccess(deps, 'oncall', { userId: body.user.id, channelId: req.channel ?? '' });
        } catch (err) {
          if (!(err instanceof OpsError)) throw err;
          await ack({ response_action: 'errors', errors: { reason: err.userMessage.slice(0, 150) } });
          // Refusals go on to the error handler, which audits them (there is no response_url to answer).
          if (err instanceof ForbiddenError) throw err;
          return;
        }
        const outcome = await s.engine.approve(req.id, body.user.id, { breakGlassReason: reason });
        const err = refusal(outcome, deps.timezone);
        if (err) {
          await ack({ response_action: 'errors', errors: { reason: err.userMessage.slice(0, 150) } });
          if (err instanceof ForbiddenError) throw err;
          return;
        }
        await ack();
        if (outcome.kind === 'started' && s.alertsChannel) {
          // Plain text only, and the reason is the requester's own words: escaped, so it cannot
          // notify the channel or hide a link in the alert.
          await s.chat.postMessage({
            channel: s.alertsChannel,
            text: `:rotating_light: BREAK-GLASS: <@${body.user.id}> self-approved ${outcome.request.playbookId} without a second person. Reason: ${escapeText(reason)}`,
            purpose: 'the break-glass alert',
            ifFails: 'the run was approved and started, but the alerts channel was not told',
          });
        }
      });
    },
  };
}
