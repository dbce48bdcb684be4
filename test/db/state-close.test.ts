// A stopping bot keeps its record: audit rows written in the background after an answer are
// waited for when the state store closes, and a state database that stopped answering does not
// hold the stop for longer than CLOSE_WAIT_MS.
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_WAIT_MS, createStateStore } from '../../src/state/store.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const silent = pino({ level: 'silent' });
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe('closing the state store', () => {
  it('waits for the audit rows still being written', async () => {
    const state = createStateStore({ url: db.url, logger: silent, connectTimeoutMs: 5000 });
    const writes = Array.from({ length: 120 }, (_, i) => state.audit({ actor: 'U0TEST', action: 'close.test', outcome: 'ok', detail: { i } }));
    // Nobody awaits the writes (as auditInBackground does not); close() must.
    await state.close();
    await Promise.allSettled(writes);
    const n = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM opsbot.audit_log WHERE action = 'close.test'");
    expect(n.rows[0]!.n).toBe(120);
  });

  it('gives up waiting after CLOSE_WAIT_MS when the writes cannot finish', async () => {
    const state = createStateStore({ url: db.url, logger: silent, connectTimeoutMs: 5000 });
    // Another session holds the audit table in ACCESS EXCLUSIVE mode: the insert waits on it.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN; LOCK TABLE opsbot.audit_log IN ACCESS EXCLUSIVE MODE');
      const write = state.audit({ actor: 'U0TEST', action: 'close.blocked', outcome: 'ok' }).catch((err: unknown) => err);
      const started = performance.now();
      const closing = state.close().catch((err: unknown) => err);
      // The close waits for the bound, then ends the pool (the blocked query is cut).
      const settled = await Promise.race([closing.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still waiting'), CLOSE_WAIT_MS + 10_000))]);
      expect(settled).toBe('closed');
      expect(performance.now() - started).toBeGreaterThanOrEqual(CLOSE_WAIT_MS - 100);
      await holder.query('ROLLBACK');
      await write;
    } finally {
      await holder.end();
    }
  }, CLOSE_WAIT_MS + 20_000);
});
