// Assembles the running bot from a parsed Config. Called by src/main.ts (with the real
// environment, stdout and global fetch) and by end-to-end tests (with fakes for the outside).
import type { DestinationStream } from 'pino';
import { COMMANDS } from '../handlers/index.js';
import { createAuthorizer } from './authz.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { buildHealthService, buildTargetDb } from './health/build.js';
import type { HealthService } from './health/runner.js';
import { createLogger, type Logger } from './log.js';
import { createRedactor } from './redact.js';
import { createSlackApp, type SlackApp } from './slack/app.js';
import { slackDirectory } from './slack/directory.js';
import { createStateStore } from './state/store.js';

export interface BotOptions {
  config: Config;
  clock: Clock;
  /** Outbound HTTP: Slack Web API, response_url, Supabase. */
  fetch: typeof fetch;
  logDestination?: DestinationStream;
  /** Tests: skip auth.test. */
  botIdentity?: { botId: string; botUserId: string };
  /** Tests: replace the health service (e.g. with a slow check). */
  health?: HealthService;
}

export interface Bot {
  logger: Logger;
  slack: SlackApp;
  /** Applies migrations and starts listening (HTTP port or Socket Mode). */
  start(port?: number): Promise<void>;
  /** Stops listening and closes every pool. */
  stop(): Promise<void>;
}

export function buildBot(o: BotOptions): Bot {
  const { config, clock } = o;
  const redactor = createRedactor(config.secrets);
  const logger = createLogger({ level: config.logLevel, redactor, ...(o.logDestination ? { destination: o.logDestination } : {}) });
  const state = createStateStore({ url: config.database.stateUrl, logger, connectTimeoutMs: 10_000 });
  const db = buildTargetDb(config, logger, clock);
  const health = o.health ?? buildHealthService({ config, db, fetch: o.fetch, clock, logger });
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
    fetch: o.fetch,
    ...(o.botIdentity ? { botIdentity: o.botIdentity } : {}),
    commands: COMMANDS,
    deps: { health, authz, state, clock, logger, timezone: config.timezone },
  });
  ref.slack = slack;
  return {
    logger,
    slack,
    async start(port = config.slack.port) {
      const migrated = await state.migrate();
      logger.info({ applied: migrated.applied.map((m) => m.version) }, 'state store ready');
      await slack.start(port);
      logger.info({ mode: config.slack.appToken ? 'socket' : 'http', port: config.slack.appToken ? undefined : port }, 'opsbot started');
    },
    async stop() {
      await slack.stop().catch(() => undefined);
      await Promise.allSettled([db.close(), state.close()]);
    },
  };
}
