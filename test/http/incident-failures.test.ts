// When Slack fails while a war room is set up, and when the input is wrong: a taken name gets a
// suffix, a rate limit is waited out as Slack asked (and given up on past the bound), an archived
// channel leaves no incident behind; bad input gets a clear ephemeral answer and writes nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { healthyUpstreams, startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { settled } from '../support/settle.js';
import { FakeHttp, jsonResponse, postAction, postCommand, RESPONSE_URL, type RecordedCall } from '../support/slack.js';
import { DECLARE_VALUES, isMethod, only, openedForm, postsTo, submitDeclare, submitResolve, submitUpdate, warRoomRoutes } from '../support/incident-slack.js';

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

const incidents = async () => (await db.pool.query<{ id: number; channel_id: string | null; channel_name: string | null }>('SELECT id, channel_id, channel_name FROM opsbot.incidents ORDER BY id')).rows;
const auditCount = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM opsbot.audit_log')).rows[0]!.n;
const told = (b: TestBot) => b.http.calls.filter(isMethod('chat.postEphemeral')).map((c) => String((c.json as { text?: string }).text));

async function declare(b: TestBot, viewId: string, values = DECLARE_VALUES({ title: 'Checkout is down', kind: 'service_outage' })) {
  await postCommand(b.baseUrl, '/incident', 'declare', { fields: { user_id: 'U0ONCALL', channel_id: 'C0OPS' } });
  const form = await openedForm(b, b.http.calls.length - 1);
  const [ack] = await submitDeclare([b], { viewId, user: 'U0ONCALL', meta: form.meta, values });
  await settled(b);
  return ack!;
}

describe('Slack failures while setting up the war room', () => {
  it('a taken name gets -2, then -3, and the incident gets that channel', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    const room = warRoomRoutes(bot.http, { createFails: [{ error: 'name_taken' }, { error: 'name_taken' }] });
    await declare(bot, 'VTAKEN');
    expect(room.names).toEqual([expect.stringMatching(/^inc-\d{8}-checkout-is-down$/), expect.stringMatching(/-checkout-is-down-2$/), expect.stringMatching(/-checkout-is-down-3$/)]);
    expect(await incidents()).toEqual([{ id: expect.any(Number), channel_id: 'C0WAR1', channel_name: room.names[2] }]);
  });

  it('a rate limit is waited out for as long as Retry-After says, then the channel is created', async () => {
    const waits: number[] = [];
    bot = await startTestBot({ env: testEnv(db.url), wait: (ms) => (waits.push(ms), Promise.resolve()) });
    const room = warRoomRoutes(bot.http, { createFails: [{ status: 429, retryAfter: 7 }, { status: 429, retryAfter: 3 }] });
    await declare(bot, 'VRATE');
    expect(waits).toEqual([7000, 3000]);
    expect(room.names).toHaveLength(3);
    expect(new Set(room.names).size).toBe(1);
    expect((await incidents())[0]?.channel_id).toBe('C0WAR1');
  });

  it('a rate limit longer than the bound stops with a clear message and leaves no incident', async () => {
    const waits: number[] = [];
    bot = await startTestBot({ env: testEnv(db.url, { INCIDENT_RATE_LIMIT_WAIT_SECONDS: '10' }), wait: (ms) => (waits.push(ms), Promise.resolve()) });
    warRoomRoutes(bot.http, { createFails: [{ status: 429, retryAfter: 8 }, { status: 429, retryAfter: 8 }], optional: 'no channel is ever created here' });
    await declare(bot, 'VRATE2');
    expect(waits).toEqual([8000]);
    expect(told(bot).join('\n')).toMatch(/Slack kept rate limiting me while creating the incident channel .*Nothing was created/);
    expect(await incidents()).toEqual([]);
    expect(bot.http.calls.filter(isMethod('conversations.invite'))).toHaveLength(0);
  });

  it('a channel Slack will not post in (archived) is archived again, the incident removed, and the declarer told', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    const http = bot.http;
    warRoomRoutes(http, { optional: 'the set-up stops at the card' });
    http.on((c) => (isMethod('chat.postMessage')(c) && (c.json as { channel?: string }).channel === 'C0WAR1' ? jsonResponse({ ok: false, error: 'is_archived' }) : undefined));
    http.slackMethod('conversations.archive', { ok: true });
    const abandoned = async () => (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM opsbot.audit_log WHERE action = 'incident.abandoned'`)).rows[0];
    const before = (await abandoned())?.n ?? 0;
    await declare(bot, 'VARCH');
    expect(told(bot).join('\n')).toMatch(/Slack created #inc-\d{8}-checkout-is-down but refused the incident card there \(it is archived\), so I archived the channel and declared nothing\. Nothing was left behind; declare it again\./);
    expect(only(http.calls.filter(isMethod('conversations.archive')), 'archived once').json).toMatchObject({ channel: 'C0WAR1' });
    expect(await incidents()).toEqual([]);
    expect(http.calls.filter(isMethod('pins.add'))).toHaveLength(0);
    expect(postsTo(bot, 'C0ALERTS')).toHaveLength(0);
    expect(await abandoned()).toEqual({ n: before + 1 });
  });

  it('a channel Slack refuses to create (restricted_action) says so and leaves no incident', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    warRoomRoutes(bot.http, { createFails: [{ error: 'restricted_action' }], optional: 'no channel is ever created here' });
    await declare(bot, 'VRESTRICT');
    expect(told(bot).join('\n')).toMatch(/Slack refused creating the channel #inc-\d{8}-checkout-is-down \(restricted_action\); no incident was declared/);
    expect(await incidents()).toEqual([]);
    expect(bot.http.calls.filter(isMethod('conversations.invite'))).toHaveLength(0);
    expect(bot.http.calls.filter(isMethod('conversations.create'))).toHaveLength(1);
  });
});

describe('bad input: a clear ephemeral answer, nothing written', () => {
  const answer = async (b: TestBot, text: string, fields: Record<string, string> = {}) => {
    const before = b.http.responses().length;
    const res = await postCommand(b.baseUrl, '/incident', text, { fields });
    await settled(b);
    const acked = res.body ? (JSON.parse(res.body) as { text?: string }).text : undefined;
    const later = b.http.responses().slice(before).map((c: RecordedCall) => c.json as { text?: string; response_type?: string });
    for (const l of later) expect(l.response_type).toBe('ephemeral');
    return [acked, ...later.map((l) => l.text)].filter(Boolean).join('\n');
  };

  it('answers each mistake and writes nothing', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { INCIDENT_DECLARE_ACCESS: 'oncall' }) });
    const b = bot;
    const audit = await auditCount();
    expect(await answer(b, 'status identified rolling back', { channel_id: 'C0OPS' })).toMatch(/works only inside an incident's channel.*nothing changed/);
    expect(await answer(b, 'severity P9 worse')).toMatch(/"P9" is not a severity; use P0 \(critical\)/);
    expect(await answer(b, 'status resolved')).toMatch(/use `\/incident resolve/);
    expect(await answer(b, 'show 999')).toMatch(/There is no incident INC-999/);
    expect(await answer(b, 'show abc')).toMatch(/"abc" is not an incident id/);
    expect(await answer(b, 'role commander')).toMatch(/Name one person and one role/);
    expect(await answer(b, 'stats 9000d')).toMatch(/not a period/);
    // Declaring is for on-call here: someone else is refused before any form opens.
    expect(await answer(b, 'declare', { user_id: 'U0NOBODY' })).toMatch(/Only the on-call group.*INCIDENT_DECLARE_ACCESS is oncall/);
    expect(b.http.calls.filter(isMethod('views.open'))).toHaveLength(0);
    // The refusal is audited (as every refusal is); nothing else was written.
    expect(await auditCount()).toBe(audit + 1);
    expect(await incidents()).toEqual([]);
  });

  it('declaring restricted to on-call: the Declare button and a form sent anyway are refused by name, nothing is created', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { INCIDENT_DECLARE_ACCESS: 'oncall' }) });
    const b = bot;
    const since = (await db.pool.query<{ id: string }>('SELECT coalesce(max(id), 0) AS id FROM opsbot.audit_log')).rows[0]!.id;
    await postAction(b.baseUrl, { action_id: 'incident.declare', value: JSON.stringify({ source: 'alert', ref: '7', title: 'Edge errors', kind: 'service_outage' }) }, { userId: 'U0NOBODY', channelId: 'C0ALERTS', responseUrl: 'https://hooks.slack.test/declare/nobody' });
    const refused = await b.http.waitFor((c) => c.url === 'https://hooks.slack.test/declare/nobody');
    expect((refused.json as { text: string; response_type: string }).response_type).toBe('ephemeral');
    expect((refused.json as { text: string }).text).toMatch(/Only the on-call group/);
    expect(b.http.calls.filter(isMethod('views.open'))).toHaveLength(0);

    // A form opened before the setting changed, submitted by someone who is not on-call.
    b.http.slackMethod('chat.postEphemeral', { ok: true, message_ts: '1700000001.000001' });
    await submitDeclare([b], { viewId: 'VNOBODY', user: 'U0NOBODY', meta: JSON.stringify({ kind: 'manual', channelId: 'C0OPS' }), values: DECLARE_VALUES({ title: 'Checkout is down' }) });
    await settled(b);
    expect(told(b).join('\n')).toMatch(/Only the on-call group.*Nothing was declared\./);
    expect(b.http.calls.filter(isMethod('conversations.create'))).toHaveLength(0);
    expect(await incidents()).toEqual([]);
    // Both refusals are audited, as every refusal is (the form's by the form's own handler).
    const refusals = async () => (await db.pool.query<{ actor: string; action: string; channel: string | null }>(`SELECT actor, action, channel FROM opsbot.audit_log WHERE outcome = 'refused' AND id > $1 ORDER BY id`, [since])).rows;
    await expect.poll(refusals).toEqual([
      { actor: 'U0NOBODY', action: 'incident.declare_button', channel: 'C0ALERTS' },
      { actor: 'U0NOBODY', action: 'incident.declare', channel: 'C0OPS' },
    ]);
  });

  it('update and resolve forms: values out of range are shown on the form, nothing is posted or written', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    const b = bot;
    const audit = await auditCount();
    const upd = await submitUpdate(b, 1, 'U0LEAD', { viewId: 'VBADUPD', status: 'resolved', impact: 'x', minutes: '2' });
    expect(JSON.parse(upd.body)).toMatchObject({
      response_action: 'errors',
      errors: { status: 'Pick investigating, identified or monitoring.', impact: expect.stringMatching(/impact needs at least 3 characters/), minutes: 'A whole number of minutes from 5 to 10080 (7 days).' },
    });
    // Past the longest cadence INCIDENT_UPDATE_MINUTES allows (7 days).
    const late = await submitUpdate(b, 1, 'U0LEAD', { viewId: 'VBADUPD2', minutes: '10081' });
    expect(JSON.parse(late.body)).toEqual({ response_action: 'errors', errors: { minutes: 'A whole number of minutes from 5 to 10080 (7 days).' } });
    const res = await submitResolve(b, 1, 'U0LEAD', 'ok', 'VBADRES');
    expect(JSON.parse(res.body)).toMatchObject({ response_action: 'errors', errors: { resolution: expect.stringMatching(/resolution note needs at least 5 characters/) } });
    await settled(b);
    expect(b.http.calls.filter(isMethod('chat.postMessage'))).toHaveLength(0);
    expect(await auditCount()).toBe(audit);
  });

  it('an empty title or no severity is shown on the form, and nothing is declared', async () => {
    bot = await startTestBot({ env: testEnv(db.url), http: healthyUpstreams(new FakeHttp()) });
    const res = await submitDeclare([bot], { viewId: 'VBAD', user: 'U0ONCALL', meta: JSON.stringify({ kind: 'manual', channelId: 'C0OPS' }), values: DECLARE_VALUES({ title: '  ', severity: 'P7' }) });
    expect(JSON.parse(res[0]!.body)).toMatchObject({ response_action: 'errors', errors: { title: expect.stringMatching(/title needs at least 3 characters/), severity: expect.stringMatching(/Pick a severity/) } });
    await settled(bot);
    expect(bot.http.calls.filter(isMethod('conversations.create'))).toHaveLength(0);
    expect(await incidents()).toEqual([]);
    expect(bot.http.calls.some((c) => c.url === RESPONSE_URL)).toBe(false);
  });
});
