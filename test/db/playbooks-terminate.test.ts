// terminate-backend on a real Postgres: an idle-in-transaction lock
// holder is ended and its waiter proceeds; cancel alone is refused where it cannot help; a
// session of another database on the same server is never touched, at preview or at run.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { createAdminDb } from '../../src/db/admin.js';
import { createTargetDb } from '../../src/db/target.js';
import { OpsError, InputError } from '../../src/core/errors.js';
import type { PlaybookRequest } from '../../src/playbooks/request.js';
import type { PlaybookContext, Preview } from '../../src/playbooks/types.js';
import { terminateBackend } from '../../playbooks/terminate-backend.js';
import { appRole, engineHarness, seedOrg, silent, type EngineHarness } from '../support/playbooks.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
let other: TestDatabase;
let h: EngineHarness;
let role: Awaited<ReturnType<typeof appRole>>;
let leadId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  other = await createTestDatabase();
  h = engineHarness(db.url);
  role = await appRole(db.pool);
  await db.pool.query(`GRANT SELECT, UPDATE ON public.leads TO ${role.name}`);
  const org = await seedOrg(db.pool);
  leadId = (await db.pool.query<{ id: string }>(`INSERT INTO public.leads (organization_id, email) VALUES ($1, 'holder@example.com') RETURNING id`, [org])).rows[0]!.id;
});
afterAll(async () => {
  await h.close();
  await db.pool.query(`REVOKE ALL ON public.leads FROM ${role.name}`);
  await role.drop();
  await db.drop();
  await other.drop();
});

async function client(url: string, app: string): Promise<pg.Client & { pid: number }> {
  const c = new pg.Client({ connectionString: url, application_name: app });
  await c.connect();
  c.on('error', () => undefined);
  const pid = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  return Object.assign(c, { pid });
}

async function alive(pid: number): Promise<boolean> {
  return (await db.pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rows.length > 0;
}

/** Waits until `pid` waits for a lock (so the waiter is really blocked before we act). */
async function untilBlocked(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await db.pool.query<{ n: number }>('SELECT cardinality(pg_blocking_pids($1))::int AS n', [pid]);
    if ((rows[0]?.n ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`pid ${pid} never blocked`);
}

async function requestAndApprove(rawParams: Record<string, string>): Promise<PlaybookRequest> {
  const { request } = await h.engine.request({ playbookId: 'terminate-backend', rawParams, requestedBy: 'U0REQ', channel: 'C0OPS' });
  const outcome = await h.engine.approve(request.id, 'U0APPROVER');
  if (outcome.kind !== 'started') throw new Error(`expected the run to start, got ${outcome.kind}`);
  return outcome.done;
}

/** A session holding a row lock on the lead, and a second session waiting for it. */
async function holderAndWaiter(holderWork: 'idle' | 'active') {
  const holder = await client(role.url(db.url), 'dealer-crm');
  await holder.query('BEGIN');
  await holder.query(`UPDATE public.leads SET status = 'contacted' WHERE id = $1`, [leadId]);
  const holderRun =
    holderWork === 'active'
      ? holder.query('SELECT pg_sleep(30)').then(
          () => 'finished',
          (err: Error) => err.message,
        )
      : Promise.resolve('idle');
  const waiter = await client(role.url(db.url), 'dealer-web');
  const waited = waiter.query(`UPDATE public.leads SET status = 'new' WHERE id = $1`, [leadId]).then(
    (r) => `updated ${r.rowCount}`,
    (err: Error) => err.message,
  );
  await untilBlocked(waiter.pid);
  return { holder, holderRun, waiter, waited };
}

describe('terminate-backend with terminate=yes', () => {
  it('ends an idle-in-transaction lock holder: the lock is released, the waiter proceeds, the message says so', async () => {
    const { holder, waiter, waited } = await holderAndWaiter('idle');
    try {
      const { request } = await h.engine.request({ playbookId: 'terminate-backend', rawParams: { pid: String(holder.pid), terminate: 'yes' }, requestedBy: 'U0REQ' });
      expect(request.preview.summary).toMatch(/terminate \(cancelling cannot help\).*idle in transaction/);
      expect(request.preview.items[0]).toMatch(/1 session waiting for its locks/);
      const outcome = await h.engine.approve(request.id, 'U0APPROVER');
      if (outcome.kind !== 'started') throw new Error(outcome.kind);
      const done = await outcome.done;
      expect(done.error ?? done.state).toBe('succeeded');
      expect(done.rowsAffected).toBe(1);
      expect(done.result?.summary).toMatch(/terminated the session of pid \d+ .*it is gone.*locks are released; 1 session waiting for its locks can proceed/);
      expect(await waited).toBe('updated 1');
      expect(await alive(holder.pid)).toBe(false);
      expect(await alive(waiter.pid)).toBe(true);
    } finally {
      await Promise.allSettled([holder.end(), waiter.end()]);
    }
  });

  it('cancels a statement inside a lock-holding transaction first: the failed transaction frees the lock, so the session is spared', async () => {
    const { holder, holderRun, waiter, waited } = await holderAndWaiter('active');
    try {
      await new Promise((r) => setTimeout(r, 200));
      const done = await requestAndApprove({ pid: String(holder.pid), terminate: 'yes' });
      expect(done.error ?? done.state).toBe('succeeded');
      expect(await holderRun).toMatch(/canceling statement due to user request/);
      expect(done.result?.summary).toMatch(/cancelled the statement of pid \d+; the session is now idle in transaction \(aborted\) and holds no lock anyone waits for/);
      expect(await waited).toBe('updated 1');
      expect(await alive(holder.pid)).toBe(true);
    } finally {
      await Promise.allSettled([holder.end(), waiter.end()]);
    }
  });

  it('ends an idle session (no transaction) that holds a session-level lock others wait for', async () => {
    const holder = await client(role.url(db.url), 'dealer-cron');
    const waiter = await client(role.url(db.url), 'dealer-cron-2');
    try {
      await holder.query('SELECT pg_advisory_lock(4242)');
      const waited = waiter.query('SELECT pg_advisory_lock(4242)').then(
        () => 'locked',
        (err: Error) => err.message,
      );
      await untilBlocked(waiter.pid);
      const done = await requestAndApprove({ pid: String(holder.pid), terminate: 'yes' });
      expect(done.error ?? done.state).toBe('succeeded');
      expect(done.result?.summary).toMatch(/cancelling cannot help a session that is idle, 1 session waiting for its locks: it is gone/);
      expect(await waited).toBe('locked');
      expect(await alive(holder.pid)).toBe(false);
    } finally {
      await Promise.allSettled([holder.end(), waiter.end()]);
    }
  });

  it('stops at the cancel when that is enough: a lone runaway statement, the session stays', async () => {
    const runaway = await client(role.url(db.url), 'runaway-report');
    try {
      const result = runaway.query('SELECT pg_sleep(30)').then(
        () => 'finished',
        (err: Error) => err.message,
      );
      await new Promise((r) => setTimeout(r, 200));
      const done = await requestAndApprove({ pid: String(runaway.pid), terminate: 'yes' });
      expect(done.error ?? done.state).toBe('succeeded');
      expect(await result).toMatch(/canceling statement/);
      expect(done.result?.summary).toMatch(/cancelled the statement of pid \d+; the session is now idle/);
      expect(await alive(runaway.pid)).toBe(true);
    } finally {
      await runaway.end().catch(() => undefined);
    }
  });
});

describe('terminate-backend without terminate=yes', () => {
  it('refuses to "cancel" an idle-in-transaction holder: says cancel cannot help and terminate=yes is needed; nothing is requested', async () => {
    const { holder, waiter, waited } = await holderAndWaiter('idle');
    try {
      const count = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM opsbot.playbook_requests')).rows[0]!.n;
      const before = await count();
      const err = await h.engine.request({ playbookId: 'terminate-backend', rawParams: { pid: String(holder.pid) }, requestedBy: 'U0REQ' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(/idle in transaction.*cancelling does nothing.*`terminate-backend pid=\d+ terminate=yes`/);
      expect(await count()).toBe(before);
      expect(await alive(holder.pid)).toBe(true);
    } finally {
      await holder.end();
      expect(await waited).toBe('updated 1');
      await waiter.end();
    }
  });
});

describe('terminate-backend and other databases on the same server', () => {
  it('refuses a pid of another database at preview, with the database names', async () => {
    const stranger = await client(role.url(other.url), 'other-app');
    try {
      await expect(
        h.engine.request({ playbookId: 'terminate-backend', rawParams: { pid: String(stranger.pid), terminate: 'yes' }, requestedBy: 'U0REQ' }),
      ).rejects.toThrow(new RegExp(`connected to database ${other.name}, not to the target database ${db.name}`));
      expect(await alive(stranger.pid)).toBe(true);
    } finally {
      await stranger.end();
    }
  });

  it('the run re-checks pid, start time and database: an approval naming a session elsewhere signals nothing', async () => {
    const stranger = await client(role.url(other.url), 'other-app');
    try {
      await stranger.query('BEGIN');
      await stranger.query('SELECT 1');
      const { rows } = await db.pool.query<{ ms: string }>(
        'SELECT (extract(epoch FROM backend_start) * 1000)::bigint AS ms FROM pg_stat_activity WHERE pid = $1',
        [stranger.pid],
      );
      const ms = rows[0]!.ms;
      const ctx = contextFor(h);
      // As if the approved preview had pinned this session (its own database, or the target's name).
      for (const datname of [other.name, db.name]) {
        const approved: Preview = { summary: 'x', count: 1, items: [], keys: [`${stranger.pid}:${ms}`], pinned: { pid: stranger.pid, backendStartMs: ms, datname } };
        const result = await terminateBackend.run(ctx, { pid: stranger.pid, terminate: true }, approved, meta);
        expect(result.rowsAffected).toBe(0);
        expect(result.summary).toMatch(/nothing done/);
      }
      expect(await alive(stranger.pid)).toBe(true);
      // The same holds for a request made before the database was pinned (key only).
      const legacy: Preview = { summary: 'x', count: 1, items: [], keys: [`${stranger.pid}:${ms}`] };
      expect((await terminateBackend.run(ctx, { pid: stranger.pid, terminate: true }, legacy, meta)).rowsAffected).toBe(0);
      expect(await alive(stranger.pid)).toBe(true);
    } finally {
      await stranger.end();
    }
  });
});

describe('terminate-backend when the database goes away', () => {
  it('preview and run fail with an error for the engine instead of crashing', async () => {
    const gone = await createTestDatabase();
    const url = gone.url;
    await gone.drop();
    const target = createTargetDb({ url, poolMax: 1, statementTimeoutMs: 2000, lockTimeoutMs: 500, connectTimeoutMs: 2000, logger: silent, monotonic: () => performance.now() });
    const admin = createAdminDb({ url, statementTimeoutMs: 2000, lockTimeoutMs: 500, connectTimeoutMs: 2000, logger: silent });
    try {
      const ctx: PlaybookContext = { ...contextFor(h), target, admin };
      await expect(terminateBackend.preview(ctx, { pid: 12345, terminate: true })).rejects.toBeInstanceOf(OpsError);
      const approved: Preview = { summary: 'x', count: 1, items: [], keys: ['12345:1'], pinned: { pid: 12345, backendStartMs: '1', datname: 'x' } };
      await expect(terminateBackend.run(ctx, { pid: 12345, terminate: true }, approved, meta)).rejects.toThrow(/Cannot connect to the target database/);
    } finally {
      await Promise.allSettled([target.close(), admin.close()]);
    }
  });
});

const meta = { requestId: 'r', requestedBy: 'U0REQ', approvers: ['U0APPROVER'], channel: null, breakGlassReason: null };

function contextFor(harness: EngineHarness): PlaybookContext {
  return {
    target: harness.target,
    admin: harness.admin,
    authAdmin: { configured: false, setBan: () => Promise.resolve() },
    clock: fixedClock(0),
    log: silent,
    heartbeat: () => Promise.resolve(),
    committed: () => undefined,
  };
}
