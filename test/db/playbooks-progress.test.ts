// Every run records the rows committed so far — failed, interrupted (the
// process died: found by the sweep through its stale heartbeat) or not recordable at the end
// (the state store is gone) — in the run row, the audit row and the request message.
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PlaybookRequest } from '../../src/playbooks/request.js';
import { requestMessage } from '../../src/playbooks/render.js';
import type { StateStore } from '../../src/state/store.js';
import { PLAYBOOKS } from '../../playbooks/index.js';
import { engineHarness, hookedAdmin, seedOrg, type EngineHarness } from '../support/playbooks.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
let org: string;
const clockStart = Date.now();

beforeAll(async () => {
  db = await createTestDatabase();
  org = await seedOrg(db.pool, 'Progress Motors');
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('DELETE FROM public.interactions');
  await db.pool.query(
    `INSERT INTO public.interactions (organization_id, content, created_at)
     SELECT $1, 'old', to_timestamp($2 / 1000.0) - interval '100 days' - (g || ' minutes')::interval FROM generate_series(1, 500) g`,
    [org, clockStart],
  );
});

const purge = PLAYBOOKS.find((p) => p.id === 'purge-old-interactions');
const text = (req: PlaybookRequest) => JSON.stringify(requestMessage(req, purge, 'UTC').blocks) + requestMessage(req, purge, 'UTC').text;
const left = async () => (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.interactions`)).rows[0]!.n;
const runRow = async (id: string) =>
  (await db.pool.query<{ state: string; rows_affected: string | null }>('SELECT state, rows_affected FROM opsbot.playbook_requests WHERE id = $1', [id])).rows[0];
const finishedAudit = async (id: string) =>
  (
    await db.pool.query<{ outcome: string; detail: Record<string, unknown> }>(
      `SELECT outcome, detail FROM opsbot.audit_log WHERE action = 'playbook.finished' AND detail->>'requestId' = $1`,
      [id],
    )
  ).rows;

async function start(h: EngineHarness): Promise<{ request: PlaybookRequest; done: Promise<PlaybookRequest> }> {
  const { request } = await h.engine.request({ playbookId: 'purge-old-interactions', rawParams: { days: '90', batch: '100' }, requestedBy: 'U0REQ', channel: 'C0OPS' });
  expect(request.preview.count).toBe(500);
  const outcome = await h.engine.approve(request.id, 'U0APPROVER');
  if (outcome.kind !== 'started') throw new Error(outcome.kind);
  return { request, done: outcome.done };
}

describe('a run that fails after some batches', () => {
  it('a later batch hits lock_timeout: run row, audit row and message all say 200 of 500 were deleted', async () => {
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    const h = engineHarness(db.url, {
      admin: hookedAdmin(async (i) => {
        // Before the third batch someone holds an exclusive lock: it waits lock_timeout (2 s) and fails.
        if (i === 3) await locker.query('BEGIN; LOCK TABLE public.interactions IN ACCESS EXCLUSIVE MODE');
      }),
    });
    try {
      const { request, done: running } = await start(h);
      const done = await running;
      await locker.query('ROLLBACK');
      expect(done.state).toBe('failed');
      expect(done.rowsAffected).toBe(200);
      expect(done.error).toMatch(/lock timeout/);
      expect(await left()).toBe(300);
      expect(await runRow(request.id)).toEqual({ state: 'failed', rows_affected: '200' });
      const [audit] = await finishedAudit(request.id);
      expect(audit?.outcome).toBe('failed');
      expect(audit?.detail).toMatchObject({ rowsAffected: 200, stepsDone: 2, outcome: 'failed' });
      expect((audit?.detail.steps as { rows: number }[]).map((s) => s.rows)).toEqual([100, 100]);
      expect(text(done)).toMatch(/Failed after 200 of 500 rows were deleted: .*lock timeout/);
      // The last message Slack got says the same.
      expect(text(h.notified.at(-1)!)).toMatch(/Failed after 200 of 500 rows were deleted/);
    } finally {
      await locker.end();
      await h.close();
    }
  });
});

describe('a run whose process died', () => {
  it('is reported as interrupted with the rows committed up to its last heartbeat', async () => {
    let release!: (err: Error) => void;
    const hang = new Promise<never>((_r, reject) => (release = reject));
    hang.catch(() => undefined);
    const first = engineHarness(db.url, {
      heartbeatMs: 3_600_000,
      admin: hookedAdmin(async (i) => {
        // The process "dies" before its fourth batch: it never comes back from here.
        if (i === 4) await hang;
      }),
    });
    const { request, done } = await start(first);
    await expect.poll(async () => (await runRow(request.id))?.rows_affected, { timeout: 5000 }).toBe('300');
    const second = engineHarness(db.url, { clock: first.clock });
    second.clock.advance(5 * 60_000);
    try {
      const swept = await second.engine.sweep();
      expect(swept.interrupted.map((r) => r.id)).toEqual([request.id]);
      expect(await runRow(request.id)).toEqual({ state: 'interrupted', rows_affected: '300' });
      const [audit] = await finishedAudit(request.id);
      expect(audit?.outcome).toBe('interrupted');
      expect(audit?.detail).toMatchObject({ rowsAffected: 300, stepsDone: 3 });
      const notified = second.notified.find((r) => r.id === request.id)!;
      expect(text(notified)).toMatch(/Interrupted after 300 of 500 rows were deleted/);
    } finally {
      release(new Error('Connection terminated unexpectedly'));
      await done;
      await first.close();
      await second.close();
    }
    // The old process finishing late does not overwrite what the sweep recorded.
    expect((await runRow(request.id))?.state).toBe('interrupted');
  });
});

describe('the state store is gone when the run finishes', () => {
  it('the process does not crash; the run is swept as interrupted with its last persisted count', async () => {
    let gone = false;
    const breakable = (real: StateStore): StateStore => ({
      ...real,
      query: (name, params) => (gone ? Promise.reject(new Error('Connection terminated unexpectedly')) : real.query(name, params)),
      audit: (e) => (gone ? Promise.reject(new Error('Connection terminated unexpectedly')) : real.audit(e)),
    });
    const h = engineHarness(db.url, {
      heartbeatMs: 3_600_000,
      state: breakable,
      admin: hookedAdmin((i) => {
        // The state store goes away after two batches were committed and heartbeated.
        if (i === 3) gone = true;
        return Promise.resolve();
      }),
    });
    try {
      const { request, done } = await start(h);
      const result = await done;
      expect(result.state).toBe('running');
      expect(await left()).toBe(0);
      // Recorded so far: the two batches whose heartbeat reached the store.
      expect(await runRow(request.id)).toEqual({ state: 'running', rows_affected: '200' });
      gone = false;
      h.clock.advance(5 * 60_000);
      const swept = await h.engine.sweep();
      expect(swept.interrupted.map((r) => r.id)).toEqual([request.id]);
      expect(await runRow(request.id)).toEqual({ state: 'interrupted', rows_affected: '200' });
      const [audit] = await finishedAudit(request.id);
      expect(audit?.detail).toMatchObject({ rowsAffected: 200, outcome: 'interrupted' });
    } finally {
      await h.close();
    }
  });
});
