// The approval gate: exactly-once under concurrent clicks, the
// approval rules, the scope guard, interrupted runs, bad parameters and the audit trail.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError } from '../../src/core/errors.js';
import { validateRegistry } from '../../src/playbooks/engine.js';
import { definePlaybook, type Playbook } from '../../src/playbooks/types.js';
import { PLAYBOOKS } from '../../playbooks/index.js';
import { engineHarness, seedOrg, type EngineHarness } from '../support/playbooks.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
let h: EngineHarness;
let org: string;

beforeAll(async () => {
  db = await createTestDatabase();
  h = engineHarness(db.url);
  org = await seedOrg(db.pool);
});
afterAll(async () => {
  await h.close();
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('DELETE FROM public.interactions; DELETE FROM public.quotes; DELETE FROM public.leads;');
});

async function testLeads(n: number, domain = 'test.com'): Promise<void> {
  await db.pool.query(
    `INSERT INTO public.leads (organization_id, email) SELECT $1, 'lead' || g || '@' || $3 FROM generate_series(1, $2) g`,
    [org, n, domain],
  );
}
const countLeads = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM public.leads')).rows[0]!.n;
const finishedAudits = async (requestId: string) =>
  (
    await db.pool.query<{ outcome: string; detail: Record<string, unknown>; actor: string }>(
      `SELECT outcome, detail, actor FROM opsbot.audit_log WHERE action = 'playbook.finished' AND detail->>'requestId' = $1`,
      [requestId],
    )
  ).rows;

describe('exactly once', () => {
  it('20 concurrent Approve clicks run the playbook once; a repeated delivery runs nothing more', async () => {
    await testLeads(30);
    await testLeads(5, 'example.com');
    const { request } = await h.engine.request({ playbookId: 'clear-test-data', rawParams: {}, requestedBy: 'U0REQ', channel: 'C0OPS' });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => h.engine.approve(request.id, i % 2 === 0 ? 'U0APPROVER' : `U0APPROVER${i}`)),
    );
    const started = outcomes.filter((o) => o.kind === 'started');
    expect(started).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'not_pending' || o.kind === 'already_approved')).toHaveLength(19);
    const done = await (started[0] as Extract<(typeof outcomes)[number], { kind: 'started' }>).done;
    expect(done.state).toBe('succeeded');
    expect(done.rowsAffected).toBe(30);
    expect(await countLeads()).toBe(5);
    // Slack delivers the same click again, after the run.
    const again = await h.engine.approve(request.id, 'U0APPROVER');
    expect(again.kind).toBe('not_pending');
    await h.engine.idle();
    expect(await finishedAudits(request.id)).toHaveLength(1);
    const runs = await db.pool.query(`SELECT count(*)::int AS n FROM opsbot.audit_log WHERE action = 'playbook.started' AND detail->>'requestId' = $1`, [request.id]);
    expect(runs.rows[0]).toEqual({ n: 1 });
  });

  it('a playbook needing two approvals waits for two different approvers', async () => {
    let runs = 0;
    const twoPerson = definePlaybook({
      id: 'two-person-test',
      title: 'Two-person test',
      description: 'test only',
      risk: 'destructive',
      approvals: 2,
      scope: 'count',
      params: z.object({}).strict(),
      paramHelp: {},
      preview: () => Promise.resolve({ summary: 'nothing', count: 0, items: [] }),
      run: () => {
        runs++;
        return Promise.resolve({ rowsAffected: 0, summary: 'ran' });
      },
    });
    const harness = engineHarness(db.url, { registry: [twoPerson] });
    try {
      const { request } = await harness.engine.request({ playbookId: 'two-person-test', rawParams: {}, requestedBy: 'U0REQ' });
      expect((await harness.engine.approve(request.id, 'U0A')).kind).toBe('recorded');
      expect((await harness.engine.approve(request.id, 'U0A')).kind).toBe('already_approved');
      expect(runs).toBe(0);
      const second = await harness.engine.approve(request.id, 'U0B');
      expect(second.kind).toBe('started');
      if (second.kind === 'started') expect((await second.done).approvers).toEqual(['U0A', 'U0B']);
      expect(runs).toBe(1);
    } finally {
      await harness.close();
    }
  });
});

describe('approval rules', () => {
  it('the requester cannot approve their own request; nothing runs', async () => {
    await testLeads(3);
    const { request } = await h.engine.request({ playbookId: 'clear-test-data', rawParams: {}, requestedBy: 'U0REQ' });
    expect((await h.engine.approve(request.id, 'U0REQ')).kind).toBe('own_request');
    expect((await h.engine.get(request.id))?.state).toBe('pending');
    expect(await countLeads()).toBe(3);
  });

  it('an expired request cannot be approved; the sweep marks it expired and updates the message', async () => {
    await testLeads(3);
    const { request } = await h.engine.request({ playbookId: 'clear-test-data', rawParams: {}, requestedBy: 'U0REQ' });
    h.clock.advance(15 * 60_000 + 1);
    expect((await h.engine.approve(request.id, 'U0APPROVER')).kind).toBe('expired');
    expect((await h.engine.get(request.id))?.state).toBe('expired');
    expect(h.notified.some((r) => r.id === request.id && r.state === 'expired')).toBe(true);
    expect(await countLeads()).toBe(3);
  });

  it('a denied request cannot be approved afterwards', async () => {
    await testLeads(2);
    const { request } = await h.engine.request({ playbookId: 'clear-test-data', rawParams: {}, requestedBy: 'U0REQ' });
    expect((await h.engine.deny(request.id, 'U0APPROVER'))?.state).toBe('denied');
    expect((await h.engine.approve(request.id, 'U0OTHER')).kind).toBe('not_pending');
    expect(await countLeads()).toBe(2);
  });
});

describe('scope guard', () => {
  it('rows that match after approval grow past the approved preview: the run stops before deleting anything', async () => {
    await testLeads(10);
    const { request } = await h.engine.request({ playbookId: 'clear-test-data', rawParams: {}, requestedBy: 'U0REQ' });
    expect(request.preview.count).toBe(10);
    await testLeads(4, 'sub.test.com');
    const outcome = await h.engine.approve(request.id, 'U0APPROVER');
    if (outcome.kind !== 'started') throw new Error(outcome.kind);
    const done = await outcome.done;
    expect(done.state).toBe('stopped');
    expect(done.error).toMatch(/14 leads match now, but 10 were approved \(4 added, 0 gone\)/);
    expect(await countLeads()).toBe(14);
  });
});

describe('interrupted runs', () => {
  it('a process stopped between claim and completion is reported as interrupted on restart and not re-run', async () => {
    let runs = 0;
    let release!: () => void;
    const hanging = definePlaybook({
      id: 'hanging-test',
      title: 'Hangs until released',
      description: 'test only',
      risk: 'destructive',
      approvals: 1,
      scope: 'count',
      params: z.object({}).strict(),
      paramHelp: {},
      preview: () => Promise.resolve({ summary: 'one thing', count: 1, items: [] }),
      run: async () => {
        runs++;
        await new Promise<void>((r) => (release = r));
        return { rowsAffected: 1, summary: 'finished late' };
      },
    });
    const registry = [hanging as unknown as Playbook<unknown>];
    const first = engineHarness(db.url, { registry });
    const { request } = await first.engine.request({ playbookId: 'hanging-test', rawParams: {}, requestedBy: 'U0REQ', channel: 'C0OPS' });
    const outcome = await first.engine.approve(request.id, 'U0APPROVER');
    expect(outcome.kind).toBe('started');
    await expect.poll(() => runs).toBe(1);
    // "Restart": a new process (engine) a few minutes later, with no heartbeat from the old run.
    const second = engineHarness(db.url, { registry, clock: first.clock });
    second.clock.advance(5 * 60_000);
    try {
      const swept = await second.engine.sweep();
      expect(swept.interrupted.map((r) => r.id)).toEqual([request.id]);
      const req = await second.engine.get(request.id);
      expect(req?.state).toBe('interrupted');
      expect(second.notified.find((r) => r.id === request.id)?.state).toBe('interrupted');
      const audits = await finishedAudits(request.id);
      expect(audits.map((a) => a.outcome)).toEqual(['interrupted']);
      // Sweeping again changes nothing; nothing is re-run.
      expect((await second.engine.sweep()).interrupted).toEqual([]);
      expect(runs).toBe(1);
      // The old process finishing late cannot overwrite the interrupted state.
      release();
      await first.engine.idle();
      expect((await second.engine.get(request.id))?.state).toBe('interrupted');
    } finally {
      release?.();
      await first.close();
      await second.close();
    }
  });
});

describe('bad parameters', () => {
  const requests = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM opsbot.playbook_requests')).rows[0]!.n;

  it.each([
    ['disable-user', { user: 'not-a-uuid' }, /`user`: expected the user id \(uuid\).*got "not-a-uuid"/],
    ['purge-old-interactions', { days: '-5' }, /`days`: expected whole number of days.*got "-5"/],
    ['clear-test-data', { domain: "test.com'; DROP TABLE public.leads; --" }, /`domain`: expected a domain name such as test.com/],
    ['kill-idle-connections', { minutes: '60', bogus: '1' }, /unknown parameter `bogus`; kill-idle-connections takes `minutes`, `database`/],
    ['vacuum-analyze', { tables: 'public.leads; DROP TABLE x' }, /`tables`: expected comma-separated table names/],
    ['grant-role', { user: '8b1f8e0a-1b2c-4d5e-8f90-0123456789ab', org: '8b1f8e0a-1b2c-4d5e-8f90-0123456789ab', role: 'owner' }, /`role`: expected one of admin, manager, sales, viewer/],
  ])('%s with %o is refused with a message naming the parameter; nothing is written', async (playbookId, rawParams, message) => {
    const before = await requests();
    const err = await h.engine.request({ playbookId, rawParams, requestedBy: 'U0REQ' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
    expect(await requests()).toBe(before);
    const { rows } = await db.pool.query<{ t: string | null }>(`SELECT to_regclass('public.leads')::text AS t`);
    expect(rows[0]?.t).not.toBeNull();
  });

  it('an unknown playbook is refused with the list of playbooks', async () => {
    await expect(h.engine.request({ playbookId: 'drop-everything', rawParams: {}, requestedBy: 'U0REQ' })).rejects.toThrow(
      /There is no playbook "drop-everything". Available: `kill-idle-connections`/,
    );
  });
});

describe('audit trail', () => {
  it('shows playbook, parameters, requester, approvers, preview, rows, duration and outcome; the log is append-only', async () => {
    await testLeads(4);
    const { request } = await h.engine.request({ playbookId: 'clear-test-data', rawParams: { domain: 'TEST.com' }, requestedBy: 'U0REQ', channel: 'C0OPS' });
    const outcome = await h.engine.approve(request.id, 'U0APPROVER');
    if (outcome.kind !== 'started') throw new Error(outcome.kind);
    await outcome.done;
    const [row] = await finishedAudits(request.id);
    expect(row?.outcome).toBe('succeeded');
    expect(row?.actor).toBe('U0APPROVER');
    expect(row?.detail).toMatchObject({
      playbook: 'clear-test-data',
      params: { domain: 'test.com' },
      requestedBy: 'U0REQ',
      approvers: ['U0APPROVER'],
      preview: { count: 4 },
      rowsAffected: 4,
      outcome: 'succeeded',
    });
    expect(typeof row?.detail.durationMs).toBe('number');
    const actions = await db.pool.query<{ action: string }>(`SELECT action FROM opsbot.audit_log WHERE detail->>'requestId' = $1 ORDER BY id`, [request.id]);
    expect(actions.rows.map((r) => r.action)).toEqual(['playbook.requested', 'playbook.approved', 'playbook.started', 'playbook.finished']);
    await expect(db.pool.query(`UPDATE opsbot.audit_log SET outcome = 'ok' WHERE detail->>'requestId' = $1`, [request.id])).rejects.toThrow(/append-only/);
    await expect(db.pool.query(`DELETE FROM opsbot.audit_log WHERE detail->>'requestId' = $1`, [request.id])).rejects.toThrow(/append-only/);
  });
});

describe('registry rules', () => {
  it('a destructive playbook without an approval does not compile, and is rejected at start-up', () => {
    const unsafe = {
      ...(PLAYBOOKS[0] as object),
      id: 'unsafe-test',
    };
    // @ts-expect-error destructive playbooks must declare approvals: 1 | 2
    definePlaybook({ ...(unsafe as Playbook<unknown>), risk: 'destructive', approvals: 0 });
    expect(() => validateRegistry([{ ...unsafe, risk: 'destructive', approvals: 0 } as unknown as Playbook<unknown>])).toThrow(
      /destructive but needs no approval/,
    );
    expect(() => validateRegistry(PLAYBOOKS)).not.toThrow();
    for (const p of PLAYBOOKS) if (p.risk === 'destructive') expect(p.approvals).toBeGreaterThanOrEqual(1);
  });

  it('a write playbook that declares no approval runs at once, still audited', async () => {
    let runs = 0;
    const quick = definePlaybook({
      id: 'no-approval-test',
      title: 'Quick write',
      description: 'test only',
      risk: 'write',
      approvals: 0,
      scope: 'count',
      params: z.object({}).strict(),
      paramHelp: {},
      preview: () => Promise.resolve({ summary: 'a write', count: 1, items: [] }),
      run: () => {
        runs++;
        return Promise.resolve({ rowsAffected: 1, summary: 'written' });
      },
    });
    const harness = engineHarness(db.url, { registry: [quick] });
    try {
      const { request, done } = await harness.engine.request({ playbookId: 'no-approval-test', rawParams: {}, requestedBy: 'U0REQ' });
      expect(done).toBeDefined();
      expect((await done)?.state).toBe('succeeded');
      expect(runs).toBe(1);
      expect(await finishedAudits(request.id)).toHaveLength(1);
    } finally {
      await harness.close();
    }
  });
});
