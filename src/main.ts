// The bot's entry point: the only place that reads the environment and builds clients.
import { existsSync } from 'node:fs';
import { COMMANDS } from '../handlers/index.js';
import { createAuthorizer } from './authz.js';
import { systemClock } from './clock.js';
import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { buildHealthService, buildTargetDb } from './health/build.js';
import { createLogger } from './log.js';
import { createRedactor } from './redact.js';
import { createSlackApp, type SlackApp } from './slack/app.js';
import { slackDirectory } from './slack/directory.js';
import { createStateStore } from './state/store.js';

let startupRedactor = createRedactor([]);

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  try {
    config = loadConfig(process.env, 'bot');
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`opsbot cannot start. ${err.userMessage}\nSet them in the environment or in ./.env (see .env.example and README.md).\n`);
      process.exit(1);
    }
    throw err;
  }
  const clock = systemClock;
  const redactor = createRedactor(config.secrets);
  startupRedactor = redactor;
  const logger = createLogger({ level: config.logLevel, redactor });

  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => logger.fatal({ err }, 'uncaught exception'));

  const state = createStateStore({ url: config.database.stateUrl, logger, connectTimeoutMs: 10_000 });
  const migrated = await state.migrate();
  logger.info({ applied: migrated.applied.map((m) => m.version) }, 'state store ready');

  const db = buildTargetDb(config, logger, clock);
  const health = buildHealthService({ config, db, fetch: globalThis.fetch, clock, logger });
  // The directory needs the Slack client, which needs the handlers' deps: resolve it lazily.
  const ref: { slack?: SlackApp } = {};
  const authz = createAuthorizer(
    { ...config.roles, allowedChannels: config.channels.allowed },
    slackDirectory(() => {
      if (!ref.slack) throw new Error('Slack client not ready');
      return ref.slack.app.client;
    }),
    clock,
    logger,
  );
  const slack = createSlackApp({
    botToken: config.slack.botToken,
    signingSecret: config.slack.signingSecret,
    appToken: config.slack.appToken,
    apiUrl: config.slack.apiUrl,
    logger,
    redactor,
    clock,
    commands: COMMANDS,
    deps: { health, authz, state, clock, logger, timezone: config.timezone },
  });
  ref.slack = slack;
  await slack.start(config.slack.port);
  logger.info({ mode: config.slack.appToken ? 'socket' : 'http', port: config.slack.appToken ? undefined : config.slack.port }, 'opsbot started');

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await slack.stop().catch(() => undefined);
    await Promise.allSettled([db.close(), state.close()]);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // A failure to start (state database down, bad token) gets one readable line, not a stack.
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`opsbot failed to start: ${startupRedactor.redact(message)}\n`);
  process.exit(1);
});
