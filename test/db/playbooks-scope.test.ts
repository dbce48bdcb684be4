// A playbook never changes a row nobody approved. For every destructive
// playbook: rows swapped before approval (same count, other rows), rows added before approval
// and rows added during the run (a hook before each admin transaction, i.e. between batches),
// each proven by what is left in the database, the outcome and the message. Playbooks whose
// scope is one key (revoke-role, terminate-backend) get the trio as that key's row or session
// replaced and others of the same kind added; read-only-mode and restore-backup are in
// playbooks-scope-settings.test.ts and playbooks-scope-restore.test.ts, delete-user and the
// lockdown playbooks in their own files.
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PlaybookRequest } from '../../src/playbooks/request.js';
import { requestMessage } from '../../src/playbooks/render.js';
import { PLAYBOOKS } from '../../playbooks/index.js';
import { appRole, engineHarness, hookedAdmin, seedOrg, type EngineHarness } from '../support/playbooks.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
let h: EngineHarness;
let org: string;

beforeAll(async () => {
  db = await createTestDatabase();
  h = engineHarness(db.url);
  org = await seedOrg(db.pool, 'Scope Motors');
});
afterAll(async () => {
  await h.close();
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('DELETE FROM public.interactions; DELETE FROM public.quotes; DELETE FROM public.leads;');
});

async function ask(harness: EngineHarness, playbookId: string, rawParams: Record<string, string>): Promise<PlaybookRequest> {
  return (await harness.engine.request({ playbookId, rawParams, requestedBy: 'U0REQ', channel: 'C0OPS' })).request;
}
async function approve(harness: EngineHarness, id: string): Promise<PlaybookRequest> {
  const outcome = await harness.engine.approve(id, 'U0APPROVER');
  if (outcome.kind !== 'started') throw new Error(`expected the run to start, got ${outcome.kind}`);
  return outcome.done;
}
const message = (req: PlaybookRequest) =>
  JSON.stringify(requestMessage(req, PLAYBOOKS.find((p) => p.id === req.playbookId), 'UTC').blocks).replace(/\\n/g, '\n');
const n = async (sql: string, params: unknown[] = []) => (await db.pool.query<{ n: number }>(sql, params)).rows[0]!.n;

describe('purge-old-interactions (pinned cutoff + id ceiling + count)', () => {
  const old = (count: number, content = 'old') =>
    db.pool.query(
      `INSERT INTO public.interactions (organization_id, content, created_at)
       SELECT $1, $3, to_timestamp($2 / 1000.0) - interval '100 days' - (g || ' minutes')::interval FROM generate_series(1, $4) g`,
      [org, h.clock.now(), content, count],
    );
  const recent = (count: number) =>
    db.pool.query(
      `INSERT INTO public.interactions (organization_id, content, created_at)
       SELECT $1, 'recent', to_timestamp($2 / 1000.0) - interval '10 days' FROM generate_series(1, $3) g`,
      [org, h.clock.now(), count],
    );
  const left = (content: string) => n(`SELECT count(*)::int AS n FROM public.interactions WHERE content = $1`, [content]);

  it('swapped before approval (3 approved rows gone, 3 other old rows added): stops, deletes nothing', async () => {
    await old(30);
    const req = await ask(h, 'purge-old-interactions', { days: '90', batch: '100' });
    expect(req.preview.count).toBe(30);
    await db.pool.query(`DELETE FROM public.interactions WHERE id IN (SELECT id FROM public.interactions ORDER BY id LIMIT 3)`);
    await old(3, 'swapped-in');
    const done = await approve(h, req.id);
    expect(done.state).toBe('stopped');
    expect(done.error).toMatch(/27 rows match the approved condition now, but 30 were approved \(3 fewer\)/);
    expect(done.rowsAffected).toBe(0);
    expect(await left('old')).toBe(27);
    expect(await left('swapped-in')).toBe(3);
    expect(message(done)).toMatch(/Stopped before any of the 30 rows were deleted: the scope changed/);
  });

  it('swapped in place (same ids, same count, other rows older than the cutoff): the fingerprint stops it', async () => {
    await recent(3);
    await old(30);
    const req = await ask(h, 'purge-old-interactions', { days: '90' });
    // Three recent rows (ids below the ceiling) become old; three approved rows become recent.
    await db.pool.query(`UPDATE public.interactions SET created_at = created_at - interval '200 days', content = 'backdated' WHERE content = 'recent'`);
    await db.pool.query(
      `UPDATE public.interactions SET created_at = now(), content = 'refreshed' WHERE id IN (SELECT id FROM public.interactions WHERE content = 'old' ORDER BY id LIMIT 3)`,
    );
    const done = await approve(h, req.id);
    expect(done.state).toBe('stopped');
    expect(done.error).toMatch(/30 rows match, as approved, but they are not the ones that were approved \(rows were swapped\)/);
    expect(await left('backdated')).toBe(3);
    expect(await left('old')).toBe(27);
  });

  it('added before approval: only the approved rows go (ids above the ceiling stay), and it says so', async () => {
    await old(30);
    const req = await ask(h, 'purge-old-interactions', { days: '90', batch: '100' });
    await old(5, 'late');
    const done = await approve(h, req.id);
    expect(done.error ?? done.state).toBe('succeeded');
    expect(done.rowsAffected).toBe(30);
    expect(await left('old')).toBe(0);
    expect(await left('late')).toBe(5);
    expect(message(done)).toMatch(/5 newer match\(es\) were not approved and were left alone/);
  });

  it('added during the run, between batches: never deleted, never more than the approved count', async () => {
    await old(350);
    await recent(10);
    const harness = engineHarness(db.url, {
      clock: h.clock,
      admin: hookedAdmin(async (i) => {
        if (i === 2) await old(50, 'during');
      }),
    });
    try {
      const req = await ask(harness, 'purge-old-interactions', { days: '90', batch: '100' });
      const done = await approve(harness, req.id);
      expect(done.error ?? done.state).toBe('succeeded');
      expect(done.rowsAffected).toBe(350);
      expect((done.result?.steps as { rows: number }[]).map((s) => s.rows).filter((r) => r > 0)).toEqual([100, 100, 100, 50]);
      expect(await left('old')).toBe(0);
      expect(await left('during')).toBe(50);
      expect(await left('recent')).toBe(10);
      expect(done.result?.summary).toMatch(/deleted 350 of 350 approved interactions.*50 newer match\(es\) were not approved and were left alone/);
    } finally {
      await harness.close();
    }
  });
});

describe('purge-old-interactions on a table whose id is not an integer', () => {
  let udb: TestDatabase;
  let uh: EngineHarness;
  let uorg: string;
  beforeAll(async () => {
    udb = await createTestDatabase();
    await udb.pool.query(`DROP TABLE public.interactions`);
    await udb.pool.query(
      `CREATE TABLE public.interactions (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), organization_id uuid NOT NULL, content text, created_at timestamptz NOT NULL DEFAULT now())`,
    );
    uh = engineHarness(udb.url, { clock: h.clock });
    uorg = await seedOrg(udb.pool, 'Uuid Motors');
  });
  afterAll(async () => {
    await uh.close();
    await udb.drop();
  });
  const old = (count: number, content: string) =>
    udb.pool.query(
      `INSERT INTO public.interactions (organization_id, content, created_at) SELECT $1, $3, to_timestamp($2 / 1000.0) - interval '100 days' FROM generate_series(1, $4)`,
      [uorg, uh.clock.now(), content, count],
    );
  const left = async (content: string) => (await udb.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.interactions WHERE content = $1`, [content])).rows[0]!.n;

  it('uuid ids are pinned by exact key: rows added before approval stop it; rows added during the run stay', async () => {
    await old(40, 'old');
    const first = await ask(uh, 'purge-old-interactions', { days: '90' });
    expect(first.preview.keys).toHaveLength(40);
    await old(2, 'before');
    const stopped = await approve(uh, first.id);
    expect(stopped.state).toBe('stopped');
    expect(stopped.error).toMatch(/42 rows match the approved condition now, but 40 were approved \(2 more\)/);
    expect(await left('old')).toBe(40);

    await udb.pool.query(`DELETE FROM public.interactions WHERE content = 'before'`);
    const during = engineHarness(udb.url, {
      clock: uh.clock,
      admin: hookedAdmin(async (i) => {
        if (i === 1) await old(7, 'during');
      }),
    });
    try {
      const req = await ask(during, 'purge-old-interactions', { days: '90', batch: '100' });
      const done = await approve(during, req.id);
      expect(done.error ?? done.state).toBe('succeeded');
      expect(done.rowsAffected).toBe(40);
      expect(await left('old')).toBe(0);
      expect(await left('during')).toBe(7);
    } finally {
      await during.close();
    }
  });

  it('an id that is neither an integer nor a uuid is refused before anyone is asked', async () => {
    await udb.pool.query(`ALTER TABLE public.interactions ALTER COLUMN id DROP DEFAULT, ALTER COLUMN id TYPE text USING id::text`);
    await expect(ask(uh, 'purge-old-interactions', { days: '90' })).rejects.toThrow(/public.interactions.id is text, neither an integer nor a uuid/);
  });
});

describe('clear-test-data (pinned lead ids)', () => {
  const add = (emails: string[]) =>
    db.pool.query(`INSERT INTO public.leads (organization_id, email) SELECT $1, e FROM unnest($2::text[]) AS e`, [org, emails]);
  const emails = async () => (await db.pool.query<{ email: string }>('SELECT email FROM public.leads ORDER BY email')).rows.map((r) => r.email);
  const six = ['a@test.com', 'b@test.com', 'c@test.com', 'd@test.com', 'e@test.com', 'f@test.com'];

  it('3 of 6 approved leads swapped for 3 others at the same domain: stops, says 3 added and 3 gone, deletes nothing', async () => {
    await add([...six, 'keep@example.com']);
    const req = await ask(h, 'clear-test-data', {});
    expect(req.preview.count).toBe(6);
    await db.pool.query(`DELETE FROM public.leads WHERE email IN ('a@test.com', 'b@test.com', 'c@test.com')`);
    await add(['x@test.com', 'y@test.com', 'z@test.com']);
    const done = await approve(h, req.id);
    expect(done.state).toBe('stopped');
    expect(done.error).toMatch(/6 leads match now, but 6 were approved \(3 added, 3 gone\)/);
    expect(await emails()).toEqual(['d@test.com', 'e@test.com', 'f@test.com', 'keep@example.com', 'x@test.com', 'y@test.com', 'z@test.com']);
    expect(message(done)).toMatch(/Stopped before any of the 6 leads were deleted: .*3 added, 3 gone/);
  });

  it('leads added before approval: stops and deletes nothing', async () => {
    await add(six);
    const req = await ask(h, 'clear-test-data', {});
    await add(['late@qa.test.com', 'late2@test.com']);
    const done = await approve(h, req.id);
    expect(done.state).toBe('stopped');
    expect(done.error).toMatch(/8 leads match now, but 6 were approved \(2 added, 0 gone\)/);
    expect(await emails()).toHaveLength(8);
  });

  it('leads added during the run: only the approved leads (and their quotes and interactions) go', async () => {
    await add(six);
    await db.pool.query(`INSERT INTO public.quotes (organization_id, lead_id, amount) SELECT $1, id, 100 FROM public.leads`, [org]);
    const harness = engineHarness(db.url, {
      clock: h.clock,
      admin: hookedAdmin(async (i) => {
        if (i === 1) {
          await add(['during1@test.com', 'during2@test.com']);
          await db.pool.query(`INSERT INTO public.quotes (organization_id, lead_id, amount) SELECT $1, id, 5 FROM public.leads WHERE email LIKE 'during%'`, [org]);
        }
      }),
    });
    try {
      const req = await ask(harness, 'clear-test-data', {});
      const done = await approve(harness, req.id);
      expect(done.error ?? done.state).toBe('succeeded');
      expect(done.rowsAffected).toBe(6);
      expect(await emails()).toEqual(['during1@test.com', 'during2@test.com']);
      expect(await n('SELECT count(*)::int AS n FROM public.quotes')).toBe(2);
    } finally {
      await harness.close();
    }
  });
});

describe('kill-idle-connections (pinned pid + start time)', () => {
  let role: Awaited<ReturnType<typeof appRole>>;
  const open: pg.Client[] = [];
  beforeAll(async () => {
    role = await appRole(db.pool);
  });
  afterAll(async () => {
    await Promise.allSettled(open.map((c) => c.end()));
    await role.drop();
  });
  const idle = async (app: string) => {
    const c = new pg.Client({ connectionString: role.url(db.url), application_name: app });
    c.on('error', () => undefined);
    await c.connect();
    open.push(c);
    return c;
  };
  const alive = (app: string) => n(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`, [app]);
  const closeAll = async () => {
    await Promise.allSettled(open.splice(0).map((c) => c.end()));
    await expect.poll(() => n(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1`, [role.name])).toBe(0);
  };

  it('one approved session swapped for another: stops, ends nothing', async () => {
    await closeAll();
    const first = await idle('idle-a');
    await idle('idle-b');
    const req = await ask(h, 'kill-idle-connections', { minutes: '0' });
    expect(req.preview.count).toBe(2);
    await first.end();
    await expect.poll(() => alive('idle-a')).toBe(0);
    await idle('idle-swapped');
    const done = await approve(h, req.id);
    expect(done.state).toBe('stopped');
    expect(done.error).toMatch(/2 sessions match now, but 2 were approved \(1 added, 1 gone\)/);
    expect(await alive('idle-b')).toBe(1);
    expect(await alive('idle-swapped')).toBe(1);
  });

  it('a session that became idle before approval: stops, ends nothing', async () => {
    await closeAll();
    await idle('idle-c');
    const req = await ask(h, 'kill-idle-connections', { minutes: '0' });
    await idle('idle-late');
    const done = await approve(h, req.id);
    expect(done.state).toBe('stopped');
    expect(await alive('idle-c')).toBe(1);
    expect(await alive('idle-late')).toBe(1);
  });

  it('a session opened during the run is left alone; the approved ones end', async () => {
    await closeAll();
    await idle('idle-d');
    await idle('idle-e');
    const harness = engineHarness(db.url, {
      clock: h.clock,
      admin: hookedAdmin(async (i) => {
        if (i === 1) await idle('idle-during');
      }),
    });
    try {
      const req = await ask(harness, 'kill-idle-connections', { minutes: '0' });
      const done = await approve(harness, req.id);
      expect(done.error ?? done.state).toBe('succeeded');
      expect(done.rowsAffected).toBe(2);
      await expect.poll(() => alive('idle-d')).toBe(0);
      expect(await alive('idle-e')).toBe(0);
      expect(await alive('idle-during')).toBe(1);
    } finally {
      await harness.close();
    }
  });
});

describe('disable-user (the user is the key)', () => {
  const user = '9c1f8e0a-1b2c-4d5e-8f90-0123456789ab';
  const other = '9d1f8e0a-1b2c-4d5e-8f90-0123456789ab';
  const sessions = (u: string) => n(`SELECT count(*)::int AS n FROM auth.sessions WHERE user_id = $1`, [u]);
  beforeAll(async () => {
    await db.pool.query(`INSERT INTO auth.users (id, email) VALUES ($1, 'sam@dealer.example'), ($2, 'pat@dealer.example')`, [user, other]);
  });
  const session = (u: string, k = 1) => db.pool.query(`INSERT INTO auth.sessions (id, user_id) SELECT gen_random_uuid(), $1 FROM generate_series(1, $2)`, [u, k]);

  it('another user’s sessions, added before approval and during the run, are never touched', async () => {
    await session(user, 2);
    const harness = engineHarness(db.url, {
      clock: h.clock,
      admin: hookedAdmin(async () => {
        await session(other, 1);
        await session(user, 1);
      }),
    });
    try {
      const req = await ask(harness, 'disable-user', { user });
      await session(other, 2);
      const done = await approve(harness, req.id);
      expect(done.error ?? done.state).toBe('succeeded');
      // Decision (playbooks/disable-user.ts): all of the user's own sessions go, even new ones.
      expect(await sessions(user)).toBe(0);
      expect(await sessions(other)).toBe(3);
    } finally {
      await harness.close();
    }
  });

  it('the user swapped for nobody (deleted before approval): fails, nothing is changed', async () => {
    const gone = '9e1f8e0a-1b2c-4d5e-8f90-0123456789ab';
    await db.pool.query(`INSERT INTO auth.users (id, email) VALUES ($1, 'gone@dealer.example')`, [gone]);
    const req = await ask(h, 'disable-user', { user: gone });
    await db.pool.query(`DELETE FROM auth.users WHERE id = $1`, [gone]);
    const done = await approve(h, req.id);
    expect(done.state).toBe('failed');
    expect(done.error).toMatch(/No user with id/);
    expect(h.bans.filter((b) => b.userId === gone)).toEqual([]);
  });
});

describe('revoke-role (one row: the user, the organization, the role)', () => {
  // Its scope is a single row, so "swapped" is that row replaced by another with the same
  // user, organization and role, and rows "added" are other roles that must stay.
  const user = '7a1f8e0a-1b2c-4d5e-8f90-0123456789ab';
  const other = '7b1f8e0a-1b2c-4d5e-8f90-0123456789ab';
  let otherOrg: string;
  beforeAll(async () => {
    await db.pool.query(`INSERT INTO auth.users (id, email) VALUES ($1, 'rita@dealer.example'), ($2, 'omar@dealer.example')`, [user, other]);
    otherOrg = await seedOrg(db.pool, 'Other Motors');
  });
  beforeEach(async () => {
    await db.pool.query('DELETE FROM public.user_roles');
  });
  const grant = async (u: string, o: string, role: string) =>
    (await db.pool.query<{ id: string }>(`INSERT INTO public.user_roles (user_id, organization_id, role) VALUES ($1, $2, $3) RETURNING id::text`, [u, o, role])).rows[0]!.id;
  /** The approved row deleted and granted again: same user, organization and role, another row. */
  const replace = async (u: string, o: string, role: string) => {
    await db.pool.query(`DELETE FROM public.user_roles WHERE user_id = $1 AND organization_id = $2 AND role::text = $3`, [u, o, role]);
    return grant(u, o, role);
  };
  const ids = async () => (await db.pool.query<{ id: string }>('SELECT id::text FROM public.user_roles ORDER BY id')).rows.map((r) => r.id);

  it('its row replaced by another with the same user, organization and role before approval: stops, the new row stays', async () => {
    await grant(user, org, 'admin');
    const req = await ask(h, 'revoke-role', { user, org, role: 'admin' });
    expect(req.preview.count).toBe(1);
    const regranted = await replace(user, org, 'admin');
    const done = await approve(h, req.id);
    expect(done.state).toBe('stopped');
    expect(done.error).toMatch(/1 roles match now, but 1 were approved \(1 added, 1 gone\)/);
    expect(done.rowsAffected).toBe(0);
    expect(await ids()).toEqual([regranted]);
    expect(message(done)).toMatch(/Stopped before any of the 1 roles were revoked: the scope changed/);
  });

  it('roles added before approval (the same user’s other role, the same role elsewhere and of another user): only the approved row goes', async () => {
    const approved = await grant(user, org, 'admin');
    const req = await ask(h, 'revoke-role', { user, org, role: 'admin' });
    const added = [await grant(user, org, 'manager'), await grant(user, otherOrg, 'admin'), await grant(other, org, 'admin')];
    const done = await approve(h, req.id);
    expect(done.error ?? done.state).toBe('succeeded');
    expect(done.rowsAffected).toBe(1);
    expect(await ids()).toEqual([...added].sort());
    expect(await ids()).not.toContain(approved);
  });

  it('during the run (after the scope check), its row replaced and other roles added: nothing is revoked, and it says so', async () => {
    await grant(user, org, 'admin');
    let regranted = '';
    let added: string[] = [];
    const harness = engineHarness(db.url, {
      clock: h.clock,
      admin: hookedAdmin(async (i) => {
        if (i !== 1) return;
        regranted = await replace(user, org, 'admin');
        added = [await grant(user, org, 'sales'), await grant(other, org, 'admin')];
      }),
    });
    try {
      const req = await ask(harness, 'revoke-role', { user, org, role: 'admin' });
      const done = await approve(harness, req.id);
      expect(done.error ?? done.state).toBe('succeeded');
      expect(done.rowsAffected).toBe(0);
      expect(done.result?.summary).toMatch(/admin was already gone; nothing changed/);
      expect(await ids()).toEqual([regranted, ...added].sort());
    } finally {
      await harness.close();
    }
  });
});

describe('terminate-backend (one session: pid, start time and database)', () => {
  // Its scope is a single session, so "swapped" is that session gone and another in its place,
  // and sessions "added" are others of the same user and app, which must never be touched.
  let role: Awaited<ReturnType<typeof appRole>>;
  const open: pg.Client[] = [];
  beforeAll(async () => {
    role = await appRole(db.pool);
  });
  afterAll(async () => {
    await Promise.allSettled(open.map((c) => c.end()));
    await role.drop();
  });
  /** A session of the app that sits idle in a transaction (what terminate=yes is for). */
  const idleInTx = async () => {
    const c = new pg.Client({ connectionString: role.url(db.url), application_name: 'dealer-crm' });
    c.on('error', () => undefined);
    await c.connect();
    open.push(c);
    const pid = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await c.query('BEGIN');
    await c.query('SELECT 1');
    return pid;
  };
  const alive = (pid: number) => n(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1`, [pid]);

  it('its session gone before approval and another opened in its place: nothing is signalled, the new session stays', async () => {
    const approved = await idleInTx();
    const req = await ask(h, 'terminate-backend', { pid: String(approved), terminate: 'yes' });
    await open.pop()!.end();
    await expect.poll(() => alive(approved)).toBe(0);
    const replacement = await idleInTx();
    const done = await approve(h, req.id);
    expect(done.state).not.toBe('succeeded');
    expect(done.error).toMatch(new RegExp(`No session has pid ${approved} now`));
    expect(done.rowsAffected).toBe(0);
    expect(await alive(replacement)).toBe(1);
  });

  it('sessions of the same user and app opened before approval and during the run are never touched; only the approved one ends', async () => {
    const approved = await idleInTx();
    const duringPids: number[] = [];
    const harness = engineHarness(db.url, {
      clock: h.clock,
      admin: hookedAdmin(async (i) => {
        if (i === 1) duringPids.push(await idleInTx());
      }),
    });
    try {
      const req = await ask(harness, 'terminate-backend', { pid: String(approved), terminate: 'yes' });
      const before = await idleInTx();
      const done = await approve(harness, req.id);
      expect(done.error ?? done.state).toBe('succeeded');
      expect(done.rowsAffected).toBe(1);
      await expect.poll(() => alive(approved)).toBe(0);
      expect(duringPids).toHaveLength(1);
      expect(await alive(before)).toBe(1);
      expect(await alive(duringPids[0]!)).toBe(1);
    } finally {
      await harness.close();
    }
  });
});

describe('vacuum-analyze (tables pinned by oid)', () => {
  it('a table replaced by another of the same name before approval: stops, vacuums nothing', async () => {
    await db.pool.query(`CREATE TABLE public.scratch_vac (id int)`);
    const req = await ask(h, 'vacuum-analyze', { tables: 'public.scratch_vac,public.leads' });
    await db.pool.query(`DROP TABLE public.scratch_vac; CREATE TABLE public.scratch_vac (id int)`);
    const done = await approve(h, req.id);
    expect(done.state).toBe('stopped');
    expect(done.error).toMatch(/\(1 added, 1 gone\)/);
  });
});

describe('plan hash', () => {
  it('a request row whose preview was changed in the state store after the preview does not run', async () => {
    await db.pool.query(`INSERT INTO public.leads (organization_id, email) VALUES ($1, 'a@test.com'), ($1, 'keep@example.com')`, [org]);
    const req = await ask(h, 'clear-test-data', {});
    // Someone with write access to the state store widens the approved keys to another lead.
    await db.pool.query(
      `UPDATE opsbot.playbook_requests SET preview = jsonb_set(preview, '{keys}', (SELECT jsonb_agg(id::text) FROM public.leads)) WHERE id = $1`,
      [req.id],
    );
    const done = await approve(h, req.id);
    expect(done.state).toBe('failed');
    expect(done.error).toMatch(/no longer matches the plan that was approved/);
    expect(await n('SELECT count(*)::int AS n FROM public.leads')).toBe(2);
  });
});
