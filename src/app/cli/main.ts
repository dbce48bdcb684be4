// `opsbot`: the same read-only commands as Slack, for when Slack itself is down, for scripts
// and for monitoring. Exit codes of `health` follow the monitoring-plugin convention
// (0 ok, 1 warning, 2 critical, 3 unknown); invalid settings exit 1 with one message.
// This module only dispatches: each command's code is imported when it runs, so `opsbot logs`
// does not load the database clients and services the other commands need.
import { existsSync } from 'node:fs';
import { ConfigError, errorMessage, isOpsError } from '../../core/errors.js';
import { loadConfig } from '../config.js';
import { createRedactor } from '../../core/redact.js';
import { terminalSafe } from './terminal-text.js';
import type { CliIo } from './io.js';


async function help(): Promise<string> {
  const [{ DIAGNOSTICS_CLI_HELP }, { SCHEDULE_USAGE }, { BACKUP_CLI_HELP }, { LOGS_USAGE }] = await Promise.all([
    import('../../diagnostics/cli.js'),
    import('./schedule.js'),
    import('../../backup/cli.js'),
    import('../../logs/cli.js'),
  ]);
  return `opsbot — AutoRepAi ops bot, terminal edition

Usage:
  opsbot health [db|frontend|edge|auth] [--json]   run the health checks (exit 0 ok, 1 warn, 2 critical, 3 unknown)
${DIAGNOSTICS_CLI_HELP}
  ${SCHEDULE_USAGE}
  opsbot lockdown status [--json]                   breach lockdown state, timeline, checklist and deadlines
                                                    (start and lift only through Slack, with approval)
${BACKUP_CLI_HELP}
  opsbot audit [n] [--json]                         the last n (default 20) audit-log rows, newest first
  opsbot migrate                                    apply the state-store migrations (schema opsbot)
${LOGS_USAGE.replace(/^Usage:\n/, '')}
  opsbot help                                       this text

Settings come from the environment (and ./.env if present); see README.md.`;
}

const commands = () => import('./commands.js');

export async function runCli(argv: string[], io?: Partial<CliIo>): Promise<number> {
  const env = io?.env ?? loadEnv();
  const out = io?.stdout ?? ((s: string) => process.stdout.write(s));
  const errOut = io?.stderr ?? ((s: string) => process.stderr.write(s));
  // The one place every command writes through: log lines, database values and other systems'
  // errors reach the terminal without the escape sequences they may carry.
  const full: CliIo = {
    env,
    stdout: (s) => out(terminalSafe(s)),
    stderr: (s) => errOut(terminalSafe(s)),
    fetch: io?.fetch ?? globalThis.fetch,
  };
  const [cmd, ...args] = argv;
  try {
    switch (cmd) {
      case 'health':
        return await (await commands()).health(args, full);
      case 'migrate':
        return await (await commands()).migrateCmd(full);
      case 'lockdown':
        return await (await commands()).lockdownCmd(args, full);
      case 'logs':
        return await (await import('./logs-command.js')).logsCmd(args, full);
      case 'backup':
        return await (await commands()).backupCmd(args, full);
      case 'audit':
        return await (await commands()).auditCmd(args, full);
      case 'schedule':
        return await (await commands()).scheduleCmd(args, full);
      case 'slowqueries':
      case 'db':
        return await (await commands()).diagnosticsCmd(cmd, args, full);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        full.stdout(`${await help()}\n`);
        return 0;
      default:
        full.stderr(`Unknown command "${cmd}".\n\n${await help()}\n`);
        return 3;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      full.stderr(`${err.userMessage}\nSet them in the environment or in ./.env (see .env.example).\n`);
      return 1;
    }
    if ((err as { code?: string }).code === '42P01' && /opsbot\./.test(errorMessage(err))) {
      full.stderr(`opsbot ${cmd}: the state store (schema opsbot) is not set up on STATE_DATABASE_URL yet. Run \`opsbot migrate\` (the bot also does it at start-up).\n`);
      return cmd === 'health' ? 3 : 1;
    }
    const secrets = safeSecrets(env);
    const redactor = createRedactor(secrets);
    full.stderr(`opsbot ${cmd}: ${redactor.redact(isOpsError(err) ? err.userMessage : errorMessage(err))}\n`);
    return cmd === 'health' || cmd === 'db' || cmd === 'slowqueries' ? 3 : 1;
  }
}

function safeSecrets(env: Record<string, string | undefined>): string[] {
  try {
    // Nothing is required here: the secrets that are set must be redacted whatever the command.
    return loadConfig(env, 'cli', []).secrets;
  } catch {
    return [];
  }
}

function loadEnv(): Record<string, string | undefined> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}
