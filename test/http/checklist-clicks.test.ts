// Checklist clicks over signed HTTP: two people tick items, both are recorded with user and time,
// and the message is redrawn to show them; a refused click is not recorded and snaps back.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { healthyUpstreams } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { FakeHttp, type RecordedCall, RESPONSE_URL } from '../support/slack.js';
import { checklistInteractions } from '../../handlers/checklist.js';
import { TOGGLE_ACTION_ID } from '../../src/checklist/render.js';
import { createChecklistService } from '../../src/checklist/service.js';
import { createChecklistStore } from '../../src/checklist/store.js';
import { slackChatPoster } from '../../src/slack/chat-poster.js';
import { blockActions, click, NY, startApp, type TestApp } from '../support/interaction-app.js';

let db: TestDatabase;
let app: TestApp | undefined;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE opsbot.checklists CASCADE');
});
afterEach(async () => {
  await app?.close();
  app = undefined;
});

interface Posted {
  channel: string;
  ts: string;
  blocks: { type: string; block_id?: string; elements?: { options: { value: string }[]; initial_options?: { value: string }[] }[] }[];
}

/** Slack's side: chat.postMessage gives a ts, chat.update is accepted; the latest content is kept. */
function slackFake(): { http: FakeHttp; latest: () => Posted } {
  let latest: Posted | undefined;
  const http = healthyUpstreams(new FakeHttp())
    .slackMethod('chat.postMessage', (c: RecordedCall) => {
      const j = c.json as { channel: string; blocks: string | Posted['blocks'] };
      latest = { channel: j.channel, ts: '1700000100.000200', blocks: typeof j.blocks === 'string' ? JSON.parse(j.blocks) : j.blocks };
      return { ok: true, channel: j.channel, ts: latest.ts };
    })
    .slackMethod('chat.update', (c: RecordedCall) => {
      const j = c.json as { channel: string; ts: string; blocks: string | Posted['blocks'] };
      latest = { channel: j.channel, ts: j.ts, blocks: typeof j.blocks === 'string' ? JSON.parse(j.blocks) : j.blocks };
      return { ok: true, channel: j.channel, ts: j.ts };
    });
  return { http, latest: () => latest! };
}

const toggle = (blockId: string, selected: string[]) => ({
  type: 'checkboxes',
  action_id: TOGGLE_ACTION_ID,
  block_id: blockId,
  selected_options: selected.map((v) => ({ value: v, text: { type: 'mrkdwn', text: v } })),
});

describe('checklist clicks over signed HTTP', () => {
  it('records clicks by two users with user and time, and the message shows both', async () => {
    const fake = slackFake();
    const store = createChecklistStore(db.pool);
    app = await startApp(db, () => [checklistInteractions(store)], fake.http);
    const svc = createChecklistService({ store, poster: slackChatPoster(app.slack.app.client), clock: systemClock, timezone: NY });
    const c = await svc.post(
      {
        kind: 'maintenance.pre',
        title: 'Pre-maintenance checklist',
        items: [
          { key: 'backup', label: 'Database backed up' },
          { key: 'staging', label: 'Changes tested on staging' },
          { key: 'rollback', label: 'Rollback plan written and reviewed' },
        ],
        createdBy: 'opsbot',
      },
      { channel: 'C0OPS' },
    );
    const original = fake.latest();
    const block = original.blocks.find((b) => b.type === 'actions')!.block_id!;
    const before = Date.now();
    // Both look at the same, empty message and tick different items at the same moment.
    const statuses = await Promise.all([
      click(app.baseUrl, blockActions('U0ANA', original, toggle(block, ['backup']))),
      click(app.baseUrl, blockActions('U0BEN', original, toggle(block, ['staging']))),
    ]);
    expect(statuses).toEqual([200, 200]);
    await expect.poll(async () => (await store.events(c.id)).length).toBe(2);
    const events = await store.events(c.id);
    expect(events.map((e) => [e.userId, e.itemKey, e.action]).sort()).toEqual([
      ['U0ANA', 'backup', 'ticked'],
      ['U0BEN', 'staging', 'ticked'],
    ]);
    for (const e of events) expect(e.at).toBeGreaterThanOrEqual(before - 1000);
    // The last redraw shows both ticks, as selected checkboxes and with who ticked them.
    await expect.poll(() => fake.http.calls.filter((x) => x.url.endsWith('chat.update')).length).toBeGreaterThanOrEqual(2);
    await expect
      .poll(() => {
        const shown = fake.latest().blocks.find((b) => b.type === 'actions')!.elements![0]!.initial_options?.map((o) => o.value).sort();
        return shown;
      })
      .toEqual(['backup', 'staging']);
    const text = JSON.stringify(fake.latest().blocks);
    expect(text).toContain('✅ *Database backed up* — <@U0ANA>');
    expect(text).toContain('✅ *Changes tested on staging* — <@U0BEN>');
    expect(text).toContain('2 of 3 done');
    // A new revision: clients redraw rather than keep their local state.
    expect(fake.latest().blocks.find((b) => b.type === 'actions')!.block_id).not.toBe(block);
    await expect.poll(async () => (await db.pool.query<{ actor: string }>("SELECT actor FROM opsbot.audit_log WHERE action = 'checklist.tick' ORDER BY actor")).rows).toEqual([{ actor: 'U0ANA' }, { actor: 'U0BEN' }]);
  });

  it('an untick is recorded too, and the item shows unticked', async () => {
    const fake = slackFake();
    const store = createChecklistStore(db.pool);
    app = await startApp(db, () => [checklistInteractions(store)], fake.http);
    const svc = createChecklistService({ store, poster: slackChatPoster(app.slack.app.client), clock: systemClock, timezone: NY });
    const c = await svc.post({ kind: 'x', title: 'T', items: [{ key: 'a', label: 'A' }], createdBy: 'opsbot' }, { channel: 'C0OPS' });
    const first = fake.latest();
    await click(app.baseUrl, blockActions('U0ANA', first, toggle(first.blocks.find((b) => b.type === 'actions')!.block_id!, ['a'])));
    await expect.poll(async () => (await store.events(c.id)).length).toBe(1);
    await expect.poll(() => fake.latest().blocks.find((b) => b.type === 'actions')!.elements![0]!.initial_options?.length ?? 0).toBe(1);
    const ticked = fake.latest();
    await click(app.baseUrl, blockActions('U0BEN', ticked, toggle(ticked.blocks.find((b) => b.type === 'actions')!.block_id!, [])));
    await expect.poll(async () => (await store.events(c.id)).map((e) => `${e.userId} ${e.action}`)).toEqual(['U0ANA ticked', 'U0BEN unticked']);
    await expect.poll(() => fake.latest().blocks.find((b) => b.type === 'actions')!.elements![0]!.initial_options).toBeUndefined();
  });

  it('refuses a click from someone without the checklist role: nothing recorded, told why, checkbox reset', async () => {
    const fake = slackFake();
    const store = createChecklistStore(db.pool);
    app = await startApp(db, () => [checklistInteractions(store)], fake.http);
    const svc = createChecklistService({ store, poster: slackChatPoster(app.slack.app.client), clock: systemClock, timezone: NY });
    const c = await svc.post({ kind: 'lockdown.containment', title: 'Containment', items: [{ key: 'revoke', label: 'Revoke all sessions' }], access: 'oncall', createdBy: 'U0LEAD' }, { channel: 'C0OPS' });
    const msg = fake.latest();
    const block = msg.blocks.find((b) => b.type === 'actions')!.block_id!;
    await click(app.baseUrl, blockActions('U0VISITOR', msg, toggle(block, ['revoke'])));
    const refusal = await fake.http.waitFor((x) => x.url === RESPONSE_URL);
    expect((refusal.json as { text: string }).text).toMatch(/^Your click on "Containment" was not recorded\. Only the on-call group/);
    expect((refusal.json as { response_type: string }).response_type).toBe('ephemeral');
    await expect.poll(() => fake.latest().blocks.find((b) => b.type === 'actions')!.block_id).not.toBe(block);
    expect(fake.latest().blocks.find((b) => b.type === 'actions')!.elements![0]!.initial_options).toBeUndefined();
    expect(await store.events(c.id)).toEqual([]);
    // The on-call member may.
    await click(app.baseUrl, blockActions('U0ONCALL', msg, toggle(block, ['revoke'])));
    await expect.poll(async () => (await store.events(c.id)).map((e) => e.userId)).toEqual(['U0ONCALL']);
  });
});
