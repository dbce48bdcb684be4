// grant-role / revoke-role take their roles from the target database: the
// enum of user_roles.role (extended with the runbook's org_admin) or a CHECK listing values on
// a text column; the refusal lists what the database allows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { createAdminDb } from '../../src/db/admin.js';
import { createTargetDb } from '../../src/db/target.js';
import { InputError, OpsError } from '../../src/core/errors.js';
import type { PlaybookRequest } from '../../src/playbooks/request.js';
import type { PlaybookContext } from '../../src/playbooks/types.js';
import { listedValues } from '../../playbooks/listed-values.js';
import { grantRole, revokeRole } from '../../playbooks/user-roles.js';
import { engineHarness, seedOrg, silent, type EngineHarness } from '../support/playbooks.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const USER = '5d0c3b2a-1e2f-4a5b-8c6d-7e8f90a1b2c3';

interface Setup {
  db: TestDatabase;
  h: EngineHarness;
  org: string;
}

async function setup(): Promise<Setup> {
  const db = await createTestDatabase();
  await db.pool.query(`INSERT INTO auth.users (id, email) VALUES ($1, 'olga@dealer.example')`, [USER]);
  const org = await seedOrg(db.pool, 'Admin Motors');
  return { db, h: engineHarness(db.url), org };
}

async function requestAndApprove(h: EngineHarness, playbookId: string, rawParams: Record<string, string>): Promise<PlaybookRequest> {
  const { request } = await h.engine.request({ playbookId, rawParams, requestedBy: 'U0REQ', channel: 'C0OPS' });
  const outcome = await h.engine.approve(request.id, 'U0APPROVER');
  if (outcome.kind !== 'started') throw new Error(`expected the run to start, got ${outcome.kind}`);
  return outcome.done;
}

const roles = async (s: Setup) =>
  (await s.db.pool.query<{ role: string }>('SELECT role::text AS role FROM public.user_roles WHERE user_id = $1 ORDER BY 1', [USER])).rows.map((r) => r.role);

describe('grant-role with the enum of user_roles.role', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup();
  });
  afterAll(async () => {
    await s.h.close();
    await s.db.drop();
  });

  it('refuses a role the enum lacks and lists the enum; once the enum has org_admin, grants it', async () => {
    const err = await s.h.engine.request({ playbookId: 'grant-role', rawParams: { user: USER, org: s.org, role: 'org_admin' }, requestedBy: 'U0REQ' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/`role`: expected one of admin, manager, sales, viewer — the roles this database allows in user_roles.role \(enum app_role\) \(got "org_admin"\)/);

    await s.db.pool.query(`ALTER TYPE public.app_role ADD VALUE 'org_admin'`);
    const done = await requestAndApprove(s.h, 'grant-role', { user: USER, org: s.org, role: 'ORG_ADMIN' });
    expect(done.error ?? done.state).toBe('succeeded');
    expect(done.rowsAffected).toBe(1);
    expect(done.preview.summary).toBe('grant org_admin to olga@dealer.example in Admin Motors');
    expect(await roles(s)).toEqual(['org_admin']);

    await expect(s.h.engine.request({ playbookId: 'grant-role', rawParams: { user: USER, org: s.org, role: 'owner' }, requestedBy: 'U0REQ' })).rejects.toThrow(
      /expected one of admin, manager, sales, viewer, org_admin/,
    );
    const revoked = await requestAndApprove(s.h, 'revoke-role', { user: USER, org: s.org, role: 'org_admin' });
    expect(revoked.error ?? revoked.state).toBe('succeeded');
    expect(await roles(s)).toEqual([]);
    await expect(s.h.engine.request({ playbookId: 'revoke-role', rawParams: { user: USER, org: s.org, role: 'org_admin' }, requestedBy: 'U0REQ' })).rejects.toThrow(
      /does not have the role org_admin in Admin Motors; their roles there: none/,
    );
  });
});

describe('grant-role with a text column and a CHECK listing the roles', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup();
    await s.db.pool.query(`ALTER TABLE public.user_roles ALTER COLUMN role TYPE text USING role::text`);
    await s.db.pool.query(`ALTER TABLE public.user_roles ADD CONSTRAINT user_roles_role_check CHECK (role IN ('owner', 'org_admin', 'member', 'billing''s'))`);
  });
  afterAll(async () => {
    await s.h.close();
    await s.db.drop();
  });

  it('grants a listed role and refuses another with the CHECK list', async () => {
    const done = await requestAndApprove(s.h, 'grant-role', { user: USER, org: s.org, role: 'org_admin' });
    expect(done.error ?? done.state).toBe('succeeded');
    expect(await roles(s)).toEqual(['org_admin']);
    await expect(s.h.engine.request({ playbookId: 'grant-role', rawParams: { user: USER, org: s.org, role: 'admin' }, requestedBy: 'U0REQ' })).rejects.toThrow(
      /`role`: expected one of owner, org_admin, member, billing's — the roles this database allows in user_roles.role \(CHECK\)/,
    );
  });

  it('a CHECK that is no list is left to the database: the run fails with its refusal and changes nothing', async () => {
    await s.db.pool.query(`ALTER TABLE public.user_roles ADD CONSTRAINT no_members CHECK (role <> 'member')`);
    const { request } = await s.h.engine.request({ playbookId: 'grant-role', rawParams: { user: USER, org: s.org, role: 'member' }, requestedBy: 'U0REQ' });
    expect(request.preview.items.join('\n')).toMatch(/the database also checks CHECK \(\(role <> 'member'::text\)\)/);
    const outcome = await s.h.engine.approve(request.id, 'U0APPROVER');
    if (outcome.kind !== 'started') throw new Error(outcome.kind);
    const done = await outcome.done;
    expect(done.state).toBe('failed');
    expect(done.error).toMatch(/The database refused the role member for user_roles.role: .*no_members.*Nothing was changed/);
    expect(await roles(s)).toEqual(['org_admin']);
  });

  it('a column with no enum and no CHECK accepts what the database accepts', async () => {
    await s.db.pool.query(`ALTER TABLE public.user_roles DROP CONSTRAINT user_roles_role_check, DROP CONSTRAINT no_members`);
    const done = await requestAndApprove(s.h, 'grant-role', { user: USER, org: s.org, role: 'dealer_principal' });
    expect(done.error ?? done.state).toBe('succeeded');
    expect(done.preview.items.join('\n')).toMatch(/user_roles.role is type text with no list of values/);
    expect(await roles(s)).toEqual(['dealer_principal', 'org_admin']);
  });

  it('fails with an error for the engine, not a crash, when the database is gone', async () => {
    const gone = await createTestDatabase();
    await gone.drop();
    const target = createTargetDb({ url: gone.url, poolMax: 1, statementTimeoutMs: 2000, lockTimeoutMs: 500, connectTimeoutMs: 2000, logger: silent, monotonic: () => performance.now() });
    const admin = createAdminDb({ url: gone.url, statementTimeoutMs: 2000, lockTimeoutMs: 500, connectTimeoutMs: 2000, logger: silent });
    const ctx: PlaybookContext = {
      target,
      admin,
      authAdmin: { configured: false, setBan: () => Promise.resolve() },
      clock: fixedClock(0),
      log: silent,
      heartbeat: () => Promise.resolve(),
      committed: () => undefined,
    };
    const p = { user: USER, org: s.org, role: 'owner' };
    try {
      await expect(grantRole.preview(ctx, p)).rejects.toBeInstanceOf(OpsError);
      await expect(grantRole.run(ctx, p, { summary: '', count: 1, items: [], pinned: { role: 'owner' } }, meta)).rejects.toThrow(/Cannot connect to the target database/);
      const pinned = { role: 'owner', rowId: '0c9d6f8e-1b2c-4d5e-8f90-0123456789ab' };
      await expect(revokeRole.run(ctx, p, { summary: '', count: 1, items: [], pinned }, meta)).rejects.toThrow(/Cannot connect to the target database/);
    } finally {
      await Promise.allSettled([target.close(), admin.close()]);
    }
  });
});

const meta = { requestId: 'r', requestedBy: 'U0REQ', approvers: ['U0APPROVER'], channel: null, breakGlassReason: null };

describe('CHECK definitions as Postgres prints them', () => {
  it.each([
    ["CHECK ((role = ANY (ARRAY['owner'::text, 'org_admin'::text, 'it''s'::text])))", ['owner', 'org_admin', "it's"]],
    ["CHECK (((role = 'owner'::text) OR (role = 'member'::text)))", ['owner', 'member']],
    ["CHECK ((role = 'owner'::text))", ['owner']],
    ["CHECK (((role)::text = ANY ((ARRAY['x'::character varying, 'y'::character varying])::text[])))", ['x', 'y']],
    ["CHECK (((VALUE)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])))", ['a', 'b']],
    ["CHECK ((role = ANY (ARRAY['a'::public.app_role]))) NOT VALID", ['a']],
  ])('%s lists %o', (def, values) => {
    expect(listedValues(def, 'role')).toEqual(values);
  });

  it.each([
    "CHECK ((role <> 'root'::text))",
    "CHECK (((role = 'a'::text) AND (organization_id IS NOT NULL)))",
    "CHECK ((lower(role) = ANY (ARRAY['a'::text])))",
    "CHECK ((char_length(role) < 20))",
    "CHECK ((NOT (role = ANY (ARRAY['a'::text]))))",
  ])('%s is no list', (def) => {
    expect(listedValues(def, 'role')).toBeNull();
  });
});
