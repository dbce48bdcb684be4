// Time from approval to "every session revoked" for a lockdown, on 500 and 100,000 sessions
// (each with a refresh token), evidence capture included, beside the naive single statement
// (`DELETE FROM auth.sessions`, refresh tokens going by cascade) on an identical copy of the
// data (CREATE DATABASE … TEMPLATE). Both sides: wall time and the longest write lock any one
// transaction held on auth.sessions, watched the same way (bench/_db.ts sampleLocks).
// Target: < 5 s for 100,000.
import pg from 'pg';
import { createLockdownService } from '../src/lockdown/service.js';
import { lockdownPlaybooks } from '../playbooks/lockdown.js';
import { benchDatabaseUrl, copyDatabase, dropDatabase, sampleLocks } from './_db.js';
import { benchEngine, benchPools } from './_engine.js';
import { fixtureSql } from '../test/support/fixture-sql.js';

const clock = { now: () => Date.now(), monotonic: () => performance.now() };

async function seed(url: string, sessions: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT to_regclass('auth.sessions') AS t`);
    if (!rows[0]?.t) await c.query(fixtureSql('supabase'));
    await c.query(`UPDATE opsbot.lockdowns SET state = 'lifted', lifted_at = now() WHERE state IN ('starting', 'active')`).catch(() => undefined);
    await c.query('TRUNCATE auth.refresh_tokens, auth.sessions, auth.users, auth.audit_log_entries, public.integrations, public.organizations CASCADE');
    await c.query(`INSERT INTO auth.users (id, email) SELECT gen_random_uuid(), 'u' || g || '@dealer.example' FROM generate_series(1, $1) g`, [sessions]);
    await c.query(`INSERT INTO auth.sessions (id, user_id, ip, user_agent) SELECT gen_random_uuid(), id, '198.51.100.9', 'Mozilla/5.0 (dealer portal)' FROM auth.users`);
    await c.query(`INSERT INTO auth.refresh_tokens (token, user_id, session_id) SELECT md5(id::text), user_id::text, id FROM auth.sessions`);
    await c.query(`INSERT INTO auth.audit_log_entries (id, payload, created_at) SELECT gen_random_uuid(), json_build_object('action', 'login'), now() - (g || ' minutes')::interval FROM generate_series(1, 5000) g`);
    const org = (await c.query<{ id: string }>(`INSERT INTO public.organizations (name) VALUES ('Bench') RETURNING id`)).rows[0]!.id;
    await c.query(`INSERT INTO public.integrations (organization_id, provider, active) SELECT $1, 'crm-' || g, g % 2 = 0 FROM generate_series(1, 10) g`, [org]);
    await c.query('VACUUM ANALYZE auth.sessions, auth.refresh_tokens');
  } finally {
    await c.end();
  }
}

async function measure(url: string, sessions: number): Promise<void> {
  await seed(url, sessions);
  const naiveUrl = await copyDatabase(url, 'opsbot_bench_lockdown_naive');
  const pools = await benchPools(url, clock, { lockTimeoutMs: 2000, adminStatementTimeoutMs: 60_000 });
  const lockdown = createLockdownService({
    state: pools.state,
    target: pools.target,
    admin: pools.admin,
    clock,
    logger: pools.logger,
    checklist: { post: () => Promise.resolve(null), tick: () => Promise.resolve(), items: () => Promise.resolve([]) },
    reminderRepeatMs: 6 * 3_600_000,
  });
  const engine = benchEngine(pools, lockdownPlaybooks(lockdown), clock);
  const { request } = await engine.request({ playbookId: 'lockdown-start', rawParams: { reason: 'benchmark lockdown' }, requestedBy: 'UBENCH' });
  const ourLocks = await sampleLocks(url, 'auth.sessions');
  const t0 = performance.now();
  const outcome = await engine.approve(request.id, 'UAPPROVER');
  if (outcome.kind !== 'started') throw new Error(outcome.kind);
  const done = await outcome.done;
  const total = performance.now() - t0;
  const ours = await ourLocks.stop();
  const steps = (done.result?.steps ?? []) as { step: string; ms: number; rows: number }[];
  const evidence = steps.find((s) => s.step === 'evidence')?.ms ?? 0;
  const revoke = steps.find((s) => s.step === 'revoke sessions')?.ms ?? 0;
  await pools.close();

  const naive = new pg.Client({ connectionString: naiveUrl });
  await naive.connect();
  const naiveLocks = await sampleLocks(naiveUrl, 'auth.sessions');
  const t1 = performance.now();
  const deleted = await naive.query('DELETE FROM auth.sessions');
  const naiveMs = performance.now() - t1;
  // One statement in its own transaction: it holds its locks for all of its run time, which
  // the sampler (a lower bound, every 10 ms) can miss for a short one.
  const sampled = await naiveLocks.stop();
  const theirs = { ...sampled, longestMs: Math.max(sampled.longestMs, naiveMs) };
  const left = await naive.query<{ n: number }>('SELECT count(*)::int AS n FROM auth.refresh_tokens');
  await naive.end();
  await dropDatabase(naiveUrl);

  const n = sessions.toLocaleString('en-US').padStart(7);
  console.log(`${n} sessions:`);
  console.log(
    `  ours  (lockdown-start, ${done.state}): approval → sessions revoked ${(evidence + revoke).toFixed(0).padStart(5)} ms (evidence ${evidence} ms, revoke ${revoke} ms); whole start ${total.toFixed(0)} ms; longest write lock on auth.sessions ${ours.longestMs.toFixed(0)} ms (${ours.transactions} transactions)`,
  );
  console.log(
    `  naive (one DELETE FROM auth.sessions, no evidence): ${deleted.rowCount?.toLocaleString('en-US')} sessions in ${naiveMs.toFixed(0).padStart(5)} ms (${left.rows[0]!.n} refresh tokens left); longest write lock ${theirs.longestMs.toFixed(0)} ms`,
  );
  console.log(`  ratio ours / naive: time ${((evidence + revoke) / naiveMs).toFixed(1)}x, longest lock ${(ours.longestMs / Math.max(theirs.longestMs, 1)).toFixed(2)}x${sessions >= 100_000 ? `; target < 5000 ms: ${evidence + revoke < 5000 ? 'met' : 'MISSED'}` : ''}`);
}

export default async function bench(): Promise<void> {
  const url = await benchDatabaseUrl('opsbot_bench_lockdown');
  await measure(url, 500);
  await measure(url, 100_000);
}
