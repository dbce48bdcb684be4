// /ops help: what the caller may run here, with an example of each, read from the same
// declarations the commands run from (so help and behaviour cannot disagree).
import { InputError } from '../src/core/errors.js';
import { noArgs, subcommand, usageLine, type CommandSpec } from '../src/slack/command.js';

export function opsCommand(registry: () => readonly CommandSpec[]): CommandSpec {
  return {
    command: '/ops',
    description: 'Ops bot help: the commands you may run here',
    defaultSub: 'help',
    subcommands: [
      subcommand<undefined, { lines: number }>({
        name: 'help',
        example: '/ops help',
        description: 'list the commands you may run in this channel',
        access: 'public',
        args: noArgs('/ops help'),
        visibility: 'ephemeral',
        audit: false,
        async run(_args, ctx) {
          const lines: string[] = [];
          for (const spec of registry()) {
            if (spec.terminalOnly) continue;
            for (const sub of spec.subcommands) {
              if (sub.hidden) continue;
              // Help is for everyone, but it lists only what this caller may run here.
              const d = await ctx.deps.authz.check(sub.access === 'public' ? 'read' : sub.access, ctx.who);
              if (d.allowed) lines.push(`• \`${sub.example || usageLine(spec, sub)}\` — ${sub.description}`);
            }
          }
          if (lines.length === 0) {
            throw new InputError(
              'There is nothing you can run in this channel. Read-only commands may be limited to certain channels, and the others to the on-call and approver groups.',
            );
          }
          await ctx.respond({ text: `Commands you can run here:\n${lines.join('\n')}\n\nThe same read-only commands work from a terminal: \`opsbot help\`.` });
          return { lines: lines.length };
        },
      }),
    ],
  };
}
