// A command is a declaration: each subcommand says who may run it, how its words are parsed,
// the one service call, how the result is shown (Block Kit, terminal text, JSON), who sees the
// answer and what it audits. One generic listener (pipeline.ts) runs every declared subcommand;
// /ops help, `opsbot help`, the manifest's usage hints and the manifest test read the same list.
import type { App, webApi } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import type { Access, Authorizer } from './authz.js';
import type { ChatPoster } from './chat-poster.js';
import type { Clock } from '../core/clock.js';
import { InputError } from '../core/errors.js';
import type { HealthService } from '../health/runner.js';
import type { Logger } from '../core/log.js';
import type { StateStore } from '../state/store.js';

export interface HandlerDeps {
  health: HealthService;
  authz: Authorizer;
  state: StateStore;
  clock: Clock;
  logger: Logger;
  timezone: string;
}

/** Who sees the answer: only the caller, the whole channel, or a thread under the command's post. */
export type Visibility = 'ephemeral' | 'in_channel' | 'thread';

export interface Caller {
  userId: string;
  channelId: string;
}

export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
}

/** What a subcommand's Slack steps receive: the caller, the clients, and the audit note. */
export interface SlackRun {
  who: Caller;
  triggerId: string | undefined;
  deps: HandlerDeps;
  log: Logger;
  client: webApi.WebClient;
  chat: ChatPoster;
  /** Answers through response_url: ephemeral unless `inChannel`. */
  respond(msg: SlackMessage, opts?: { inChannel?: boolean }): Promise<void>;
  /** Adds detail to this command's audit row, and to a refusal thrown after it. */
  note(detail: Record<string, unknown>): void;
}

/** What the terminal (and Slack, when it has no Slack step) passes to the one service call. */
export interface CallEnv {
  /** Who asked: a Slack user id, or "cli". */
  actor: string;
  clock: Clock;
  timezone: string;
  /** The terminal's declared flags, as node:util parseArgs read them (none in Slack). */
  flags?: Readonly<Record<string, string | boolean | undefined>>;
}

/** How a result is shown in a terminal; a subcommand without it runs only in Slack. */
export interface TerminalRender<R> {
  /** Plain text for people (the CLI strips control characters and redacts it). */
  text(result: R, env: CallEnv): string;
  /** What `--json` prints; the result itself when absent. */
  json?(result: R): unknown;
  /** Exit code: 0 ok, 1 warning, 2 critical, 3 unknown. 0 when absent. */
  exitCode?(result: R): number;
}

/** Extra `opsbot` flags of a subcommand, for node:util parseArgs (`--json` and `--help` are always there). */
export type CliFlags = Record<string, { type: 'boolean' | 'string'; description: string; /** e.g. 'N' for `--count N`. */ value?: string }>;

export interface Subcommand<A = unknown, R = unknown> {
  /** The first word after the command; '' for the command's default (`/health db` has no subcommand word). */
  name: string;
  aliases?: readonly string[];
  /** Left out of the usage hint and help (e.g. `help` itself). */
  hidden?: boolean;
  /** The arguments as shown in usage, e.g. '[seconds]' or '<id|latest>'. */
  argsHint?: string;
  /** A full example, shown by /ops help and `opsbot help`. */
  example: string;
  description: string;
  /** Who may run it (every access also needs an allowed channel); `public`: no check (help itself). */
  access: Access | 'public';
  /** Parses the text after the subcommand word; a failure is an InputError answered in the ack. */
  args: z.ZodType<A, string>;
  /** The ack's text (ephemeral); none when the answer follows at once. */
  ack?: string | ((args: A) => string | undefined);
  /** Creates something: claimed once per Slack delivery (trigger_id) before it runs. */
  once?: boolean;
  visibility: Visibility;
  /** The one service call, shared by Slack and the terminal. */
  call?(args: A, env: CallEnv): Promise<R>;
  /** Slack steps (posting, modals, threads) instead of call + slack render; answers by itself. */
  run?(args: A, ctx: SlackRun): Promise<R | undefined>;
  /** Block Kit for the call's result; undefined when run already answered. */
  slack?(result: R, env: CallEnv): SlackMessage | undefined;
  terminal?: TerminalRender<R>;
  /** Audit: detail from the arguments (also on a refusal) and from the result; false: not audited on success. */
  audit?: false | { detail?(args: A): Record<string, unknown>; result?(result: R): { outcome?: string; detail?: Record<string, unknown> } };
  cli?: {
    flags?: CliFlags;
    /** false: no generic `--json` (the subcommand prints its own output). */
    json?: false;
    /** Settings the terminal needs (names as src/app/config.ts has them), by arguments. */
    requires?: (args: A) => readonly RequirementName[];
  };
}

/** A setting or a set of alternatives (one of them suffices), as src/app/config.ts names them. */
export type RequirementName = string | readonly string[];

/** A declared subcommand, its argument and result types erased for registries. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySubcommand = Subcommand<any, any>;

/** Keeps a subcommand's argument and result types checked against each other. */
export function subcommand<A, R>(s: Subcommand<A, R>): AnySubcommand {
  return s;
}

export interface CommandSpec {
  /** Slash command, as in manifest.yml. */
  command: `/${string}`;
  description: string;
  subcommands: readonly AnySubcommand[];
  /** The audit target: the command alone ('/db', with the topic as detail) or with the subcommand ('/backup now'). */
  auditTarget?: 'command' | 'subcommand';
  /** The subcommand a bare command runs (`/lockdown` is `/lockdown status`). */
  defaultSub?: string;
  /** The ack of a bare command that has no default subcommand; the usage when absent. */
  emptyHelp?: string | (() => string);
  /** Only in the terminal (`opsbot schedule`): no slash command, no manifest entry. */
  terminalOnly?: boolean;
  /** The `opsbot` command name; the slash command without its slash when absent. */
  cliName?: string;
  /** Listeners that are not commands (buttons, modals, shortcuts) of this command. */
  register?(app: App, deps: HandlerDeps): void;
}

/** How a subcommand is written, e.g. `/db long [seconds]`. */
export function usageLine(spec: Pick<CommandSpec, 'command'>, sub: AnySubcommand): string {
  return [spec.command, sub.name, sub.argsHint].filter(Boolean).join(' ');
}

/** The whole command's usage, e.g. `connections|locks|long [seconds]|…`; also manifest.yml's usage_hint. */
export function usageHint(spec: Pick<CommandSpec, 'subcommands' | 'defaultSub'>): string {
  const dflt = spec.subcommands.find((s) => s.name === '');
  if (dflt) return dflt.argsHint ?? '';
  const named = spec.subcommands.filter((s) => !s.hidden);
  const parts = named.map((s) => {
    const name = s.name === spec.defaultSub ? `[${s.name}]` : s.name;
    return [name, s.argsHint].filter(Boolean).join(' ');
  });
  // Words alone read best as one|two|three; with placeholders, spaces keep the parts apart.
  return parts.join(named.some((s) => s.argsHint?.includes('<') || s.name === spec.defaultSub) ? ' | ' : '|');
}

/** The command's usage as one line: `/db connections|locks|…`. */
export function commandUsage(spec: CommandSpec): string {
  return `${spec.command} ${usageHint(spec)}`.trim();
}

/** The subcommand a first word names (or the default, which then gets the whole text). */
export function findSubcommand(spec: Pick<CommandSpec, 'subcommands' | 'defaultSub'>, text: string): { sub: AnySubcommand; rest: string } | { unknown: string } | { empty: true } {
  const trimmed = text.trim();
  const m = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
  const word = m?.[1]?.toLowerCase() ?? '';
  const named = word ? spec.subcommands.find((s) => s.name !== '' && (s.name === word || s.aliases?.includes(word))) : undefined;
  if (named) return { sub: named, rest: m?.[2] ?? '' };
  const dflt = spec.subcommands.find((s) => s.name === '');
  if (dflt) return { sub: dflt, rest: trimmed };
  const fallback = word === '' && spec.defaultSub ? spec.subcommands.find((s) => s.name === spec.defaultSub) : undefined;
  if (fallback) return { sub: fallback, rest: '' };
  if (word === '') return { empty: true };
  return { unknown: m?.[1] ?? '' };
}

/**
 * Parses the words after a subcommand; the schema's messages are the user's answer, with the
 * usage line added when they show no example of the command.
 */
export function parseArgs<A>(spec: Pick<CommandSpec, 'command'>, sub: Subcommand<A, unknown>, rest: string): A {
  const r = sub.args.safeParse(rest);
  if (r.success) return r.data;
  const message = r.error.issues.map((i) => i.message).join(' ');
  // A message that already shows how to write the command needs no second usage line.
  const usage = usageLine(spec, sub);
  throw new InputError(message.includes(`\`${spec.command}`) ? message : `${message} Usage: \`${usage}\`.`);
}

/** An argument schema from a parser that throws InputError: its message becomes the zod issue. */
export function textArgs<A>(parse: (text: string) => A): z.ZodType<A, string> {
  return z.string().transform((text, ctx) => {
    try {
      return parse(text);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.userMessage });
      return z.NEVER;
    }
  });
}

/** A subcommand that takes no arguments. */
export function noArgs(usage: string): z.ZodType<undefined, string> {
  return textArgs((text) => {
    if (text.trim() !== '') throw new InputError(`\`${usage}\` takes no arguments; I got "${text.trim().slice(0, 40)}".`);
    return undefined;
  });
}

/**
 * Listeners that are not slash commands (buttons, checkboxes, shortcuts, events), registered
 * next to the commands. Areas with their own services export a factory that closes over them.
 */
export interface InteractionSpec {
  /** Name for logs and tests, e.g. 'checklist'. */
  id: string;
  /** Adds the listeners to the Bolt app. */
  register(app: App, deps: HandlerDeps): void;
}
