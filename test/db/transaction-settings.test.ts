// What each of the bot's transactions runs under, read back from Postgres itself: the target's
// are READ ONLY with its statement and lock timeouts and an opsbot/<purpose> application_name; a
// section's own limit lasts only for that section; admin transactions carry their per-call
// limits; and none of it leaks into the next transaction on the same pooled connection.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminDb, type AdminDb } from '../../src/db/admin.js';
import { createTargetDb, type TargetDb } from '../../src/db/target.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const silent = pino({ level: 'silent' });
interface Settings extends Record<string, unknown> {
  statement_timeout: string;
  lock_timeout: string;
  application_name: string;
  read_only: string;
}

let db: TestDatabase;
let target: TargetDb;
let admin: AdminDb;
let state: StateStore;

beforeAll(async () => {
  db = await createTestDatabase();
  // One connection each, so every call reuses the connection the previous one used.
  target = createTargetDb({ url: db.url, poolMax: 1, statementTimeoutMs: 4321, lockTimeoutMs: 321, connectTimeoutMs: 5000, logger: silent, monotonic: () => performance.now() });
  admin = createAdminDb({ url: db.url, statementTimeoutMs: 7654, lockTimeoutMs: 654, connectTimeoutMs: 5000, logger: silent });
  state = createStateStore({ url: db.url, logger: silent, connectTimeoutMs: 5000 });
});
afterAll(async () => {
  await Promise.all([target.close(), admin.close(), state.close()]);
  await db.drop();
});

describe('target readOnly', () => {
  it('runs READ ONLY with its timeouts and opsbot/<purpose>; a section limit ends with the section', async () => {
    const seen = await target.readOnly(
      'probe settings',
      async (tx) => ({
        first: (await tx.query<Settings>('test/session-settings'))[0]!,
        section: await tx.section<Settings>('test/session-settings', [], { statementTimeoutMs: 999 }),
        after: (await tx.query<Settings>('test/session-settings'))[0]!,
      }),
      { statementTimeoutMs: 2222 },
    );
    expect(seen.first).toEqual({ statement_timeout: '2222', lock_timeout: '321', application_name: 'opsbot/probe_settings', read_only: 'on' });
    expect(seen.section.ok && seen.section.rows[0]!.statement_timeout).toBe('999');
    expect(seen.after.statement_timeout).toBe('2222');
    const next = await target.readOnly('again', async (tx) => (await tx.query<Settings>('test/session-settings'))[0]!);
    expect(next).toEqual({ statement_timeout: '4321', lock_timeout: '321', application_name: 'opsbot/again', read_only: 'on' });
  });

  it('refuses to write', async () => {
    await expect(target.readOnly('write', (tx) => tx.query('state/audit-insert', ['U', 'a', null, null, 'ok', '{}']))).rejects.toMatchObject({ code: '25006' });
  });
});

describe('admin transaction', () => {
  it('carries its per-call limits and name for the transaction only', async () => {
    const inside = await admin.transaction('probe', async (q) => (await q<Settings>('test/session-settings')).rows[0]!, { statementTimeoutMs: 1111, lockTimeoutMs: 111 });
    expect(inside).toEqual({ statement_timeout: '1111', lock_timeout: '111', application_name: 'opsbot/probe', read_only: 'off' });
    const defaults = await admin.transaction('other', async (q) => (await q<Settings>('test/session-settings')).rows[0]!);
    expect(defaults).toEqual({ statement_timeout: '7654', lock_timeout: '654', application_name: 'opsbot/other', read_only: 'off' });
  });
});

describe('state store transaction', () => {
  it('writes, and rolls back what a failed transaction wrote', async () => {
    await state.migrate();
    const count = async () => Number((await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM opsbot.audit_log WHERE action = 'tx.test'")).rows[0]!.n);
    await state.transaction((q) => q('state/audit-insert', ['U', 'tx.test', null, null, 'ok', '{}']));
    await expect(
      state.transaction(async (q) => {
        await q('state/audit-insert', ['U', 'tx.test', null, null, 'ok', '{}']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await count()).toBe(1);
    const s = await state.transaction(async (q) => (await q<Settings>('test/session-settings'))[0]!);
    expect(s.application_name).toBe('opsbot/state');
  });
});
