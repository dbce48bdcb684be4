// `opsbot`: the same read-only commands as Slack, for when Slack itself is down, for scripts
// and for monitoring. Commands, their flags, help and exit codes come from the declarations
// (dispatch.ts): 0 ok, 1 warning or failure, 2 critical, 3 unknown or bad usage; invalid
// settings exit 1 with one message. Each command's services are imported only when it runs.
import { existsSync } from 'node:fs';
import { ConfigError, errorMessage, isOpsError } from '../../core/errors.js';
import { loadConfig } from '../config.js';
import { createRedactor } from '../../core/redact.js';
import { terminalSafe } from './terminal-text.js';
import type { CliIo } from './io.js';

const dispatch = () => import('./dispatch.js');

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
    const d = await dispatch();
    if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
      full.stdout(`${d.cliHelp()}\n`);
      return 0;
    }
    if (!d.isDeclared(cmd)) {
      full.stderr(`Unknown command "${cmd.slice(0, 40)}".\n\n${d.cliHelp()}\n`);
      return 3;
    }
    return await d.runDeclared(cmd, args, full);
  } catch (err) {
    if (err instanceof ConfigError) {
      full.stderr(`${err.userMessage}\nSet them in the environment or in ./.env (see .env.example).\n`);
      return 1;
    }
    if ((err as { code?: string }).code === '42P01' && /opsbot\./.test(errorMessage(err))) {
      full.stderr(`opsbot ${cmd}: the state store (schema opsbot) is not set up on STATE_DATABASE_URL yet. Run \`opsbot migrate\` (the bot also does it at start-up).\n`);
      return cmd === 'health' ? 3 : 1;
    }
    const redactor = createRedactor(safeSecrets(env));
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
