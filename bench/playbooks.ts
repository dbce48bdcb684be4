// purge-old-interactions on 1,000,000 old rows beside the naive single statement the runbook
// would paste (`DELETE FROM interactions WHERE created_at < cutoff`) on an identical copy of the
// data (CREATE DATABASE … TEMPLATE): total time, rows, and the longest write lock any one
// transaction held on the table, watched the same way for both (bench/_db.ts sampleLocks).
// Ours also prints its batches and its longest single statement. Target: no lock over 1 s.
import pg from 'pg';
import { fixedClock } from '../src/core/clock.js';
import { PLAYBOOKS } from '../playbooks/index.js';
import { benchDatabaseUrl, copyDatabase, dropDatabase, sampleLocks } from './_db.js';
import { benchEngine, benchPools } from './_engine.js';
import { fixtureSql } from '../test/support/fixture-sql.js';

const ROWS = 1_000_000;

export default async function bench(): Promise<void> {
  const url = await benchDatabaseUrl('opsbot_bench_playbooks');
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  const { rows: has } = await setup.query(`SELECT to_regclass('public.interactions') AS t`);
  if (!has[0]?.t) await setup.query(fixtureSql('supabase'));
  await setup.query('TRUNCATE public.interactions, public.quotes, public.leads, public.integrations CASCADE');
  await setup.query(`DELETE FROM public.organizations`);
  const org = (await setup.query<{ id: string }>(`INSERT INTO public.organizations (name) VALUES ('Bench Motors') RETURNING id`)).rows[0]!.id;
  let t = performance.now();
  await setup.query(
    `INSERT INTO public.interactions (organization_id, content, created_at)
     SELECT $1, 'customer asked about trade-in value ' || g, now() - interval '120 days' - (g || ' seconds')::interval
     FROM generate_series(1, $2) g`,
    [org, ROWS],
  );
  await setup.query(`INSERT INTO public.interactions (organization_id, content, created_at) SELECT $1, 'recent', now() - interval '5 days' FROM generate_series(1, 10000)`, [org]);
  await setup.query('VACUUM ANALYZE public.interactions');
  console.log(`setup: ${ROWS.toLocaleString('en-US')} old + 10,000 recent interactions in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await setup.end();
  // The copy is taken before anything runs, so both sides start from the same rows.
  const naiveUrl = await copyDatabase(url, 'opsbot_bench_playbooks_naive');

  const fixed = fixedClock(Date.now());
  // Wall time fixed (the cutoff), real monotonic time (batch durations).
  const clock = { now: () => fixed.now(), monotonic: () => performance.now() };
  const pools = await benchPools(url, clock, { lockTimeoutMs: 1000, adminStatementTimeoutMs: 30_000 });
  const engine = benchEngine(pools, PLAYBOOKS, clock);
  t = performance.now();
  const { request } = await engine.request({ playbookId: 'purge-old-interactions', rawParams: { days: '90' }, requestedBy: 'UBENCH' });
  const previewMs = performance.now() - t;
  const ourLocks = await sampleLocks(url, 'public.interactions');
  t = performance.now();
  const outcome = await engine.approve(request.id, 'UAPPROVER');
  if (outcome.kind !== 'started') throw new Error(`run did not start: ${outcome.kind}`);
  const done = await outcome.done;
  const totalMs = performance.now() - t;
  const ours = await ourLocks.stop();
  const steps = (done.result?.steps ?? []) as { rows: number; ms: number }[];
  const batchMs = steps.map((s) => s.ms).sort((a, b) => a - b);
  console.log(`preview (count ${request.preview.count.toLocaleString('en-US')}): ${previewMs.toFixed(0)} ms`);
  console.log(`purge: ${done.state}, ${done.rowsAffected?.toLocaleString('en-US')} rows in ${(totalMs / 1000).toFixed(1)} s (${Math.round((done.rowsAffected ?? 0) / (totalMs / 1000)).toLocaleString('en-US')} rows/s)`);
  const inBatches = batchMs.reduce((a, b) => a + b, 0);
  console.log(
    `  batches: ${steps.length}; median ${batchMs[Math.floor(batchMs.length / 2)] ?? 0} ms; longest statement ${batchMs.at(-1) ?? 0} ms; ${(inBatches / 1000).toFixed(1)} s inside batch transactions, ${((totalMs - inBatches) / 1000).toFixed(1)} s between them (progress and heartbeat writes, the closing re-count)`,
  );
  await pools.close();

  // The naive statement, same cutoff, on the identical copy.
  const naive = new pg.Client({ connectionString: naiveUrl });
  await naive.connect();
  const naiveLocks = await sampleLocks(naiveUrl, 'public.interactions');
  t = performance.now();
  const deleted = await naive.query('DELETE FROM public.interactions WHERE created_at < $1', [new Date(fixed.now() - 90 * 86_400_000)]);
  const naiveMs = performance.now() - t;
  // One statement in its own transaction: it holds its locks for all of its run time, which
  // the sampler (a lower bound, every 10 ms) can miss for a short one.
  const sampled = await naiveLocks.stop();
  const theirs = { ...sampled, longestMs: Math.max(sampled.longestMs, naiveMs) };
  await naive.end();
  await dropDatabase(naiveUrl);

  const n = (x: number | null | undefined) => (x ?? 0).toLocaleString('en-US');
  console.log(`purge of rows older than 90 days, ours vs naive on an identical copy:`);
  console.log(`  ours  (purge-old-interactions): ${n(done.rowsAffected).padStart(9)} rows in ${(totalMs / 1000).toFixed(1).padStart(5)} s; longest write lock held ${ours.longestMs.toFixed(0).padStart(6)} ms (${ours.transactions} transactions seen)`);
  console.log(`  naive (one DELETE … WHERE created_at < cutoff): ${n(deleted.rowCount).padStart(9)} rows in ${(naiveMs / 1000).toFixed(1).padStart(5)} s; longest write lock held ${theirs.longestMs.toFixed(0).padStart(6)} ms`);
  console.log(`  ours takes ${(totalMs / naiveMs).toFixed(1)}x the naive time and holds locks ${(theirs.longestMs / Math.max(ours.longestMs, 1)).toFixed(0)}x shorter (target: longest lock < 1000 ms: ${ours.longestMs < 1000 ? 'met' : 'MISSED'})`);
}
