// The generic checklist on a real state store: created with items, ticks and unticks recorded
// with user and time, concurrent clicks by two people both kept, and a Block Kit rendering that
// stays inside Slack's limits (10 options per checkbox group).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checklistMessage, parseBlockId } from '../../src/checklist/render.js';
import { applyClick, clickChanges, createChecklistService, tickedAt } from '../../src/checklist/service.js';
import { createChecklistStore } from '../../src/checklist/store.js';
import type { NewChecklist } from '../../src/checklist/types.js';
import { fixedClock } from '../../src/core/clock.js';
import { InputError } from '../../src/core/errors.js';
import { memoryChatPoster } from '../../src/slack/chat-poster.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const NY = 'America/New_York';
const T = Date.parse('2026-11-01T07:05:00Z');
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const containment: NewChecklist = {
  kind: 'lockdown.containment',
  title: 'Containment',
  items: [
    { key: 'revoke-sessions', label: 'Revoke all sessions' },
    { key: 'disable-integrations', label: 'Disable integrations' },
    { key: 'rotate-keys', label: 'Rotate service keys' },
  ],
  access: 'oncall',
  context: { incidentId: 42 },
  createdBy: 'U0LEAD',
};

describe('checklist store', () => {
  it('creates a checklist with its items unticked, in order, with the owner context', async () => {
    const store = createChecklistStore(db.pool);
    const c = await store.create(containment, T);
    expect(c).toMatchObject({ kind: 'lockdown.containment', title: 'Containment', access: 'oncall', context: { incidentId: 42 }, createdBy: 'U0LEAD', createdAt: T, revision: 0 });
    expect(c.items.map((i) => [i.key, i.position, i.checked])).toEqual([
      ['revoke-sessions', 1, false],
      ['disable-integrations', 2, false],
      ['rotate-keys', 3, false],
    ]);
    expect((await store.findLatest('lockdown.containment', { incidentId: 42 }))?.id).toBe(c.id);
    expect(await store.findLatest('lockdown.containment', { incidentId: 43 })).toBeUndefined();
  });

  it('records who ticked and unticked what and when; a repeated tick records nothing', async () => {
    const store = createChecklistStore(db.pool);
    const c = await store.create(containment, T);
    expect(await store.setItem(c.id, 'revoke-sessions', true, 'U0ANA', T + 60_000)).toBe(true);
    expect(await store.setItem(c.id, 'revoke-sessions', true, 'U0BEN', T + 61_000)).toBe(false);
    expect(await store.setItem(c.id, 'revoke-sessions', false, 'U0BEN', T + 120_000)).toBe(true);
    expect(await store.setItem(c.id, 'rotate-keys', true, 'U0BEN', T + 180_000)).toBe(true);
    const after = (await store.get(c.id))!;
    expect(after.revision).toBe(3);
    expect(after.items.map((i) => [i.key, i.checked, i.checkedBy, i.checkedAt])).toEqual([
      ['revoke-sessions', false, null, null],
      ['disable-integrations', false, null, null],
      ['rotate-keys', true, 'U0BEN', T + 180_000],
    ]);
    expect((await store.events(c.id)).map((e) => [e.itemKey, e.action, e.userId, e.at])).toEqual([
      ['revoke-sessions', 'ticked', 'U0ANA', T + 60_000],
      ['revoke-sessions', 'unticked', 'U0BEN', T + 120_000],
      ['rotate-keys', 'ticked', 'U0BEN', T + 180_000],
    ]);
  });

  it('keeps both of two simultaneous clicks by different people on different items', async () => {
    const store = createChecklistStore(db.pool);
    const c = await store.create(containment, T);
    // Both saw an empty checklist and ticked one item each at the same moment.
    await Promise.all([
      applyClick(store, { checklistId: c.id, group: 0, userId: 'U0ANA', selected: ['revoke-sessions'], seen: [], at: T + 1000 }),
      applyClick(store, { checklistId: c.id, group: 0, userId: 'U0BEN', selected: ['disable-integrations'], seen: [], at: T + 1000 }),
    ]);
    const after = (await store.get(c.id))!;
    expect(after.items.filter((i) => i.checked).map((i) => [i.key, i.checkedBy])).toEqual([
      ['revoke-sessions', 'U0ANA'],
      ['disable-integrations', 'U0BEN'],
    ]);
  });

  it('a click from a view older than the latest tick does not undo that tick', async () => {
    const store = createChecklistStore(db.pool);
    const c = await store.create(containment, T);
    // Ana ticks the first item; Ben's client still shows revision 0 (nothing ticked) and he ticks the third.
    await applyClick(store, { checklistId: c.id, group: 0, userId: 'U0ANA', selected: ['revoke-sessions'], revision: 0, at: T + 1000 });
    const r = await applyClick(store, { checklistId: c.id, group: 0, userId: 'U0BEN', selected: ['rotate-keys'], revision: 0, at: T + 2000 });
    expect(r.changes).toEqual([{ itemKey: 'rotate-keys', action: 'ticked' }]);
    expect(r.checklist!.items.filter((i) => i.checked).map((i) => i.key)).toEqual(['revoke-sessions', 'rotate-keys']);
    // From a view at revision 2, unticking the first item is what Ben meant, and it is applied.
    const u = await applyClick(store, { checklistId: c.id, group: 0, userId: 'U0BEN', selected: ['rotate-keys'], revision: 2, at: T + 3000 });
    expect(u.changes).toEqual([{ itemKey: 'revoke-sessions', action: 'unticked' }]);
    const events = await store.events(c.id);
    expect(events.map((e) => [e.revision, e.itemKey, e.action])).toEqual([
      [1, 'revoke-sessions', 'ticked'],
      [2, 'rotate-keys', 'ticked'],
      [3, 'revoke-sessions', 'unticked'],
    ]);
    expect(tickedAt(events, 0)).toEqual([]);
    expect(tickedAt(events, 2).sort()).toEqual(['revoke-sessions', 'rotate-keys']);
    expect(tickedAt(events, 3)).toEqual(['rotate-keys']);
  });

  it('a click applies only what that user changed, never undoing a tick they had not seen', () => {
    const c = {
      id: 1,
      items: [
        { key: 'a', label: 'A', position: 1, checked: true, checkedBy: 'U1', checkedAt: T },
        { key: 'b', label: 'B', position: 2, checked: false, checkedBy: null, checkedAt: null },
      ],
    } as Parameters<typeof clickChanges>[0];
    // The user's message still showed nothing ticked; they ticked b. Item a must stay ticked.
    expect(clickChanges(c, { checklistId: 1, group: 0, userId: 'U2', selected: ['b'], seen: [], at: T })).toEqual([{ itemKey: 'b', action: 'ticked' }]);
    expect(clickChanges(c, { checklistId: 1, group: 0, userId: 'U2', selected: ['b'], seen: ['a'], at: T })).toEqual([
      { itemKey: 'a', action: 'unticked' },
      { itemKey: 'b', action: 'ticked' },
    ]);
    // Without the seen state, the recorded state is the baseline.
    expect(clickChanges(c, { checklistId: 1, group: 0, userId: 'U2', selected: ['a', 'b'], at: T })).toEqual([{ itemKey: 'b', action: 'ticked' }]);
  });

  it('refuses items Slack cannot show, saying why', async () => {
    const store = createChecklistStore(db.pool);
    await expect(store.create({ ...containment, items: [] }, T)).rejects.toThrow(InputError);
    await expect(store.create({ ...containment, items: [{ key: 'a', label: 'x'.repeat(76) }] }, T)).rejects.toThrow(/1 to 75 characters/);
    await expect(store.create({ ...containment, items: [{ key: 'A B', label: 'x' }] }, T)).rejects.toThrow(/lower-case/);
    await expect(store.create({ ...containment, items: [{ key: 'a', label: 'x' }, { key: 'a', label: 'y' }] }, T)).rejects.toThrow(/used twice/);
  });

  it('the service posts the checklist, and a bot tick redraws the message with who and when', async () => {
    const clock = fixedClock(T);
    const slack = memoryChatPoster(clock);
    const svc = createChecklistService({ store: createChecklistStore(db.pool), poster: slack, clock, timezone: NY });
    const c = await svc.post(containment, { channel: 'C0WAR', threadTs: '100.200' });
    expect(c.channel).toBe('C0WAR');
    expect(slack.messages[0]).toMatchObject({ channel: 'C0WAR', threadTs: '100.200', text: 'Containment: 0 of 3 done' });
    clock.advance(4 * 60_000);
    expect(await svc.setItem(c.id, 'rotate-keys', true, 'U0ANA')).toBe(true);
    expect(await svc.setItem(c.id, 'rotate-keys', true, 'U0ANA')).toBe(false);
    expect(slack.messages[0]!.edits).toHaveLength(1);
    expect(slack.messages[0]!.text).toBe('Containment: 1 of 3 done');
    expect(JSON.stringify(slack.messages[0]!.blocks)).toContain('✅ *Rotate service keys* — <@U0ANA>, Sun 2026-11-01 02:09 EST');
  });
});

describe('checklist rendering', () => {
  it('shows ticked items as selected checkboxes and lists who ticked them', async () => {
    const store = createChecklistStore(db.pool);
    const c = await store.create(containment, T);
    await store.setItem(c.id, 'disable-integrations', true, 'U0BEN', T + 60_000);
    const msg = checklistMessage((await store.get(c.id))!, NY);
    const actions = msg.blocks.find((b) => b.type === 'actions') as unknown as {
      block_id: string;
      elements: { type: string; options: { value: string; description?: { text: string } }[]; initial_options?: { value: string }[] }[];
    };
    expect(parseBlockId(actions.block_id)).toEqual({ checklistId: c.id, group: 0, revision: 1 });
    expect(parseBlockId(`${actions.block_id}rk3x9`)).toEqual({ checklistId: c.id, group: 0, revision: 1 });
    expect(actions.block_id).toBe(`checklist:${c.id}:0:1`);
    expect(actions.elements[0]!.type).toBe('checkboxes');
    expect(actions.elements[0]!.initial_options!.map((o) => o.value)).toEqual(['disable-integrations']);
    expect(actions.elements[0]!.options[1]!.description!.text).toBe('done 2026-11-01 02:06 EST');
    expect(JSON.stringify(msg.blocks)).toContain('✅ *Disable integrations* — <@U0BEN>, Sun 2026-11-01 02:06 EST');
    expect(JSON.stringify(msg.blocks)).toContain('1 of 3 done');
  });

  it('splits long checklists into groups of at most 10 checkboxes, within 50 blocks', async () => {
    const store = createChecklistStore(db.pool);
    const items = Array.from({ length: 23 }, (_x, i) => ({ key: `step-${i}`, label: `Step ${i} ${'x'.repeat(60)}` }));
    const c = await store.create({ ...containment, items }, T);
    const msg = checklistMessage(c, NY);
    const groups = msg.blocks.filter((b) => b.type === 'actions') as unknown as { elements: { options: unknown[] }[] }[];
    expect(groups.map((g) => g.elements[0]!.options.length)).toEqual([10, 10, 3]);
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    for (const g of groups) for (const o of g.elements[0]!.options as { text: { text: string } }[]) expect(o.text.text.length).toBeLessThanOrEqual(75);
  });
});
