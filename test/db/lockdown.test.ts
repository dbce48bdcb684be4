// /lockdown on a Supabase-shaped database: containment effects, exact lift, refusals,
// break-glass, reminders under a test clock, and a start that fails midway and is completed.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AdminDb } from '../../src/db/admin.js';
import type { ApproveOutcome } from '../../src/playbooks/engine.js';
import type { PlaybookRequest } from '../../src/playbooks/request.js';
import { lockdownHarness, seedBreachFixture, type LockdownHarness } from '../support/lockdown.js';
import { engineHarness } from '../support/playbooks.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
const harnesses: LockdownHarness[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  // Close every harness and end any open lockdown so each test starts clean.
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  await db.pool.query(`UPDATE opsbot.lockdowns SET state = 'lifted', lifted_at = now() WHERE state IN ('starting', 'active')`);
});
afterAll(async () => {
  await db.drop();
});

function harness(opts: Parameters<typeof lockdownHarness>[1] = {}): LockdownHarness {
  const h = lockdownHarness(db.url, opts);
  harnesses.push(h);
  return h;
}

async function started(outcome: ApproveOutcome): Promise<PlaybookRequest> {
  if (outcome.kind !== 'started') throw new Error(`expected a started run, got ${outcome.kind}`);
  return outcome.done;
}

async function startLockdown(h: LockdownHarness, reason = 'credential leak on the CRM export'): Promise<PlaybookRequest> {
  const { request } = await h.engine.request({ playbookId: 'lockdown-start', rawParams: { reason }, requestedBy: 'U0ONCALL', channel: 'C0WAR' });
  return started(await h.engine.approve(request.id, 'U0APPROVER'));
}

const count = async (sql: string) => (await db.pool.query<{ n: number }>(sql)).rows[0]!.n;

describe('lockdown start and lift', () => {
  it('500 sessions, their tokens and 5 integrations (3 active): all revoked, integrations off, evidence kept, each step audited', async () => {
    const { activeIds, inactiveIds } = await seedBreachFixture(db.pool, { sessions: 500, legacyTokens: 7, integrationsActive: 3, integrationsInactive: 2, auditEntries: 300 });
    const dir = await mkdtemp(path.join(tmpdir(), 'opsbot-evidence-'));
    try {
      const h = harness({ evidenceDir: dir });
      const { request } = await h.engine.request({ playbookId: 'lockdown-start', rawParams: { reason: 'credential leak on the CRM export' }, requestedBy: 'U0ONCALL', channel: 'C0WAR' });
      expect(request.preview.summary).toMatch(/revoke 500 sessions and 7 session-less refresh tokens \(507 refresh tokens in all\), switch off 3 of 5 integrations/);
      const done = await started(await h.engine.approve(request.id, 'U0APPROVER'));
      expect(done.error ?? done.state).toBe('succeeded');
      expect(await count('SELECT count(*)::int AS n FROM auth.sessions')).toBe(0);
      expect(await count('SELECT count(*)::int AS n FROM auth.refresh_tokens')).toBe(0);
      expect(await count('SELECT count(*)::int AS n FROM public.integrations WHERE active')).toBe(0);

      const lockdown = (await h.lockdown.current())!;
      expect(lockdown.state).toBe('active');
      expect(lockdown.sessionsRevoked).toBe(500);
      expect(lockdown.refreshTokensRevoked).toBe(7);
      const evidence = await db.pool.query<{ kind: string; row_count: number; rows: unknown[] }>(
        'SELECT kind, row_count, rows FROM opsbot.lockdown_evidence WHERE lockdown_id = $1 ORDER BY kind',
        [lockdown.id],
      );
      expect(evidence.rows.map((r) => [r.kind, r.row_count])).toEqual([
        ['auth_audit', 167], // the hourly entries of the last 7 days, out of the 300 seeded
        ['integrations', 5],
        ['sessions', 500],
      ]);
      expect(JSON.stringify(evidence.rows)).not.toContain('secret-value');
      const file = JSON.parse(await readFile(lockdown.evidenceFile!, 'utf8')) as { sessions: unknown[]; authAudit: unknown[] };
      expect(file.sessions).toHaveLength(500);
      expect((await h.lockdown.integrations(lockdown.id)).map((i) => i.id).sort()).toEqual([...activeIds].sort());
      expect(inactiveIds).toHaveLength(2);

      const steps = await db.pool.query<{ detail: { steps: { step: string; rows: number }[] } }>(
        `SELECT detail FROM opsbot.audit_log WHERE action = 'playbook.finished' AND detail->>'requestId' = $1`,
        [request.id],
      );
      expect(steps.rows[0]?.detail.steps.map((s) => [s.step, s.rows])).toEqual([
        ['evidence', 167 + 500 + 5],
        ['revoke sessions', 507],
        ['disable integrations', 3],
      ]);
      // The containment checklist is posted with "evidence preserved" already ticked.
      const checklist = await h.lockdown.checklistItems(lockdown);
      expect(checklist.map((i) => i.label)).toContain('Rotate SUPABASE_SERVICE_ROLE_KEY');
      expect(checklist.find((i) => i.label === 'Evidence preserved')?.checked).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lift re-enables exactly the 3 that were active; the 2 that were off stay off', async () => {
    const { activeIds, inactiveIds } = await seedBreachFixture(db.pool, { sessions: 20, integrationsActive: 3, integrationsInactive: 2 });
    const h = harness();
    await startLockdown(h);
    h.clock.advance(2 * 3_600_000);
    const { request } = await h.engine.request({ playbookId: 'lockdown-lift', rawParams: { reason: 'keys rotated, all clear' }, requestedBy: 'U0ONCALL' });
    expect(request.preview.count).toBe(3);
    const lifted = await started(await h.engine.approve(request.id, 'U0APPROVER'));
    expect(lifted.error ?? lifted.state).toBe('succeeded');
    expect(lifted.result?.summary).toMatch(/lifted after 2.0 h; 3 integration\(s\) re-enabled/);
    const { rows } = await db.pool.query<{ id: string; active: boolean }>('SELECT id, active FROM public.integrations');
    const active = rows.filter((r) => r.active).map((r) => r.id).sort();
    expect(active).toEqual([...activeIds].sort());
    expect(rows.filter((r) => !r.active).map((r) => r.id).sort()).toEqual([...inactiveIds].sort());
    expect((await h.lockdown.latest())?.state).toBe('lifted');
  });

  it('a second start while active says so and changes nothing; a lift with none active says so', async () => {
    await seedBreachFixture(db.pool, { sessions: 5, integrationsActive: 1, integrationsInactive: 0 });
    const h = harness();
    await expect(h.engine.request({ playbookId: 'lockdown-lift', rawParams: { reason: 'nothing to lift' }, requestedBy: 'U0ONCALL' })).rejects.toThrow(
      /No lockdown is active/,
    );
    await startLockdown(h);
    await db.pool.query(`INSERT INTO auth.sessions (id, user_id) SELECT gen_random_uuid(), id FROM auth.users LIMIT 2`);
    await expect(h.engine.request({ playbookId: 'lockdown-start', rawParams: { reason: 'again please' }, requestedBy: 'U0ONCALL' })).rejects.toThrow(
      /Lockdown is already active since .* Nothing changed/,
    );
    expect(await count('SELECT count(*)::int AS n FROM auth.sessions')).toBe(2);
  });
});

describe('break-glass', () => {
  it('self-approval is refused unless enabled; when enabled it needs a reason and is recorded', async () => {
    await seedBreachFixture(db.pool, { sessions: 3, integrationsActive: 1, integrationsInactive: 0 });
    const off = harness();
    const { request } = await off.engine.request({ playbookId: 'lockdown-start', rawParams: { reason: 'token leak' }, requestedBy: 'U0ONCALL' });
    expect((await off.engine.approve(request.id, 'U0ONCALL')).kind).toBe('own_request');
    const refused = await off.engine.approve(request.id, 'U0ONCALL', { breakGlassReason: 'nobody answers the phone at 3am' });
    expect(refused).toMatchObject({ kind: 'break_glass_refused', why: expect.stringMatching(/switched off/) });
    await off.close();
    harnesses.splice(harnesses.indexOf(off), 1);

    const on = harness({ breakGlass: true });
    expect(await on.engine.approve(request.id, 'U0ONCALL', { breakGlassReason: 'short' })).toMatchObject({
      kind: 'break_glass_refused',
      why: expect.stringMatching(/at least 10 characters/),
    });
    const done = await started(await on.engine.approve(request.id, 'U0ONCALL', { breakGlassReason: 'approvers unreachable, active exfiltration' }));
    expect(done.state).toBe('succeeded');
    expect(done.breakGlassReason).toBe('approvers unreachable, active exfiltration');
    expect((await on.lockdown.current())?.breakGlass).toBe(true);
    const audit = await db.pool.query<{ actor: string; detail: { reason: string } }>(
      `SELECT actor, detail FROM opsbot.audit_log WHERE action = 'playbook.break_glass' AND detail->>'requestId' = $1`,
      [request.id],
    );
    expect(audit.rows).toEqual([{ actor: 'U0ONCALL', detail: expect.objectContaining({ reason: 'approvers unreachable, active exfiltration' }) }]);
  });

  it('break-glass is only for the requester, and never for other playbooks', async () => {
    await seedBreachFixture(db.pool, { sessions: 1, integrationsActive: 0, integrationsInactive: 0 });
    const h = harness({ breakGlass: true });
    const { request } = await h.engine.request({ playbookId: 'lockdown-start', rawParams: { reason: 'test reason' }, requestedBy: 'U0ONCALL' });
    expect(await h.engine.approve(request.id, 'U0OTHER', { breakGlassReason: 'I am not the requester here' })).toMatchObject({
      kind: 'break_glass_refused',
      why: expect.stringMatching(/only for the requester/),
    });
    const general = engineHarness(db.url, { breakGlassEnabled: true });
    try {
      await db.pool.query(`INSERT INTO public.leads (organization_id, email) SELECT id, 'x@test.com' FROM public.organizations LIMIT 1`);
      const { request: clear } = await general.engine.request({ playbookId: 'clear-test-data', rawParams: {}, requestedBy: 'U0ONCALL' });
      expect(await general.engine.approve(clear.id, 'U0ONCALL', { breakGlassReason: 'approvers all asleep right now' })).toMatchObject({
        kind: 'break_glass_refused',
        why: expect.stringMatching(/not allowed for clear-test-data; it is for the lockdown only/),
      });
    } finally {
      await general.close();
    }
  });
});

describe('notification reminders', () => {
  it('fire at 24 h and 72 h under a test clock, repeat until marked done, and survive a restart without duplicates', async () => {
    await seedBreachFixture(db.pool, { sessions: 2, integrationsActive: 0, integrationsInactive: 0 });
    const h = harness();
    await startLockdown(h);
    const id = (await h.lockdown.current())!.id;
    // Reminders of lockdowns from other tests in this file stay due (deadlines outlive a lift): look at ours.
    const claim = async (x: LockdownHarness) => (await x.lockdown.claimDueReminders()).filter((r) => r.lockdownId === id).map((r) => r.kind);
    h.clock.advance(23 * 3_600_000);
    expect(await claim(h)).toEqual([]);
    h.clock.advance(3_600_000 + 1000);
    expect(await claim(h)).toEqual(['24h']);
    expect(await claim(h)).toEqual([]); // claimed once
    // A restart: a new process with the same state store and clock.
    const restarted = harness({ clock: h.clock });
    expect(await claim(restarted)).toEqual([]);
    h.clock.advance(6 * 3_600_000);
    expect(await claim(restarted)).toEqual(['24h']); // not done yet: reminded again after the repeat interval
    expect(await restarted.lockdown.markReminderDone(id, '24h', 'U0LEAD')).toBe(true);
    expect(await restarted.lockdown.markReminderDone(id, '24h', 'U0LEAD')).toBe(false);
    h.clock.advance(48 * 3_600_000);
    expect(await Promise.all([claim(h), claim(restarted)]).then((r) => r.flat())).toEqual(['72h']);
    const reminders = await h.lockdown.reminders(id);
    expect(reminders.map((r) => [r.kind, r.posts, r.doneBy])).toEqual([
      ['24h', 2, 'U0LEAD'],
      ['72h', 1, null],
    ]);
  });
});

describe('a start that fails midway', () => {
  it('reports what was and was not done; a retry completes without recapturing evidence or re-disabling recorded integrations', async () => {
    await seedBreachFixture(db.pool, { sessions: 500, integrationsActive: 3, integrationsInactive: 2 });
    let batches = 0;
    // The target database "goes away" at the third batch of 100 sessions (two workers delete in parallel).
    const flaky = (real: AdminDb): AdminDb => ({
      ...real,
      transaction: (purpose, fn, o) => {
        if (purpose === 'lockdown' && ++batches === 3) return Promise.reject(Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' }));
        return real.transaction(purpose, fn, o);
      },
    });
    const first = harness({ sessionBatch: 100, admin: flaky });
    const failed = await startLockdown(first);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/stopped at "revoke sessions": Connection terminated unexpectedly/);
    expect(failed.error).toMatch(/Done: evidence preserved \(\d+ audit entries, 500 sessions, 5 integrations\)/);
    const revoked = Number(/\((\d+) sessions revoked so far\)/.exec(failed.error ?? '')?.[1]);
    expect(revoked).toBeGreaterThanOrEqual(200);
    expect(revoked).toBeLessThan(500);
    expect(failed.error).toMatch(/Not done: revoke sessions, disable integrations, activate/);
    expect(await count('SELECT count(*)::int AS n FROM auth.sessions')).toBe(500 - revoked);
    expect(await count('SELECT count(*)::int AS n FROM public.integrations WHERE active')).toBe(3);
    const open = (await first.lockdown.current())!;
    expect(open.state).toBe('starting');
    const evidenceAt = open.evidenceAt!.getTime();

    const retry = harness({ sessionBatch: 100, clock: first.clock });
    retry.clock.advance(60_000);
    const { request } = await retry.engine.request({ playbookId: 'lockdown-start', rawParams: { reason: 'retry after the database came back' }, requestedBy: 'U0ONCALL', channel: 'C0WAR' });
    expect(request.preview.summary).toMatch(/^complete the unfinished lockdown/);
    const done = await started(await retry.engine.approve(request.id, 'U0APPROVER'));
    expect(done.error ?? done.state).toBe('succeeded');
    expect(done.result?.summary).toMatch(/evidence kept from the first attempt/);
    const after = (await retry.lockdown.current())!;
    expect(after.id).toBe(open.id);
    expect(after.state).toBe('active');
    expect(after.evidenceAt?.getTime()).toBe(evidenceAt);
    expect(after.sessionsRevoked).toBe(500);
    expect(await count('SELECT count(*)::int AS n FROM auth.sessions')).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM opsbot.lockdown_evidence WHERE lockdown_id = '${open.id}'`)).toBe(3);
    expect((await retry.lockdown.integrations(open.id))).toHaveLength(3);
  });

  it('a failure after integrations were recorded: the retry switches off only what was recorded, once', async () => {
    const { activeIds } = await seedBreachFixture(db.pool, { sessions: 10, integrationsActive: 3, integrationsInactive: 2 });
    const failing = (real: AdminDb): AdminDb => ({
      ...real,
      transaction: (purpose, fn, o) =>
        purpose === 'lockdown' && fn.toString().includes('disable-integrations')
          ? Promise.reject(Object.assign(new Error('server closed the connection unexpectedly'), { code: '08006' }))
          : real.transaction(purpose, fn, o),
    });
    const first = harness({ admin: failing });
    const failed = await startLockdown(first);
    expect(failed.error).toMatch(/stopped at "disable integrations"/);
    const id = (await first.lockdown.current())!.id;
    expect((await first.lockdown.integrations(id)).map((i) => i.id).sort()).toEqual([...activeIds].sort());
    // Meanwhile someone switches one of the 2 inactive ones on: it was not active at lockdown
    // time, so the retry records and switches it off too — but the 3 recorded ones are not re-recorded.
    const retry = harness({ clock: first.clock });
    const done = await startLockdown(retry, 'retry after the outage');
    expect(done.error ?? done.state).toBe('succeeded');
    const records = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM opsbot.lockdown_integrations WHERE lockdown_id = $1', [id]);
    expect(records.rows[0]?.n).toBe(3);
    expect(await count('SELECT count(*)::int AS n FROM public.integrations WHERE active')).toBe(0);
  });
});
