// The local workspace: embedded Postgres (seeded once) → simulated Supabase and front end →
// the Slack stand-in and its page → the real bot (src/app/bot.ts, the production code paths),
// configured by an environment that points its ordinary settings at those local endpoints.
// Everything listens on 127.0.0.1 only. Secrets (signing secret, tokens, keys) are made per
// run and live in memory; only the embedded server's password is kept, in the data folder.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { DestinationStream } from 'pino';
import { buildBot, type Bot } from '../../app/bot.js';
import { type Config, loadConfig } from '../../app/config.js';
import type { Clock } from '../../core/clock.js';
import { parseArea } from '../../core/env-schema.js';
import { createLogger, type Logger } from '../../core/log.js';
import { createRedactor } from '../../core/redact.js';
import { LocalEnv } from '../../core/settings.js';
import { SQL_DIR } from '../../core/sql.js';
import { createDrillRunner, type DrillRunner } from '../drills/runner.js';
import { createSlackStandIn, isLocalHostHeader, type SlackStandIn } from '../slack/server.js';
import { DEFAULT_CHANNELS, LOCAL_USERGROUPS } from '../slack/personas.js';
import { createSimulatedSupabase, LOCAL_REGION, type SimulatedSupabase } from '../supabase/server.js';
import { createWorld, type SimulatedWorld } from '../supabase/world.js';
import { controlHandler } from './control.js';
import { reseed, resolveDatabases, type ResolvedDatabases } from './databases.js';
import { freePort } from '../db/ports.js';

export const HOST = '127.0.0.1';
/** The simulated project's ref (SUPABASE_PROJECT_REF): a local URL has none to derive it from. */
export const LOCAL_PROJECT_REF = 'localautorepai';
/** Where alerts, notices and reminders go: the stand-in's #alerts. */
export const ALERTS_CHANNEL = DEFAULT_CHANNELS.find((c) => c.name === 'alerts')?.id ?? 'C0LOCALERTS';

export interface LocalWorkspaceOptions {
  env: Record<string, string | undefined>;
  clock: Clock;
  fetch: typeof fetch;
  searchPath?: string;
  /** Tests: where log lines go (default stdout). */
  logDestination?: DestinationStream;
  /** Tests: the page port instead of PORT (0 = a free one). */
  port?: number;
  /** Tests: no drill polling timer. */
  drillPollMs?: number;
  /** Tests on a server shared with other tests (max_connections 100): a smaller pool-exhaustion drill. */
  poolSessions?: number;
}

export interface LocalWorkspace {
  /** The page: http://127.0.0.1:<PORT>. */
  url: string;
  config: Config;
  logger: Logger;
  bot: Bot;
  drills: DrillRunner;
  world: SimulatedWorld;
  supabase: SimulatedSupabase;
  slack: SlackStandIn;
  databases: ResolvedDatabases;
  /** Start-up milliseconds by step. */
  timings: Record<string, number | boolean>;
  stop(): Promise<void>;
}

const secret = (bytes: number) => randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x');

/** Settings the workspace sets itself: whatever the environment says about them is replaced. */
const OWN = /^(SLACK_|SUPABASE_|DATABASE_URL$|DATABASE_ADMIN_URL$|STATE_DATABASE_URL$|APP_URL$|STATUS_PAGE_URL$|PORT$|ONCALL_|APPROVER_|ALERTS_CHANNEL_ID$|ALLOWED_CHANNEL_IDS$|OPSBOT_)/;

export interface LocalEndpoints {
  databases: ResolvedDatabases;
  supabase: SimulatedSupabase;
  keys: { anonKey: string; serviceRoleKey: string; accessToken: string };
  slack: { apiUrl: string; botToken: string; signingSecret: string; port: number };
  dir: string;
}

/** The bot's environment: the caller's tuning settings, and every endpoint pointing at the workspace. */
export function localBotEnv(env: Record<string, string | undefined>, e: LocalEndpoints): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !OWN.test(k)) out[k] = v;
  return {
    ...out,
    SLACK_BOT_TOKEN: e.slack.botToken,
    SLACK_SIGNING_SECRET: e.slack.signingSecret,
    SLACK_API_URL: e.slack.apiUrl,
    PORT: String(e.slack.port),
    ONCALL_USERGROUP_ID: LOCAL_USERGROUPS.oncall,
    APPROVER_USERGROUP_ID: LOCAL_USERGROUPS.approvers,
    ALERTS_CHANNEL_ID: ALERTS_CHANNEL,
    DATABASE_URL: e.databases.targetUrl,
    DATABASE_ADMIN_URL: e.databases.adminUrl,
    STATE_DATABASE_URL: e.databases.stateUrl,
    APP_URL: e.supabase.appUrl,
    SUPABASE_URL: e.supabase.supabaseUrl,
    SUPABASE_ANON_KEY: e.keys.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: e.keys.serviceRoleKey,
    SUPABASE_ACCESS_TOKEN: e.keys.accessToken,
    SUPABASE_PROJECT_REF: LOCAL_PROJECT_REF,
    SUPABASE_MANAGEMENT_API_URL: e.supabase.managementApiUrl,
    STATUS_PAGE_URL: e.supabase.statusPageUrl,
    SUPABASE_REGION: LOCAL_REGION,
    BACKUP_LOCAL_DIR: env.BACKUP_LOCAL_DIR ?? path.join(e.dir, 'backups'),
  };
}

function pagePort(env: Record<string, string | undefined>): number {
  const raw = env.PORT?.trim();
  if (!raw) return 3000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`PORT must be a port number 0–65535 (got "${raw.slice(0, 10)}")`);
  return n;
}

export async function startLocalWorkspace(o: LocalWorkspaceOptions): Promise<LocalWorkspace> {
  const now = () => o.clock.monotonic();
  const t0 = now();
  const local = parseArea(LocalEnv, o.env);
  const dir = path.resolve(local.OPSBOT_LOCAL_DIR);
  const keys = { anonKey: `sb_publishable_${secret(24)}`, serviceRoleKey: `sb_secret_${secret(24)}`, accessToken: `sbp_${secret(30)}` };
  const slackSecrets = { botToken: `xoxb-local-${secret(24)}`, signingSecret: randomBytes(16).toString('hex') };
  // Until the bot's own logger exists: the workspace's steps, with every generated secret redacted.
  const logger = createLogger({
    level: o.env.LOG_LEVEL ?? 'info',
    redactor: createRedactor([...Object.values(keys), ...Object.values(slackSecrets)]),
    name: 'opsbot-local',
    ...(o.logDestination ? { destination: o.logDestination } : {}),
  });
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => logger.warn({ err }, 'local workspace stop step failed'));
    cleanups.length = 0;
  };
  try {
    await mkdir(dir, { recursive: true });
    const databases = await resolveDatabases({ env: o.env, dir, logger, now });
    if (databases.embedded) cleanups.push(() => databases.embedded!.stop());
    const world = createWorld();
    const supabase = createSimulatedSupabase({ world, keys, projectRef: LOCAL_PROJECT_REF, functionName: o.env.EDGE_FUNCTION_NAME ?? 'ai-chat', targetUrl: databases.targetUrl, clock: o.clock, logger });
    await supabase.listen(0);
    cleanups.push(() => supabase.close());

    const botPort = await freePort();
    // One origin for the page: the workspace's own /local/* (drills, reset), the rest is the stand-in.
    // The server listens first, so the stand-in is told its address (with PORT=0 it is known only now).
    const ref: { drills?: DrillRunner; slack?: SlackStandIn } = {};
    const timings: Record<string, number | boolean> = {};
    const control = controlHandler({
      get drills() {
        if (!ref.drills) throw new Error('drills not ready');
        return ref.drills;
      },
      reset: () => reseed(databases, now),
      status: () => ({ ok: true, url, timings, database: databases.embedded ? 'embedded' : 'DATABASE_URL', drills: ref.drills?.list().map((d) => ({ name: d.name, state: d.state })) ?? [] }),
      logger,
    });
    const server: Server = createServer((req, res) => {
      // The drill and reset endpoints get the stand-in's DNS-rebinding guard too.
      if (!isLocalHostHeader(req.headers.host)) return void res.writeHead(403, { 'content-type': 'text/plain' }).end('this server answers 127.0.0.1 and localhost only');
      if (control(req, res)) return;
      if (ref.slack) return ref.slack.requestListener(req, res);
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('The local workspace is starting; reload in a moment.');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new Error(`Port ${HOST}:${o.port ?? pagePort(o.env)} is in use; set PORT to another one.`) : err),
      );
      server.listen(o.port ?? pagePort(o.env), HOST, () => resolve());
    });
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });
    const url = `http://${HOST}:${(server.address() as AddressInfo).port}`;
    const slack = createSlackStandIn({
      botEventsUrl: `http://${HOST}:${botPort}/slack/events`,
      signingSecret: slackSecrets.signingSecret,
      manifestPath: path.join(path.dirname(SQL_DIR), 'manifest.yml'),
      logger,
      botToken: slackSecrets.botToken,
      clock: o.clock,
      fetch: o.fetch,
      baseUrl: url,
    });
    ref.slack = slack;
    cleanups.push(() => slack.close());

    const env = localBotEnv(o.env, { databases, supabase, keys, slack: { ...slackSecrets, apiUrl: slack.apiUrl, port: botPort }, dir });
    const config = loadConfig(env, 'bot');
    const bot = buildBot({ config, clock: o.clock, fetch: o.fetch, ...(o.searchPath ? { searchPath: o.searchPath } : {}), ...(o.logDestination ? { logDestination: o.logDestination } : {}) });
    const started = bot;
    await started.start(botPort, HOST);
    cleanups.push(() => started.stop());
    const runner = createDrillRunner({
      context: {
        targetUrl: databases.adminUrl,
        serverUrl: databases.serverUrl,
        targetDatabase: databases.targetDatabase,
        world,
        clock: o.clock,
        logger,
        maintenance: started.maintenance,
        ...(o.poolSessions !== undefined ? { poolSessions: o.poolSessions } : {}),
      },
      ...(o.drillPollMs !== undefined ? { pollMs: o.drillPollMs } : {}),
    });
    ref.drills = runner;
    cleanups.push(() => runner.close());
    const runtimeFile = path.join(dir, 'runtime.json');
    await writeFile(runtimeFile, `${JSON.stringify({ url, pid: process.pid })}\n`, { mode: 0o600 });
    cleanups.push(() => rm(runtimeFile, { force: true }));

    Object.assign(timings, databases.timings, { totalMs: Math.round(now() - t0) });
    logger.info({ url, timings, gemini: config.logs.geminiApiKey ? 'real' : 'offline summary' }, 'local workspace ready');
    return {
      url,
      config,
      logger,
      bot: started,
      drills: runner,
      world,
      supabase,
      slack,
      databases,
      timings,
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
