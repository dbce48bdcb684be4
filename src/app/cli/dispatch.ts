// `opsbot <command> [<subcommand>] [args] [flags]` through the same declarations as the slash
// commands: the words are parsed by the subcommand's schema, flags by node:util parseArgs
// (strict: an unknown flag is a usage error), the one service call runs, and the terminal
// renderer or --json prints the result. Exit codes: 0 ok, 1 warning or failure, 2 critical (or
// another job running), 3 unknown or bad usage.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { commandCatalog, buildCommands, type CommandServices } from '../../../handlers/index.js';
import { InputError, isOpsError } from '../../core/errors.js';
import { systemClock } from '../../core/clock.js';
import { findSubcommand, usageLine, type AnySubcommand, type CliFlags, type CommandSpec } from '../../slack/command.js';
import { resolveCommand } from '../../slack/pipeline.js';
import type { Requirement } from '../config.js';
import type { CliIo } from './io.js';
import { BINDERS, runtime } from './services.js';
import { terminalCommands, type TerminalServices } from './terminal-commands.js';

/** A command as the terminal knows it: its declarations and the services it binds. */
interface CliCommand {
  name: string;
  spec: CommandSpec;
  binder: keyof typeof BINDERS;
}

const BINDER_OF: Record<string, keyof typeof BINDERS> = {
  '/health': 'health',
  '/db': 'diagnostics',
  '/slowqueries': 'diagnostics',
  '/backup': 'backups',
  '/lockdown': 'lockdown',
  '/audit': 'state',
  '/schedule': 'state',
  '/migrate': 'state',
  '/logs': 'logs',
  '/incident': 'incidents',
  '/secrets': 'secrets',
};

const cliName = (spec: CommandSpec): string => spec.cliName ?? spec.command.slice(1);

/** Services that only exist to be read: the catalog never calls one. */
const UNBOUND = new Proxy<Record<string, unknown>>({}, {
  get(_t, name) {
    throw new Error(`No service ${String(name)} is bound for this command.`);
  },
});

function specs(services: Record<string, unknown>): CommandSpec[] {
  const bag = new Proxy(services, { get: (t, k) => (k in t ? t[k as string] : UNBOUND[k as string]) });
  return [...buildCommands(bag as unknown as CommandServices), ...terminalCommands(bag as unknown as TerminalServices)];
}

/** The commands the terminal runs: those with at least one subcommand that has a terminal renderer. */
export function cliCommands(all: CommandSpec[] = [...commandCatalog(), ...terminalCommands(UNBOUND as unknown as TerminalServices)]): CliCommand[] {
  const out: CliCommand[] = [];
  for (const spec of all) {
    const binder = BINDER_OF[spec.command];
    if (!binder || !spec.subcommands.some((s) => s.terminal)) continue;
    // A slash command and a terminal-only command may share a name (/logs): the terminal one wins.
    if (!spec.terminalOnly && all.some((o) => o.terminalOnly && cliName(o) === cliName(spec))) continue;
    out.push({ name: cliName(spec), spec, binder });
  }
  return out;
}

function flagsOf(sub: AnySubcommand | undefined): CliFlags {
  const json: CliFlags = sub?.cli?.json === false ? {} : { json: { type: 'boolean', description: 'JSON instead of text' } };
  return { ...json, help: { type: 'boolean', description: 'this help' }, ...sub?.cli?.flags };
}

function flagText(flags: CliFlags): string {
  return Object.entries(flags)
    .filter(([k]) => k !== 'help')
    .map(([k, f]) => `[--${k}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}]`)
    .join(' ');
}

/** `opsbot db locks …`: the usage line of one subcommand in the terminal. */
function terminalUsage(c: CliCommand, sub: AnySubcommand): string {
  const flags = sub.terminal ? flagText(flagsOf(sub)) : '';
  return [`opsbot ${c.name}`, sub.name, sub.argsHint, flags].filter(Boolean).join(' ');
}

/** Slack wording to terminal wording: `/db locks` becomes `opsbot db locks`. */
function terminalWords(c: CliCommand, text: string): string {
  return text.replaceAll(`\`${c.spec.command}`, `\`opsbot ${c.name}`);
}

function commandHelpText(c: CliCommand): string {
  const lines = [`${c.spec.description}.`, '', 'Usage:'];
  for (const sub of c.spec.subcommands) {
    if (sub.hidden) continue;
    if (sub.terminal) lines.push(`  ${terminalUsage(c, sub)}`, `      ${sub.description}`);
    else lines.push(`  ${usageLine(c.spec, sub)}   (Slack only) ${sub.description}`);
  }
  lines.push('', 'Exit codes: 0 ok, 1 warning or failure, 2 critical, 3 unknown or bad usage.');
  return lines.join('\n');
}

function subHelpText(c: CliCommand, sub: AnySubcommand): string {
  const flags = Object.entries(flagsOf(sub)).map(([k, f]) => `  --${k}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}   ${f.description}`);
  return [`Usage: ${terminalUsage(c, sub)}`, '', sub.description, '', 'Options:', ...flags].join('\n');
}

/** `opsbot help`: every terminal command, from the declarations. */
export function cliHelp(): string {
  const lines = ['opsbot — AutoRepAi ops bot, terminal edition', '', 'Usage:'];
  for (const c of cliCommands()) {
    for (const sub of c.spec.subcommands) {
      if (sub.hidden || !sub.terminal) continue;
      lines.push(`  ${terminalUsage(c, sub)}`, `      ${sub.description}`);
    }
  }
  lines.push(
    '  opsbot local reset | drill <name> | drill reset   the local workspace: reseed it, run an incident drill',
    '  opsbot help                                this text; `opsbot <command> --help` for one command',
    '',
    'Exit codes: 0 ok, 1 warning or failure, 2 critical, 3 unknown or bad usage.',
    'Commands that change things (playbooks, lockdown start and lift, backup restore) run only from Slack, with approval.',
    'Settings come from the environment (and ./.env if present); see README.md.',
  );
  return lines.join('\n');
}

/** Whether `name` is a command the terminal runs through the declarations. */
export function isDeclared(name: string): boolean {
  return cliCommands().some((c) => c.name === name);
}

function slackOnly(c: CliCommand, sub: AnySubcommand, io: CliIo): number {
  const from = c.spec.subcommands.filter((s) => s.terminal).map((s) => `\`${terminalUsage(c, s)}\``);
  io.stderr(
    `opsbot ${c.name} ${sub.name} can only run from Slack (${usageLine(c.spec, sub)}): it needs a second person's approval or a channel to post in.${from.length ? ` From the terminal: ${from.join(', ')}.` : ''}\n`,
  );
  return 3;
}

/** Runs one declared command; returns the exit code. Settings and upstream errors are thrown to the caller. */
export async function runDeclared(name: string, argv: string[], io: CliIo): Promise<number> {
  const c = cliCommands().find((x) => x.name === name);
  if (!c) throw new Error(`opsbot ${name} is not a declared command`);
  // First pass, lenient: which subcommand do the words name? Its flags decide the strict pass.
  const loose = parseArgs({ args: argv, strict: false, allowPositionals: true, tokens: false });
  const found = findSubcommand(c.spec, loose.positionals.join(' '));
  const sub = 'sub' in found ? found.sub : undefined;
  if (loose.values.help === true || loose.values.h === true) {
    io.stdout(`${sub && !('empty' in found) && (sub.name !== '' || c.spec.subcommands.length === 1) ? subHelpText(c, sub) : commandHelpText(c)}\n`);
    return 0;
  }
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    const options: ParseArgsConfig['options'] = Object.fromEntries(Object.entries(flagsOf(sub)).map(([k, f]) => [k, { type: f.type }]));
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    values = parsed.values as Record<string, string | boolean | undefined>;
    positionals = parsed.positionals;
  } catch (err) {
    // parseArgs' own words ("Unknown option '--x'") are clear; the usage says what is accepted.
    io.stderr(`opsbot ${c.name}: ${(err as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, '.')}\n\n${sub ? `Usage: ${terminalUsage(c, sub)}` : commandHelpText(c)}\n`);
    return 3;
  }
  // A Slack-only subcommand is named as such before its arguments are judged.
  if (sub && !sub.terminal) return slackOnly(c, sub, io);
  let resolved;
  try {
    resolved = resolveCommand(c.spec, positionals.join(' '));
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    io.stderr(`${terminalWords(c, err.userMessage)}\n\n${commandHelpText(c)}\n`);
    return 3;
  }
  if ('help' in resolved) {
    io.stdout(`${commandHelpText(c)}\n`);
    return positionals.length === 0 ? 3 : 0;
  }
  const chosen = resolved.sub;
  if (!chosen.terminal || !chosen.call) return slackOnly(c, chosen, io);
  const rt = runtime(io, (chosen.cli?.requires?.(resolved.args) ?? []) as readonly Requirement[]);
  const bound = await BINDERS[c.binder]!(rt, io);
  try {
    const live = specs({ ...bound.services, io }).find((s) => s.command === c.spec.command && Boolean(s.terminalOnly) === Boolean(c.spec.terminalOnly));
    const liveSub = live?.subcommands.find((s) => s.name === chosen.name);
    if (!liveSub?.call || !liveSub.terminal) throw new Error(`opsbot ${c.name} ${chosen.name}: no bound declaration`);
    const env = { actor: 'cli', clock: systemClock, timezone: rt.config.timezone, flags: values };
    let result: unknown;
    try {
      result = await liveSub.call(resolved.args, env);
    } catch (err) {
      if (!isOpsError(err)) throw err;
      io.stderr(`opsbot ${c.name}${chosen.name ? ` ${chosen.name}` : ''}: ${rt.redactor.redact(terminalWords(c, err.userMessage))}\n`);
      if (err.name === 'BusyError') return 2;
      if (err.code === 'input_invalid') return 3;
      return c.binder === 'health' || c.binder === 'diagnostics' ? 3 : 1;
    }
    const t = liveSub.terminal;
    if (values.json === true && !chosen.cli?.flags?.json) {
      const value = t.json ? t.json(result) : result;
      if (value !== undefined) io.stdout(`${JSON.stringify(rt.redactor.scrub(value), null, 2)}\n`);
    } else {
      const text = t.text(result, env);
      if (text !== '') io.stdout(`${rt.redactor.redact(text)}\n`);
    }
    return t.exitCode?.(result) ?? 0;
  } finally {
    await bound.close();
  }
}
