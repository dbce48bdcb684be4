// purge-old-interactions on 1,000,000 old rows: total time, batches, and the longest single
// statement (each batch is one short transaction, so this is also the longest lock held).
// Target: no statement longer than 1 s.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { fixedClock } from '../src/core/clock.js';
import { PLAYBOOKS } from '../playbooks/index.js';
import { benchDatabaseUrl } from './_db.js';
import { benchEngine, benchPools } from './_engine.js';

const ROWS = 1_000_000;

export default async function bench(): Promise<void> {
  const url = await benchDatabaseUrl('opsbot_bench_playbooks');
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  const { rows: has } = await setup.query(`SELECT to_regclass('public.interactions') AS t`);
  if (!has[0]?.t) await setup.query(readFileSync(new URL('../test/support/fixtures/supabase.sql', import.meta.url), 'utf8'));
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

  const fixed = fixedClock(Date.now());
  // Wall time fixed (the cutoff), real monotonic time (batch durations).
  const clock = { now: () => fixed.now(), monotonic: () => performance.now() };
  const pools = await benchPools(url, clock, { lockTimeoutMs: 1000, adminStatementTimeoutMs: 30_000 });
  const engine = benchEngine(pools, PLAYBOOKS, clock);
  t = performance.now();
  const { request } = await engine.request({ playbookId: 'purge-old-interactions', rawParams: { days: '90' }, requestedBy: 'UBENCH' });
  const previewMs = performance.now() - t;
  t = performance.now();
  const outcome = await engine.approve(request.id, 'UAPPROVER');
  if (outcome.kind !== 'started') throw new Error(`run did not start: ${outcome.kind}`);
  const done = await outcome.done;
  const totalMs = performance.now() - t;
  const steps = (done.result?.steps ?? []) as { rows: number; ms: number }[];
  const batchMs = steps.map((s) => s.ms).sort((a, b) => a - b);
  console.log(`preview (count ${request.preview.count.toLocaleString('en-US')}): ${previewMs.toFixed(0)} ms`);
  console.log(`purge: ${done.state}, ${done.rowsAffected?.toLocaleString('en-US')} rows in ${(totalMs / 1000).toFixed(1)} s (${Math.round((done.rowsAffected ?? 0) / (totalMs / 1000)).toLocaleString('en-US')} rows/s)`);
  console.log(`batches: ${steps.length} of 5000; median ${batchMs[Math.floor(batchMs.length / 2)] ?? 0} ms; longest statement / lock held ${batchMs.at(-1) ?? 0} ms (target < 1000 ms)`);
  await pools.close();
}
