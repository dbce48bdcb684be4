// A read playbook receives no writing connection, and no preview does: the types say so, and
// the engine hands them a context without one at run time too (a cast cannot smuggle it in).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { definePlaybook, playbookRegistry } from '../../src/playbooks/types.js';
import { engineHarness, type EngineHarness } from '../support/playbooks.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
let h: EngineHarness;
const seen: { playbook: string; phase: string; admin: boolean }[] = [];
const hasAdmin = (ctx: object) => 'admin' in ctx && (ctx as { admin?: unknown }).admin !== undefined;

const common = {
  title: 'Context probe',
  description: 'test only',
  scope: 'count' as const,
  params: z.object({}).strict(),
  paramHelp: {},
};
const reader = definePlaybook({
  ...common,
  id: 'probe-read',
  risk: 'read',
  approvals: 0,
  preview: (ctx) => {
    seen.push({ playbook: 'probe-read', phase: 'preview', admin: hasAdmin(ctx) });
    return Promise.resolve({ summary: 'one thing', count: 1, items: [] });
  },
  run: (ctx) => {
    seen.push({ playbook: 'probe-read', phase: 'run', admin: hasAdmin(ctx) });
    return Promise.resolve({ rowsAffected: 0, summary: 'read' });
  },
});
const writer = definePlaybook({
  ...common,
  id: 'probe-destructive',
  risk: 'destructive',
  approvals: 1,
  preview: (ctx) => {
    seen.push({ playbook: 'probe-destructive', phase: 'preview', admin: hasAdmin(ctx) });
    return Promise.resolve({ summary: 'one thing', count: 1, items: [] });
  },
  run: (ctx) => {
    seen.push({ playbook: 'probe-destructive', phase: 'run', admin: hasAdmin(ctx) });
    return Promise.resolve({ rowsAffected: 1, summary: 'changed' });
  },
});

beforeAll(async () => {
  db = await createTestDatabase();
  h = engineHarness(db.url, { registry: playbookRegistry(reader, writer) });
});

afterAll(async () => {
  await h?.close();
  await db?.drop();
});

it('a read playbook gets no writing connection in its preview or run; a destructive one only in its run', async () => {
  const read = await h.engine.request({ playbookId: 'probe-read', rawParams: {}, requestedBy: 'U0REQ', channel: 'C0OPS' });
  expect((await read.done)?.state).toBe('succeeded');
  const { request } = await h.engine.request({ playbookId: 'probe-destructive', rawParams: {}, requestedBy: 'U0REQ', channel: 'C0OPS' });
  const outcome = await h.engine.approve(request.id, 'U0APPROVER');
  expect(outcome.kind).toBe('started');
  if (outcome.kind === 'started') expect((await outcome.done).state).toBe('succeeded');
  expect(seen).toEqual([
    // Previewed at request time, then again (under the approved pins) before the run.
    { playbook: 'probe-read', phase: 'preview', admin: false },
    { playbook: 'probe-read', phase: 'preview', admin: false },
    { playbook: 'probe-read', phase: 'run', admin: false },
    { playbook: 'probe-destructive', phase: 'preview', admin: false },
    { playbook: 'probe-destructive', phase: 'preview', admin: false },
    { playbook: 'probe-destructive', phase: 'run', admin: true },
  ]);
});
