// `opsbot`: the same read-only commands as Slack, for when Slack itself is down, for scripts
// and for monitoring. Exit codes of `health` follow the monitoring-plugin convention
// (0 ok, 1 warning, 2 critical, 3 unknown); invalid settings exit 1 with one message.
import { existsSync } from 'node:fs';
import { systemClock } from '../clock.js';
import { type Config, loadConfig } from '../config.js';
import { ConfigError, errorMessage, isOpsError } from '../errors.js';
import { buildHealthService, buildTargetDb } from '../health/build.js';
import { parseHealthArgs } from '../health/args.js';
import { exitCode } from '../health/types.js';
import { createLogger, type Logger } from '../log.js';
import { createRedactor, type Redactor } from '../redact.js';
import { healthText } from '../render/health-text.js';
import { createStateStore } from '../state/store.js';
import pino from 'pino';

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  fetch: typeof fetch;
}

const HELP = `opsbot — AutoRepAi ops bot, terminal edition

Usage:
  opsbot health [db|frontend|edge|auth] [--json]   run the health checks (exit 0 ok, 1 warn, 2 critical, 3 unknown)
  opsbot migrate                                    apply the state-store migrations (schema opsbot)
  opsbot help                                       this text

Settings come from the environment (and ./.env if present); see README.md.`;

interface Runtime {
  config: Config;
  logger: Logger;
  redactor: Redactor;
}

function runtime(io: CliIo): Runtime {
  const config = loadConfig(io.env, 'cli');
  const redactor = createRedactor(config.secrets);
  // Logs go to stderr so stdout stays clean for --json consumers.
  const level = ['debug', 'trace'].includes(config.logLevel) ? config.logLevel : 'warn';
  const logger = createLogger({ level, redactor, destination: pino.destination({ dest: 2, sync: true }) });
  return { config, logger, redactor };
}

async function health(args: string[], io: CliIo): Promise<number> {
  const json = args.includes('--json');
  const rest = args.filter((a) => a !== '--json');
  let component;
  try {
    component = parseHealthArgs(rest.join(' '));
  } catch (err) {
    io.stderr(`${errorMessage(err).replace(/`\/health/g, '`opsbot health')}\n`);
    return 3;
  }
  const { config, logger, redactor } = runtime(io);
  const db = buildTargetDb(config, logger, systemClock);
  try {
    const service = buildHealthService({ config, db, fetch: io.fetch, clock: systemClock, logger });
    const report = await service.run(component);
    io.stdout(json ? `${JSON.stringify(redactor.scrub(report), null, 2)}\n` : `${redactor.redact(healthText(report, config.timezone))}\n`);
    return exitCode(report.status);
  } finally {
    await db.close();
  }
}

async function migrateCmd(io: CliIo): Promise<number> {
  const { config, logger } = runtime(io);
  const store = createStateStore({ url: config.database.stateUrl, logger, connectTimeoutMs: 10_000 });
  try {
    const r = await store.migrate();
    io.stdout(
      r.applied.length === 0
        ? `State store is up to date (${r.alreadyApplied} migrations applied).\n`
        : `Applied ${r.applied.map((m) => `${m.version}_${m.name}`).join(', ')}.\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

export async function runCli(argv: string[], io?: Partial<CliIo>): Promise<number> {
  const env = io?.env ?? loadEnv();
  const full: CliIo = {
    env,
    stdout: io?.stdout ?? ((s) => process.stdout.write(s)),
    stderr: io?.stderr ?? ((s) => process.stderr.write(s)),
    fetch: io?.fetch ?? globalThis.fetch,
  };
  const [cmd, ...args] = argv;
  try {
    switch (cmd) {
      case 'health':
        return await health(args, full);
      case 'migrate':
        return await migrateCmd(full);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        full.stdout(`${HELP}\n`);
        return 0;
      default:
        full.stderr(`Unknown command "${cmd}".\n\n${HELP}\n`);
        return 3;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      full.stderr(`${err.userMessage}\nSet them in the environment or in ./.env (see .env.example).\n`);
      return 1;
    }
    const secrets = safeSecrets(env);
    const redactor = createRedactor(secrets);
    full.stderr(`opsbot ${cmd}: ${redactor.redact(isOpsError(err) ? err.userMessage : errorMessage(err))}\n`);
    return cmd === 'health' ? 3 : 1;
  }
}

function safeSecrets(env: Record<string, string | undefined>): string[] {
  try {
    return loadConfig(env, 'cli').secrets;
  } catch {
    return [];
  }
}

function loadEnv(): Record<string, string | undefined> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}
