// The local workspace's stand-ins for what the health checks read from the Supabase platform:
// the Prometheus metrics endpoint (CPU follows the statements running on the target), the
// Management API auth config, and the function logs the edge figures come from (each ai-chat
// call is logged, so a drill's 402s show up) — read through the bot's own adapters, so local
// mode shows real figures and refuses a wrong key the way Supabase does.
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { authConfigItems, createAuthConfigSource } from '../../src/health/auth-config.js';
import { createDbMetricsSource, hostItems } from '../../src/health/db-metrics.js';
import { edgeCheck } from '../../src/health/edge.js';
import { createEdgeMetricsSource } from '../../src/health/edge-metrics.js';
import type { HealthItem } from '../../src/health/types.js';
import { createSimulatedSupabase } from '../../src/local/supabase/server.js';
import { createWorld, type SimulatedWorld } from '../../src/local/supabase/world.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const silent = pino({ level: 'silent' });
const keys = { anonKey: 'sb_publishable_local-anon-0123456789', serviceRoleKey: 'sb_secret_local-service-0123456789', accessToken: 'sbp_local-access-token-0123456789' };
const REF = 'localautorepai';
let offset = 0;
const clock: Clock = { now: () => systemClock.now() + offset, monotonic: () => systemClock.monotonic() };
const ctx = () => ({ signal: new AbortController().signal, timeoutMs: 5000 });
const T = { cpuWarnPct: 70, cpuCriticalPct: 80, memoryWarnPct: 90, storageWarnPct: 80, storageCriticalPct: 90 };
const ET = { errorRateWarnPct: 1, errorRateCriticalPct: 5, latencyWarnMs: 2000, latencyCriticalMs: 3000, windowMs: 15 * 60_000 };
const byKey = (items: HealthItem[], key: string) => items.find((i) => i.key === key)!;

let db: TestDatabase;
let world: SimulatedWorld;
let sim: Awaited<ReturnType<typeof createSimulatedSupabase>>;

beforeAll(async () => {
  db = await createTestDatabase();
  world = createWorld();
  sim = createSimulatedSupabase({ world, keys, projectRef: REF, functionName: 'ai-chat', targetUrl: db.url, clock, logger: silent });
  await sim.listen(0);
});
afterAll(async () => {
  await sim?.close();
  await db?.drop();
});

describe('simulated metrics endpoint', () => {
  it('refuses a wrong service-role key with 401, as Supabase does', async () => {
    const source = createDbMetricsSource({ url: `${sim.supabaseUrl}/customer/v1/privileged/metrics`, serviceRoleKey: 'sb_secret_wrong-0000000000', fetch, clock, sleep: () => Promise.resolve() });
    expect((await hostItems(source, T, ctx()))[0]).toMatchObject({ status: 'unknown', data: { failure: 'refused' } });
  });

  it('idle: CPU at the base load; a running statement on the target raises it; memory and disk from the world', async () => {
    const source = createDbMetricsSource({ url: `${sim.supabaseUrl}/customer/v1/privileged/metrics`, serviceRoleKey: keys.serviceRoleKey, fetch, clock, sampleGapMs: 50 });
    const idle = await hostItems(source, T, ctx());
    expect(byKey(idle, 'cpu').status).toBe('ok');
    expect((byKey(idle, 'cpu').data as { pct: number; cpus: number }).pct).toBeCloseTo(12, 0);
    expect(byKey(idle, 'memory').data).toMatchObject({ pct: 35 });
    expect(byKey(idle, 'disk')).toMatchObject({ label: 'Disk (/data)', data: { pct: 28.75 } });

    // Two statements running when the next scrape comes: 0.12 + 2 × 0.35 = 82 % of the minute.
    const a = new pg.Client({ connectionString: db.url });
    const b = new pg.Client({ connectionString: db.url });
    await Promise.all([a.connect(), b.connect()]);
    const sleeping = [a.query('SELECT pg_sleep(3)'), b.query('SELECT pg_sleep(3)')];
    try {
      await new Promise((r) => setTimeout(r, 300));
      offset += 60_000;
      const busy = await hostItems(source, T, ctx());
      expect(byKey(busy, 'cpu')).toMatchObject({ status: 'critical' });
      expect((byKey(busy, 'cpu').data as { pct: number }).pct).toBeCloseTo(82, 0);
    } finally {
      await Promise.allSettled(sleeping);
      await Promise.all([a.end(), b.end()]);
    }
  }, 20_000);
});

describe('simulated Management API auth config', () => {
  it('reports the app as Site URL and on the allow-list; a drill that breaks the Site URL warns; a wrong token is refused', async () => {
    const source = createAuthConfigSource({ accessToken: keys.accessToken, projectRef: REF, apiUrl: sim.managementApiUrl, fetch, clock });
    const ok = await authConfigItems(source, sim.appUrl, ctx());
    expect(ok.map((i) => [i.key, i.status])).toEqual([
      ['site_url', 'ok'],
      ['redirect_urls', 'ok'],
      ['email_confirmation', 'ok'],
    ]);
    world.authSiteUrl = 'http://localhost:3000';
    try {
      expect(byKey(await authConfigItems(source, sim.appUrl, ctx()), 'site_url').status).toBe('warn');
    } finally {
      delete world.authSiteUrl;
    }
    const wrong = createAuthConfigSource({ accessToken: 'sbp_wrong-token-000000000000', projectRef: REF, apiUrl: sim.managementApiUrl, fetch, clock });
    expect((await authConfigItems(wrong, sim.appUrl, ctx()))[0]!.value).toMatch(/HTTP 401/);
  });
});

describe('edge figures from the simulated function logs', () => {
  it('the background traffic gives invocations and a P95; a no-credits gateway shows 402s and credit warnings', async () => {
    for (const endpointPath of ['/v1/projects/{ref}/analytics/endpoints/logs.all', '/v1/projects/{ref}/analytics/endpoints/logs']) {
      const source = createEdgeMetricsSource({ accessToken: keys.accessToken, projectRef: REF, apiUrl: sim.managementApiUrl, endpointPath, fetch, clock, windowMs: ET.windowMs });
      const check = edgeCheck({ supabaseUrl: sim.supabaseUrl, anonKey: keys.anonKey, functionName: 'ai-chat', fetch, clock, latencyWarnMs: 2000, latencyCriticalMs: 3000, metrics: { source, thresholds: ET } });
      const items = await check.run(ctx());
      expect((byKey(items, 'invocations').data as { total: number }).total).toBeGreaterThan(40);
      expect(byKey(items, 'p95').data).toHaveProperty('ms');
      expect(byKey(items, 'ai_credits').status).toBe('ok');
    }
    world.gateway = 'no_credits';
    try {
      const source = createEdgeMetricsSource({ accessToken: keys.accessToken, projectRef: REF, apiUrl: sim.managementApiUrl, endpointPath: '/v1/projects/{ref}/analytics/endpoints/logs.all', fetch, clock, windowMs: ET.windowMs });
      const probeOnly = edgeCheck({ supabaseUrl: sim.supabaseUrl, anonKey: keys.anonKey, functionName: 'ai-chat', fetch, clock, latencyWarnMs: 2000, latencyCriticalMs: 3000 });
      expect(byKey(await probeOnly.run(ctx()), 'response').data).toMatchObject({ status: 402 });
      // A read's window ends at its own now (exclusive): on a fast machine the probe's 402 can be
      // logged in that very millisecond and fall just outside it (the next check sees it). A
      // second later, as the next scheduled check would be, it is inside.
      offset += 1000;
      const withLogs = edgeCheck({ supabaseUrl: sim.supabaseUrl, anonKey: keys.anonKey, functionName: 'ai-chat', fetch, clock, latencyWarnMs: 2000, latencyCriticalMs: 3000, metrics: { source, thresholds: ET } });
      const credits = byKey(await withLogs.run(ctx()), 'ai_credits');
      expect(credits.status).toBe('critical');
      expect((credits.data as { paymentRequired: number; creditWarnings: number }).paymentRequired).toBeGreaterThanOrEqual(1);
      expect((credits.data as { creditWarnings: number }).creditWarnings).toBeGreaterThanOrEqual(1);
    } finally {
      world.gateway = 'ok';
    }
  }, 20_000);
});
