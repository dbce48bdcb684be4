// Cut database sessions against a real Postgres: a session terminated by a DBA while the bot's
// client is checked out (idle between two queries, or mid-query), the target database dropped
// mid-call, a state-store transaction cut while it waits on a row lock, and a scheduler job lock
// whose session is cut. Each time: no uncaught error (the process would die in production), the
// call rejects with ConnectionLostError naming the system, and the next call on the same object
// works — the pool dropped the broken client instead of handing it out again.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { createAdminDb, type AdminDb } from '../../src/db/admin.js';
import { isConnectionLost } from '../../src/db/connection-lost.js';
import { createTargetDb, type TargetDb } from '../../src/db/target.js';
import { ConnectionLostError, UpstreamError } from '../../src/core/errors.js';
import { createJobRunStore } from '../../src/state/run-store.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { withDatabase } from '../support/template.js';

const TARGET_LOST = /^The connection to the target database was lost: the server ended the session \(terminated by an administrator.*The read that was cut changed nothing\. The bot is still running/;
const ADMIN_LOST = /^The connection to the target database \(writing, DATABASE_ADMIN_URL\) was lost: the server ended the session \(terminated by an administrator.*Work committed before that is kept/;
const STATE_LOST =
  /^The connection to the bot's state store \(STATE_DATABASE_URL\) was lost: the server ended the session \(terminated by an administrator.*approvals, audit and playbooks are unavailable; \/health and read-only diagnostics still work/;

let db: TestDatabase;
let killer: pg.Client;
let target: TargetDb;
let admin: AdminDb;
let state: StateStore;
const logLines: string[] = [];
const logger = pino(
  { level: 'warn' },
  new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(chunk.toString('utf8'));
      cb();
    },
  }),
);
const uncaught = vi.fn();

const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

/** Terminates every session of this test database with that application_name; returns how many. */
async function terminate(app: string, dbName = db.name): Promise<number> {
  const { rows } = await killer.query<{ ok: boolean }>(
    'SELECT pg_terminate_backend(pid, 5000) AS ok FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 AND pid <> pg_backend_pid()',
    [dbName, app],
  );
  // Let the client read the socket close while it is still checked out.
  await settle();
  return rows.length;
}

/** Waits until a session of `app` is running a statement (or waiting on a lock), then cuts it. */
async function terminateWhenActive(app: string, waiting: 'any' | 'Lock' = 'any'): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await killer.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 AND state = 'active'
         AND ($3 = 'any' OR wait_event_type = $3) AND pid <> pg_backend_pid()`,
      [db.name, app, waiting],
    );
    if (rows.length > 0) {
      await killer.query('SELECT pg_terminate_backend(pid, 5000) FROM unnest($1::int[]) AS pid', [rows.map((r) => r.pid)]);
      return;
    }
    await settle(25);
  }
  throw new Error(`no active session of ${app} to terminate`);
}

beforeAll(async () => {
  process.on('uncaughtException', uncaught);
  db = await createTestDatabase();
  killer = new pg.Client({ connectionString: db.serverUrl, application_name: 'fault-test-killer' });
  await killer.connect();
  target = createTargetDb({ url: db.url, poolMax: 3, statementTimeoutMs: 20_000, lockTimeoutMs: 20_000, connectTimeoutMs: 5000, logger, monotonic: () => performance.now() });
  admin = createAdminDb({ url: db.url, statementTimeoutMs: 20_000, lockTimeoutMs: 20_000, connectTimeoutMs: 5000, logger });
  state = createStateStore({ url: db.url, logger, connectTimeoutMs: 5000 });
});
afterEach(() => {
  const calls = uncaught.mock.calls.length;
  uncaught.mockClear();
  expect(calls, 'an uncaught exception (the bot would have died)').toBe(0);
});
afterAll(async () => {
  process.removeListener('uncaughtException', uncaught);
  await Promise.allSettled([target?.close(), admin?.close(), state?.close()]);
  await killer?.end();
  await db?.drop();
});

const ping = { readOnly: (t: TargetDb) => t.readOnly('fault-next', (tx) => tx.query<{ ok: number }>('queries/health/ping')) };

/** Starts observing a call at once, so its rejection is never "unhandled" while the test cuts the session. */
function outcome(p: Promise<unknown>): Promise<{ error?: unknown }> {
  return p.then(
    () => ({}),
    (error: unknown) => ({ error }),
  );
}

async function expectLost(p: Promise<unknown> | Promise<{ error?: unknown }>, message: RegExp): Promise<ConnectionLostError> {
  const { error: err } = (await p) as { error?: unknown };
  expect(err).toBeInstanceOf(ConnectionLostError);
  expect(err).toBeInstanceOf(UpstreamError);
  expect((err as ConnectionLostError).userMessage).toMatch(message);
  return err as ConnectionLostError;
}

describe('target readOnly', () => {
  it('cut while checked out and idle between two queries: typed error, then the next call works', async () => {
    const call = outcome(target.readOnly('fault-idle', async (tx) => {
      await tx.query('queries/health/ping');
      expect(await terminate('opsbot/fault-idle')).toBe(1);
      return tx.query('queries/health/ping');
    }));
    const err = await expectLost(call, TARGET_LOST);
    expect(err.system).toBe('target');
    expect(await ping.readOnly(target)).toEqual([{ ok: 1 }]);
    expect(logLines.join('')).toContain('database connection lost');
  });

  it('cut mid-query (pg_sleep), in a plain query and in a section: typed error, not a failed section', async () => {
    const call = outcome(target.readOnly('fault-busy', (tx) => tx.query('test/sleep', [30])));
    await terminateWhenActive('opsbot/fault-busy');
    await expectLost(call, TARGET_LOST);
    expect(await ping.readOnly(target)).toEqual([{ ok: 1 }]);

    const section = outcome(target.readOnly('fault-section', (tx) => tx.section('test/sleep', [30])));
    await terminateWhenActive('opsbot/fault-section');
    await expectLost(section, TARGET_LOST);
    expect(await ping.readOnly(target)).toEqual([{ ok: 1 }]);
  });

  it('every pooled session cut at once while idle in the pool: the next calls get fresh connections', async () => {
    await Promise.all([1, 2, 3].map(() => ping.readOnly(target)));
    await terminate('opsbot');
    for (let i = 0; i < 4; i++) expect(await ping.readOnly(target)).toEqual([{ ok: 1 }]);
  });
});

describe('admin transaction', () => {
  it('cut while checked out and idle between two statements: typed error, then the next transaction works', async () => {
    const call = outcome(admin.transaction('fault-idle-admin', async (q) => {
      await q('queries/health/ping');
      expect(await terminate('opsbot/fault-idle-admin')).toBe(1);
      return q('queries/health/ping');
    }));
    const err = await expectLost(call, ADMIN_LOST);
    expect(err.system).toBe('admin');
    expect((await admin.transaction('fault-next', (q) => q('queries/health/ping'))).rows).toEqual([{ ok: 1 }]);
  });

  it('cut mid-statement (pg_sleep): typed error, then the next transaction works', async () => {
    const call = outcome(admin.transaction('fault-busy-admin', (q) => q('test/sleep', [30])));
    await terminateWhenActive('opsbot/fault-busy-admin');
    await expectLost(call, ADMIN_LOST);
    expect((await admin.transaction('fault-next', (q) => q('queries/health/ping'))).rows).toEqual([{ ok: 1 }]);
  });
});

describe('state store', () => {
  it('query cut mid-statement (pg_sleep): typed error, then the next query works', async () => {
    const call = outcome(state.query('test/sleep', [30]));
    await terminateWhenActive('opsbot/state');
    const err = await expectLost(call, STATE_LOST);
    expect(err.system).toBe('state');
    expect(await state.query('queries/health/ping')).toEqual([{ ok: 1 }]);
  });

  it('query after its pooled session was cut while idle in the pool: works on a fresh connection', async () => {
    await Promise.all([1, 2, 3].map(() => state.query('test/sleep', [0.05])));
    expect(await terminate('opsbot/state')).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++) expect(await state.query('queries/health/ping')).toEqual([{ ok: 1 }]);
  });

  it('transaction cut while idle between two statements: typed error, then the next transaction works', async () => {
    const call = outcome(state.transaction(async (q) => {
      await q('queries/health/ping');
      expect(await terminate('opsbot/state')).toBeGreaterThan(0);
      return q('queries/health/ping');
    }));
    await expectLost(call, STATE_LOST);
    expect(await state.transaction((q) => q('queries/health/ping'))).toEqual([{ ok: 1 }]);
  });

  it('transaction cut mid-statement (pg_sleep): typed error, then the next transaction works', async () => {
    const call = outcome(state.transaction((q) => q('test/sleep', [30])));
    await terminateWhenActive('opsbot/state');
    await expectLost(call, STATE_LOST);
    expect(await state.transaction((q) => q('queries/health/ping'))).toEqual([{ ok: 1 }]);
  });

  it('transaction waiting on a row lock (SELECT … FOR UPDATE held elsewhere) whose session is cut', async () => {
    const id = randomUUID();
    await db.pool.query(
      `INSERT INTO opsbot.playbook_requests (id, playbook_id, params, preview, plan_hash, risk, approvals_required, requested_by, state, created_at, expires_at)
       VALUES ($1, 'clear-test-data', '{}', '{}', 'h', 'destructive', 1, 'U0ONCALL', 'pending', now(), now() + interval '15 minutes')`,
      [id],
    );
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM opsbot.playbook_requests WHERE id = $1 FOR UPDATE', [id]);
      const waiting = outcome(state.transaction((q) => q('state/playbooks/lock', [id])));
      await terminateWhenActive('opsbot/state', 'Lock');
      await expectLost(waiting, STATE_LOST);
    } finally {
      await holder.query('COMMIT');
      holder.release();
    }
    expect(await state.transaction((q) => q<{ id: string }>('state/playbooks/lock', [id]))).toMatchObject([{ id }]);
    // The audit path (a plain pool query) works again too.
    await state.audit({ actor: 'U0TEST', action: 'fault.test', outcome: 'ok' });
  });

  it('migrate after every state session was cut gets a fresh connection (no cached dead client)', async () => {
    await state.query('queries/health/ping');
    await terminate('opsbot/state');
    await expect(state.migrate()).resolves.toMatchObject({ applied: [] });
  });
});

describe('the target database dropped mid-call', () => {
  it('readOnly and admin calls fail with typed errors; once the database is back, the same objects work', async () => {
    const victim = await createTestDatabase();
    const t = createTargetDb({ url: victim.url, poolMax: 3, statementTimeoutMs: 20_000, lockTimeoutMs: 20_000, connectTimeoutMs: 5000, logger, monotonic: () => performance.now() });
    const a = createAdminDb({ url: victim.url, statementTimeoutMs: 20_000, lockTimeoutMs: 20_000, connectTimeoutMs: 5000, logger });
    try {
      await victim.pool.end();
      const call = outcome(t.readOnly('fault-drop', async (tx) => {
        await tx.query('queries/health/ping');
        await killer.query(`DROP DATABASE ${pg.escapeIdentifier(victim.name)} WITH (FORCE)`);
        await settle();
        return tx.query('queries/health/ping');
      }));
      await expectLost(call, /^The connection to the target database was lost: /);
      const busy = outcome(a.transaction('fault-drop-admin', (q) => q('test/sleep', [30])));
      // The admin call cannot even connect now: the database is gone.
      const { error: err } = await busy;
      expect(err).toBeInstanceOf(UpstreamError);
      expect((err as UpstreamError).userMessage).toMatch(/Cannot connect to the target database for writing .*database does not exist/);
      await expect(ping.readOnly(t)).rejects.toThrow(/Cannot connect to the target database: database does not exist/);
      await killer.query(`CREATE DATABASE ${pg.escapeIdentifier(victim.name)}`);
      expect(await ping.readOnly(t)).toEqual([{ ok: 1 }]);
      // Dropped while a statement runs on the writing connection.
      const running = outcome(a.transaction('fault-drop-busy', (q) => q('test/sleep', [30])));
      await waitActive(victim.name, 'opsbot/fault-drop-busy');
      await killer.query(`DROP DATABASE ${pg.escapeIdentifier(victim.name)} WITH (FORCE)`);
      await expectLost(running, /^The connection to the target database \(writing, DATABASE_ADMIN_URL\) was lost: /);
      await killer.query(`CREATE DATABASE ${pg.escapeIdentifier(victim.name)}`);
      expect((await a.transaction('fault-next', (q) => q('queries/health/ping'))).rows).toEqual([{ ok: 1 }]);
    } finally {
      await Promise.allSettled([t.close(), a.close()]);
      const c = new pg.Client({ connectionString: withDatabase(db.serverUrl, 'postgres') });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(victim.name)} WITH (FORCE)`);
      await c.end();
    }
  });
});

async function waitActive(dbName: string, app: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await killer.query("SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 AND state = 'active'", [dbName, app]);
    if (rows.length > 0) return;
    await settle(25);
  }
  throw new Error(`no active session of ${app}`);
}

describe('scheduler advisory locks', () => {
  it('a job lock whose session is cut reports it lost; release does not throw; the lock can be taken again', async () => {
    const runs = createJobRunStore(state.pool);
    const lock = await runs.tryLock('fault.job');
    expect(lock).toBeDefined();
    expect(await lock!.held()).toBe(true);
    await terminate('opsbot/state');
    expect(await lock!.held()).toBe(false);
    await lock!.release();
    const again = await runs.tryLock('fault.job');
    expect(again).toBeDefined();
    expect(await again!.held()).toBe(true);
    await again!.release();
  });

  it('a job whose lock session is cut during a run stops instead of running its next occurrences as if it held the lock', async () => {
    await db.pool.query('TRUNCATE opsbot.job_runs, opsbot.job_cursors');
    const T = Date.parse('2026-11-16T14:00:00Z');
    const clock = fixedClock(T);
    const ran: number[] = [];
    const job = {
      id: 'fault.slots',
      description: 'three due occurrences',
      catchUp: 'late' as const,
      schedule: { kind: 'slots' as const, describe: 'test', slots: (from: number, to: number) => Promise.resolve([T - 3000, T - 2000, T - 1000].filter((at) => at > from && at <= to).map((at) => ({ at }))) },
      run: async (ctx: { scheduledAt: number }) => {
        ran.push(ctx.scheduledAt);
        // A DBA kills the bot's state sessions while the first occurrence runs.
        if (ran.length === 1) await terminate('opsbot/state');
        return { summary: 'ok' };
      },
    };
    const s = createScheduler({ clock, pool: state.pool, timezone: 'America/New_York', jobs: [job], logger, graceMs: 30 * 60_000 });
    const report = await s.tick();
    expect(ran).toEqual([T - 3000]);
    expect(report.errors).toEqual([{ jobId: 'fault.slots', error: expect.stringMatching(/lost the advisory lock of job fault\.slots/) }]);
    // Next tick: a fresh lock, and the remaining occurrences run once each.
    const next = await s.tick();
    expect(next.errors).toEqual([]);
    expect(ran).toEqual([T - 3000, T - 2000, T - 1000]);
  });
});

describe('a state store that cannot be reached at all', () => {
  it('says which system is down and what still works, for plain queries, transactions and migrate', async () => {
    const down = createStateStore({ url: 'postgres://postgres@127.0.0.1:1/none', logger, connectTimeoutMs: 2000 });
    try {
      const message = /^Cannot connect to the bot's state store \(STATE_DATABASE_URL, or DATABASE_URL when unset\): connection refused.*approvals, audit and playbooks are unavailable; \/health and read-only diagnostics still work/;
      for (const call of [() => down.query('queries/health/ping'), () => down.transaction((q) => q('queries/health/ping')), () => down.migrate(), () => down.audit({ actor: 'U', action: 'a', outcome: 'ok' })]) {
        const { error } = await outcome(call());
        expect(error).toBeInstanceOf(UpstreamError);
        expect((error as UpstreamError).userMessage).toMatch(message);
      }
    } finally {
      await down.close();
    }
  });
});

describe('recognising the lost-connection family', () => {
  it.each([
    [{ message: 'Connection terminated unexpectedly' }],
    [{ message: 'Client has encountered a connection error and is not queryable' }],
    [{ code: 'ECONNRESET', message: 'read ECONNRESET' }],
    [{ code: 'EPIPE', message: 'write EPIPE' }],
    [{ code: '57P01', severity: 'FATAL', message: 'terminating connection due to administrator command' }],
    [{ code: '57P02', message: 'terminating connection because of crash of another server process' }],
    [{ code: '57P03', message: 'the database system is shutting down' }],
    [{ code: '08006', message: 'connection failure' }],
    [{ code: '08003', message: 'connection does not exist' }],
    [{ code: '08000', message: 'connection exception' }],
    [{ code: '3D000', message: 'database "x" does not exist' }],
    [{ code: 'XX000', severity: 'FATAL', message: 'some other fatal error' }],
    [{ message: 'wrapped', cause: { code: 'ECONNRESET' } }],
  ])('%o is a lost connection', (err) => {
    expect(isConnectionLost(Object.assign(new Error(String(err.message)), err))).toBe(true);
  });

  it.each([[{ code: '57014', message: 'canceling statement due to statement timeout' }], [{ code: '42P01', message: 'relation does not exist' }], [{ code: '23505', severity: 'ERROR', message: 'duplicate key' }]])(
    '%o is not',
    (err) => {
      expect(isConnectionLost(Object.assign(new Error(err.message), err))).toBe(false);
    },
  );
});
