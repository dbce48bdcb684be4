// The approved scope of the breach lockdown (decision in playbooks/lockdown.ts): lockdown-start
// approves the action "revoke every session, switch off every integration", so sessions and
// integrations that appear before approval or during the run are revoked too — and nothing
// outside auth sessions/tokens and integrations is touched; lockdown-lift approves the exact
// integrations it lists: only those are re-enabled, and a different set stops it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PlaybookRequest } from '../../src/playbooks/request.js';
import { lockdownHarness, seedBreachFixture, type LockdownHarness } from '../support/lockdown.js';
import { hookedAdmin } from '../support/playbooks.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
const harnesses: LockdownHarness[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  await db.pool.query(`UPDATE opsbot.lockdowns SET state = 'lifted', lifted_at = now() WHERE state IN ('starting', 'active')`);
});
afterAll(async () => {
  await db.drop();
});

function harness(opts: Parameters<typeof lockdownHarness>[1] = {}): LockdownHarness {
  const h = lockdownHarness(db.url, opts);
  harnesses.push(h);
  return h;
}
const count = async (sql: string) => (await db.pool.query<{ n: number }>(sql)).rows[0]!.n;
async function run(h: LockdownHarness, playbookId: 'lockdown-start' | 'lockdown-lift', between?: () => Promise<void>): Promise<PlaybookRequest> {
  const { request } = await h.engine.request({ playbookId, rawParams: { reason: 'credential leak on the CRM export' }, requestedBy: 'U0ONCALL', channel: 'C0WAR' });
  await between?.();
  const outcome = await h.engine.approve(request.id, 'U0APPROVER');
  if (outcome.kind !== 'started') throw new Error(outcome.kind);
  return outcome.done;
}
const addSessions = (n: number) =>
  db.pool.query(`INSERT INTO auth.sessions (id, user_id) SELECT gen_random_uuid(), (SELECT id FROM auth.users LIMIT 1) FROM generate_series(1, $1)`, [n]);

describe('lockdown-start', () => {
  it('sessions added before approval and between batches are revoked (breach decision); the count says so; leads are untouched', async () => {
    await seedBreachFixture(db.pool, { sessions: 60, integrationsActive: 2, integrationsInactive: 1 });
    const org = (await db.pool.query<{ id: string }>(`SELECT id FROM public.organizations LIMIT 1`)).rows[0]!.id;
    await db.pool.query(`INSERT INTO public.leads (organization_id, email) VALUES ($1, 'keep@example.com')`, [org]);
    const h = harness({
      sessionBatch: 20,
      admin: hookedAdmin(async (i) => {
        if (i === 2) await addSessions(15);
      }),
    });
    const done = await run(h, 'lockdown-start', () => addSessions(5).then(() => undefined));
    expect(done.error ?? done.state).toBe('succeeded');
    expect(await count('SELECT count(*)::int AS n FROM auth.sessions')).toBe(0);
    // 60 + 5 before approval + 15 during the run, and 2 integrations.
    expect(done.rowsAffected).toBe(82);
    expect(await count('SELECT count(*)::int AS n FROM public.leads')).toBe(1);
  });

  it('a lockdown that became active between preview and approval: fails, nothing more is revoked', async () => {
    await seedBreachFixture(db.pool, { sessions: 10, integrationsActive: 1, integrationsInactive: 0 });
    const h = harness();
    const { request } = await h.engine.request({ playbookId: 'lockdown-start', rawParams: { reason: 'first report of the leak' }, requestedBy: 'U0ONCALL', channel: 'C0WAR' });
    const first = await run(h, 'lockdown-start');
    expect(first.state).toBe('succeeded');
    await addSessions(3);
    const outcome = await h.engine.approve(request.id, 'U0APPROVER');
    if (outcome.kind !== 'started') throw new Error(outcome.kind);
    const second = await outcome.done;
    expect(second.state).toBe('failed');
    expect(second.error).toMatch(/already active/);
    expect(await count('SELECT count(*)::int AS n FROM auth.sessions')).toBe(3);
  });
});

describe('lockdown-lift', () => {
  it('re-enables only the integrations the approver saw; one switched off by hand (before approval or during the run) stays off', async () => {
    const { activeIds, inactiveIds } = await seedBreachFixture(db.pool, { sessions: 5, integrationsActive: 2, integrationsInactive: 1 });
    const start = harness();
    expect((await run(start, 'lockdown-start')).state).toBe('succeeded');
    const h = harness({
      admin: hookedAdmin(async () => {
        await db.pool.query(`INSERT INTO public.integrations (organization_id, provider, active) SELECT organization_id, 'late-off', false FROM public.integrations LIMIT 1`);
      }),
    });
    const done = await run(h, 'lockdown-lift');
    expect(done.error ?? done.state).toBe('succeeded');
    expect(done.rowsAffected).toBe(2);
    const active = (await db.pool.query<{ id: string }>(`SELECT id FROM public.integrations WHERE active ORDER BY id`)).rows.map((r) => r.id);
    expect(active).toEqual([...activeIds].sort());
    expect(active).not.toContain(inactiveIds[0]);
    expect(await count(`SELECT count(*)::int AS n FROM public.integrations WHERE provider = 'late-off' AND NOT active`)).toBe(1);
  });

  it('the recorded set changed between preview and approval (swapped): stops, re-enables nothing', async () => {
    await seedBreachFixture(db.pool, { sessions: 5, integrationsActive: 2, integrationsInactive: 0 });
    const start = harness();
    expect((await run(start, 'lockdown-start')).state).toBe('succeeded');
    const h = harness();
    const done = await run(h, 'lockdown-lift', async () => {
      // One recorded integration is re-enabled by hand (gone from the set) before the approval.
      await db.pool.query(
        `UPDATE opsbot.lockdown_integrations SET reenabled_at = now()
         WHERE (lockdown_id, integration_id) = (
           SELECT lockdown_id, integration_id FROM opsbot.lockdown_integrations
           WHERE lockdown_id = (SELECT id FROM opsbot.lockdowns WHERE state = 'active') AND reenabled_at IS NULL
           ORDER BY integration_id LIMIT 1)`,
      );
    });
    expect(done.state).toBe('stopped');
    expect(done.error).toMatch(/\(0 added, 1 gone\)/);
    expect(await count('SELECT count(*)::int AS n FROM public.integrations WHERE active')).toBe(0);
  });
});
