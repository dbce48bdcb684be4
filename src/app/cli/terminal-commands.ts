// `opsbot` commands that exist only in the terminal (the audit log, the schedule, migrations and
// the log pipeline on a file), declared like the slash commands so `opsbot help`, flags and exit
// codes come from one place.
import type { Config } from '../config.js';
import { InputError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { formatTime } from '../../render/time.js';
import type { SchedulePlan } from '../../scheduler/scheduler.js';
import { noArgs, subcommand, textArgs, type CommandSpec } from '../../slack/command.js';
import { recentAudit, type AuditRow } from '../../state/audit-log.js';
import type { MigrateResult } from '../../state/migrate.js';
import type { StateStore } from '../../state/store.js';
import type { CliIo } from './io.js';
import { schedulePlan, scheduleText } from './schedule.js';

export interface TerminalServices {
  state: StateStore;
  config: Config;
  logger: Logger;
  io: CliIo;
}

/** Which optional health sources are configured; loaded on use, like the scheduler. */
const healthSources = async (config: Config) => (await import('../health.js')).alertSourcesFor(config);

/** The state store: STATE_DATABASE_URL, which defaults to DATABASE_URL. */
const STATE = [['DATABASE_URL', 'STATE_DATABASE_URL']] as const;

const whole = (label: string, min: number, max: number, dflt: number, usage: string) =>
  textArgs((text) => {
    const w = text.trim();
    const n = w === '' ? dflt : Number(w);
    if (!/^\d*$/.test(w) || !Number.isInteger(n) || n < min || n > max) throw new InputError(`${label} is a whole number from ${min} to ${max} (default ${dflt}). Usage: \`${usage}\``);
    return n;
  });

/** A log-pipeline subcommand: one input (a file, or - for standard input) and its own flags. */
function logsSub(s: () => TerminalServices, name: 'parse' | 'templates' | 'summarize', description: string, flags: Record<string, string>) {
  return subcommand<string, { code: number }>({
    name,
    argsHint: '<file|->',
    example: `opsbot logs ${name} app.log`,
    description,
    access: 'read',
    args: textArgs((text) => {
      const words = text.trim().split(/\s+/).filter(Boolean);
      if (words.length !== 1) throw new InputError(`\`opsbot logs ${name}\` needs one input: a file, or - for standard input.`);
      return words[0]!;
    }),
    visibility: 'ephemeral',
    async call(input, env) {
      const { logsCmd } = await import('./logs-command.js');
      const passed = Object.entries(env.flags ?? {}).filter(([k, v]) => v === true && k in flags).map(([k]) => `--${k}`);
      return { code: await logsCmd([name, input, ...passed], s().io) };
    },
    // The pipeline writes its own output (it streams); only the exit code is left to give.
    terminal: { text: () => '', json: () => undefined, exitCode: (r) => r.code },
    cli: { flags: Object.fromEntries(Object.entries(flags).map(([k, d]) => [k, { type: 'boolean' as const, description: d }])), json: false, requires: () => [] },
  });
}

export function terminalCommands(s: TerminalServices): CommandSpec[] {
  const svc = () => s;
  return [
    {
      command: '/audit',
      cliName: 'audit',
      terminalOnly: true,
      description: 'The audit log',
      subcommands: [
        subcommand<number, AuditRow[]>({
          name: '',
          argsHint: '[n]',
          example: 'opsbot audit 50',
          description: 'the last n (default 20) audit-log rows, newest first',
          access: 'read',
          args: whole('n', 1, 1000, 20, 'opsbot audit [n] [--json]'),
          visibility: 'ephemeral',
          call: (n) => recentAudit(s.state, n),
          terminal: {
            text: (rows, env) =>
              rows.length === 0
                ? 'The audit log is empty.'
                : rows
                    .map((r) => {
                      const extra = typeof r.detail.rowsAffected === 'number' ? ` rows=${r.detail.rowsAffected}` : '';
                      return `${formatTime(r.at.getTime(), env.timezone)}  ${r.actor.padEnd(12)} ${r.action.padEnd(20)} ${(r.target ?? '').padEnd(28)} ${r.outcome}${extra}`;
                    })
                    .join('\n'),
          },
          cli: { requires: () => STATE },
        }),
      ],
    },
    {
      command: '/schedule',
      cliName: 'schedule',
      terminalOnly: true,
      description: 'Scheduled jobs',
      subcommands: [
        subcommand<undefined, SchedulePlan>({
          name: '',
          example: 'opsbot schedule --count 3',
          description: 'next runs of every scheduled job (maintenance notices, alert checks, reminders)',
          access: 'read',
          args: noArgs('opsbot schedule'),
          visibility: 'ephemeral',
          async call(_a, env) {
            const raw = env.flags?.count;
            const count = raw === undefined ? 5 : Number(raw);
            if (typeof raw === 'string' && (!/^\d{1,2}$/.test(raw) || count < 1)) throw new InputError(`--count is a whole number from 1 to 99, not "${raw.slice(0, 20)}".`);
            const { config, logger, state } = svc();
            return schedulePlan({ clock: env.clock, pool: state.pool, timezone: config.timezone, settings: config.scheduler, thresholds: config.thresholds, platform: config.platform, alertSources: await healthSources(config), userExportRetentionMs: config.playbooks.userExportRetentionMs, logger }, count);
          },
          terminal: { text: (plan) => scheduleText(plan) },
          cli: { flags: { count: { type: 'string', value: 'N', description: 'how many next runs per job (1–99, default 5)' } }, requires: () => STATE },
        }),
      ],
    },
    {
      command: '/migrate',
      cliName: 'migrate',
      terminalOnly: true,
      description: 'State-store migrations',
      subcommands: [
        subcommand<undefined, MigrateResult>({
          name: '',
          example: 'opsbot migrate',
          description: 'apply the state-store migrations (schema opsbot)',
          access: 'read',
          args: noArgs('opsbot migrate'),
          visibility: 'ephemeral',
          call: () => s.state.migrate(),
          terminal: {
            text: (r) => (r.applied.length === 0 ? `State store is up to date (${r.alreadyApplied} migrations applied).` : `Applied ${r.applied.map((m) => `${m.version}_${m.name}`).join(', ')}.`),
          },
          cli: { requires: () => STATE },
        }),
      ],
    },
    {
      command: '/logs',
      cliName: 'logs',
      terminalOnly: true,
      description: 'The log pipeline on a file or standard input (plain text or JSON lines, Supabase exports included)',
      subcommands: [
        logsSub(svc, 'parse', 'template id of every line', { jsonl: 'one JSON object per line: {"line":n,"template":"T3"}' }),
        logsSub(svc, 'templates', 'templates with counts, levels and examples', { json: 'JSON instead of text' }),
        logsSub(svc, 'summarize', 'incident summary (Gemini when GEMINI_API_KEY is set)', { offline: 'the deterministic summary, no model call', json: 'JSON instead of text' }),
      ],
    },
  ];
}
