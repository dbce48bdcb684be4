// Time-to-ack of /health under 200 concurrent signed requests: the whole compiled bot (its health
// checks running against a real database after each ack) versus a bare Bolt app that only acks.
// Both run as their own child processes, started the same way, and share one load client in a
// worker thread; rounds alternate A B B A … so warm-up, background load and the other
// engineers' work on this machine favour neither. After each of the bot's rounds the bench
// waits until the bot has answered every response_url, so its background work never lands in
// the bare app's round.
import { Worker } from 'node:worker_threads';
import { benchDatabaseUrl, percentile } from './_db.js';
import { BENCH_SECRET, BOT_MAIN, bareEnv, botEnv, cpuMs, freePort, machineLoad, type FakeOutside, type Server0, startFakeOutside, startServer } from './_proc.js';

const CONCURRENCY = 200;
const ROUNDS = 5;
const WARMUP = 50;
const TARGET_RATIO = 1.3;

type Round = (url: string, count: number, tag: string) => Promise<number[]>;

function client(responseBase: string): { round: Round; close: () => Promise<number> } {
  const worker = new Worker(new URL('./_ack-client.js', import.meta.url), { workerData: { secret: BENCH_SECRET, responseBase } });
  const round: Round = (url, count, tag) =>
    new Promise((resolve, reject) => {
      worker.once('message', (m: { times?: number[]; error?: string }) => (m.times ? resolve(m.times) : reject(new Error(m.error))));
      worker.postMessage({ url, count, tag });
    });
  return { round, close: () => worker.terminate() };
}

/** Waits until the bot has posted `expected` response_url answers (or 30 s pass). */
async function settle(outside: FakeOutside, expected: number): Promise<void> {
  const until = performance.now() + 30_000;
  while (outside.responses() < expected && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 300));
}

export default async function bench(): Promise<void> {
  console.log(machineLoad());
  const dbUrl = await benchDatabaseUrl();
  const outside = await startFakeOutside();
  const servers: Server0[] = [];
  const load = client(`${outside.url}/response`);
  try {
    const botPort = await freePort();
    const bot = await startServer(BOT_MAIN, botEnv(outside, dbUrl, botPort), botPort);
    servers.push(bot);
    const barePort = await freePort();
    const bare = await startServer('bench/_bare-bolt.js', bareEnv(outside, barePort), barePort);
    servers.push(bare);
    const url = (s: Server0) => `${s.baseUrl}/slack/events`;
    const ours: number[] = [];
    const base: number[] = [];
    let sentToBot = 0;
    // CPU each server process spent on the kept rounds, its answers and after-work included:
    // unlike wall time on a shared machine, it does not move with other people's load.
    const cpu = { ours: 0, base: 0 };
    const runOurs = async (count: number, keep: boolean) => {
      const c0 = cpuMs(bot.child.pid!);
      const t = await load.round(url(bot), count, 'bot');
      sentToBot += count;
      await settle(outside, sentToBot);
      if (keep) {
        ours.push(...t);
        cpu.ours += cpuMs(bot.child.pid!) - c0;
      }
    };
    const runBare = async (count: number, keep: boolean) => {
      const c0 = cpuMs(bare.child.pid!);
      const t = await load.round(url(bare), count, 'bare');
      await settle(outside, sentToBot);
      if (keep) {
        base.push(...t);
        cpu.base += cpuMs(bare.child.pid!) - c0;
      }
    };
    await runOurs(WARMUP, false);
    await runBare(WARMUP, false);
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) {
        await runOurs(CONCURRENCY, true);
        await runBare(CONCURRENCY, true);
      } else {
        await runBare(CONCURRENCY, true);
        await runOurs(CONCURRENCY, true);
      }
    }
    ours.sort((a, b) => a - b);
    base.sort((a, b) => a - b);
    const fmt = (x: number) => x.toFixed(1).padStart(7);
    const p = (xs: number[], q: number) => percentile(xs, q);
    console.log(`requests: ${ours.length} per app (${ROUNDS} rounds of ${CONCURRENCY} concurrent signed /health, alternating A B B A; each app in its own process)`);
    console.log(`response_url answers from the bot: ${outside.responses()} of ${sentToBot} requests`);
    console.log(`opsbot    time-to-ack p50 ${fmt(p(ours, 50))} ms   p99 ${fmt(p(ours, 99))} ms   max ${fmt(ours.at(-1)!)} ms`);
    console.log(`bare Bolt time-to-ack p50 ${fmt(p(base, 50))} ms   p99 ${fmt(p(base, 99))} ms   max ${fmt(base.at(-1)!)} ms`);
    const ratio = p(ours, 99) / p(base, 99);
    console.log(`ratio p99 opsbot / bare: ${ratio.toFixed(2)}x   (target ≤ ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'})`);
    console.log(`ratio p50 opsbot / bare: ${(p(ours, 50) / p(base, 50)).toFixed(2)}x`);
    console.log(
      `server CPU per request (user + system): opsbot ${(cpu.ours / ours.length).toFixed(2)} ms (ack, health checks, reply to response_url, audit), bare Bolt ${(cpu.base / base.length).toFixed(2)} ms (ack only)`,
    );
  } finally {
    await load.close();
    for (const s of servers) await s.stop();
    await outside.close();
  }
}
