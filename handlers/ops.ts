// /ops help: what the caller may run here, with an example of each.
import { InputError } from '../src/core/errors.js';
import { quoteInput } from '../src/slack/blocks.js';
import type { CommandSpec } from '../src/slack/command.js';

export const opsCommand: CommandSpec = {
  command: '/ops',
  description: 'Ops bot help: the commands you may run here',
  usageHint: 'help',
  usage: [{ example: '/ops help', description: 'list the commands you may run in this channel', access: 'read' }],
  register(app, deps, registry) {
    app.command('/ops', async ({ command, ack, respond }) => {
      const sub = command.text.trim().toLowerCase();
      if (sub !== '' && sub !== 'help') {
        await ack({ response_type: 'ephemeral', text: `Unknown subcommand "${quoteInput(sub, 40)}". Try \`/ops help\`.` });
        return;
      }
      await ack();
      const who = { userId: command.user_id, channelId: command.channel_id };
      const lines: string[] = [];
      for (const spec of registry) {
        for (const u of spec.usage) {
          const d = await deps.authz.check(u.access, who);
          if (d.allowed) lines.push(`• \`${u.example}\` — ${u.description}`);
        }
      }
      if (lines.length === 0) {
        throw new InputError(
          'There is nothing you can run in this channel. Read-only commands may be limited to certain channels, and the others to the on-call and approver groups.',
        );
      }
      await respond({
        response_type: 'ephemeral',
        text: `Commands you can run here:\n${lines.join('\n')}\n\nThe same read-only commands work from a terminal: \`opsbot help\`.`,
      });
    });
  },
};
