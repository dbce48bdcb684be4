// create-recommended-indexes on a real Postgres: the runbook's three indexes,
// idx_leads_status partial included, are built CONCURRENTLY; a rerun changes nothing; presence is
// judged by definition (another name with the same definition counts, a near miss or a name
// clash does not), and INVALID leftovers of failed builds are reported.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { createAdminDb } from '../../src/db/admin.js';
import { createTargetDb } from '../../src/db/target.js';
import { OpsError } from '../../src/core/errors.js';
import type { PlaybookRequest } from '../../src/playbooks/request.js';
import type { PlaybookContext } from '../../src/playbooks/types.js';
import { createRecommendedIndexes } from '../../playbooks/create-recommended-indexes.js';
import { engineHarness, silent, type EngineHarness } from '../support/playbooks.js';
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

/** Every index the fixture did not create, so each test starts from the fixture's schema. */
beforeEach(async () => {
  const { rows } = await db.pool.query<{ name: string }>(
    `SELECT indexrelid::regclass::text AS name FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
     WHERE t.relname IN ('leads', 'interactions') AND t.relnamespace = 'public'::regnamespace
       AND NOT i.indisprimary AND i.indexrelid::regclass::text NOT IN ('leads_organization_id_idx')`,
  );
  for (const r of rows) await db.pool.query(`DROP INDEX ${r.name}`);
});

const RUNBOOK = ['idx_interactions_created_at', 'idx_leads_org_created', 'idx_leads_status'];

async function indexes(): Promise<Record<string, string>> {
  const { rows } = await db.pool.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('leads', 'interactions') ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef]));
}

async function requestAndApprove(): Promise<PlaybookRequest> {
  const { request } = await h.engine.request({ playbookId: 'create-recommended-indexes', rawParams: {}, requestedBy: 'U0REQ', channel: 'C0OPS' });
  const outcome = await h.engine.approve(request.id, 'U0APPROVER');
  if (outcome.kind !== 'started') throw new Error(`expected the run to start, got ${outcome.kind}`);
  return outcome.done;
}

const preview = async () => (await h.engine.request({ playbookId: 'create-recommended-indexes', rawParams: {}, requestedBy: 'U0REQ' })).request.preview;

describe('create-recommended-indexes', () => {
  it("creates the runbook's three indexes, the partial idx_leads_status included; a rerun changes nothing", async () => {
    const first = await preview();
    expect(first.count).toBe(3);
    expect(first.keys).toEqual(RUNBOOK);
    const done = await requestAndApprove();
    expect(done.error ?? done.state).toBe('succeeded');
    expect(done.rowsAffected).toBe(3);
    const after = await indexes();
    expect(after.idx_interactions_created_at).toBe('CREATE INDEX idx_interactions_created_at ON public.interactions USING btree (created_at)');
    expect(after.idx_leads_org_created).toBe('CREATE INDEX idx_leads_org_created ON public.leads USING btree (organization_id, created_at DESC)');
    expect(after.idx_leads_status).toBe(
      "CREATE INDEX idx_leads_status ON public.leads USING btree (status) WHERE (status = ANY (ARRAY['new'::text, 'contacted'::text]))",
    );
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_index WHERE indexrelid::regclass::text = ANY ($1) AND indisvalid`, [RUNBOOK]);
    expect(rows[0]?.n).toBe(3);

    const again = await preview();
    expect(again.count).toBe(0);
    expect(again.items).toEqual([
      'idx_interactions_created_at on public.interactions (created_at): exists',
      'idx_leads_org_created on public.leads (organization_id, created_at DESC): exists',
      "idx_leads_status on public.leads (status) WHERE status IN ('new', 'contacted'): exists",
    ]);
    const rerun = await requestAndApprove();
    expect(rerun.error ?? rerun.state).toBe('succeeded');
    expect(rerun.rowsAffected).toBe(0);
    expect(await indexes()).toEqual(after);
  });

  it('counts an index of the same definition under another name as present, and builds past near misses', async () => {
    await db.pool.query(`CREATE INDEX interactions_by_time ON public.interactions (created_at)`);
    await db.pool.query(`CREATE INDEX open_leads ON public.leads (status) WHERE status = 'contacted' OR status = 'new'`);
    // Near misses: another order, no predicate, another value list, another operator class.
    await db.pool.query(`CREATE INDEX leads_org_created_asc ON public.leads (organization_id, created_at)`);
    await db.pool.query(`CREATE INDEX leads_org_created_nl ON public.leads (organization_id, created_at DESC NULLS LAST)`);
    await db.pool.query(`CREATE INDEX leads_status_all ON public.leads (status)`);
    await db.pool.query(`CREATE INDEX leads_status_new ON public.leads (status) WHERE status IN ('new')`);
    await db.pool.query(`CREATE INDEX leads_status_pattern ON public.leads (status text_pattern_ops) WHERE status IN ('new', 'contacted')`);
    const p = await preview();
    expect(p.keys).toEqual(['idx_leads_org_created']);
    expect(p.items[0]).toBe('idx_interactions_created_at on public.interactions (created_at): exists as interactions_by_time (same definition)');
    expect(p.items[2]).toMatch(/idx_leads_status .*: exists as open_leads/);
    const done = await requestAndApprove();
    expect(done.error ?? done.state).toBe('succeeded');
    expect(done.rowsAffected).toBe(1);
    const after = await indexes();
    expect(after.idx_leads_org_created).toContain('(organization_id, created_at DESC)');
    expect(after.idx_interactions_created_at).toBeUndefined();
    expect(after.idx_leads_status).toBeUndefined();
  });

  it('reports a same-named index of another definition and INVALID leftovers instead of trusting the name', async () => {
    await db.pool.query(`CREATE INDEX idx_leads_status ON public.leads (email)`);
    await db.pool.query(`CREATE INDEX idx_leads_org_created ON public.leads (organization_id, created_at DESC)`);
    await db.pool.query(`CREATE INDEX interactions_tmp ON public.interactions (created_at)`);
    // As a failed CREATE INDEX CONCURRENTLY leaves them.
    await db.pool.query(`UPDATE pg_index SET indisvalid = false WHERE indexrelid IN ('public.idx_leads_org_created'::regclass, 'public.interactions_tmp'::regclass)`);
    const p = await preview();
    expect(p.keys).toEqual(['idx_interactions_created_at']);
    expect(p.items[0]).toMatch(/idx_interactions_created_at .*: will be created; INVALID leftover interactions_tmp .*DROP INDEX CONCURRENTLY public.interactions_tmp/);
    expect(p.items[1]).toMatch(/idx_leads_org_created .*: INVALID — drop it with DROP INDEX CONCURRENTLY public.idx_leads_org_created; then run this again/);
    expect(p.items[2]).toMatch(/idx_leads_status .*: not created: the name is taken by CREATE INDEX idx_leads_status ON public.leads USING btree \(email\), which is not the runbook's index/);
    expect(p.summary).toMatch(/1 of 3 recommended indexes to create; 2 need attention first; 1 INVALID leftover/);
    const done = await requestAndApprove();
    expect(done.error ?? done.state).toBe('succeeded');
    expect(done.rowsAffected).toBe(1);
    expect(done.result?.summary).toMatch(/created 1 index\(es\); INVALID: idx_leads_org_created, interactions_tmp/);
    expect((await indexes()).idx_leads_status).toBe('CREATE INDEX idx_leads_status ON public.leads USING btree (email)');
  });

  it('an index created by someone else after the approval is not built twice', async () => {
    const ctx = contextFor(h.target, h.admin);
    const approved = await createRecommendedIndexes.preview(ctx, {});
    expect(approved.count).toBe(3);
    await db.pool.query(`CREATE INDEX leads_open ON public.leads (status) WHERE status IN ('contacted', 'new')`);
    const result = await createRecommendedIndexes.run(ctx, {}, approved, meta);
    expect(result.rowsAffected).toBe(2);
    expect(result.summary).toMatch(/created 2 index\(es\); skipped idx_leads_status/);
    expect((await indexes()).idx_leads_status).toBeUndefined();
  });

  it('fails with an error for the engine, not a crash, when the database is gone', async () => {
    const gone = await createTestDatabase();
    await gone.drop();
    const target = createTargetDb({ url: gone.url, poolMax: 1, statementTimeoutMs: 2000, lockTimeoutMs: 500, connectTimeoutMs: 2000, logger: silent, monotonic: () => performance.now() });
    const admin = createAdminDb({ url: gone.url, statementTimeoutMs: 2000, lockTimeoutMs: 500, connectTimeoutMs: 2000, logger: silent });
    try {
      const ctx = contextFor(target, admin);
      await expect(createRecommendedIndexes.preview(ctx, {})).rejects.toBeInstanceOf(OpsError);
      await expect(createRecommendedIndexes.run(ctx, {}, { summary: '', count: 1, items: [], keys: ['idx_leads_status'] }, meta)).rejects.toThrow(
        /Cannot connect to the target database/,
      );
    } finally {
      await Promise.allSettled([target.close(), admin.close()]);
    }
  });
});

const meta = { requestId: 'r', requestedBy: 'U0REQ', approvers: ['U0APPROVER'], channel: null, breakGlassReason: null };

function contextFor(target: PlaybookContext['target'], admin: PlaybookContext['admin']): PlaybookContext {
  return {
    target,
    admin,
    authAdmin: { configured: false, setBan: () => Promise.resolve() },
    clock: fixedClock(0),
    log: silent,
    heartbeat: () => Promise.resolve(),
    committed: () => undefined,
  };
}
