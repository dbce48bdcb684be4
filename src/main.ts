// The bot's entry point: the only place that reads the environment and the real outside
// world (stdout, global fetch, signals); src/app/bot.ts assembles the rest. With no Slack
// setting at all (or OPSBOT_MODE=local) it starts the local workspace instead (src/local/),
// loaded only then, so nothing of it is in a production process.
import { existsSync } from 'node:fs';
import { enableCompileCache, flushCompileCache } from 'node:module';
import type { Config } from './app/config.js';

// V8's compiled code of every module, kept on disk (in the system temp directory, or
// NODE_COMPILE_CACHE) and checked against each file's content: a restart compiles only what
// changed. Enabled before anything else is loaded, so the modules below are imported
// dynamically — static imports would be loaded (and compiled) before this line runs.
enableCompileCache();

const [{ buildBot }, { systemClock }, { loadConfig }, { isConnectionLost }, { ConfigError }, { createRedactor }, { selectMode }] = await Promise.all([
  import('./app/bot.js'),
  import('./core/clock.js'),
  import('./app/config.js'),
  import('./db/connection-lost.js'),
  import('./core/errors.js'),
  import('./core/redact.js'),
  import('./app/mode.js'),
]);

let config: Config | undefined;

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let mode;
  try {
    mode = selectMode(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`opsbot cannot start. ${err.userMessage}\n`);
      process.exit(1);
    }
    throw err;
  }
  if (mode.mode === 'local') return startLocal();
  try {
    config = loadConfig(process.env, 'bot');
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`opsbot cannot start. ${err.userMessage}\nSet them in the environment or in ./.env (see .env.example and README.md).\n`);
      process.exit(1);
    }
    throw err;
  }
  const bot = buildBot({ config, clock: systemClock, fetch: globalThis.fetch, ...(process.env.PATH ? { searchPath: process.env.PATH } : {}) });
  // Last resort only: every pool gives its clients an error listener (src/db/connection-lost.ts).
  // A promise nobody awaited must not take the bot down mid-incident; log it and keep running.
  process.on('unhandledRejection', (err) => bot.logger.error({ err }, 'unhandled rejection'));
  // A lost database connection that still escaped as an 'error' event leaves nothing half-done
  // in the process (the pool drops that client), so the bot keeps serving; anything else is a
  // real bug whose state we cannot trust, so it exits as Node would.
  process.on('uncaughtException', (err) => {
    if (isConnectionLost(err)) {
      bot.logger.error({ err }, 'uncaught database connection error; the bot keeps running');
      return;
    }
    bot.logger.fatal({ err }, 'uncaught exception; exiting');
    process.exit(1);
  });
  await bot.start();
  // Written now rather than at exit: a bot that is killed, not stopped, still leaves it behind.
  flushCompileCache();
  const shutdown = async (signal: string) => {
    bot.logger.info({ signal }, 'shutting down');
    await bot.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

async function startLocal(): Promise<void> {
  const { startLocalWorkspace } = await import('./local/runtime/start.js');
  const workspace = await startLocalWorkspace({
    env: process.env,
    clock: systemClock,
    fetch: globalThis.fetch,
    ...(process.env.PATH ? { searchPath: process.env.PATH } : {}),
  });
  config = workspace.config;
  process.on('unhandledRejection', (err) => workspace.logger.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => {
    // Drills cut connections on purpose: a lost connection is the expected symptom, not a crash.
    if (isConnectionLost(err)) {
      workspace.logger.error({ err }, 'uncaught database connection error; the bot keeps running');
      return;
    }
    workspace.logger.fatal({ err }, 'uncaught exception; exiting');
    process.exit(1);
  });
  process.stdout.write(`AutoRepAi Ops Bot local workspace: ${workspace.url}\n`);
  const shutdown = async (signal: string) => {
    workspace.logger.info({ signal }, 'shutting down');
    await workspace.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // A failure to start (state database down, bad token) gets one readable line, not a stack.
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`opsbot failed to start: ${createRedactor(config?.secrets ?? []).redact(message)}\n`);
  process.exit(1);
});
