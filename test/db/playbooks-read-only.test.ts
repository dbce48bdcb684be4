// read-only-mode on a real database (the target apart from the state store, as in production):
// on makes new sessions read-only while connected ones keep writing, as the preview says; /health
// shows it first like a lockdown; off undoes it even though the bot's own admin session now
// starts read-only; a flip by someone else in between stops the run; and it refuses to switch on
// a database that holds the bot's own state store.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { createAdminDb } from '../../src/db/admin.js';
import { createTargetDb } from '../../src/db/target.js';
import { allNotices, readOnlyNotice } from '../../src/health/read-only.js';
import { createHealthService } from '../../src/health/runner.js';
import { createPlaybookEngine, type PlaybookEngine } from '../../src/playbooks/engine.js';
import type { PlaybookRequest } from '../../src/playbooks/request.js';
import { healthText } from '../../src/render/health-text.js';
import { createStateStore } from '../../src/state/store.js';
import { PLAYBOOKS } from '../../playbooks/index.js';
import { appRole, engineHarness, silent } from '../support/playbooks.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let stateDb: TestDatabase;
let targetDb: TestDatabase;
let engine: PlaybookEngine;
let close: () => Promise<void>;
const clock = fixedClock(Date.parse('2026-12-07T03:00:00Z'));
const target = () => createTargetDb({ url: targetDb.url, poolMax: 2, statementTimeoutMs: 10_000, lockTimeoutMs: 1000, connectTimeoutMs: 5000, logger: silent, monotonic: () => performance.now() });

beforeAll(async () => {
  stateDb = await createTestDatabase();
  targetDb = await createTestDatabase();
  // The target holds the app, not the bot's state.
  await targetDb.pool.query('DROP SCHEMA opsbot CASCADE');
  const state = createStateStore({ url: stateDb.url, logger: silent, connectTimeoutMs: 5000 });
  const t = target();
  const admin = createAdminDb({ url: targetDb.url, statementTimeoutMs: 30_000, lockTimeoutMs: 2000, connectTimeoutMs: 5000, logger: silent });
  engine = createPlaybookEngine({
    registry: PLAYBOOKS,
    state,
    context: { target: t, admin, authAdmin: { configured: false, setBan: () => Promise.resolve() }, clock },
    clock,
    logger: silent,
    notifier: { update: () => Promise.resolve() },
    ttlMs: 15 * 60_000,
  });
  close = async () => {
    await engine.idle();
    await Promise.allSettled([state.close(), t.close(), admin.close()]);
  };
});
afterAll(async () => {
  await close();
  await targetDb.pool.query(`ALTER DATABASE ${pg.escapeIdentifier(targetDb.name)} RESET default_transaction_read_only`).catch(() => undefined);
  await targetDb.drop();
  await stateDb.drop();
});

const ask = async (mode: string) => (await engine.request({ playbookId: 'read-only-mode', rawParams: { mode }, requestedBy: 'U0REQ', channel: 'C0OPS' })).request;
async function approve(id: string): Promise<PlaybookRequest> {
  const o = await engine.approve(id, 'U0APPROVER');
  if (o.kind !== 'started') throw new Error(o.kind);
  return o.done;
}
/** A brand-new session to the target, as the app's next connection would be. */
async function fresh<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: targetDb.url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
const canWrite = (c: pg.ClientBase) =>
  c.query(`INSERT INTO public.organizations (name) VALUES ('probe')`).then(
    () => true,
    (err: Error) => (/read-only transaction/.test(err.message) ? false : Promise.reject(err)),
  );
const report = async () => {
  const t = target();
  try {
    return await createHealthService({ checks: [], clock, timeoutMs: 5000, logger: silent, notices: allNotices([() => Promise.reject(new Error('state store down')), readOnlyNotice(t)]) }).run();
  } finally {
    await t.close();
  }
};

describe('read-only-mode', () => {
  it('on: the preview says what the app will feel; new sessions cannot write, connected ones still can; /health leads with it; off undoes it', async () => {
    const app = new pg.Client({ connectionString: targetDb.url, application_name: 'postgrest' });
    await app.connect();
    try {
      const req = await ask('on');
      expect(req.risk).toBe('destructive');
      expect(req.preview.summary).toBe(`read-only mode ON for database ${targetDb.name}: every new session can read but not write`);
      const items = req.preview.items.join('\n');
      expect(items).toMatch(/new sign-ins and token refreshes fail/);
      expect(items).toMatch(/client session\(s\) connected now \(.*postgres \(postgrest\) ×1.*\) keep their current mode until they reconnect/);
      expect(req.preview.keys).toEqual([`database:${targetDb.name}`, 'read-only:off->on']);
      expect((await engine.approve(req.id, 'U0REQ')).kind).toBe('own_request');
      const done = await approve(req.id);
      expect(done.error ?? done.state).toBe('succeeded');
      expect(done.result?.summary).toMatch(/read-only mode is on for database .*Undo with `\/playbook run read-only-mode mode=off`/);

      expect(await fresh(canWrite)).toBe(false);
      expect(await fresh(async (c) => (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM public.organizations')).rows[0]!.n)).toBeGreaterThanOrEqual(0);
      // The session connected before keeps writing, as the preview warned.
      expect(await canWrite(app)).toBe(true);

      const health = await report();
      expect(health.alert).toBe('READ-ONLY MODE');
      expect(health.notices?.[0]).toMatch(/READ-ONLY MODE is on for database .*`\/playbook run read-only-mode mode=off`/);
      expect(healthText(health, 'UTC').split('\n')[0]).toMatch(/READ-ONLY MODE/);

      await expect(ask('on')).rejects.toThrow(/Read-only mode is already on for database/);

      // Off works although the bot's own admin session now starts read-only.
      const off = await ask('off');
      expect(off.preview.summary).toBe(`read-only mode OFF for database ${targetDb.name}: new sessions can write again`);
      const undone = await approve(off.id);
      expect(undone.error ?? undone.state).toBe('succeeded');
      expect(await fresh(canWrite)).toBe(true);
      expect((await report()).notices).toBeUndefined();
      await expect(ask('off')).rejects.toThrow(/Read-only mode is already off/);
    } finally {
      await app.end();
    }
  });

  it('switched on by someone else after the preview: the run stops and changes nothing', async () => {
    const req = await ask('on');
    await targetDb.pool.query(`ALTER DATABASE ${pg.escapeIdentifier(targetDb.name)} SET default_transaction_read_only = on`);
    try {
      const done = await approve(req.id);
      expect(done.state).toBe('stopped');
      expect(done.error).toMatch(/the scope changed after the preview/);
    } finally {
      await targetDb.pool.query(`ALTER DATABASE ${pg.escapeIdentifier(targetDb.name)} RESET default_transaction_read_only`);
    }
  });

  it('an admin role that does not own the database: the run fails saying which URL to change, nothing changed', async () => {
    const role = await appRole(targetDb.pool);
    const state = createStateStore({ url: stateDb.url, logger: silent, connectTimeoutMs: 5000 });
    const t = target();
    const admin = createAdminDb({ url: role.url(targetDb.url), statementTimeoutMs: 30_000, lockTimeoutMs: 2000, connectTimeoutMs: 5000, logger: silent });
    const other = createPlaybookEngine({
      registry: PLAYBOOKS,
      state,
      context: { target: t, admin, authAdmin: { configured: false, setBan: () => Promise.resolve() }, clock },
      clock,
      logger: silent,
      notifier: { update: () => Promise.resolve() },
      ttlMs: 15 * 60_000,
    });
    try {
      const { request } = await other.request({ playbookId: 'read-only-mode', rawParams: { mode: 'on' }, requestedBy: 'U0REQ' });
      const o = await other.approve(request.id, 'U0APPROVER');
      if (o.kind !== 'started') throw new Error(o.kind);
      const done = await o.done;
      expect(done.state).toBe('failed');
      expect(done.error).toMatch(/may not change database .*point DATABASE_ADMIN_URL at the owner .*Nothing was changed/);
      expect(await fresh(canWrite)).toBe(true);
    } finally {
      await other.idle();
      await Promise.allSettled([state.close(), t.close(), admin.close()]);
      await role.drop();
    }
  });

  it('refuses to switch on the database that holds the bot state store; refuses a mode that is not on or off', async () => {
    const one = engineHarness(stateDb.url, { clock });
    try {
      await expect(one.engine.request({ playbookId: 'read-only-mode', rawParams: { mode: 'on' }, requestedBy: 'U0REQ' })).rejects.toThrow(
        /The bot's own state store \(schema opsbot\) is in database .*Point STATE_DATABASE_URL at a separate database first/,
      );
    } finally {
      await one.close();
    }
    await expect(ask('maybe')).rejects.toThrow(/`mode`: expected on \(new sessions read-only\) or off/);
  });
});
