// read-only-mode changes no row: its scope is one setting (default_transaction_read_only) of one
// database, pinned at preview. The row-set trio of playbooks-scope.test.ts maps onto it as:
// swapped — the switch flipped by someone else after the preview (playbooks-read-only.test.ts:
// the run stops), or the bot now pointing at another database (here: it stops); added before
// approval and during the run — other settings of that database, a role's own setting in it and
// another database's setting: the run leaves every one of them as it was.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { createAdminDb, type AdminDb } from '../../src/db/admin.js';
import { createTargetDb } from '../../src/db/target.js';
import { createPlaybookEngine, type PlaybookEngine } from '../../src/playbooks/engine.js';
import type { PlaybookRequest } from '../../src/playbooks/request.js';
import { createStateStore } from '../../src/state/store.js';
import { PLAYBOOKS } from '../../playbooks/index.js';
import { appRole, silent } from '../support/playbooks.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let stateDb: TestDatabase;
let targetDb: TestDatabase;
let otherDb: TestDatabase;
let role: Awaited<ReturnType<typeof appRole>>;
const clock = fixedClock(Date.parse('2026-12-07T03:00:00Z'));
const closers: (() => Promise<void>)[] = [];

/** An engine whose target is `db` and whose state store is the shared one; `beforeStatement` runs before the admin's statement. */
function engineOn(db: TestDatabase, beforeStatement?: () => Promise<void>): PlaybookEngine {
  const state = createStateStore({ url: stateDb.url, logger: silent, connectTimeoutMs: 5000 });
  const target = createTargetDb({ url: db.url, poolMax: 2, statementTimeoutMs: 10_000, lockTimeoutMs: 1000, connectTimeoutMs: 5000, logger: silent, monotonic: () => performance.now() });
  const real = createAdminDb({ url: db.url, statementTimeoutMs: 30_000, lockTimeoutMs: 2000, connectTimeoutMs: 5000, logger: silent });
  const admin: AdminDb = {
    transaction: (purpose, fn, o) => real.transaction(purpose, fn, o),
    standalone: async (purpose, name, ids, o) => {
      await beforeStatement?.();
      return real.standalone(purpose, name, ids, o);
    },
    close: () => real.close(),
  };
  const engine = createPlaybookEngine({
    registry: PLAYBOOKS,
    state,
    context: { target, admin, authAdmin: { configured: false, setBan: () => Promise.resolve() }, clock },
    clock,
    logger: silent,
    notifier: { update: () => Promise.resolve() },
    ttlMs: 15 * 60_000,
  });
  closers.push(async () => {
    await engine.idle();
    await Promise.allSettled([state.close(), target.close(), admin.close()]);
  });
  return engine;
}

beforeAll(async () => {
  stateDb = await createTestDatabase();
  targetDb = await createTestDatabase();
  otherDb = await createTestDatabase();
  // The targets hold the app, not the bot's state (read-only-mode refuses that database).
  for (const d of [targetDb, otherDb]) await d.pool.query('DROP SCHEMA opsbot CASCADE');
  role = await appRole(targetDb.pool);
});
afterAll(async () => {
  for (const c of closers) await c();
  for (const d of [targetDb, otherDb]) await d.pool.query(`ALTER DATABASE ${pg.escapeIdentifier(d.name)} RESET ALL`).catch(() => undefined);
  await targetDb.pool.query(`ALTER ROLE ${role.name} IN DATABASE ${pg.escapeIdentifier(targetDb.name)} RESET ALL`).catch(() => undefined);
  await role.drop();
  await Promise.allSettled([targetDb.drop(), otherDb.drop()]);
  await stateDb.drop();
});

const ask = async (engine: PlaybookEngine, mode: string) => (await engine.request({ playbookId: 'read-only-mode', rawParams: { mode }, requestedBy: 'U0REQ', channel: 'C0OPS' })).request;
async function approve(engine: PlaybookEngine, id: string): Promise<PlaybookRequest> {
  const o = await engine.approve(id, 'U0APPROVER');
  if (o.kind !== 'started') throw new Error(o.kind);
  return o.done;
}

/** Every per-database setting on the server for `db`: "role|setting" lines (role '-' for the database itself). */
async function settingsOf(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query<{ line: string }>(
    `SELECT COALESCE(r.rolname, '-') || '|' || s.cfg AS line
       FROM pg_db_role_setting d
       JOIN pg_database b ON b.oid = d.setdatabase
       LEFT JOIN pg_roles r ON r.oid = d.setrole
       CROSS JOIN LATERAL unnest(d.setconfig) AS s (cfg)
      WHERE b.datname = $1
      ORDER BY 1`,
    [db.name],
  );
  return rows.map((r) => r.line);
}
const alterDb = (db: TestDatabase, setting: string) => targetDb.pool.query(`ALTER DATABASE ${pg.escapeIdentifier(db.name)} SET ${setting}`);

describe('read-only-mode (one setting of one database, no row set)', () => {
  it('settings added before approval and during the run are left as they were; only the approved setting of the approved database changes, on and off', async () => {
    let during = 0;
    const engine = engineOn(targetDb, async () => {
      // During the run, right before the bot's ALTER DATABASE: someone else tunes the same database.
      during++;
      await alterDb(targetDb, `work_mem = '${during + 6}MB'`);
    });
    const on = await ask(engine, 'on');
    // Before approval: another setting of the database, a role's own read-only setting in it,
    // and the same setting on another database of the server.
    await alterDb(targetDb, `statement_timeout = '12s'`);
    await targetDb.pool.query(`ALTER ROLE ${role.name} IN DATABASE ${pg.escapeIdentifier(targetDb.name)} SET default_transaction_read_only = off`);
    await alterDb(otherDb, `lock_timeout = '3s'`);
    const done = await approve(engine, on.id);
    expect(done.error ?? done.state).toBe('succeeded');
    expect(done.rowsAffected).toBe(1);
    expect(await settingsOf(targetDb)).toEqual(['-|default_transaction_read_only=on', '-|statement_timeout=12s', '-|work_mem=7MB', `${role.name}|default_transaction_read_only=off`].sort());
    expect(await settingsOf(otherDb)).toEqual(['-|lock_timeout=3s']);

    const off = await ask(engine, 'off');
    const undone = await approve(engine, off.id);
    expect(undone.error ?? undone.state).toBe('succeeded');
    // Off removes the one database-level default; the role's own setting and the others stay.
    expect(await settingsOf(targetDb)).toEqual(['-|statement_timeout=12s', '-|work_mem=8MB', `${role.name}|default_transaction_read_only=off`].sort());
    expect(await settingsOf(otherDb)).toEqual(['-|lock_timeout=3s']);
  });

  it('approved for one database, run by a bot now pointed at another (DATABASE_URL changed, a failover): stops, switches neither', async () => {
    const before = { target: await settingsOf(targetDb), other: await settingsOf(otherDb) };
    const req = await ask(engineOn(targetDb), 'on');
    expect(req.preview.keys).toContain(`database:${targetDb.name}`);
    // The same state store, the bot restarted against another database.
    const done = await approve(engineOn(otherDb), req.id);
    expect(done.state).toBe('stopped');
    expect(done.error).toMatch(/the scope changed after the preview: 2 database settings match now, but 2 were approved \(1 added, 1 gone\)/);
    expect(done.rowsAffected).toBe(0);
    expect(await settingsOf(targetDb)).toEqual(before.target);
    expect(await settingsOf(otherDb)).toEqual(before.other);
  });
});
