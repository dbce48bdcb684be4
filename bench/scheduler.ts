// Scheduler cost: one heartbeat tick with every default job (maintenance notices, the alert
// check against a stub health report, reminders) on a real state store, `opsbot schedule`
// listing, and the next-run computation of the maintenance rule. Prints figures only.
import pino from 'pino';
import pg from 'pg';
import { fixedClock } from '../src/core/clock.js';
import type { HealthReport } from '../src/health/types.js';
import { compileCron } from '../src/time/cron.js';
import { memoryChatPoster } from '../src/slack/chat-poster.js';
import { createOpsScheduler } from '../src/app/ops-scheduler.js';
import { parseSchedulerSettings } from '../src/scheduler/settings.js';
import { migrate } from '../src/state/migrate.js';
import { benchDatabaseUrl, percentile } from './_db.js';
import { DEFAULT_HEALTH_THRESHOLDS } from '../src/health/settings.js';

const TICKS = 120;

export default async function bench(): Promise<void> {
  const url = await benchDatabaseUrl('opsbot_bench_scheduler');
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const client = await pool.connect();
  try {
    await migrate(client);
    await client.query('TRUNCATE opsbot.job_runs, opsbot.job_cursors, opsbot.alerts, opsbot.alert_rule_state, opsbot.checklists CASCADE');
  } finally {
    client.release();
  }
  const report: HealthReport = { status: 'ok', startedAt: new Date(0).toISOString(), durationMs: 1, components: [] };
  const start = Date.parse('2026-10-31T07:00:00Z');
  const clock = fixedClock(start);
  const ops = createOpsScheduler({
    settings: parseSchedulerSettings({}, 'C0BENCH'),
    timezone: 'America/New_York',
    clock,
    pool,
    logger: pino({ level: 'silent' }),
    poster: memoryChatPoster(clock),
    health: { run: () => Promise.resolve(report), components: () => [] },
    thresholds: DEFAULT_HEALTH_THRESHOLDS,
    throttle: false,
  });
  await ops.scheduler.catchUp();
  const times: number[] = [];
  for (let i = 1; i <= TICKS; i++) {
    clock.set(start + i * 60_000 + 200);
    const t = performance.now();
    await ops.scheduler.tick();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`tick (${ops.scheduler.jobs().length} jobs, alert check included): p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms over ${TICKS} ticks`);

  let t = performance.now();
  await ops.scheduler.nextRuns(5);
  console.log(`opsbot schedule listing (5 runs per job): ${(performance.now() - t).toFixed(1)} ms`);

  const rule = compileCron('0 2 * * 0#1', 'America/New_York');
  t = performance.now();
  const n = 200;
  for (let i = 0; i < n; i++) rule.next(start + i * 86_400_000, 24);
  console.log(`next 24 maintenance windows: ${((performance.now() - t) / n).toFixed(2)} ms each`);
  await pool.end();
}
