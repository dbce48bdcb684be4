// The local workspace's databases on a real Postgres: created when missing, the target seeded
// once with AutoRepAi-shaped data in the volumes the playbooks and diagnostics need, and
// reseeded by reset (the state store kept).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { databaseUrl, ensureLocalDatabases, isSeeded, resetLocalDatabases } from '../../src/local/db/seed.js';
import { dropDatabase } from '../support/template.js';

const server = inject('pgServerUrl');
const names = { target: `opsbot_lseed_${process.pid}_t`, state: `opsbot_lseed_${process.pid}_s` };
const now = () => systemClock.monotonic();
let target: pg.Pool;

async function count(q: string): Promise<number> {
  const { rows } = await target.query<{ n: string }>(q);
  return Number(rows[0]!.n);
}

beforeAll(() => {
  target = new pg.Pool({ connectionString: databaseUrl(server, names.target), max: 2 });
  target.on('error', () => undefined);
});

afterAll(async () => {
  await target.end();
  for (const n of [names.target, names.state]) await dropDatabase(server, n).catch(() => undefined);
});

describe('local workspace seed', () => {
  it('creates both databases and seeds the target once, with the marker', { timeout: 90_000 }, async () => {
    expect(await isSeeded(databaseUrl(server, names.target)).catch(() => false)).toBe(false);
    const first = await ensureLocalDatabases(server, now, names);
    expect(first.seeded).toBe(true);
    expect(first.ms).toBeGreaterThan(0);
    expect(first.stateUrl).toBe(databaseUrl(server, names.state));
    expect(await isSeeded(first.targetUrl)).toBe(true);

    expect(await count('SELECT count(*) AS n FROM public.organizations')).toBe(12);
    expect(await count('SELECT count(*) AS n FROM public.dealerships')).toBe(48);
    expect(await count('SELECT count(*) AS n FROM auth.users')).toBe(2400);
    expect(await count('SELECT count(*) AS n FROM public.profiles')).toBe(2400);
    expect(await count('SELECT count(*) AS n FROM public.user_roles')).toBe(2400);
    expect(await count('SELECT count(*) AS n FROM public.leads')).toBe(30_000);
    const testLeads = await count(`SELECT count(*) AS n FROM public.leads WHERE email LIKE '%@test.com'`);
    expect(testLeads).toBeGreaterThan(500);
    expect(testLeads).toBeLessThan(2000);
    expect(await count('SELECT count(*) AS n FROM public.vehicles')).toBe(6000);
    expect(await count('SELECT count(*) AS n FROM public.quotes')).toBe(9000);
    expect(await count('SELECT count(*) AS n FROM public.interactions')).toBe(60_000);
    expect(await count(`SELECT count(*) AS n FROM public.interactions WHERE created_at < now() - interval '90 days'`)).toBe(20_000);
    expect(await count('SELECT count(*) AS n FROM public.integrations WHERE active')).toBeGreaterThan(40);
    expect(await count('SELECT count(*) AS n FROM auth.sessions')).toBe(3000);
    expect(await count('SELECT count(*) AS n FROM auth.refresh_tokens')).toBe(6000);
    expect(await count('SELECT count(*) AS n FROM auth.audit_log_entries')).toBe(20_000);
    // A few failed sign-ins an hour: below the runbook's 10 a minute.
    const failedLastHour = await count(`SELECT count(*) AS n FROM auth.audit_log_entries WHERE payload ->> 'action' ILIKE '%fail%' AND created_at > now() - interval '1 hour'`);
    expect(failedLastHour).toBeGreaterThan(0);
    expect(failedLastHour).toBeLessThan(60);
    expect(await count(`SELECT count(*) AS n FROM pg_extension WHERE extname = 'pg_stat_statements'`)).toBe(1);

    // A second start finds the marker and leaves the data alone.
    await target.query(`DELETE FROM public.leads WHERE email LIKE '%@test.com'`);
    const again = await ensureLocalDatabases(server, now, names);
    expect(again.seeded).toBe(false);
    expect(await count(`SELECT count(*) AS n FROM public.leads WHERE email LIKE '%@test.com'`)).toBe(0);
  });

  it('reset drops the target (ending its sessions) and seeds it again; the state store stays', { timeout: 90_000 }, async () => {
    const state = new pg.Client({ connectionString: databaseUrl(server, names.state) });
    await state.connect();
    await state.query('CREATE TABLE IF NOT EXISTS kept (id int)');
    await state.end();
    // A session left on the target (the bot's pool) does not stop the reset.
    const holder = new pg.Client({ connectionString: databaseUrl(server, names.target) });
    holder.on('error', () => undefined);
    await holder.connect();

    const r = await resetLocalDatabases(server, now, names);
    expect(r.seeded).toBe(true);
    await holder.end().catch(() => undefined);
    await target.end();
    target = new pg.Pool({ connectionString: databaseUrl(server, names.target), max: 2 });
    target.on('error', () => undefined);
    expect(await count(`SELECT count(*) AS n FROM public.leads WHERE email LIKE '%@test.com'`)).toBeGreaterThan(500);
    const stateAfter = new pg.Client({ connectionString: databaseUrl(server, names.state) });
    await stateAfter.connect();
    expect((await stateAfter.query(`SELECT to_regclass('public.kept') AS t`)).rows[0].t).toBe('kept');
    await stateAfter.end();
  });
});
