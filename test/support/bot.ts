// Starts the whole bot (src/app/bot.ts) on an ephemeral port, with known secret values, a captured
// log and a strict fake for outbound HTTP.
import { Writable } from 'node:stream';
import { buildBot, type Bot } from '../../src/app/bot.js';
import { systemClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/app/config.js';
import type { HealthService } from '../../src/health/runner.js';
import type { CertificateReader } from '../../src/health/tls.js';
import type { OutageService } from '../../src/health/outage.js';
import { trackListeners } from './settle.js';
import { FakeHttp, type RecordedCall, SIGNING_SECRET, SLACK_API } from './slack.js';

/** Every secret setting, set to a recognisable value that must never show up anywhere. */
export const SECRET_VALUES = {
  SLACK_BOT_TOKEN: 'xoxb-111-222-SECRETBOTTOKENvalue',
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SUPABASE_ANON_KEY: 'sb_publishable_anon-SECRET-KEY-value-0123456789abcdef',
  SUPABASE_SERVICE_ROLE_KEY: 'sb_secret_service-SECRET-ROLE-value-0123456789abcdef',
  DB_PASSWORD: 'pw-SECRET-db-Passw0rd',
} as const;

export function testEnv(databaseUrl: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: SECRET_VALUES.SLACK_BOT_TOKEN,
    SLACK_SIGNING_SECRET: SECRET_VALUES.SLACK_SIGNING_SECRET,
    SLACK_API_URL: SLACK_API,
    DATABASE_URL: databaseUrl,
    APP_URL: 'https://app.autorepai.test/',
    SUPABASE_URL: 'https://proj.supabase.test',
    SUPABASE_ANON_KEY: SECRET_VALUES.SUPABASE_ANON_KEY,
    SUPABASE_SERVICE_ROLE_KEY: SECRET_VALUES.SUPABASE_SERVICE_ROLE_KEY,
    ONCALL_USERGROUP_ID: 'S0ONCALL',
    APPROVER_USERGROUP_ID: 'S0APPROVERS',
    LOG_LEVEL: 'debug',
    // Scheduled work has its own tests; here it would post on a real clock.
    SCHEDULER_ENABLED: 'false',
    // Charts add uploads to every summary; the chart tests turn them on.
    CHARTS_ENABLED: 'false',
    ...overrides,
  };
}

/** Metrics of a host 10 % busy, `n` seconds after boot (node_exporter's counters, Supabase's labels). */
function quietHostScrape(n: number): string {
  const cores = [0, 1].flatMap((cpu) => [
    `node_cpu_seconds_total{cpu="${cpu}",mode="idle",service_type="db"} ${1000 + n * 0.9}`,
    `node_cpu_seconds_total{cpu="${cpu}",mode="user",service_type="db"} ${100 + n * 0.1}`,
  ]);
  return ['# TYPE node_cpu_seconds_total counter', ...cores, 'node_memory_MemTotal_bytes 4294967296', 'node_memory_MemAvailable_bytes 3006477107', ''].join('\n');
}

/** The health checks' TLS certificate, read without the network: one with 90 days left. */
export const testCertificate: CertificateReader = () => Promise.resolve({ validTo: Date.now() + 90 * 86_400_000, subject: 'app.autorepai.test', issuer: 'Test CA' });

// The defaults below answer whatever the command under test happens to call, so each may go unused.
const HEALTHY = { optional: 'healthy default of startTestBot; a test that needs a call to happen asserts it' };

/** Healthy answers for the front end, edge function and auth, and the common Web API calls. */
export function healthyUpstreams(http: FakeHttp): FakeHttp {
  let posted = 0;
  let scrapes = 0;
  return http
    .on((c) => (c.url === 'https://app.autorepai.test/' ? new Response(null, { status: 200 }) : undefined), HEALTHY)
    .on((c) => (c.url === 'https://proj.supabase.test/functions/v1/ai-chat' ? new Response('{"reply":"OK"}', { status: 200 }) : undefined), HEALTHY)
    .on(
      (c) => (c.url === 'https://proj.supabase.test/auth/v1/health' ? new Response('{"version":"v2.180.0","name":"GoTrue"}', { status: 200 }) : undefined),
      HEALTHY,
    )
    // The project's metrics endpoint (SUPABASE_SERVICE_ROLE_KEY is set): a quiet 2-core host whose counters advance per scrape.
    .on((c) => (c.url === 'https://proj.supabase.test/customer/v1/privileged/metrics' ? new Response(quietHostScrape(++scrapes), { status: 200 }) : undefined), HEALTHY)
    .slackMethod('chat.postMessage', (c: RecordedCall) => ({ ok: true, channel: (c.json as { channel?: string }).channel, ts: `1700000000.${String(++posted).padStart(6, '0')}` }), 200, HEALTHY)
    .slackMethod('chat.update', (c: RecordedCall) => ({ ok: true, channel: (c.json as { channel?: string }).channel, ts: (c.json as { ts?: string }).ts }), 200, HEALTHY)
    .slackMethod('views.open', { ok: true, view: { id: 'V1' } }, 200, HEALTHY)
    .slackMethod(
      'usergroups.users.list',
      (c: RecordedCall) => {
        const group = (c.json as { usergroup?: string }).usergroup;
        return { ok: true, users: group === 'S0ONCALL' ? ['U0ONCALL', 'U0LEAD'] : group === 'S0APPROVERS' ? ['U0APPROVER', 'U0LEAD'] : [] };
      },
      200,
      HEALTHY,
    );
}

export interface TestBot {
  bot: Bot;
  baseUrl: string;
  http: FakeHttp;
  logs: string[];
  stop(): Promise<void>;
}

export async function startTestBot(opts: {
  env: Record<string, string>;
  http?: FakeHttp;
  health?: HealthService;
  /** Replaces the /health outage service (e.g. one with a fake DNS resolver). */
  outage?: OutageService;
  unhandledRequestTimeoutMillis?: number;
  /** How the bot waits out Slack's Retry-After (default: really waits). */
  wait?: (ms: number) => Promise<void>;
}): Promise<TestBot> {
  const http = opts.http ?? healthyUpstreams(new FakeHttp());
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const config = loadConfig(opts.env, 'bot');
  const bot = buildBot({
    config,
    clock: systemClock,
    fetch: http.fetch,
    logDestination: destination,
    botIdentity: { botId: 'B0TEST', botUserId: 'U0BOT' },
    ...(opts.health ? { health: opts.health } : {}),
    ...(opts.outage ? { outage: opts.outage } : {}),
    ...(opts.wait ? { wait: opts.wait } : {}),
    healthIo: { tls: testCertificate, sleep: () => Promise.resolve() },
  });
  // So tests can wait with settled(testBot) instead of sleeping.
  trackListeners(bot.slack.app);
  await bot.start(0);
  const port = bot.slack.receiver?.port();
  if (!port) throw new Error('test bot did not start an HTTP receiver');
  return {
    bot,
    baseUrl: `http://127.0.0.1:${port}`,
    http,
    logs,
    stop: () => bot.stop(),
  };
}
