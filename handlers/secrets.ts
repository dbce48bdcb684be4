// /secrets [list] | rotate <name>: the project's Edge Function secrets (names and ages, never
// values), flagged when older than SECRET_MAX_AGE_DAYS, and the runbook's rotation steps as a
// tracked checklist. Also `opsbot secrets`. On-call only: even the names tell an attacker what to look for.
import { InputError } from '../src/core/errors.js';
import { rotationPostedText, secretsBlocks, secretsText } from '../src/secrets/render.js';
import { SECRET_NAME, type RotationPosted, type SecretsReport, type SecretsService } from '../src/secrets/service.js';
import { noArgs, subcommand, textArgs, type CommandSpec } from '../src/slack/command.js';

const STATE = ['DATABASE_URL', 'STATE_DATABASE_URL'] as const;
const MANAGEMENT = ['SUPABASE_ACCESS_TOKEN', ['SUPABASE_PROJECT_REF', 'SUPABASE_URL'], STATE] as const;

const secretName = textArgs((text) => {
  const name = text.trim();
  if (!name) throw new InputError('Name the secret to rotate, e.g. `/secrets rotate LOVABLE_API_KEY` (`/secrets` lists them).');
  if (!SECRET_NAME.test(name)) throw new InputError('A secret name is letters, digits and _ (as `/secrets` lists them), e.g. `/secrets rotate LOVABLE_API_KEY`.');
  return name;
});

export function secretsCommand(s: { secrets: SecretsService }): CommandSpec {
  const list = subcommand<undefined, SecretsReport>({
    name: 'list',
    example: '/secrets',
    description: 'the project’s function secrets and when each last changed (never values), older than SECRET_MAX_AGE_DAYS flagged (on-call; only you see it)',
    access: 'oncall',
    args: noArgs('/secrets list'),
    ack: 'Listing the function secrets…',
    visibility: 'ephemeral',
    call: () => s.secrets.list(),
    slack: (r, env) => secretsBlocks(r, env.timezone),
    terminal: { text: (r, env) => secretsText(r, env.timezone), exitCode: (r) => (r.secrets.some((x) => x.status === 'old') ? 1 : 0) },
    audit: { result: (r) => ({ detail: { secrets: r.secrets.length, old: r.secrets.filter((x) => x.status === 'old').map((x) => x.name) } }) },
    cli: { requires: () => MANAGEMENT },
  });
  const rotate = subcommand<string, RotationPosted>({
    name: 'rotate',
    argsHint: '<name>',
    example: '/secrets rotate LOVABLE_API_KEY',
    description: 'post the runbook’s five rotation steps for that secret as a checklist in the channel; each tick records who and when',
    access: 'oncall',
    args: secretName,
    ack: (name) => `Posting the rotation checklist for ${name}…`,
    once: true,
    visibility: 'in_channel',
    async run(name, ctx) {
      const posted = await s.secrets.rotate(name, { channel: ctx.who.channelId, actor: ctx.who.userId });
      ctx.note({ checklistId: posted.checklist.id, confirmed: posted.confirmed });
      await ctx.respond({ text: rotationPostedText(posted) });
      return posted;
    },
    audit: { detail: (name) => ({ secret: name }) },
  });
  return {
    command: '/secrets',
    description: 'Edge Function secrets: names and last change (never values), rotation checklists',
    auditTarget: 'subcommand',
    defaultSub: 'list',
    subcommands: [list, rotate],
  };
}
