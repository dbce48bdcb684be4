// /playbook list | run <id> key=value … | audit [n], and the Approve / Deny buttons of a request.
// Requesting needs the on-call role; approving needs the approvers role and someone other than
// the requester; everything is decided by the engine's atomic claim, so repeated or concurrent
// clicks run a playbook once.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { ForbiddenError, InputError, OpsError } from '../src/errors.js';
import { formatTime } from '../src/render/time.js';
import { keyValues, parseParams, tokenize } from '../src/playbooks/params.js';
import { BREAK_GLASS_MIN_REASON, type ApproveOutcome, type PlaybookEngine } from '../src/playbooks/engine.js';
import { APPROVE_ACTION, BREAK_GLASS_ACTION, DENY_ACTION, formatParams, requestMessage } from '../src/playbooks/render.js';
import type { Playbook } from '../src/playbooks/types.js';
import type { StateStore } from '../src/state/store.js';
import { escapeMrkdwn, sections } from '../src/slack/blocks.js';
import type { ChatPoster } from '../src/scheduler/chat-poster.js';
import type { CommandSpec, HandlerDeps } from '../src/slack/command.js';
import { interaction } from '../src/slack/context.js';

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

/** Validates, posts a placeholder, records the request with its preview, and shows it. */
export async function createRequest(
  s: PlaybookHandlerServices,
  deps: HandlerDeps,
  playbook: Playbook<unknown>,
  raw: Record<string, string>,
  userId: string,
  channel: string,
): Promise<void> {
  // Validate before posting anything, so bad input leaves no trace but the error.
  parseParams(playbook, raw);
  const { ts } = await s.chat.postMessage({ channel, text: `Preparing a preview of ${playbook.id}…` });
  try {
    const { request } = await s.engine.request({ playbookId: playbook.id, rawParams: raw, requestedBy: userId, channel });
    await s.engine.attachMessage(request.id, channel, ts);
    const current = (await s.engine.get(request.id)) ?? request;
    const msg = requestMessage(current, playbook, deps.timezone, { breakGlassEnabled: s.engine.breakGlassEnabled() });
    await s.chat.update({ channel, ts, text: msg.text, blocks: msg.blocks });
  } catch (err) {
    const why = err instanceof OpsError ? err.userMessage : 'an unexpected error (see the bot logs)';
    await s.chat.update({ channel, ts, text: `Request for ${playbook.id} was not created: ${why}` }).catch(() => undefined);
    throw err;
  }
}

export function playbookCommand(s: PlaybookHandlerServices): CommandSpec {
  return {
    command: '/playbook',
    description: 'Runbook playbooks: preview, request, two-person approval, audit',
    usageHint: 'list | run <id> name=value … | audit [n]',
    usage: [
      { example: '/playbook list', description: 'the playbooks, their risk, approvals and parameters', access: 'read' },
      { example: '/playbook run kill-idle-connections minutes=60', description: 'request a playbook: preview, then approval by someone else', access: 'oncall' },
      { example: '/playbook audit 20', description: 'the last playbook requests, approvals and runs', access: 'oncall' },
    ],
    register(app: App, deps: HandlerDeps) {
      const registry = s.engine.list();

      app.command('/playbook', async ({ command, ack, respond, client, context }) => {
        const { log } = interaction(context, deps.logger);
        const words = tokenize(command.text.trim());
        const sub = (words[0] ?? '').toLowerCase();
        const who = { userId: command.user_id, channelId: command.channel_id };
        if (sub === '' || sub === 'help') {
          await ack({ response_type: 'ephemeral', text: USAGE });
          return;
        }
        if (sub === 'list') {
          await ack();
          const d = await deps.authz.check('read', who);
          if (!d.allowed) throw new ForbiddenError(d.message);
          await respond({ response_type: 'ephemeral', text: 'Playbooks', blocks: sections(`*Playbooks* (request with \`/playbook run <id> name=value …\`)\n${listText(registry)}`) });
          return;
        }
        if (sub === 'audit') {
          const n = words[1] === undefined ? 10 : Number(words[1]);
          if (!Number.isInteger(n) || n < 1 || n > 100) {
            await ack({ response_type: 'ephemeral', text: '`/playbook audit [n]`: n is a whole number from 1 to 100 (default 10).' });
            return;
          }
          await ack();
          const d = await deps.authz.check('oncall', who);
          if (!d.allowed) throw new ForbiddenError(d.message);
          const rows = await s.state.query<{ at: Date; actor: string; action: string; target: string; outcome: string; detail: Record<string, unknown> }>(
            'state/audit-recent',
            [n, 'playbook.'],
          );
          const lines = rows.map(
            (r) =>
              `• ${formatTime(r.at.getTime(), deps.timezone)} <@${r.actor}> ${r.action.replace('playbook.', '')} *${escapeMrkdwn(r.target)}* → ${escapeMrkdwn(r.outcome)}${typeof r.detail.rowsAffected === 'number' ? `, ${r.detail.rowsAffected} rows` : ''}${r.detail.params ? ` ${formatParams(r.detail.params as Record<string, unknown>)}` : ''}`,
          );
          await respond({ response_type: 'ephemeral', text: 'Playbook audit', blocks: sections(lines.length ? `*Playbook audit* (newest first)\n${lines.join('\n')}` : 'No playbook activity yet.') });
          return;
        }
        if (sub !== 'run') {
          await ack({ response_type: 'ephemeral', text: `Unknown subcommand "${sub.slice(0, 30)}". ${USAGE}` });
          return;
        }
        const id = words[1];
        const playbook = id ? s.engine.find(id) : undefined;
        let raw: Record<string, string>;
        try {
          if (!id) throw new InputError(`Which playbook? ${USAGE}`);
          if (!playbook) throw new InputError(`There is no playbook "${id.slice(0, 60)}". See \`/playbook list\`.`);
          raw = keyValues(words.slice(2));
        } catch (err) {
          await ack({ response_type: 'ephemeral', text: (err as Error).message });
          return;
        }
        const missing = missingRequired(playbook, raw);
        await ack(missing.length ? undefined : { response_type: 'ephemeral', text: `Preparing a preview of ${playbook.id}…` });
        const d = await deps.authz.check('oncall', who);
        if (!d.allowed) throw new ForbiddenError(d.message);
        if (missing.length > 0) {
          // trigger_id lives 3 s: open the form right away, before any other work.
          await client.views.open({ trigger_id: command.trigger_id, view: paramsModal(playbook, raw, command.channel_id) });
          return;
        }
        await createRequest(s, deps, playbook, raw, command.user_id, command.channel_id);
        log.info({ playbookId: playbook.id }, 'playbook requested');
      });

      app.view(PARAMS_VIEW, async ({ ack, view, body }) => {
        const meta = JSON.parse(view.private_metadata) as { playbookId: string; channel: string };
        const playbook = s.engine.find(meta.playbookId);
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
          parseParams(playbook, raw);
        } catch (err) {
          const errors: Record<string, string> = {};
          const text = (err as Error).message;
          for (const key of Object.keys(playbook.paramHelp)) {
            if (text.includes(`\`${key}\``)) errors[`param_${key}`] = text.split('\n').find((l) => l.includes(`\`${key}\``))?.replace(/^• /, '').slice(0, 150) ?? 'invalid';
          }
          await ack({ response_action: 'errors', errors });
          return;
        }
        await ack();
        const d = await deps.authz.check('oncall', { userId: body.user.id, channelId: meta.channel });
        if (!d.allowed) throw new ForbiddenError(d.message);
        await createRequest(s, deps, playbook, raw, body.user.id, meta.channel);
      });

      app.action<BlockAction<ButtonAction>>(APPROVE_ACTION, async ({ ack, body, action }) => {
        await ack();
        const channel = body.channel?.id ?? '';
        const d = await deps.authz.check('approver', { userId: body.user.id, channelId: channel });
        if (!d.allowed) throw new ForbiddenError(`${d.message} Nothing ran.`);
        const outcome = await s.engine.approve(action.value ?? '', body.user.id);
        const err = refusal(outcome, deps.timezone);
        if (err) throw err;
      });

      app.action<BlockAction<ButtonAction>>(DENY_ACTION, async ({ ack, body, action }) => {
        await ack();
        const id = action.value ?? '';
        const req = await s.engine.get(id);
        if (!req) throw new InputError('This request no longer exists.');
        // The requester may withdraw; otherwise only approvers decide.
        if (req.requestedBy !== body.user.id) {
          const d = await deps.authz.check('approver', { userId: body.user.id, channelId: body.channel?.id ?? '' });
          if (!d.allowed) throw new ForbiddenError(d.message);
        }
        const denied = await s.engine.deny(id, body.user.id);
        if (!denied) throw new OpsError('conflict', `This request is already ${req.state}; your click changed nothing.`);
      });

      // Break-glass: the requester alone, with a typed reason, when switched on (lockdown only).
      app.action<BlockAction<ButtonAction>>(BREAK_GLASS_ACTION, async ({ ack, body, action, client }) => {
        await ack();
        const req = await s.engine.get(action.value ?? '');
        if (!req) throw new InputError('This request no longer exists.');
        if (req.requestedBy !== body.user.id) throw new ForbiddenError('Only the requester can break glass; approvers use Approve.');
        if (!s.engine.breakGlassEnabled()) throw new ForbiddenError('Break-glass self-approval is switched off (BREAK_GLASS_ENABLED). Ask an approver.');
        await client.views.open({
          trigger_id: body.trigger_id,
          view: {
            type: 'modal',
            callback_id: BREAK_GLASS_VIEW,
            private_metadata: JSON.stringify({ requestId: req.id, channel: body.channel?.id ?? '' }),
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

      app.view(BREAK_GLASS_VIEW, async ({ ack, view, body }) => {
        const meta = JSON.parse(view.private_metadata) as { requestId: string; channel: string };
        const reason = view.state.values.reason?.value?.value?.trim() ?? '';
        const outcome = await s.engine.approve(meta.requestId, body.user.id, { breakGlassReason: reason });
        const err = refusal(outcome, deps.timezone);
        if (err) {
          await ack({ response_action: 'errors', errors: { reason: err.userMessage.slice(0, 150) } });
          return;
        }
        await ack();
        if (outcome.kind === 'started' && s.alertsChannel) {
          await s.chat.postMessage({
            channel: s.alertsChannel,
            text: `:rotating_light: BREAK-GLASS: <@${body.user.id}> self-approved ${outcome.request.playbookId} without a second person. Reason: ${reason}`,
          });
        }
      });
    },
  };
}
