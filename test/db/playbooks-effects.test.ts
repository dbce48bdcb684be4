// Each runbook playbook proven by its real effect on a real database.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supabaseAuthAdmin } from '../../src/playbooks/auth-admin.js';
import type { PlaybookRequest } from '../../src/playbooks/request.js';
import { FakeHttp, jsonResponse } from '../support/slack.js';
import { appRole, engineHarness, seedOrg, type EngineHarness } from '../support/playbooks.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
let h: EngineHarness;

beforeAll(async () => {
  db = await createTestDatabase();
  h = engineHarness(db.url);
});
afterAll(async () => {
  await h.close();
  await db.drop();
});

async function requestAndApprove(harness: EngineHarness, playbookId: string, rawParams: Record<string, string>): Promise<PlaybookRequest> {
  const { request } = await harness.engine.request({ playbookId, rawParams, requestedBy: 'U0REQ', channel: 'C0OPS' });
  const outcome = await harness.engine.approve(request.id, 'U0APPROVER');
  if (outcome.kind !== 'started') throw new Error(`expected the run to start, got ${outcome.kind}`);
  return outcome.done;
}

describe('kill-idle-connections', () => {
  it('ends the idle sessions opened by the test; the bot’s own connections survive', async () => {
    const role = await appRole(db.pool);
    const clients = Array.from({ length: 3 }, () => new pg.Client({ connectionString: role.url(db.url), application_name: 'dealer-web' }));
    const busy = new pg.Client({ connectionString: role.url(db.url), application_name: 'dealer-report' });
    for (const c of clients) {
      await c.connect();
      c.on('error', () => undefined);
    }
    await busy.connect();
    busy.on('error', () => undefined);
    const running = busy.query('SELECT pg_sleep(3)').catch(() => undefined);
    try {
      await h.target.readOnly('warm', (tx) => tx.query('queries/health/ping'));
      const done = await requestAndApprove(h, 'kill-idle-connections', { minutes: '0' });
      expect(done.error ?? done.state).toBe("succeeded");
      expect(done.rowsAffected).toBe(3);
      const { rows } = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND state = 'idle'`,
        [role.name],
      );
      expect(rows[0]?.n).toBe(0);
      // The busy session was not idle: untouched. The bot still works on all its pools.
      const { rows: active } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'dealer-report'`);
      expect(active[0]?.n).toBe(1);
      await expect(h.target.readOnly('after', (tx) => tx.query('queries/health/ping'))).resolves.toHaveLength(1);
      await expect(h.state.query('state/audit-recent', [1, ''])).resolves.toHaveLength(1);
    } finally {
      await running;
      await Promise.allSettled([...clients, busy].map((c) => c.end()));
      await role.drop();
    }
  });
});

describe('clear-test-data', () => {
  it('deletes test-domain leads with their quotes and interactions, and no other lead', async () => {
    const org = await seedOrg(db.pool);
    await db.pool.query(
      `INSERT INTO public.leads (organization_id, email, first_name)
       SELECT $1, e, 'x' FROM unnest($2::text[]) AS e`,
      [org, ['a@test.com', 'B@TEST.COM', 'c@qa.test.com', 'real@example.com', 'd@atest.com', 'e@test.com.evil.org', 'f@test.co']],
    );
    await db.pool.query(
      `INSERT INTO public.quotes (organization_id, lead_id, amount) SELECT $1, id, 1000 FROM public.leads WHERE email IN ('a@test.com', 'real@example.com')`,
      [org],
    );
    await db.pool.query(
      `INSERT INTO public.interactions (organization_id, lead_id, content) SELECT $1, id, 'hi' FROM public.leads WHERE email IN ('B@TEST.COM', 'real@example.com')`,
      [org],
    );
    const done = await requestAndApprove(h, 'clear-test-data', {});
    expect(done.state).toBe('succeeded');
    expect(done.preview.count).toBe(3);
    const { rows } = await db.pool.query<{ email: string }>('SELECT email FROM public.leads ORDER BY email');
    expect(rows.map((r) => r.email)).toEqual(['d@atest.com', 'e@test.com.evil.org', 'f@test.co', 'real@example.com']);
    const { rows: q } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM public.quotes');
    const { rows: i } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM public.interactions');
    expect(q[0]?.n).toBe(1);
    expect(i[0]?.n).toBe(1);
  });
});

describe('purge-old-interactions', () => {
  it('deletes interactions older than 90 days in several batches and keeps newer ones', async () => {
    const org = await seedOrg(db.pool, 'Purge Motors');
    const now = h.clock.now();
    await db.pool.query(
      `INSERT INTO public.interactions (organization_id, content, created_at)
       SELECT $1, 'old', to_timestamp($2 / 1000.0) - interval '100 days' - (g || ' minutes')::interval FROM generate_series(1, 2500) g`,
      [org, now],
    );
    await db.pool.query(
      `INSERT INTO public.interactions (organization_id, content, created_at)
       SELECT $1, 'new', to_timestamp($2 / 1000.0) - interval '10 days' FROM generate_series(1, 40) g`,
      [org, now],
    );
    const done = await requestAndApprove(h, 'purge-old-interactions', { days: '90', batch: '1000' });
    expect(done.state).toBe('succeeded');
    expect(done.rowsAffected).toBe(2500);
    const batches = (done.result?.steps as { rows: number }[]).filter((s) => s.rows > 0);
    expect(batches.map((b) => b.rows)).toEqual([1000, 1000, 500]);
    const { rows } = await db.pool.query<{ content: string; n: number }>(
      `SELECT content, count(*)::int AS n FROM public.interactions WHERE organization_id = $1 GROUP BY content`,
      [org],
    );
    expect(rows).toEqual([{ content: 'new', n: 40 }]);
  });
});

describe('disable-user and enable-user', () => {
  it('disable: Auth ban requested, profile inactive, no sessions; enable reverses ban and flag', async () => {
    const http = new FakeHttp();
    const userId = '6f1f8e0a-1b2c-4d5e-8f90-0123456789ab';
    http.on((c) =>
      c.url === `https://proj.supabase.test/auth/v1/admin/users/${userId}` && c.method === 'PUT' ? jsonResponse({ id: userId }) : undefined,
    );
    const harness = engineHarness(db.url, {
      authAdmin: supabaseAuthAdmin({ url: 'https://proj.supabase.test', serviceRoleKey: 'service-role-key-0123456789abcdef', fetch: http.fetch }),
    });
    try {
      const org = await seedOrg(db.pool, 'Users Inc');
      await db.pool.query(`INSERT INTO auth.users (id, email) VALUES ($1, 'sam@dealer.example')`, [userId]);
      await db.pool.query(`INSERT INTO public.profiles (id, organization_id, email) VALUES ($1, $2, 'sam@dealer.example')`, [userId, org]);
      await db.pool.query(`INSERT INTO auth.sessions (id, user_id) SELECT gen_random_uuid(), $1 FROM generate_series(1, 4)`, [userId]);
      await db.pool.query(`INSERT INTO auth.refresh_tokens (token, user_id, session_id) SELECT 'tok' || id, user_id::text, id FROM auth.sessions WHERE user_id = $1`, [userId]);
      await db.pool.query(`INSERT INTO auth.refresh_tokens (token, user_id, session_id) VALUES ('legacy-1', $1, NULL)`, [userId]);

      const disabled = await requestAndApprove(harness, 'disable-user', { user: userId });
      expect(disabled.state).toBe('succeeded');
      const ban = http.calls.find((c) => c.method === 'PUT');
      expect(ban?.json).toMatchObject({ ban_duration: '876000h' });
      expect(ban?.headers.authorization).toBe('Bearer service-role-key-0123456789abcdef');
      const { rows } = await db.pool.query(
        `SELECT p.active, (SELECT count(*)::int FROM auth.sessions WHERE user_id = $1) AS sessions,
                (SELECT count(*)::int FROM auth.refresh_tokens WHERE user_id = $1::text) AS tokens
         FROM public.profiles p WHERE p.id = $1`,
        [userId],
      );
      expect(rows[0]).toEqual({ active: false, sessions: 0, tokens: 0 });

      const enabled = await requestAndApprove(harness, 'enable-user', { user: userId });
      expect(enabled.state).toBe('succeeded');
      expect(http.calls.filter((c) => c.method === 'PUT').map((c) => (c.json as { ban_duration: string }).ban_duration)).toEqual(['876000h', 'none']);
      const { rows: after } = await db.pool.query<{ active: boolean }>('SELECT active FROM public.profiles WHERE id = $1', [userId]);
      expect(after[0]?.active).toBe(true);
    } finally {
      await harness.close();
    }
  });

  it('an Auth API error fails the run before any database change', async () => {
    const http = new FakeHttp();
    http.on((c) => (c.method === 'PUT' ? jsonResponse({ msg: 'Service unavailable' }, 503) : undefined));
    const harness = engineHarness(db.url, {
      authAdmin: supabaseAuthAdmin({ url: 'https://proj.supabase.test', serviceRoleKey: 'service-role-key-0123456789abcdef', fetch: http.fetch }),
    });
    try {
      const userId = '7a1f8e0a-1b2c-4d5e-8f90-0123456789ab';
      await db.pool.query(`INSERT INTO auth.users (id, email) VALUES ($1, 'kim@dealer.example')`, [userId]);
      await db.pool.query(`INSERT INTO auth.sessions (id, user_id) VALUES (gen_random_uuid(), $1)`, [userId]);
      const done = await requestAndApprove(harness, 'disable-user', { user: userId });
      expect(done.state).toBe('failed');
      expect(done.error).toMatch(/Supabase Auth refused the ban.*nothing else was changed/);
      const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM auth.sessions WHERE user_id = $1', [userId]);
      expect(rows[0]?.n).toBe(1);
    } finally {
      await harness.close();
    }
  });
});

describe('grant-role and revoke-role', () => {
  it('grants and revokes a role; a missing user or organization is refused before approval', async () => {
    const org = await seedOrg(db.pool, 'Roles Ltd');
    const userId = '8b1f8e0a-1b2c-4d5e-8f90-0123456789ab';
    await db.pool.query(`INSERT INTO auth.users (id, email) VALUES ($1, 'ana@dealer.example')`, [userId]);
    const granted = await requestAndApprove(h, 'grant-role', { user: userId, org, role: 'Manager' });
    expect(granted.state).toBe('succeeded');
    const roles = async () => (await db.pool.query<{ role: string }>('SELECT role FROM public.user_roles WHERE user_id = $1', [userId])).rows.map((r) => r.role);
    expect(await roles()).toEqual(['manager']);
    await expect(h.engine.request({ playbookId: 'grant-role', rawParams: { user: userId, org, role: 'manager' }, requestedBy: 'U0REQ' })).rejects.toThrow(/already has the role manager/);
    await expect(
      h.engine.request({ playbookId: 'grant-role', rawParams: { user: userId, org: '00000000-0000-4000-8000-000000000000', role: 'sales' }, requestedBy: 'U0REQ' }),
    ).rejects.toThrow(/No organization/);
    const revoked = await requestAndApprove(h, 'revoke-role', { user: userId, org, role: 'manager' });
    expect(revoked.state).toBe('succeeded');
    expect(await roles()).toEqual([]);
  });
});

describe('vacuum-analyze', () => {
  it('vacuums the named tables (outside a transaction) and refuses unknown ones', async () => {
    await expect(h.engine.request({ playbookId: 'vacuum-analyze', rawParams: { tables: 'public.leads,public.nope' }, requestedBy: 'U0REQ' })).rejects.toThrow(
      /No such table: public.nope/,
    );
    const done = await requestAndApprove(h, 'vacuum-analyze', { tables: 'public.leads, public.vehicles' });
    expect(done.state).toBe('succeeded');
    const { rows } = await db.pool.query<{ relname: string; vacuumed: boolean }>(
      `SELECT relname, last_vacuum IS NOT NULL AS vacuumed FROM pg_stat_user_tables WHERE relname IN ('leads', 'vehicles') ORDER BY relname`,
    );
    expect(rows).toEqual([
      { relname: 'leads', vacuumed: true },
      { relname: 'vehicles', vacuumed: true },
    ]);
  });
});

describe('create-recommended-indexes', () => {
  it('creates the runbook indexes concurrently, skips existing ones and reports an invalid one', async () => {
    const done = await requestAndApprove(h, 'create-recommended-indexes', {});
    expect(done.state).toBe('succeeded');
    expect(done.rowsAffected).toBe(3);
    const { rows } = await db.pool.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE indexname IN ('idx_interactions_created_at', 'idx_leads_org_created', 'idx_leads_status') ORDER BY 1`,
    );
    expect(rows.map((r) => r.indexname)).toEqual(['idx_interactions_created_at', 'idx_leads_org_created', 'idx_leads_status']);
    // A failed concurrent build leaves an INVALID index: simulate one and look at the preview.
    await db.pool.query(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'public.idx_leads_org_created'::regclass`);
    const { request } = await h.engine.request({ playbookId: 'create-recommended-indexes', rawParams: {}, requestedBy: 'U0REQ' });
    expect(request.preview.count).toBe(0);
    expect(request.preview.items.join('\n')).toMatch(/idx_leads_org_created .*INVALID — drop it with DROP INDEX CONCURRENTLY/);
  });
});

describe('terminate-backend', () => {
  it('cancels a runaway statement of the named pid and refuses superuser sessions', async () => {
    const role = await appRole(db.pool);
    const runaway = new pg.Client({ connectionString: role.url(db.url), application_name: 'runaway-report' });
    await runaway.connect();
    runaway.on('error', () => undefined);
    try {
      const pid = (await runaway.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const result = runaway.query('SELECT pg_sleep(20)').then(
        () => 'finished',
        (err: Error) => err.message,
      );
      await new Promise((r) => setTimeout(r, 300));
      const done = await requestAndApprove(h, 'terminate-backend', { pid: String(pid) });
      expect(done.error ?? done.state).toBe("succeeded");
      expect(await result).toMatch(/canceling statement due to user request/);
      const superPid = (await db.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await expect(h.engine.request({ playbookId: 'terminate-backend', rawParams: { pid: String(superPid) }, requestedBy: 'U0REQ' })).rejects.toThrow(
        /superuser|own sessions/,
      );
    } finally {
      await runaway.end().catch(() => undefined);
      await role.drop();
    }
  });
});
