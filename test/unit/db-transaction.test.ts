// The one transaction helper behind the target, admin and state-store transactions, with a
// hand-written client: what it sends, when it rolls back, and how it hands a broken client back
// to the pool. (test/db/connection-faults.test.ts proves the same against real cut sessions.)
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ConnectionLostError } from '../../src/core/errors.js';
import { applicationName, inTransaction } from '../../src/db/transaction.js';

interface FakeClient {
  sent: { text: string; values?: unknown[] }[];
  released: (Error | boolean | undefined)[];
  client: pg.PoolClient;
}

/** A client whose `fail(text)` decides which statements reject, and with what. */
function fakeClient(fail: (text: string) => Error | undefined = () => undefined): FakeClient {
  const sent: FakeClient['sent'] = [];
  const released: FakeClient['released'] = [];
  const client = {
    query: (text: string, values?: unknown[]) => {
      sent.push({ text, values });
      const err = fail(text);
      return err ? Promise.reject(err) : Promise.resolve({ rows: [], rowCount: 0 });
    },
    release: (arg?: Error | boolean) => {
      released.push(arg);
    },
  };
  return { sent, released, client: client as unknown as pg.PoolClient };
}

const terminated = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' });

describe('inTransaction', () => {
  it('begins, applies the settings as parameters of one set_config statement, commits and releases the client for reuse', async () => {
    const f = fakeClient();
    const result = await inTransaction(
      () => Promise.resolve(f.client),
      { system: 'target', readOnly: true, settings: [['statement_timeout', '5000'], ['application_name', "opsbot/x'; DROP"]] },
      async (c) => {
        await c.query('SELECT 1');
        return 42;
      },
    );
    expect(result).toBe(42);
    expect(f.sent.map((s) => s.text)).toEqual(['BEGIN READ ONLY', 'SELECT set_config($1, $2, $5), set_config($3, $4, $5)', 'SELECT 1', 'COMMIT']);
    expect(f.sent[1]!.values).toEqual(['statement_timeout', '5000', 'application_name', "opsbot/x'; DROP", true]);
    expect(f.released).toEqual([undefined]);
  });

  it('ends with ROLLBACK instead of COMMIT when asked (a read that must leave nothing, e.g. /db rls), and still returns the result', async () => {
    const f = fakeClient();
    const result = await inTransaction(() => Promise.resolve(f.client), { system: 'target', readOnly: true, rollback: true }, () => Promise.resolve('seen'));
    expect(result).toBe('seen');
    expect(f.sent.map((s) => s.text)).toEqual(['BEGIN READ ONLY', 'ROLLBACK']);
    expect(f.released).toEqual([undefined]);
  });

  it('sends no settings statement when there are none', async () => {
    const f = fakeClient();
    await inTransaction(() => Promise.resolve(f.client), { system: 'state' }, () => Promise.resolve());
    expect(f.sent.map((s) => s.text)).toEqual(['BEGIN', 'COMMIT']);
  });

  it('rolls back an ordinary error, rethrows it untouched and keeps the client', async () => {
    const boom = Object.assign(new Error('duplicate key'), { code: '23505' });
    const f = fakeClient((t) => (t === 'INSERT' ? boom : undefined));
    await expect(inTransaction(() => Promise.resolve(f.client), { system: 'state' }, (c) => c.query('INSERT'))).rejects.toBe(boom);
    expect(f.sent.map((s) => s.text)).toEqual(['BEGIN', 'INSERT', 'ROLLBACK']);
    expect(f.released).toEqual([undefined]);
  });

  it('destroys the client when its ROLLBACK fails: the session state is unknown', async () => {
    const rollbackFailed = new Error('could not roll back');
    const f = fakeClient((t) => (t === 'INSERT' ? new Error('bad') : t === 'ROLLBACK' ? rollbackFailed : undefined));
    await expect(inTransaction(() => Promise.resolve(f.client), { system: 'admin' }, (c) => c.query('INSERT'))).rejects.toThrow('bad');
    expect(f.released).toEqual([rollbackFailed]);
  });

  it('a lost session: typed error naming the system, no ROLLBACK, the client destroyed with the error', async () => {
    const cut = terminated();
    const f = fakeClient((t) => (t === 'SELECT pg_sleep(10)' ? cut : undefined));
    const err = await inTransaction(() => Promise.resolve(f.client), { system: 'state' }, (c) => c.query('SELECT pg_sleep(10)')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionLostError);
    expect((err as ConnectionLostError).system).toBe('state');
    expect((err as Error).message).toMatch(/terminated by an administrator/);
    expect((err as Error).message).not.toMatch(/committed/);
    expect(f.sent.map((s) => s.text)).not.toContain('ROLLBACK');
    expect(f.released).toEqual([cut]);
  });

  it('a writing transaction lost during COMMIT says it may or may not have been applied; a read-only one does not', async () => {
    for (const [system, readOnly] of [['admin', false], ['state', false], ['target', true]] as const) {
      const f = fakeClient((t) => (t === 'COMMIT' ? terminated() : undefined));
      const err = await inTransaction(() => Promise.resolve(f.client), { system, readOnly }, () => Promise.resolve()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionLostError);
      expect(/may or may not have been applied/.test((err as Error).message)).toBe(!readOnly);
    }
  });

  it('a client that cannot be had is the caller’s error, and nothing is released', async () => {
    const down = new Error('Cannot connect to the state store');
    await expect(inTransaction(() => Promise.reject(down), { system: 'state' }, () => Promise.resolve())).rejects.toBe(down);
  });
});

describe('applicationName', () => {
  it('starts with opsbot/, keeps only safe characters and fits Postgres’ 63 bytes', () => {
    expect(applicationName('health')).toBe('opsbot/health');
    expect(applicationName('a b;"c')).toBe('opsbot/a_b__c');
    expect(applicationName('x'.repeat(100))).toHaveLength(63);
  });
});
