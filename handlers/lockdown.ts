// /lockdown [status] | start <reason> | lift <reason>, and the "Mark done" button of the
// notification reminders. Start and lift are playbook requests on the approval gate.
import type { BlockAction, ButtonAction } from '@slack/bolt';
import { ForbiddenError, InputError } from '../src/core/errors.js';
import { lockdownStatusBlocks, REMINDER_DONE_ACTION } from '../src/lockdown/render.js';
import type { LockdownService } from '../src/lockdown/service.js';
import { lockdownStatus } from '../src/lockdown/status.js';
import { quoteInput } from '../src/slack/blocks.js';
import type { CommandSpec } from '../src/slack/command.js';
import { describeForAudit, interaction } from '../src/slack/context.js';
import { checkRequestId, checkText } from '../src/slack/input.js';
import { firstDelivery, REPLAY_MESSAGE } from '../src/slack/replay.js';
import { createRequest, type PlaybookHandlerServices } from './playbook.js';

/** Longest lockdown reason: a sentence or two, shown in every lockdown post. */
export const MAX_LOCKDOWN_REASON = 500;

const USAGE = 'Usage: `/lockdown` (status and preview), `/lockdown start <reason>`, `/lockdown lift <reason>`.';

export function lockdownCommand(s: { lockdown: LockdownService; playbooks: PlaybookHandlerServices }): CommandSpec {
  return {
    command: '/lockdown',
    description: 'Data-breach lockdown: revoke all sessions, switch off integrations, with approval',
    usageHint: '[status] | start <reason> | lift <reason>',
    usage: [
      { example: '/lockdown', description: 'lockdown state, timeline, deadlines, and what a start would revoke', access: 'read' },
      { example: '/lockdown start leaked service key', description: 'request a lockdown (needs an approver)', access: 'oncall' },
      { example: '/lockdown lift keys rotated, all clear', description: 'request lifting it (needs an approver)', access: 'oncall' },
    ],
    register(app, deps) {
      app.command('/lockdown', async ({ command, ack, respond, context }) => {
        const { log } = interaction(context, deps.logger);
        const text = command.text.trim();
        const [word = '', ...rest] = text.split(/\s+/);
        const sub = word.toLowerCase();
        const who = { userId: command.user_id, channelId: command.channel_id };
        if (sub === '' || sub === 'status') {
          await ack();
          const d = await deps.authz.check('read', who);
          if (!d.allowed) throw new ForbiddenError(d.message);
          const status = await lockdownStatus(s.lockdown, s.playbooks.state, deps.clock);
          const msg = lockdownStatusBlocks(status, deps.timezone);
          await respond({ response_type: 'in_channel', replace_original: false, text: msg.text, blocks: msg.blocks });
          return;
        }
        if (sub !== 'start' && sub !== 'lift') {
          await ack({ response_type: 'ephemeral', text: `Unknown subcommand "${quoteInput(sub, 30)}". ${USAGE}` });
          return;
        }
        const reason = rest.join(' ').trim();
        try {
          checkText('lockdown reason', reason, { max: MAX_LOCKDOWN_REASON });
        } catch (err) {
          await ack({ response_type: 'ephemeral', text: (err as Error).message });
          return;
        }
        if (reason.length < 5) {
          await ack({ response_type: 'ephemeral', text: `\`/lockdown ${sub}\` needs a reason of at least 5 characters, e.g. \`/lockdown ${sub} ${sub === 'start' ? 'service-role key posted in a public repo' : 'keys rotated, sessions clean'}\`.` });
          return;
        }
        await ack({ response_type: 'ephemeral', text: `Preparing the ${sub} request…` });
        const d = await deps.authz.check('oncall', who);
        if (!d.allowed) throw new ForbiddenError(d.message);
        const playbook = s.playbooks.engine.find(`lockdown-${sub}`);
        if (!playbook) throw new InputError(`lockdown-${sub} is not available in this bot.`);
        if (!(await firstDelivery(deps, command.trigger_id, `/lockdown ${sub}`, command.user_id))) {
          log.info({ sub }, 'replayed lockdown request ignored');
          await respond({ response_type: 'ephemeral', replace_original: false, text: REPLAY_MESSAGE });
          return;
        }
        await createRequest(s.playbooks, deps, playbook, { reason }, command.user_id, command.channel_id);
      });

      app.action<BlockAction<ButtonAction>>(REMINDER_DONE_ACTION, async ({ ack, body, action, respond, context }) => {
        await ack();
        const [rawId = '', kind = '', ...extra] = (action.value ?? '').split(':');
        describeForAudit(context, { action: 'lockdown.reminder_done', target: `lockdown:${rawId.slice(0, 40)}` });
        const d = await deps.authz.check('oncall', { userId: body.user.id, channelId: body.channel?.id ?? '' });
        if (!d.allowed) throw new ForbiddenError(d.message);
        if ((kind !== '24h' && kind !== '72h') || extra.length > 0) throw new InputError('This reminder button is not valid any more (its value names no 24h or 72h deadline). Use the buttons on the latest reminder.');
        const lockdownId = checkRequestId(rawId, 'lockdown id');
        const changed = await s.lockdown.markReminderDone(lockdownId, kind, body.user.id);
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
