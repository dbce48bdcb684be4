// /lockdown [status] | start <reason> | lift <reason>, and the "Mark done" button of the
// notification reminders. Start and lift are playbook requests on the approval gate.
import type { BlockAction, ButtonAction } from '@slack/bolt';
import { ForbiddenError, InputError } from '../src/errors.js';
import { lockdownStatusBlocks, REMINDER_DONE_ACTION } from '../src/lockdown/render.js';
import type { LockdownService } from '../src/lockdown/service.js';
import { lockdownStatus } from '../src/lockdown/status.js';
import type { CommandSpec } from '../src/slack/command.js';
import { createRequest, type PlaybookHandlerServices } from './playbook.js';

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
      app.command('/lockdown', async ({ command, ack, respond }) => {
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
          await ack({ response_type: 'ephemeral', text: `Unknown subcommand "${sub.slice(0, 30)}". ${USAGE}` });
          return;
        }
        const reason = rest.join(' ').trim();
        if (reason.length < 5) {
          await ack({ response_type: 'ephemeral', text: `\`/lockdown ${sub}\` needs a reason of at least 5 characters, e.g. \`/lockdown ${sub} ${sub === 'start' ? 'service-role key posted in a public repo' : 'keys rotated, sessions clean'}\`.` });
          return;
        }
        await ack({ response_type: 'ephemeral', text: `Preparing the ${sub} request…` });
        const d = await deps.authz.check('oncall', who);
        if (!d.allowed) throw new ForbiddenError(d.message);
        const playbook = s.playbooks.engine.find(`lockdown-${sub}`);
        if (!playbook) throw new InputError(`lockdown-${sub} is not available in this bot.`);
        await createRequest(s.playbooks, deps, playbook, { reason }, command.user_id, command.channel_id);
      });

      app.action<BlockAction<ButtonAction>>(REMINDER_DONE_ACTION, async ({ ack, body, action, respond }) => {
        await ack();
        const d = await deps.authz.check('oncall', { userId: body.user.id, channelId: body.channel?.id ?? '' });
        if (!d.allowed) throw new ForbiddenError(d.message);
        const [lockdownId = '', kind = ''] = (action.value ?? '').split(':');
        if (kind !== '24h' && kind !== '72h') throw new InputError('This reminder button is not valid any more.');
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
