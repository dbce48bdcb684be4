// /lockdown [status] | start <reason> | lift <reason>, and the "Mark done" button of the
// notification reminders. Start and lift are playbook requests on the approval gate.
import { requireAccess } from '../src/slack/pipeline.js';
import type { BlockAction, ButtonAction } from '@slack/bolt';
import { InputError } from '../src/core/errors.js';
import { lockdownStatusBlocks, REMINDER_DONE_ACTION } from '../src/lockdown/render.js';
import type { LockdownService } from '../src/lockdown/service.js';
import { lockdownStatus } from '../src/lockdown/status.js';
import type { LockdownStatus } from '../src/lockdown/render.js';
import { noArgs, subcommand, textArgs, type AnySubcommand, type CommandSpec } from '../src/slack/command.js';
import { blocksToText } from '../src/render/blocks-text.js';
import { describeForAudit } from '../src/slack/context.js';
import { checkRequestId, checkText } from '../src/slack/input.js';
import { createRequest, type PlaybookHandlerServices } from './playbook.js';

/** Longest lockdown reason: a sentence or two, shown in every lockdown post. */
export const MAX_LOCKDOWN_REASON = 500;

const USAGE = 'Usage: `/lockdown` (status and preview), `/lockdown start <reason>`, `/lockdown lift <reason>`.';

/** The reason of a start or lift: clean text, long enough to mean something. */
function reasonArgs(sub: 'start' | 'lift') {
  return textArgs((text) => {
    const reason = text.trim().split(/\s+/).join(' ');
    checkText('lockdown reason', reason, { max: MAX_LOCKDOWN_REASON });
    if (reason.length < 5) {
      throw new InputError(`\`/lockdown ${sub}\` needs a reason of at least 5 characters, e.g. \`/lockdown ${sub} ${sub === 'start' ? 'service-role key posted in a public repo' : 'keys rotated, sessions clean'}\`.`);
    }
    return reason;
  });
}

type LockdownServices = { lockdown: LockdownService; playbooks: PlaybookHandlerServices };

/** Start and lift are playbook requests: the approval gate decides, the request message shows it. */
function change(s: () => LockdownServices, sub: 'start' | 'lift', example: string, description: string): AnySubcommand {
  return subcommand<string, undefined>({
    name: sub,
    argsHint: '<reason>',
    example,
    description,
    access: 'oncall',
    args: reasonArgs(sub),
    ack: `Preparing the ${sub} request…`,
    once: true,
    visibility: 'in_channel',
    audit: false,
    async run(reason, ctx) {
      const playbook = s().playbooks.engine.find(`lockdown-${sub}`);
      if (!playbook) throw new InputError(`lockdown-${sub} is not available in this bot.`);
      await createRequest(s().playbooks, ctx.deps, playbook, { reason }, ctx.who.userId, ctx.who.channelId);
      return undefined;
    },
  });
}

export function lockdownCommand(s: LockdownServices): CommandSpec {
  const svc = () => s;
  return {
    command: '/lockdown',
    description: 'Data-breach lockdown: revoke all sessions, switch off integrations, with approval',
    defaultSub: 'status',
    emptyHelp: USAGE,
    subcommands: [
      subcommand<undefined, LockdownStatus>({
        name: 'status',
        example: '/lockdown',
        description: 'lockdown state, timeline, deadlines, and what a start would revoke',
        access: 'read',
        args: noArgs('/lockdown status'),
        visibility: 'in_channel',
        audit: false,
        call: (_args, env) => lockdownStatus(s.lockdown, s.playbooks.state, env.clock),
        slack: (status, env) => lockdownStatusBlocks(status, env.timezone),
        terminal: {
          text: (status, env) => blocksToText(lockdownStatusBlocks(status, env.timezone).blocks),
          exitCode: (status) => (status.preview.open?.state === 'active' ? 2 : status.preview.open ? 1 : 0),
        },
        cli: { requires: () => ['DATABASE_URL'] },
      }),
      change(svc, 'start', '/lockdown start leaked service key', 'request a lockdown (needs an approver)'),
      change(svc, 'lift', '/lockdown lift keys rotated, all clear', 'request lifting it (needs an approver)'),
    ],
    register(app, deps) {
      app.action<BlockAction<ButtonAction>>(REMINDER_DONE_ACTION, async ({ ack, body, action, respond, context }) => {
        await ack();
        const [rawId = '', kind = '', ...extra] = (action.value ?? '').split(':');
        describeForAudit(context, { action: 'lockdown.reminder_done', target: `lockdown:${rawId.slice(0, 40)}` });
        await requireAccess(deps, 'oncall', { userId: body.user.id, channelId: body.channel?.id ?? '' });
        if ((kind !== '24h' && kind !== '72h') || extra.length > 0) throw new InputError('This reminder button is not valid any more (its value names no 24h or 72h deadline). Use the buttons on the latest reminder.');
        const lockdownId = checkRequestId(rawId, 'lockdown id');
        const changed = await s.lockdown.markReminderDone(lockdownId, kind, body.user.id, body.channel?.id);
        await respond({
          replace_original: true,
          text: changed
            ? `:white_check_mark: ${kind} breach notifications marked done by <@${body.user.id}>. Reminders for this deadline stop.`
            : `These ${kind} notifications were already marked done.`,
        });
      });
    },
  };
}
