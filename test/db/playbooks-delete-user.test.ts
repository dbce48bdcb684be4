// delete-user on a real database: two approvers, never the requester; the cascade comes from the
// catalog (tables added here, unknown to any list, are found); what the preview counted is exactly
// what is deleted; the safety export is stored first; and rows added, swapped or blocking — before
// approval or during the run — stop it with nothing deleted.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deleteUserPlaybook, type CascadeNode } from '../../playbooks/delete-user.js';
import { PLAYBOOKS } from '../../playbooks/index.js';
import type { PlaybookRequest } from '../../src/playbooks/request.js';
import { stateUserExports, userExportRetentionJob } from '../../src/playbooks/user-exports.js';
import { createStateStore } from '../../src/state/store.js';
import type { AdminDb } from '../../src/db/admin.js';
import { engineHarness, hookedAdmin, seedOrg, silent, type EngineHarness } from '../support/playbooks.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
let h: EngineHarness;
let org: string;
const exportState = () => createStateStore({ url: db.url, logger: silent, connectTimeoutMs: 5000 });
let exportsState: ReturnType<typeof exportState>;
const registry = () => [...PLAYBOOKS, deleteUserPlaybook(stateUserExports(exportsState))];

beforeAll(async () => {
  db = await createTestDatabase();
  exportsState = exportState();
  // Tables of the app that no list in the bot knows: found only through their foreign keys.
  await db.pool.query(`
    CREATE TABLE public.user_devices (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE, name text);
    CREATE TABLE public.device_pings (id bigserial PRIMARY KEY, device_id uuid NOT NULL REFERENCES public.user_devices (id) ON DELETE CASCADE);
    CREATE TABLE public.notes (id bigserial PRIMARY KEY, author uuid REFERENCES auth.users (id) ON DELETE SET NULL, body text NOT NULL);
  `);
  h = engineHarness(db.url, { registry: registry() });
  org = await seedOrg(db.pool, 'Delete Motors');
});
afterAll(async () => {
  await h.close();
  await exportsState.close();
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('DELETE FROM public.leads; DELETE FROM public.notes; DELETE FROM auth.refresh_tokens; DELETE FROM auth.users; DELETE FROM opsbot.user_exports');
});

/** A user with a profile, two roles, sessions with refresh tokens, a legacy token, devices with pings and notes. */
async function seedUser(email: string, sessions = 3): Promise<string> {
  const id = randomUUID();
  await db.pool.query(`INSERT INTO auth.users (id, email) VALUES ($1, $2)`, [id, email]);
  await db.pool.query(`INSERT INTO public.profiles (id, organization_id, email) VALUES ($1, $2, $3)`, [id, org, email]);
  await db.pool.query(`INSERT INTO public.user_roles (user_id, organization_id, role) VALUES ($1, $2, 'sales'), ($1, $2, 'viewer')`, [id, org]);
  await db.pool.query(`INSERT INTO auth.sessions (id, user_id) SELECT gen_random_uuid(), $1 FROM generate_series(1, $2)`, [id, sessions]);
  await db.pool.query(`INSERT INTO auth.refresh_tokens (token, user_id, session_id) SELECT 'tok-' || s.id || '-' || g, s.user_id::text, s.id FROM auth.sessions s, generate_series(1, 2) g WHERE s.user_id = $1`, [id]);
  await db.pool.query(`INSERT INTO auth.refresh_tokens (token, user_id, session_id) VALUES ('legacy-' || $1, $1, NULL)`, [id]);
  await db.pool.query(`INSERT INTO public.user_devices (user_id, name) VALUES ($1, 'phone'), ($1, 'laptop')`, [id]);
  await db.pool.query(`INSERT INTO public.device_pings (device_id) SELECT d.id FROM public.user_devices d, generate_series(1, 3) WHERE d.user_id = $1`, [id]);
  await db.pool.query(`INSERT INTO public.notes (author, body) VALUES ($1, 'called back'), ($1, 'sent quote')`, [id]);
  return id;
}

/** What the database holds for a user, per table, the way the cascade reaches it. */
async function holdings(id: string): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<Record<string, number>>(
    `SELECT
       (SELECT count(*)::int FROM auth.users WHERE id = $1) AS "auth.users",
       (SELECT count(*)::int FROM public.profiles WHERE id = $1) AS "public.profiles",
       (SELECT count(*)::int FROM public.user_roles WHERE user_id = $1) AS "public.user_roles",
       (SELECT count(*)::int FROM auth.sessions WHERE user_id = $1) AS "auth.sessions",
       (SELECT count(*)::int FROM auth.refresh_tokens WHERE user_id = $1::text) AS "auth.refresh_tokens",
       (SELECT count(*)::int FROM public.user_devices WHERE user_id = $1) AS "public.user_devices",
       (SELECT count(*)::int FROM public.device_pings p JOIN public.user_devices d ON d.id = p.device_id WHERE d.user_id = $1) AS "public.device_pings",
       (SELECT count(*)::int FROM public.notes WHERE author = $1) AS "public.notes"`,
    [id],
  );
  return rows[0]!;
}

const totalRows = async () =>
  (
    await db.pool.query<{ n: number }>(
      `SELECT ((SELECT count(*) FROM auth.users) + (SELECT count(*) FROM auth.sessions) + (SELECT count(*) FROM auth.refresh_tokens) + (SELECT count(*) FROM public.profiles)
        + (SELECT count(*) FROM public.user_roles) + (SELECT count(*) FROM public.user_devices) + (SELECT count(*) FROM public.device_pings) + (SELECT count(*) FROM public.notes WHERE author IS NOT NULL))::int AS n`,
    )
  ).rows[0]!.n;

const ask = async (harness: EngineHarness, user: string): Promise<PlaybookRequest> =>
  (await harness.engine.request({ playbookId: 'delete-user', rawParams: { user }, requestedBy: 'U0REQ', channel: 'C0OPS' })).request;

async function approveTwice(harness: EngineHarness, id: string): Promise<PlaybookRequest> {
  expect((await harness.engine.approve(id, 'U0APPROVER1')).kind).toBe('recorded');
  const second = await harness.engine.approve(id, 'U0APPROVER2');
  if (second.kind !== 'started') throw new Error(`expected the run to start, got ${second.kind}`);
  return second.done;
}

const perTable = (nodes: CascadeNode[]) => {
  const out: Record<string, number> = {};
  for (const n of nodes) if (n.action !== 'blocks') out[n.table] = (out[n.table] ?? 0) + n.rows;
  return out;
};

describe('delete-user', () => {
  it('needs two approvers and refuses the requester; deletes exactly the cascade the preview listed, after a safety export', async () => {
    const doomed = await seedUser('gone@dealer.example');
    const bystander = await seedUser('stays@dealer.example', 2);
    const keep = await holdings(bystander);
    const before = await holdings(doomed);

    const req = await ask(h, doomed);
    expect(req.approvalsRequired).toBe(2);
    const cascade = req.preview.detail?.cascade as CascadeNode[];
    // The catalog walk found the app's own tables, two levels deep, and the SET NULL reference.
    expect(cascade.map((n) => `${n.table} ${n.action}`)).toEqual(
      expect.arrayContaining(['public.user_devices delete', 'public.device_pings delete', 'public.notes set null', 'public.leads blocks', 'public.interactions blocks']),
    );
    expect(cascade.find((n) => n.table === 'public.device_pings')?.via).toBe('user_devices_user_id_fkey → device_pings_device_id_fkey');
    // The preview counts per table are what the database holds for the user.
    expect(perTable(cascade)).toEqual(before);
    expect(req.preview.count).toBe(Object.values(before).reduce((s, n) => s + n, 0));
    expect(req.preview.items).toEqual(expect.arrayContaining(['public.notes: 2 rows reference set to NULL (via notes_author_fkey)', 'auth.sessions: 3 rows deleted (via sessions_user_id_fkey)']));
    expect(req.preview.summary).toMatch(/delete gone@dealer.example for good: 24 row\(s\) in 8 table\(s\)/);

    // The requester cannot approve; one approver is not enough.
    expect((await h.engine.approve(req.id, 'U0REQ')).kind).toBe('own_request');
    expect((await h.engine.approve(req.id, 'U0APPROVER1')).kind).toBe('recorded');
    expect((await h.engine.approve(req.id, 'U0APPROVER1')).kind).toBe('already_approved');
    expect(await holdings(doomed)).toEqual(before);
    const second = await h.engine.approve(req.id, 'U0APPROVER2');
    if (second.kind !== 'started') throw new Error(second.kind);
    const done = await second.done;
    expect(done.error ?? done.state).toBe('succeeded');
    expect(done.approvers.sort()).toEqual(['U0APPROVER1', 'U0APPROVER2']);

    // Exactly what the preview counted is gone (notes kept, their author cleared); nothing of the other user changed.
    const after = await holdings(doomed);
    expect(Object.values(after).every((n) => n === 0)).toBe(true);
    expect(done.rowsAffected).toBe(req.preview.count);
    expect(perTable((done.result as { detail: { cascade: CascadeNode[] } } & Record<string, unknown>).detail.cascade)).toEqual(before);
    expect((await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.notes WHERE author IS NULL`)).rows[0]!.n).toBe(2);
    expect(await holdings(bystander)).toEqual(keep);

    // The safety export holds every one of those rows, with its digest.
    const exp = (await db.pool.query<{ id: string; row_count: number; sha256: string; rows: { table: string; rows: { id?: string }[] }[]; request_id: string }>(`SELECT * FROM opsbot.user_exports`)).rows;
    expect(exp).toHaveLength(1);
    expect(exp[0]!.request_id).toBe(req.id);
    expect(exp[0]!.row_count).toBe(req.preview.count);
    const users = exp[0]!.rows.find((t) => t.table === 'auth.users');
    expect(users?.rows[0]?.id).toBe(doomed);
    expect(done.result?.summary).toMatch(new RegExp(`safety export ${exp[0]!.id} \\(${req.preview.count} rows, sha256 ${exp[0]!.sha256.slice(0, 12)}`));
  });

  it('is refused before anyone approves while rows reference the user without a cascade (leads assigned to them)', async () => {
    const user = await seedUser('sales@dealer.example');
    await db.pool.query(`INSERT INTO public.leads (organization_id, email, assigned_to) VALUES ($1, 'a@x.example', $2), ($1, 'b@x.example', $2)`, [org, user]);
    await expect(ask(h, user)).rejects.toThrow(/sales@dealer.example cannot be deleted as things stand: 2 row\(s\) of public.leads reference the user \(leads_assigned_to_fkey.*Reassign or remove those rows first/);
    await expect(ask(h, randomUUID())).rejects.toThrow(/No user with id .* exists in auth.users/);
    await expect(h.engine.request({ playbookId: 'delete-user', rawParams: { user: "x'; DROP TABLE auth.users; --" }, requestedBy: 'U0REQ' })).rejects.toThrow(/`user`: expected the user id \(uuid\)/);
    expect((await holdings(user))['auth.users']).toBe(1);
  });

  it('a session added before approval: stops, deletes nothing, says what grew', async () => {
    const user = await seedUser('late@dealer.example');
    const req = await ask(h, user);
    await db.pool.query(`INSERT INTO auth.sessions (id, user_id) VALUES (gen_random_uuid(), $1)`, [user]);
    const rows = await totalRows();
    const done = await approveTwice(h, req.id);
    expect(done.state).toBe('stopped');
    expect(done.error).toMatch(/the scope changed after the preview: .* \(1 more\)/);
    expect(await totalRows()).toBe(rows);
    expect((await db.pool.query('SELECT 1 FROM opsbot.user_exports')).rowCount).toBe(0);
  });

  it('rows swapped before approval (a session gone, another opened): the fingerprint stops it', async () => {
    const user = await seedUser('swap@dealer.example');
    const req = await ask(h, user);
    await db.pool.query(`DELETE FROM auth.sessions WHERE id = (SELECT id FROM auth.sessions WHERE user_id = $1 ORDER BY id LIMIT 1)`, [user]);
    await db.pool.query(`INSERT INTO auth.sessions (id, user_id) VALUES (gen_random_uuid(), $1)`, [user]);
    await db.pool.query(`INSERT INTO auth.refresh_tokens (token, user_id, session_id) SELECT 'new-' || g || s.id, $1::text, s.id FROM auth.sessions s, generate_series(1, 2) g WHERE s.user_id = $1::uuid AND NOT EXISTS (SELECT 1 FROM auth.refresh_tokens t WHERE t.session_id = s.id)`, [user]);
    const rows = await totalRows();
    const done = await approveTwice(h, req.id);
    expect(done.state).toBe('stopped');
    expect(done.error).toMatch(/not the ones that were approved \(rows were swapped\)/);
    expect(await totalRows()).toBe(rows);
  });

  it('rows added during the run (after the engine re-checked, before the delete): the locked recount stops it, nothing deleted, no export', async () => {
    const user = await seedUser('during@dealer.example');
    const harness = engineHarness(db.url, {
      clock: h.clock,
      registry: registry(),
      admin: hookedAdmin(async (i) => {
        if (i === 1) await db.pool.query(`INSERT INTO public.device_pings (device_id) SELECT id FROM public.user_devices WHERE user_id = $1 LIMIT 1`, [user]);
      }),
    });
    try {
      const req = await ask(harness, user);
      const done = await approveTwice(harness, req.id);
      expect(done.state).toBe('stopped');
      expect(done.error).toMatch(/the rows that go with the user changed after the preview: public.device_pings: 7 row\(s\) now, 6 approved. Nothing was deleted/);
      expect((await holdings(user))['auth.users']).toBe(1);
      expect((await holdings(user))['public.device_pings']).toBe(7);
      expect((await db.pool.query('SELECT 1 FROM opsbot.user_exports')).rowCount).toBe(0);
    } finally {
      await harness.close();
    }
  });

  it('a session opened while the run holds its locks waits, then fails: nothing outside the counted rows is deleted or orphaned', async () => {
    const user = await seedUser('locked@dealer.example');
    let racing: Promise<string> | undefined;
    // Between the locked recount and the delete, another client tries to add a session for the user.
    const racer = (real: AdminDb): AdminDb => ({
      ...real,
      transaction: (purpose, fn, o) =>
        real.transaction(
          purpose,
          (q) =>
            fn(async (name, params, fragments) => {
              if (name === 'playbooks/delete-user/delete-legacy-tokens' && !racing) {
                racing = db.pool.query(`INSERT INTO auth.sessions (id, user_id) VALUES (gen_random_uuid(), $1)`, [user]).then(
                  () => 'inserted',
                  (err: { code?: string }) => `failed ${err.code ?? '?'}`,
                );
                // Give it time to reach the lock it must wait for.
                await new Promise((r) => setTimeout(r, 300));
              }
              return q(name, params, fragments);
            }),
          o,
        ),
    });
    const harness = engineHarness(db.url, { clock: h.clock, registry: registry(), admin: racer });
    try {
      const req = await ask(harness, user);
      const done = await approveTwice(harness, req.id);
      expect(done.error ?? done.state).toBe('succeeded');
      expect(done.rowsAffected).toBe(req.preview.count);
      // The insert waited for the user's row lock and then found no user: a foreign-key violation.
      expect(await racing).toBe('failed 23503');
      expect(Object.values(await holdings(user)).every((n) => n === 0)).toBe(true);
    } finally {
      await harness.close();
    }
  });

  it('a lead assigned to the user during the run: stops before the delete, which would have failed', async () => {
    const user = await seedUser('assigned@dealer.example');
    const harness = engineHarness(db.url, {
      clock: h.clock,
      registry: registry(),
      admin: hookedAdmin(async (i) => {
        if (i === 1) await db.pool.query(`INSERT INTO public.leads (organization_id, email, assigned_to) VALUES ($1, 'c@x.example', $2)`, [org, user]);
      }),
    });
    try {
      const done = await approveTwice(harness, (await ask(harness, user)).id);
      expect(done.state).toBe('stopped');
      expect(done.error).toMatch(/public.leads now has 1 row\(s\) that block the delete/);
      expect((await holdings(user))['auth.users']).toBe(1);
    } finally {
      await harness.close();
    }
  });
});

describe('safety export retention', () => {
  const DAY = 86_400_000;
  const takenAt = (daysAgo: number, now: number) => now - daysAgo * DAY;

  it('the daily job deletes the exports older than the retention and keeps the newer ones', async () => {
    const store = stateUserExports(exportsState);
    const now = Date.UTC(2026, 11, 7, 3, 23);
    const saved: Record<number, string> = {};
    for (const age of [45, 31, 29, 1]) {
      const s = await store.save({ requestId: randomUUID(), userId: randomUUID(), takenAt: takenAt(age, now), tables: [{ table: 'public.profiles', via: 'id', action: 'CASCADE', rows: [{ email: `${age}@x.example` }] }] });
      saved[age] = s.id;
    }
    const job = userExportRetentionJob(db.pool, 30 * DAY);
    expect(job.schedule).toEqual({ kind: 'cron', expression: '23 3 * * *' });
    const result = await job.run({ jobId: job.id, scheduledAt: now, now, late: false, log: silent });
    expect(result).toMatchObject({ detail: { deleted: 2 } });
    const left = await db.pool.query<{ id: string }>('SELECT id FROM opsbot.user_exports ORDER BY taken_at');
    expect(left.rows.map((r) => r.id)).toEqual([saved[29], saved[1]]);
    // A second run the same day has nothing left to delete.
    expect(await job.run({ jobId: job.id, scheduledAt: now, now, late: false, log: silent })).toMatchObject({ detail: { deleted: 0 } });
  });
});
