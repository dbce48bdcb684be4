// Faults with real process kills: the real bot runs as a child
// process (the compiled dist/src/main.js, HTTP mode) against a fresh Supabase-shaped database,
// with Slack, the front end and Supabase faked by a local HTTP server. Every bot connection
// (target, admin and state store: application_name opsbot%) is terminated during a preview,
// during an approval and mid-run, five times each. After each: the process is alive, /healthz
// answers, the next /health works, and every run's audit row has its true count (the rows
// actually deleted, counted in the database).
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOutside, type BotProcess, type FakeOutside } from '../support/bot-process.js';
import { faultDriver, sleep, startFaultBot, textOf, type FaultDriver } from '../support/fault-bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { seedOrg } from '../support/playbooks.js';

const ROUNDS = 5;
let db: TestDatabase;
let outside: FakeOutside;
let bot: BotProcess;
let drive: FaultDriver;
let org: string;

beforeAll(async () => {
  db = await createTestDatabase();
  org = await seedOrg(db.pool);
  // Each purge batch takes a little while, so a kill can land after some batches committed.
  await db.pool.query(`CREATE FUNCTION public.fault_test_slow_batch() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_sleep(0.04); RETURN NULL; END $$`);
  await db.pool.query('CREATE TRIGGER fault_test_slow_batch AFTER DELETE ON public.interactions FOR EACH STATEMENT EXECUTE FUNCTION public.fault_test_slow_batch()');
  outside = await startFakeOutside();
  bot = await startFaultBot(outside, { DATABASE_URL: db.url });
  drive = faultDriver(bot, outside, db.pool);
}, 90_000);

afterAll(async () => {
  await bot?.stop();
  await outside?.close();
  await db?.drop();
});

const interactions = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM public.interactions')).rows[0]!.n;

async function resetInteractions(n: number): Promise<void> {
  await db.pool.query('DELETE FROM public.interactions');
  await db.pool.query(`INSERT INTO public.interactions (organization_id, content, created_at) SELECT $1, 'old ' || g, now() - interval '200 days' FROM generate_series(1, $2) g`, [org, n]);
}

/** Terminates every session of the bot on this database (never another test's). */
async function killBotConnections(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(pg_terminate_backend(pid, 5000))::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND application_name LIKE 'opsbot%' AND pid <> pg_backend_pid()`,
  );
  return rows[0]!.n;
}

/** Waits until a bot session waits on a lock (so the kill lands inside that step). */
async function botWaitingOnLock(): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const { rows } = await db.pool.query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'opsbot%' AND wait_event_type = 'Lock'`,
    );
    if (rows.length > 0) return;
    await sleep(25);
  }
  throw new Error('no bot session ever waited on the lock');
}

/** Holds a lock on its own connection until released. */
async function holdLock(sqlText: string, params: unknown[] = []): Promise<{ release(): Promise<void> }> {
  const c: pg.PoolClient = await db.pool.connect();
  await c.query('BEGIN');
  await c.query(sqlText, params);
  return {
    async release() {
      await c.query('COMMIT');
      c.release();
    },
  };
}

/** The run's audit row and request row say exactly what the database lost. */
async function expectTrueCount(requestId: string, before: number): Promise<{ outcome: string; deleted: number }> {
  const audit = await drive.finishedAudit(requestId);
  const deleted = before - (await interactions());
  expect(Number(audit.detail.rowsAffected), `audit rowsAffected of ${requestId} (${audit.outcome})`).toBe(deleted);
  const { rows } = await db.pool.query<{ rows_affected: string | null }>('SELECT rows_affected FROM opsbot.playbook_requests WHERE id = $1', [requestId]);
  expect(Number(rows[0]?.rows_affected)).toBe(deleted);
  return { outcome: audit.outcome, deleted };
}

describe('killing every bot connection, five times each, with the real process', () => {
  it('during a preview: the requester is told the connection was lost; the bot stays up and works', { timeout: 60_000 }, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      await resetInteractions(300);
      // The preview's count waits behind this lock, so the kill lands inside it.
      const lock = await holdLock('LOCK TABLE public.interactions IN ACCESS EXCLUSIVE MODE');
      const from = outside.calls.length;
      try {
        await drive.command('/playbook', 'run purge-old-interactions days=90 batch=100', `preview-${round}`);
        await botWaitingOnLock();
        expect(await killBotConnections()).toBeGreaterThan(0);
      } finally {
        await lock.release();
      }
      const told = await drive.after(from, (c) => (c.path === '/api/chat.update' || c.path === `/response/preview-${round}`) && /was lost/.test(textOf(c)), 'message about the lost connection');
      expect(textOf(told)).toMatch(/connection to (the target database|the bot's state store)/);
      expect(await interactions()).toBe(300);
      await drive.expectBotWorks();
    }
  });

  it('during an approval (Approve waits on the request row lock): the approver is told; a later click runs it with its true count', { timeout: 60_000 }, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      await resetInteractions(300 + round);
      const before = await interactions();
      const req = await drive.requestPurge(`approval-req-${round}`);
      const lock = await holdLock('SELECT id FROM opsbot.playbook_requests WHERE id = $1 FOR UPDATE', [req.id]);
      const from = outside.calls.length;
      try {
        await drive.approve(req, `approval-${round}`);
        await botWaitingOnLock();
        expect(await killBotConnections()).toBeGreaterThan(0);
      } finally {
        await lock.release();
      }
      const told = await drive.after(from, (c) => c.path === `/response/approval-${round}`, 'answer to the cut approval');
      expect(textOf(told)).toMatch(/state store .{0,40}was lost/);
      expect(await interactions()).toBe(before);
      await drive.expectBotWorks();
      // The database is back: the same request is approved and runs once, recording its count.
      await drive.approve(req, `approval-again-${round}`);
      const { outcome, deleted } = await expectTrueCount(req.id, before);
      expect(outcome).toBe('succeeded');
      expect(deleted).toBe(before);
    }
  });

  it('mid-run, after some batches committed: the run fails saying so, and its audit row has the true count', { timeout: 90_000 }, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      await resetInteractions(1500);
      const before = await interactions();
      const req = await drive.requestPurge(`run-req-${round}`);
      const from = outside.calls.length;
      await drive.approve(req, `run-${round}`);
      // Kill at a different point each round, always after at least two batches.
      const target = 200 + round * 130;
      for (let i = 0; before - (await interactions()) < target; i++) {
        if (i > 1000) throw new Error('the run never deleted enough rows');
        await sleep(10);
      }
      // Cut while a batch is in flight: a connection idle between batches would simply be
      // replaced by the pool and the run would (rightly) carry on. SHARE waits for the batch in
      // flight to commit, then holds the next one inside its DELETE until the kill.
      const lock = await holdLock('LOCK TABLE public.interactions IN SHARE MODE');
      try {
        await botWaitingOnLock();
        expect(await killBotConnections()).toBeGreaterThan(0);
      } finally {
        await lock.release();
      }
      const { outcome, deleted } = await expectTrueCount(req.id, before);
      expect(deleted, 'the kill landed mid-run').toBeGreaterThanOrEqual(target);
      expect(deleted, 'the kill landed mid-run').toBeLessThan(before);
      expect(outcome).toBe('failed');
      const told = await drive.after(from, (c) => c.path === '/api/chat.update' && c.body.ts === req.ts && /was lost/.test(textOf(c)), 'the request message saying the run failed');
      expect(textOf(told)).toMatch(/connection to the target database.{0,60}was lost/);
      await drive.expectBotWorks();
    }
  });

  it('left nothing behind: no uncaught error or unhandled rejection was logged by the bot', () => {
    expect(bot.alive()).toBe(true);
    expect(bot.output.filter((l) => /uncaught|unhandled/i.test(l))).toEqual([]);
  });
});
