// Cold start: from spawn() to the first 200 on GET /healthz, for the compiled bot (node
// dist/src/main.js, HTTP mode, a stand-in Slack API answering auth.test, a real Postgres state
// store already migrated) and for a bare Bolt app in a child process answering its first
// request. Runs alternate bot / bare so page cache and machine load favour neither; one unmeasured
// start of each comes first (it migrates the state store and warms the page cache). Then the
// idle RSS of both after start, once their start-up work has settled.
import { benchDatabaseUrl } from './_db.js';
import { BOT_MAIN, bareEnv, botEnv, freePort, machineLoad, median, rssMb, startFakeOutside, startServer } from './_proc.js';

const RUNS = 7;
const IDLE_WAIT_MS = 5000;
const TARGET_RATIO = 2;
const TARGET_RSS_MB = 100;

export default async function bench(): Promise<void> {
  console.log(machineLoad());
  const dbUrl = await benchDatabaseUrl('opsbot_bench_coldstart');
  const outside = await startFakeOutside();
  const start = async (which: 'bot' | 'bare') => {
    const port = await freePort();
    return which === 'bot' ? startServer(BOT_MAIN, botEnv(outside, dbUrl, port), port) : startServer('bench/_bare-bolt.js', bareEnv(outside, port), port);
  };
  try {
    const first = await start('bot');
    console.log(`first start of the bot (migrating an empty state store if new): ${first.readyMs.toFixed(0)} ms`);
    await first.stop();
    await (await start('bare')).stop();

    const bot: number[] = [];
    const bare: number[] = [];
    const cpu = { bot: [] as number[], bare: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      for (const which of i % 2 === 0 ? (['bot', 'bare'] as const) : (['bare', 'bot'] as const)) {
        const s = await start(which);
        (which === 'bot' ? bot : bare).push(s.readyMs);
        cpu[which].push(s.readyCpuMs);
        await s.stop();
      }
    }
    const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join('/');
    const b = median(bot);
    const a = median(bare);
    console.log(`spawn → /healthz 200, median of ${RUNS} alternating runs:`);
    console.log(`  opsbot (node ${BOT_MAIN})  ${b.toFixed(0).padStart(5)} ms   (runs ${list(bot)})`);
    console.log(`  bare Bolt app                   ${a.toFixed(0).padStart(5)} ms   (runs ${list(bare)})`);
    console.log(`  ratio opsbot / bare: ${(b / a).toFixed(2)}x   (target ≤ ${TARGET_RATIO}x: ${b / a <= TARGET_RATIO ? 'met' : 'MISSED'})`);
    const cb = median(cpu.bot);
    const ca = median(cpu.bare);
    console.log(`  CPU used by then (user + system, median; load does not move it): opsbot ${cb.toFixed(0)} ms, bare Bolt ${ca.toFixed(0)} ms, ratio ${(cb / ca).toFixed(2)}x`);

    // Idle RSS: both up at once, measured after the same wait.
    const botIdle = await start('bot');
    const bareIdle = await start('bare');
    try {
      await new Promise((r) => setTimeout(r, IDLE_WAIT_MS));
      const ours = rssMb(botIdle.child.pid!);
      const theirs = rssMb(bareIdle.child.pid!);
      console.log(`idle RSS ${IDLE_WAIT_MS / 1000} s after start: opsbot ${ours.toFixed(0)} MB, bare Bolt ${theirs.toFixed(0)} MB   (target ≤ ${TARGET_RSS_MB} MB: ${ours <= TARGET_RSS_MB ? 'met' : 'MISSED'})`);
    } finally {
      await botIdle.stop();
      await bareIdle.stop();
    }
  } finally {
    await outside.close();
  }
}
