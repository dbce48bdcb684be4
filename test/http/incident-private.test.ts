// INCIDENT_CHANNEL_PRIVATE=true over signed Slack requests: the war room is created private
// (conversations.create with is_private, which the groups:* scopes of manifest.yml allow), the
// declarer and the on-call group are invited into it, the card is posted and pinned there, and a
// :pushpin: in the private room reaches the timeline. With the setting off, the same declaration
// asks for a public channel.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { settled } from '../support/settle.js';
import type { RecordedCall } from '../support/slack.js';
import { DECLARE_VALUES, declareRoom, isMethod, only, postsTo, reactionAdded, textOf, warRoomRoutes } from '../support/incident-slack.js';

let db: TestDatabase;
let bot: TestBot | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await db.pool.query('DELETE FROM opsbot.incidents');
});
afterAll(async () => {
  await db.drop();
});

const ROOM = 'G0PRIVATE';
const VALUES = DECLARE_VALUES({ title: 'Leaked dealer export', severity: 'P0', kind: 'data_breach', impact: 'None yet' });

/** Declares as U0MANAGER (not on call) from C0OPS; returns the incident id and the conversations.create call. */
async function declareAsManager(b: TestBot, viewId: string): Promise<{ id: number; create: RecordedCall }> {
  const id = await declareRoom(b, { viewId, user: 'U0MANAGER', values: VALUES });
  return { id, create: only(b.http.calls.filter(isMethod('conversations.create')), 'one channel created') };
}

describe('INCIDENT_CHANNEL_PRIVATE', () => {
  it('true: the war room is a private channel with the declarer and the on-call group in it, its card pinned, its pins on the timeline', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { STATUS_CHANNEL_ID: 'C0STATUS', INCIDENT_CHANNEL_PRIVATE: 'true' }) });
    const b = bot;
    const room = warRoomRoutes(b.http, { channelId: ROOM });
    const { id, create } = await declareAsManager(b, 'VPRIV1');

    expect(create.json).toMatchObject({ name: expect.stringMatching(/^inc-\d{8}-leaked-dealer-export$/), is_private: 'true' });
    expect(room.names).toHaveLength(1);
    expect((await b.bot.incidents.get(id))?.channelId).toBe(ROOM);
    // The declarer (not on call) and every member of the on-call group (S0ONCALL: U0ONCALL, U0LEAD), each once.
    const invites = b.http.calls.filter(isMethod('conversations.invite'));
    expect(invites.every((c) => (c.json as { channel?: string }).channel === ROOM)).toBe(true);
    expect(invites.map((c) => (c.json as { users: string }).users).sort()).toEqual(['U0LEAD', 'U0MANAGER', 'U0ONCALL']);
    const card = postsTo(b, ROOM).find((c) => textOf(c).includes('incident.role.commander'));
    expect(card).toBeDefined();
    expect(only(b.http.calls.filter(isMethod('pins.add')), 'one pin').json).toMatchObject({ channel: ROOM });
    expect(postsTo(b, ROOM).some((c) => textOf(c).includes('incident.step.lockdown'))).toBe(true);
    // The announcement in the stakeholder channel names the incident.
    expect(textOf(only(postsTo(b, 'C0STATUS'), 'one announcement'))).toContain(`INC-${id} declared`);

    // A :pushpin: in the private room is read (conversations.history, groups:history) onto the timeline.
    b.http.slackMethod('conversations.history', { ok: true, messages: [{ type: 'message', ts: '1700000100.000100', text: 'Export link found on a forum', user: 'U0LEAD' }] });
    await reactionAdded(b, { user: 'U0ONCALL', reaction: 'pushpin', channel: ROOM, ts: '1700000100.000100', itemUser: 'U0LEAD' });
    await settled(b);
    expect(only(b.http.calls.filter(isMethod('conversations.history')), 'the message read once').json).toMatchObject({ channel: ROOM, latest: '1700000100.000100' });
    const pinned = (await b.bot.incidents.timeline(id)).filter((e) => e.action === 'incident.pinned');
    expect(pinned.map((e) => [e.actor, e.text])).toEqual([['U0ONCALL', 'added a message by <@U0LEAD> to the timeline: “Export link found on a forum”']]);
  });

  it('false (the default): the same declaration asks Slack for a public channel', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { STATUS_CHANNEL_ID: 'C0STATUS' }) });
    warRoomRoutes(bot.http, { channelId: 'C0PUBLIC' });
    const { create } = await declareAsManager(bot, 'VPUB1');
    expect(create.json).toMatchObject({ name: expect.stringMatching(/^inc-\d{8}-leaked-dealer-export$/), is_private: 'false' });
  });

  it('the manifest asks for the private-channel scopes a private war room needs', () => {
    const manifest = YAML.parse(readFileSync(path.resolve(import.meta.dirname, '..', '..', 'manifest.yml'), 'utf8')) as { oauth_config: { scopes: { bot: string[] } } };
    // groups:write creates, invites to and archives it; groups:history reads a :pushpin:-ed message in it.
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['groups:write', 'groups:history']));
  });
});
