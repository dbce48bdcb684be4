// `opsbot health … --json` and `opsbot schedule --json` against the local workspace's simulated
// Supabase and a real (migrated) database: the host, edge and auth figures arrive in the JSON the
// way the Slack report gets them, and the schedule stops listing the CPU and edge error-rate
// rules as unavailable once the service-role key and the access token are set.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/app/cli/main.js';
import { systemClock } from '../../src/core/clock.js';
import type { HealthItem, HealthReport } from '../../src/health/types.js';
import { createSimulatedSupabase } from '../../src/local/supabase/server.js';
import { createWorld } from '../../src/local/supabase/world.js';
import type { SchedulePlan } from '../../src/scheduler/scheduler.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const keys = { anonKey: 'sb_publishable_local-anon-0123456789', serviceRoleKey: 'sb_secret_local-service-0123456789', accessToken: 'sbp_local-access-token-0123456789' };
const REF = 'localautorepai';
let db: TestDatabase;
let sim: Awaited<ReturnType<typeof createSimulatedSupabase>>;

beforeAll(async () => {
  db = await createTestDatabase();
  sim = createSimulatedSupabase({ world: createWorld(), keys, projectRef: REF, functionName: 'ai-chat', targetUrl: db.url, clock: systemClock, logger: pino({ level: 'silent' }) });
  await sim.listen(0);
});
afterAll(async () => {
  await sim?.close();
  await db?.drop();
});

const env = (full = true): Record<string, string> => ({
  DATABASE_URL: db.url,
  APP_URL: sim.appUrl,
  SUPABASE_URL: sim.supabaseUrl,
  SUPABASE_ANON_KEY: keys.anonKey,
  SUPABASE_PROJECT_REF: REF,
  SUPABASE_MANAGEMENT_API_URL: sim.managementApiUrl,
  LOG_LEVEL: 'silent',
  ...(full ? { SUPABASE_SERVICE_ROLE_KEY: keys.serviceRoleKey, SUPABASE_ACCESS_TOKEN: keys.accessToken } : {}),
});

async function cli(args: string[], e: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { env: e, stdout: (s) => (out += s), stderr: (s) => (err += s), fetch: globalThis.fetch });
  return { code, out, err };
}
const items = (r: HealthReport, component: string): HealthItem[] => r.components.find((c) => c.component === component)!.items;
const byKey = (list: HealthItem[], key: string) => list.find((i) => i.key === key);

describe('opsbot health --json with the platform sources', () => {
  it('db: CPU, memory and disk from the metrics endpoint beside the SQL figures', async () => {
    const r = await cli(['health', 'db', '--json'], env());
    expect(r.err).toBe('');
    const list = items(JSON.parse(r.out) as HealthReport, 'database');
    expect(byKey(list, 'cpu')).toMatchObject({ status: 'ok', data: { cpus: 2 } });
    expect(byKey(list, 'memory')).toMatchObject({ data: { pct: 35 } });
    expect(byKey(list, 'disk')).toMatchObject({ data: { mountpoint: '/data' } });
    expect(byKey(list, 'connections')).toBeDefined();
  }, 30_000);

  it('edge and auth: the figures from the function logs and the auth config', async () => {
    const edge = items(JSON.parse((await cli(['health', 'edge', '--json'], env())).out) as HealthReport, 'edge');
    expect(edge.map((i) => i.key)).toEqual(['response', 'latency', 'invocations', 'error_rate', 'p95', 'rate_limits', 'ai_credits']);
    expect((byKey(edge, 'invocations')!.data as { total: number }).total).toBeGreaterThan(0);
    const frontend = items(JSON.parse((await cli(['health', 'frontend', '--json'], env())).out) as HealthReport, 'frontend');
    expect(byKey(frontend, 'tls_expiry')).toMatchObject({ informational: true, value: 'not checked: APP_URL is http:// (no certificate)' });
  }, 30_000);

  it('without the key and token the same commands run, without those items', async () => {
    const list = items(JSON.parse((await cli(['health', 'db', '--json'], env(false))).out) as HealthReport, 'database');
    expect(byKey(list, 'cpu')).toBeUndefined();
  }, 30_000);
});

describe('opsbot schedule --json', () => {
  const notes = (plan: SchedulePlan) => plan.jobs.find((j) => j.id === 'alerts.evaluate')?.notes ?? [];

  it('lists no unavailable rule once the sources are configured, and names what to set otherwise', async () => {
    const configured = await cli(['schedule', '--json'], env());
    expect(configured.err).toBe('');
    expect(notes(JSON.parse(configured.out) as SchedulePlan)).toEqual([]);
    const bare = notes(JSON.parse((await cli(['schedule', '--json'], env(false))).out) as SchedulePlan);
    expect(bare.map((n) => n.split(' ')[0])).toEqual(['db_cpu', 'edge_error_rate']);
  }, 30_000);
});
