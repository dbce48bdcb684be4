// The local workspace's simulated world against the bot's own adapters and diagnostics, on a
// seeded target in a real Postgres: the simulated Supabase answers in the shapes the health
// checks, the Auth admin client and the logs source parse, and each drill produces the symptom
// the bot detects, is finished by the responder's action, and is cleared by reset.
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { UpstreamError } from '../../src/core/errors.js';
import { sql } from '../../src/core/sql.js';
import { createTargetDb, type TargetDb } from '../../src/db/target.js';
import { createDiagnosticsService, type DiagnosticsService } from '../../src/diagnostics/service.js';
import type { DiagnosticReport } from '../../src/diagnostics/types.js';
import { authCheck } from '../../src/health/auth.js';
import { edgeCheck } from '../../src/health/edge.js';
import { frontendCheck } from '../../src/health/frontend.js';
import type { HealthItem } from '../../src/health/types.js';
import { ensureLocalDatabases } from '../../src/local/db/seed.js';
import { createDrillRunner, type DrillRunner } from '../../src/local/drills/runner.js';
import type { MaintenancePort } from '../../src/local/drills/types.js';
import { RATE_LIMIT_MS } from '../../src/local/drills/world-drills.js';
import { createSimulatedSupabase } from '../../src/local/supabase/server.js';
import { createWorld, type SimulatedWorld } from '../../src/local/supabase/world.js';
import { createSupabaseLogSource } from '../../src/logs/sources/supabase.js';
import { supabaseAuthAdmin } from '../../src/playbooks/auth-admin.js';
import { dropDatabase } from '../support/template.js';

const silent = pino({ level: 'silent' });
const server = inject('pgServerUrl');
const names = { target: `opsbot_ldrill_${process.pid}_t`, state: `opsbot_ldrill_${process.pid}_s` };
const keys = { anonKey: 'sb_publishable_local-anon-0123456789', serviceRoleKey: 'sb_secret_local-service-0123456789', accessToken: 'sbp_local-access-token-0123456789' };
const REF = 'localautorepai';

// Real time, with an offset the tests move forward for the drills that change over time.
let offset = 0;
const clock: Clock = { now: () => systemClock.now() + offset, monotonic: () => systemClock.monotonic() };

let targetUrl: string;
let pool: pg.Pool;
let target: TargetDb;
let diagnostics: DiagnosticsService;
let world: SimulatedWorld;
let sim: Awaited<ReturnType<typeof createSimulatedSupabase>>;
let runner: DrillRunner;
const windows: { added: { startsAt: number; durationMs: number }[]; skipped: string[] } = { added: [], skipped: [] };

const maintenance: MaintenancePort = {
  timezone: 'America/New_York',
  add: (req) => {
    windows.added.push(req);
    return Promise.resolve();
  },
  skip: (d) => {
    windows.skipped.push(`${d.year}-${d.month}-${d.day}`);
    return Promise.resolve();
  },
};

const ctx = () => ({ signal: new AbortController().signal, timeoutMs: 5000 });
const section = (r: DiagnosticReport, key: string) => {
  const s = r.sections.find((x) => x.key === key);
  if (!s) throw new Error(`no section ${key}`);
  return s;
};
const item = (items: HealthItem[], key: string) => {
  const i = items.find((x) => x.key === key);
  if (!i) throw new Error(`no item ${key} in ${items.map((x) => x.key).join(', ')}`);
  return i;
};
const edge = () => edgeCheck({ supabaseUrl: sim.supabaseUrl, anonKey: keys.anonKey, functionName: 'ai-chat', fetch, clock, latencyWarnMs: 2000, latencyCriticalMs: 3000 }).run(ctx());
const auth = () => authCheck({ supabaseUrl: sim.supabaseUrl, anonKey: keys.anonKey, fetch, clock, db: target, failedLoginsPerMinuteWarn: 10 }).run(ctx());

beforeAll(async () => {
  ({ targetUrl } = await ensureLocalDatabases(server, () => systemClock.monotonic(), names));
  pool = new pg.Pool({ connectionString: targetUrl, max: 2 });
  pool.on('error', () => undefined);
  target = createTargetDb({ url: targetUrl, poolMax: 3, statementTimeoutMs: 5000, lockTimeoutMs: 500, connectTimeoutMs: 5000, logger: silent, monotonic: () => performance.now() });
  diagnostics = createDiagnosticsService({ db: target, clock });
  world = createWorld();
  sim = createSimulatedSupabase({ world, keys, projectRef: REF, functionName: 'ai-chat', targetUrl, clock, logger: silent });
  await sim.listen(0);
  runner = createDrillRunner({ context: { targetUrl, serverUrl: server, targetDatabase: names.target, world, clock, logger: silent, maintenance }, pollMs: 0 });
}, 120_000);

afterAll(async () => {
  await runner?.close();
  await sim?.close();
  await target?.close();
  await pool?.end();
  for (const n of [names.target, names.state]) await dropDatabase(server, n).catch(() => undefined);
});

describe('simulated Supabase through the bot’s adapters', () => {
  it('front end, Auth health and the ai-chat probe answer as healthy, only on 127.0.0.1', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const front = await frontendCheck({ appUrl: sim.appUrl, fetch, clock, latencyWarnMs: 2000 }).run(ctx());
    expect(item(front, 'http')).toMatchObject({ status: 'ok', value: '200' });
    const a = await auth();
    expect(item(a, 'service').status).toBe('ok');
    expect(item(a, 'service').value).toMatch(/GoTrue v2/);
    expect(item(a, 'failed_logins').status).toBe('ok');
    expect(item(await edge(), 'response')).toMatchObject({ status: 'ok', value: '200, JSON reply' });
  });

  it('refuses a wrong key the way Supabase does', async () => {
    const wrong = await edgeCheck({ supabaseUrl: sim.supabaseUrl, anonKey: 'sb_publishable_wrong-key-000000', functionName: 'ai-chat', fetch, clock, latencyWarnMs: 2000, latencyCriticalMs: 3000 }).run(ctx());
    expect(item(wrong, 'response').value).toBe('401 unauthorized');
    const admin = supabaseAuthAdmin({ url: sim.supabaseUrl, serviceRoleKey: 'sb_secret_wrong-key-0000000000', fetch, clock, sleep: () => Promise.resolve() });
    await expect(admin.setBan('00000000-0000-0000-0000-000000000000', '24h')).rejects.toBeInstanceOf(UpstreamError);
  });

  it('the Auth admin API bans and unbans in auth.users, as the disable-user playbook asks it to', async () => {
    const { rows } = await pool.query<{ id: string }>(`SELECT id FROM auth.users ORDER BY id OFFSET 5 LIMIT 1`);
    const id = rows[0]!.id;
    const admin = supabaseAuthAdmin({ url: sim.supabaseUrl, serviceRoleKey: keys.serviceRoleKey, fetch, clock, sleep: () => Promise.resolve() });
    await admin.setBan(id, '876000h');
    const banned = await pool.query<{ b: boolean }>(`SELECT banned_until > now() + interval '90 years' AS b FROM auth.users WHERE id = $1`, [id]);
    expect(banned.rows[0]!.b).toBe(true);
    await admin.setBan(id, 'none');
    expect((await pool.query(`SELECT banned_until FROM auth.users WHERE id = $1`, [id])).rows[0].banned_until).toBeNull();
    await expect(admin.setBan('11111111-1111-1111-1111-111111111111', '24h')).rejects.toThrow(/404/);
  });

  it.each(['/v1/projects/{ref}/analytics/endpoints/logs.all', '/v1/projects/{ref}/analytics/endpoints/logs'])(
    'the Management API logs (%s) give edge, Postgres and auth lines the logs source reads',
    async (endpointPath) => {
      const source = createSupabaseLogSource({ accessToken: keys.accessToken, projectRef: REF, apiUrl: sim.managementApiUrl, endpointPath, fetch, clock, pageSize: 500 });
      const edgeLogs = await source.fetchLogs({ kind: 'edge', sinceMs: 3_600_000 });
      // Two tables (requests and function output), 10 lines a minute between them, more in a busy hour.
      expect(edgeLogs.records.length).toBeGreaterThan(400);
      expect(edgeLogs.records.some((r) => /^POST \| 200 \| https:\/\/localautorepai\.supabase\.co\/functions\/v1\/ai-chat$/.test(r.message))).toBe(true);
      expect(edgeLogs.records.every((r) => r.timestamp !== undefined && r.timestamp >= edgeLogs.window.start && r.timestamp < edgeLogs.window.end)).toBe(true);
      const pgLogs = await source.fetchLogs({ kind: 'postgres', sinceMs: 3_600_000 });
      expect(pgLogs.records.some((r) => r.message.startsWith('connection authorized: user=authenticator'))).toBe(true);
      const authLogs = await source.fetchLogs({ kind: 'auth', sinceMs: 3_600_000 });
      // GoTrue's JSON inside event_message: the parser takes its msg as the message.
      expect(authLogs.records.some((r) => r.message === 'request completed')).toBe(true);
      const bad = createSupabaseLogSource({ accessToken: 'sbp_wrong-token-000000000000', projectRef: REF, apiUrl: sim.managementApiUrl, endpointPath, fetch, clock, sleep: () => Promise.resolve() });
      await expect(bad.fetchLogs({ kind: 'edge', sinceMs: 60_000 })).rejects.toThrow(/HTTP 401/);
    },
  );
});

describe('drills produce what the bot detects; reset clears it', () => {
  it('pool exhaustion: /db connections is critical and kill-idle-connections would end the held sessions; reset ends them', async () => {
    await runner.start('pool-exhaustion');
    const conns = await diagnostics.run({ command: 'db', topic: 'connections' });
    expect(section(conns, 'totals').status).toBe('critical');
    // The playbook's own preview lists them: ordinary client sessions, not the bot's, not a superuser's.
    const preview = await pool.query<{ usename: string }>(sql('playbooks/kill-idle-connections/preview'), [0, names.target, ['supabase_admin']]);
    expect(preview.rows.filter((r) => r.usename === 'autorepai_api').length).toBe(55);
    expect(runner.status('pool-exhaustion').state).toBe('running');
    await runner.reset('pool-exhaustion');
    expect(runner.status('pool-exhaustion')).toMatchObject({ state: 'finished', finishedBy: 'reset' });
    const after = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'autorepai_api' AND datname = $1`, [names.target]);
    expect(after.rows[0]!.n).toBe(0);
  }, 60_000);

  it('lock pile-up: /db locks shows the blocked pids behind one blocker; ending the blocker finishes the drill, timed', async () => {
    await runner.start('lock-pileup');
    const chains = section(await diagnostics.run({ command: 'db', topic: 'locks' }), 'chains');
    const [root, ...waiters] = chains.findings;
    expect(waiters.length).toBe(4);
    expect(root!.facts.some((f) => /idle in transaction/.test(f))).toBe(true);
    expect(chains.nextStep).toContain(`terminate-backend pid=${String(root!.data.pid)} terminate=yes`);
    await runner.poll();
    expect(runner.status('lock-pileup').state).toBe('running');
    // The responder's action (what the approved terminate-backend does): end the blocker.
    await pool.query('SELECT pg_terminate_backend($1)', [root!.data.pid]);
    await runner.poll();
    const st = runner.status('lock-pileup');
    expect(st).toMatchObject({ state: 'finished', finishedBy: 'action' });
    expect(st.elapsedMs).toBeGreaterThanOrEqual(0);
    await runner.reset('lock-pileup');
    const calm = section(await diagnostics.run({ command: 'db', topic: 'locks' }), 'chains');
    expect(calm.status).toBe('ok');
  }, 60_000);

  it('slow query: /db long lists the runaway and /slowqueries-style stats exist; reset ends it', async () => {
    await runner.start('slow-query');
    const long = await diagnostics.run({ command: 'db', topic: 'long', seconds: 0 });
    const client = section(long, 'client');
    expect(client.findings.some((f) => /pg_sleep/.test(f.query ?? ''))).toBe(true);
    await runner.reset('slow-query');
    const after = await diagnostics.run({ command: 'db', topic: 'long', seconds: 0 });
    expect(section(after, 'client').findings.some((f) => /pg_sleep/.test(f.query ?? ''))).toBe(false);
  }, 60_000);

  it('AI gateway: the edge probe sees 429, then 402 after the rate-limit phase; reset brings 200 back', async () => {
    await runner.start('ai-gateway');
    expect(item(await edge(), 'response')).toMatchObject({ status: 'warn', value: '429 rate limited' });
    offset += RATE_LIMIT_MS + 1000;
    await runner.poll();
    expect(item(await edge(), 'response')).toMatchObject({ status: 'critical', value: '402 AI credits exhausted' });
    const source = createSupabaseLogSource({ accessToken: keys.accessToken, projectRef: REF, apiUrl: sim.managementApiUrl, fetch, clock });
    const logs = await source.fetchLogs({ kind: 'edge', sinceMs: 15 * 60_000 });
    expect(logs.records.some((r) => /429 Too Many Requests/.test(r.message))).toBe(true);
    expect(logs.records.some((r) => /402 Payment Required/.test(r.message))).toBe(true);
    await runner.reset('ai-gateway');
    expect(item(await edge(), 'response').status).toBe('ok');
    offset = 0;
  });

  it('failed-login storm: /health auth warns; disabling the account finishes it; reset removes the storm and the ban', async () => {
    await runner.start('login-storm');
    expect(item(await auth(), 'failed_logins').status).toBe('warn');
    await runner.poll();
    expect(runner.status('login-storm').state).toBe('running');
    const { rows } = await pool.query<{ id: string }>(sql('local/drills/storm-target'));
    await supabaseAuthAdmin({ url: sim.supabaseUrl, serviceRoleKey: keys.serviceRoleKey, fetch, clock }).setBan(rows[0]!.id, '876000h');
    await runner.poll();
    expect(runner.status('login-storm')).toMatchObject({ state: 'finished', finishedBy: 'action' });
    await runner.reset('login-storm');
    expect(item(await auth(), 'failed_logins').status).toBe('ok');
    expect((await pool.query(`SELECT banned_until FROM auth.users WHERE id = $1`, [rows[0]!.id])).rows[0].banned_until).toBeNull();
  });

  it('data breach: the leaked key and the sign-in burst are in the logs; it ends once sessions and integrations are gone', async () => {
    await runner.start('data-breach');
    const source = createSupabaseLogSource({ accessToken: keys.accessToken, projectRef: REF, apiUrl: sim.managementApiUrl, fetch, clock });
    const edgeLogs = await source.fetchLogs({ kind: 'edge', sinceMs: 30 * 60_000 });
    expect(edgeLogs.records.some((r) => r.message.includes('sb_secret_LEAKED'))).toBe(true);
    const authLogs = await source.fetchLogs({ kind: 'auth', sinceMs: 30 * 60_000 });
    expect(authLogs.records.filter((r) => r.message === 'Login').length).toBeGreaterThanOrEqual(300);
    await runner.poll();
    expect(runner.status('data-breach').state).toBe('running');
    await runner.reset('data-breach');
    expect((await source.fetchLogs({ kind: 'edge', sinceMs: 30 * 60_000 })).records.some((r) => r.message.includes('sb_secret_LEAKED'))).toBe(false);
  });

  it('maintenance in two minutes: a one-off window is added two minutes ahead, and cancelled by reset', async () => {
    const before = clock.now();
    await runner.start('maintenance-soon');
    expect(windows.added).toHaveLength(1);
    expect(windows.added[0]!.startsAt - before).toBeGreaterThanOrEqual(120_000);
    expect(windows.added[0]!.startsAt - before).toBeLessThanOrEqual(180_000);
    await runner.reset('maintenance-soon');
    expect(windows.skipped).toHaveLength(1);
    await expect(runner.start('no-such-drill')).rejects.toThrow(/There is no drill "no-such-drill"/);
  });
});
