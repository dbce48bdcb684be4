// Time-to-ack of /health under 200 concurrent signed requests: the whole bot (checks running
// against a real database after each ack) versus a bare Bolt app that only acks.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { buildBot } from '../src/app/bot.js';
import { systemClock } from '../src/core/clock.js';
import { loadConfig } from '../src/app/config.js';
import { Writable } from 'node:stream';
import { benchDatabaseUrl, percentile } from './_db.js';

const SECRET = 'bench-signing-secret-0123456789';
const CONCURRENCY = 200;
const ROUNDS = 5;

async function measure(url: string): Promise<{ p50: number; p99: number; n: number }> {
  const worker = new Worker(new URL('./_ack-client.js', import.meta.url), {
    workerData: { url, secret: SECRET, concurrency: CONCURRENCY, rounds: ROUNDS, warmup: 50 },
  });
  const all = await new Promise<number[]>((resolve, reject) => {
    worker.once('message', (m: number[]) => resolve(m));
    worker.once('error', reject);
  });
  await worker.terminate();
  all.sort((a, b) => a - b);
  return { p50: percentile(all, 50), p99: percentile(all, 99), n: all.length };
}

// Outbound calls of the bot (response_url, app, Supabase) answer at once.
const fakeFetch: typeof fetch = (input) => {
  const url = String(input instanceof Request ? input.url : input);
  if (url.includes('/functions/v1/')) return Promise.resolve(new Response('{"reply":"OK"}', { status: 200 }));
  if (url.includes('/auth/v1/health')) return Promise.resolve(new Response('{"version":"v2"}', { status: 200 }));
  return Promise.resolve(new Response('ok', { status: 200 }));
};

export default async function bench(): Promise<void> {
  const dbUrl = await benchDatabaseUrl();
  const config = loadConfig(
    {
      SLACK_BOT_TOKEN: 'xoxb-bench-token',
      SLACK_SIGNING_SECRET: SECRET,
      DATABASE_URL: dbUrl,
      APP_URL: 'https://app.bench/',
      SUPABASE_URL: 'https://proj.supabase.bench',
      SUPABASE_ANON_KEY: 'sb_publishable_anon-key-bench-0123456789',
      LOG_LEVEL: 'warn',
    },
    'bot',
  );
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const bot = buildBot({ config, clock: systemClock, fetch: fakeFetch, logDestination: sink, botIdentity: { botId: 'B0', botUserId: 'U0' } });
  await bot.start(0);
  const ours = await measure(`http://127.0.0.1:${bot.slack.receiver!.port()}/slack/events`);
  // Let the queued health checks drain before stopping.
  await new Promise((r) => setTimeout(r, 2000));
  await bot.stop();

  const receiver = new HTTPReceiver({ signingSecret: SECRET, logLevel: LogLevel.ERROR });
  const bare = new App({ token: 'xoxb-bench', receiver, botId: 'B0', botUserId: 'U0', logLevel: LogLevel.ERROR });
  bare.command('/health', async ({ ack }) => {
    await ack();
  });
  const server = (await bare.start(0)) as Server;
  const port = (server.address() as AddressInfo).port;
  const base = await measure(`http://127.0.0.1:${port}/slack/events`);
  await bare.stop();

  const fmt = (x: number) => x.toFixed(1).padStart(7);
  console.log(`requests: ${ours.n} per app (${ROUNDS} rounds of ${CONCURRENCY} concurrent signed /health)`);
  console.log(`opsbot   time-to-ack p50 ${fmt(ours.p50)} ms   p99 ${fmt(ours.p99)} ms`);
  console.log(`bare Bolt time-to-ack p50 ${fmt(base.p50)} ms   p99 ${fmt(base.p99)} ms`);
  console.log(`ratio p99 opsbot / bare: ${(ours.p99 / base.p99).toFixed(2)}x   (target ≤ 1.5x)`);
  console.log(`ratio p50 opsbot / bare: ${(ours.p50 / base.p50).toFixed(2)}x`);
}
