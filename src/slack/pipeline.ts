// The one listener every declared slash command runs through: ack → parse → authorize → audit →
// run → reply → log. Parsing is pure CPU and its error is the ack itself, so a typo costs no I/O;
// a refusal is thrown to the global error handler, which answers and audits it once; the ack goes
// out before any await on the network, so Slack's 3 s limit is never at risk.
import type { App } from '@slack/bolt';
import { ForbiddenError, InputError } from '../core/errors.js';
import { auditInBackground } from './audit.js';
import { quoteInput } from './blocks.js';
import { slackChatPoster } from './chat-poster.js';
import type { Access } from './authz.js';
import { commandUsage, findSubcommand, parseArgs, type AnySubcommand, type CallEnv, type Caller, type CommandSpec, type HandlerDeps, type SlackRun } from './command.js';
import { describeForAudit, interaction } from './context.js';
import { firstDelivery, REPLAY_MESSAGE } from './replay.js';

/**
 * The one authorization step: throws ForbiddenError (answered and audited once by the global
 * error handler) unless `who` may act with `access` in that channel. `suffix` adds what the
 * refusal means, e.g. "Nothing ran.".
 */
export async function requireAccess(deps: Pick<HandlerDeps, 'authz'>, access: Access, who: Caller, suffix?: string): Promise<void> {
  const d = await deps.authz.check(access, who);
  if (!d.allowed) throw new ForbiddenError(suffix ? `${d.message} ${suffix}` : d.message);
}

/** What the ack says for a bare command without a default, or for `help`. */
export function commandHelp(spec: CommandSpec): string {
  if (typeof spec.emptyHelp === 'function') return spec.emptyHelp();
  return spec.emptyHelp ?? `Usage: \`${commandUsage(spec)}\`.${spec.subcommands.some((s) => s.example) ? ` For example ${spec.subcommands.filter((s) => !s.hidden).slice(0, 2).map((s) => `\`${s.example}\``).join(' or ')}.` : ''}`;
}

/** Resolves the text of a command to a subcommand and its parsed arguments; InputError otherwise. */
export function resolveCommand(spec: CommandSpec, text: string): { sub: AnySubcommand; args: unknown } | { help: string } {
  const found = findSubcommand(spec, text);
  if ('empty' in found) return { help: commandHelp(spec) };
  if ('unknown' in found) {
    if (found.unknown.toLowerCase() === 'help') return { help: commandHelp(spec) };
    throw new InputError(`I don't know "${quoteInput(found.unknown, 40)}". Usage: \`${commandUsage(spec)}\`.`);
  }
  return { sub: found.sub, args: parseArgs(spec, found.sub, found.rest) };
}

function auditTarget(spec: CommandSpec, sub: AnySubcommand): string {
  return spec.auditTarget === 'command' || sub.name === '' ? spec.command : `${spec.command} ${sub.name}`;
}

/** Registers the generic listener for one declared command. */
export function registerCommand(app: App, spec: CommandSpec, deps: HandlerDeps): void {
  app.command(spec.command, async ({ command, ack, respond, client, context }) => {
    let resolved;
    try {
      resolved = resolveCommand(spec, command.text);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      await ack({ response_type: 'ephemeral', text: err.userMessage });
      return;
    }
    if ('help' in resolved) {
      await ack({ response_type: 'ephemeral', text: resolved.help });
      return;
    }
    const { sub, args } = resolved;
    const ackText = typeof sub.ack === 'function' ? sub.ack(args) : sub.ack;
    await ack(ackText ? { response_type: 'ephemeral', text: ackText } : undefined);
    // Let requests already waiting be acked before this one's work starts: in a burst (a war
    // room all typing /health) every ack goes out first, within Slack's 3 s, and the work after.
    await new Promise<void>((resolve) => setImmediate(resolve));

    const { log } = interaction(context, deps.logger);
    const who = { userId: command.user_id, channelId: command.channel_id };
    const target = auditTarget(spec, sub);
    let detail: Record<string, unknown> = sub.audit ? (sub.audit.detail?.(args) ?? {}) : {};
    describeForAudit(context, { target, detail });
    if (sub.access !== 'public') await requireAccess(deps, sub.access, who);
    if (sub.once && !(await firstDelivery(deps, command.trigger_id, target, who.userId))) {
      log.info({ command: target }, 'replayed command ignored');
      await respond({ response_type: 'ephemeral', replace_original: false, text: REPLAY_MESSAGE });
      return;
    }

    const env: CallEnv = { actor: who.userId, clock: deps.clock, timezone: deps.timezone };
    const reply: SlackRun['respond'] = async (msg, opts) => {
      await respond({ response_type: opts?.inChannel ? 'in_channel' : 'ephemeral', replace_original: false, text: msg.text, ...(msg.blocks ? { blocks: msg.blocks } : {}) });
    };
    const ctx: SlackRun = {
      who,
      triggerId: command.trigger_id,
      deps,
      log,
      client,
      chat: slackChatPoster(client),
      respond: reply,
      note(more) {
        detail = { ...detail, ...more };
        describeForAudit(context, { detail: more });
      },
    };
    const started = deps.clock.now();
    let result: unknown;
    if (sub.run) {
      result = await sub.run(args, ctx);
    } else if (sub.call) {
      result = await sub.call(args, env);
      const msg = sub.slack?.(result, env);
      if (msg) await reply(msg, { inChannel: sub.visibility !== 'ephemeral' });
    }
    const status = (result as { status?: unknown } | undefined)?.status;
    log.info({ command: target, ...(typeof status === 'string' ? { status } : {}), durationMs: deps.clock.now() - started }, 'command answered');
    if (sub.audit === false || result === undefined) return;
    const r = sub.audit?.result?.(result);
    auditInBackground(deps, log, {
      actor: who.userId,
      action: 'command',
      target,
      channel: who.channelId,
      outcome: r?.outcome ?? 'ok',
      detail: { ...detail, ...r?.detail, usage: commandUsage(spec) },
    });
  });
}
