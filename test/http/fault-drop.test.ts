// The target database DROPPED mid-run under the real bot process (dist/src/main.js, HTTP mode),
// then created again, five times. The state store is a separate database here, so dropping the
// target leaves the bot its approvals and audit. Each round: a purge is approved and has committed
// some batches; the test holds the next batch behind a lock, counts what is left, and runs
// `DROP DATABASE … WITH (FORCE)`. The process must stay up and /healthz answer while the database
// is gone (/health says it does not exist); the run fails saying the connection was lost and how
// many rows were deleted; its audit row and request row carry exactly that count; once the
// database exists again, /health works.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatCount } from '../../src/core/format.js';
import { startFakeOutside, type BotProcess, type FakeOutside } from '../support/bot-process.js';
import { faultDriver, sleep, startFaultBot, textOf, type FaultDriver } from '../support/fault-bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { seedOrg } from '../support/playbooks.js';
import { withDatabase } from '../support/template.js';

const ROUNDS = 5;
const ROWS = 1500;
const serverUrl = inject('pgServerUrl');
const targetName = `opsbot_t_${process.pid}_drop_${Math.random().toString(36).slice(2, 8)}`;
const targetUrl = withDatabase(serverUrl, targetName);
let state: TestDatabase;
let target: pg.Pool | undefined;
let org: string;
let outside: FakeOutside;
let bot: BotProcess;
let drive: FaultDriver;

async function onServer(sqlText: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(sqlText);
  } finally {
    await c.end();
  }
}

/** Creates the target (the migrated Supabase-shaped template), seeds it and connects to it. */
async function createTarget(): Promise<void> {
  const sql = `CREATE DATABASE ${pg.escapeIdentifier(targetName)} TEMPLATE ${pg.escapeIdentifier(inject('pgTemplateDb'))}`;
  // Cloning needs the template free of other sessions: another file may be cloning it right now.
  for (let attempt = 0; ; attempt++) {
    try {
      await onServer(sql);
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== '55006' || attempt > 50) throw err;
      await sleep(100);
    }
  }
  target = new pg.Pool({ connectionString: targetUrl, max: 3 });
  target.on('error', () => undefined);
  org = await seedOrg(target);
  // Each purge batch takes a little while, so the drop lands after some batches committed.
  await target.query(`CREATE FUNCTION public.fault_test_slow_batch() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_sleep(0.04); RETURN NULL; END $$`);
  await target.query('CREATE TRIGGER fault_test_slow_batch AFTER DELETE ON public.interactions FOR EACH STATEMENT EXECUTE FUNCTION public.fault_test_slow_batch()');
}

/**
 * DROP DATABASE … WITH (FORCE): every session on it, the bot's and the test's, is terminated.
 * `held` (a client of the test's pool) is released first: the pool ends only once it has none out.
 */
async function dropTarget(held?: pg.PoolClient): Promise<void> {
  const pool = target;
  target = undefined;
  await onServer(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(targetName)} WITH (FORCE)`);
  held?.release(true);
  await pool?.end().catch(() => undefined);
}

const targetPool = (): pg.Pool => {
  if (!target) throw new Error('the target database is not there');
  return target;
};
const interactions = async () => (await targetPool().query<{ n: number }>('SELECT count(*)::int AS n FROM public.interactions')).rows[0]!.n;

beforeAll(async () => {
  state = await createTestDatabase();
  await createTarget();
  outside = await startFakeOutside();
  bot = await startFaultBot(outside, { DATABASE_URL: targetUrl, STATE_DATABASE_URL: state.url });
  drive = faultDriver(bot, outside, state.pool);
}, 90_000);

afterAll(async () => {
  await bot?.stop();
  await outside?.close();
  await dropTarget().catch(() => undefined);
  await state?.drop();
});

/** Waits until a bot session on the target waits on a lock (so the drop lands inside a batch). */
async function botWaitingOnLock(): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const { rows } = await targetPool().query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'opsbot%' AND wait_event_type = 'Lock'`,
    );
    if (rows.length > 0) return;
    await sleep(25);
  }
  throw new Error('no bot session ever waited on the lock');
}

describe('the target database dropped mid-run, then created again, with the real process', () => {
  it('the bot stays up; the run fails saying the connection was lost and how many rows were deleted; the audit row has that count; /health works once the database is back', { timeout: 180_000 }, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      await targetPool().query(`INSERT INTO public.interactions (organization_id, content, created_at) SELECT $1, 'old ' || g, now() - interval '200 days' FROM generate_series(1, $2) g`, [
        org,
        ROWS,
      ]);
      const req = await drive.requestPurge(`drop-req-${round}`);
      const from = outside.calls.length;
      await drive.approve(req, `drop-${round}`);
      // Drop at a different point each round, always after at least two batches.
      const atLeast = 200 + round * 130;
      for (let i = 0; ROWS - (await interactions()) < atLeast; i++) {
        if (i > 2000) throw new Error('the run never deleted enough rows');
        await sleep(10);
      }
      // SHARE waits for the batch in flight to commit, then holds the next one inside its DELETE:
      // what is left now is what is left when the database goes.
      const lock = await targetPool().connect();
      lock.on('error', () => undefined);
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE public.interactions IN SHARE MODE');
      await botWaitingOnLock();
      const left = (await lock.query<{ n: number }>('SELECT count(*)::int AS n FROM public.interactions')).rows[0]!.n;
      const deleted = ROWS - left;
      expect(deleted, 'the drop lands mid-run').toBeGreaterThanOrEqual(atLeast);
      expect(deleted, 'the drop lands mid-run').toBeLessThan(ROWS);
      await dropTarget(lock);

      // The run failed, recording what it committed before the database went.
      const audit = await drive.finishedAudit(req.id);
      expect(audit.outcome).toBe('failed');
      expect(Number(audit.detail.rowsAffected)).toBe(deleted);
      const { rows } = await state.pool.query<{ rows_affected: string | null; state: string }>('SELECT state, rows_affected FROM opsbot.playbook_requests WHERE id = $1', [req.id]);
      expect(rows[0]).toEqual({ state: 'failed', rows_affected: String(deleted) });
      const told = await drive.after(from, (c) => c.path === '/api/chat.update' && c.body.ts === req.ts && /was lost/.test(textOf(c)), 'the request message saying the run failed');
      expect(textOf(told)).toContain(`after ${formatCount(deleted)} of ${formatCount(ROWS)} rows were deleted`);
      expect(textOf(told)).toMatch(/connection to the target database.{0,60}was lost/);

      // While the database does not exist: the process is up and /healthz answers.
      expect(bot.alive(), `the bot process died:\n${bot.output.slice(-30).join('\n')}`).toBe(true);
      const healthz = await fetch(`${bot.baseUrl}/healthz`);
      expect(healthz.status).toBe(200);
      await healthz.text();
      // /health answers too, and says which database is missing.
      const asked = outside.calls.length;
      await drive.command('/health', '', `gone-${round}`);
      const gone = await drive.after(asked, (c) => c.path === `/response/gone-${round}` && c.body.response_type === 'in_channel', '/health report while the database is gone');
      expect(textOf(gone)).toMatch(/Database\* — CRITICAL/);
      expect(textOf(gone)).toContain('Cannot connect to the target database: database does not exist');
      expect(textOf(gone)).not.toMatch(/Something went wrong/);

      // The database is back (empty again, as after a restore): the next /health works.
      await createTarget();
      await drive.expectBotWorks();
    }
  });

  it('left nothing behind: no uncaught error or unhandled rejection was logged by the bot', () => {
    expect(bot.alive()).toBe(true);
    expect(bot.output.filter((l) => /uncaught|unhandled/i.test(l))).toEqual([]);
  });
});
