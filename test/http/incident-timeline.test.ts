// The war room's own controls over signed Slack requests: the card's status and severity menus,
// the :pushpin: reaction and the *Add to incident timeline* shortcut (each message on the
// timeline once, with who and when; nothing outside a war room), a /logs summary's headline on
// the timeline, and what managers read: /incident list, show, timeline, stats and postmortem.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { settled } from '../support/settle.js';
import { postCommand, RESPONSE_URL, type RecordedCall } from '../support/slack.js';
import { click, DECLARE_VALUES, declareRoom, isMethod, messageShortcut, openedForm, pickOption, postsTo, reactionAdded, submitDeclare, submitResolve, submitUpdate, textOf, warRoomRoutes } from '../support/incident-slack.js';

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

const ROOM = 'C0ROOM';
/** Polls `f` until it returns something (background writes), for at most 5 s. */
async function until<T>(f: () => Promise<T | undefined>): Promise<T | undefined> {
  for (let i = 0; i < 100; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}
const auditCount = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM opsbot.audit_log')).rows[0]!.n;
/** The answer the bot sent to a click's or shortcut's response_url. */
const answerAt = async (b: TestBot, url: string) => String(((await b.http.waitFor((c) => c.url === url)).json as { text?: string }).text);
/** The texts of the answers to slash commands since `from` (response_url posts). */
const answersSince = (b: TestBot, from: number) =>
  b.http.calls
    .slice(from)
    .filter((c) => c.url === RESPONSE_URL)
    .map((c: RecordedCall) => ({ type: (c.json as { response_type?: string }).response_type, text: textOf(c) }));

async function startRoom(): Promise<{ b: TestBot; id: number }> {
  bot = await startTestBot({ env: testEnv(db.url, { STATUS_CHANNEL_ID: 'C0STATUS' }) });
  warRoomRoutes(bot.http, { channelId: ROOM });
  const id = await declareRoom(bot, { viewId: `V${Math.random().toString(36).slice(2, 8)}`, values: DECLARE_VALUES({ title: 'Lead lists are slow', severity: 'P1', kind: 'performance', impact: 'Lead lists take 20 s' }) });
  return { b: bot, id };
}

describe('declaring from a critical /health report', () => {
  it('the report carries a Declare button; the form it opens is prefilled, and the incident records where it came from', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { STATUS_CHANNEL_ID: 'C0STATUS' }) });
    const b = bot;
    b.http.on((c) => (c.url === 'https://app.autorepai.test/' ? new Response('upstream down', { status: 503 }) : undefined));
    warRoomRoutes(b.http, { channelId: ROOM });
    await postCommand(b.baseUrl, '/health', 'frontend', { fields: { user_id: 'U0ONCALL', channel_id: 'C0OPS' } });
    const report = await b.http.waitFor((c) => c.url === RESPONSE_URL && textOf(c).includes('incident.declare'));
    const blocks = (report.json as { blocks: { elements?: { action_id?: string; value?: string }[] }[] }).blocks;
    const value = blocks.flatMap((x) => x.elements ?? []).find((e) => e.action_id === 'incident.declare')?.value;
    const declare = JSON.parse(value ?? '{}') as { source: string; ref: string; title: string; kind: string };
    expect(declare).toMatchObject({ source: 'health', title: 'Health critical: Front end', kind: 'service_outage' });

    await click(b, 'incident.declare', JSON.stringify(declare), 'U0ONCALL', 'C0OPS');
    const form = await openedForm(b);
    expect(JSON.stringify(form.view)).toContain('Health critical: Front end');
    expect(JSON.parse(form.meta)).toEqual({ kind: 'health', ref: declare.ref, channelId: 'C0OPS' });
    await submitDeclare([b], { viewId: 'VHEALTH1', user: 'U0ONCALL', meta: form.meta, values: DECLARE_VALUES({ title: 'Health critical: Front end', severity: 'P0', kind: 'service_outage', impact: 'The app does not load' }) });
    await settled(b);
    const i = await b.bot.incidents.byChannel(ROOM);
    expect(i?.source).toEqual({ kind: 'health', ref: declare.ref, channelId: 'C0OPS' });
    expect(i).toMatchObject({ severity: 'P0', kind: 'service_outage', title: 'Health critical: Front end' });
  });
});

describe('the incident card', () => {
  it('status and severity menus: the commander moves them with a note on the timeline; others and bad values change nothing', async () => {
    const { b, id } = await startRoom();
    await click(b, 'incident.role.commander', `${id}:commander`, 'U0LEAD', ROOM);
    await settled(b);

    // Someone on-call who is not the commander (nor an approver) is refused; nothing changes.
    const before = await b.bot.incidents.get(id);
    await pickOption(b, 'incident.status', `${id}:identified`, 'U0ONCALL', ROOM);
    expect(await answerAt(b, 'https://hooks.slack.test/actions/incident.status/U0ONCALL')).toMatch(/Only the commander of INC-\d+ \(<@U0LEAD>\) or an approver may change the status; nothing changed/);
    await settled(b);
    expect(await b.bot.incidents.get(id)).toEqual(before);

    const updates = b.http.calls.filter(isMethod('chat.update')).length;
    await pickOption(b, 'incident.status', `${id}:identified`, 'U0LEAD', ROOM);
    await settled(b);
    await pickOption(b, 'incident.severity', `${id}:P0`, 'U0LEAD', ROOM);
    await settled(b);
    const after = await b.bot.incidents.get(id);
    expect(after).toMatchObject({ status: 'identified', severity: 'P0' });
    // No update was posted yet, so the next one is due a P0 cadence (30 min) from the change.
    expect(after!.nextUpdateDueAt!.getTime() - Date.now()).toBeGreaterThan(25 * 60_000);
    expect(after!.nextUpdateDueAt!.getTime() - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    // The pinned card was re-rendered after each change, and shows both.
    const cards = b.http.calls.filter(isMethod('chat.update')).slice(updates);
    expect(cards).toHaveLength(2);
    expect(textOf(cards[1]!)).toContain('P0 critical');
    expect(textOf(cards[1]!)).toMatch(/Identified/);

    const timeline = (await b.bot.incidents.timeline(id)).filter((e) => (e.action === 'incident.status' || e.action === 'incident.severity') && e.outcome === 'ok');
    expect(timeline.map((e) => [e.actor, e.text])).toEqual([
      ['U0LEAD', 'status investigating → identified: from the incident card'],
      ['U0LEAD', 'severity P1 → P0: from the incident card'],
    ]);
    expect(timeline.every((e) => Math.abs(e.at.getTime() - Date.now()) < 60_000)).toBe(true);

    // A value no menu offers (resolved is the Resolve button's): told, nothing written.
    const audit = await auditCount();
    await pickOption(b, 'incident.status', `${id}:resolved`, 'U0LEAD', ROOM);
    expect(await answerAt(b, 'https://hooks.slack.test/actions/incident.status/U0LEAD')).toMatch(/Pick investigating, identified or monitoring; the Resolve button resolves/);
    await settled(b);
    expect(await auditCount()).toBe(audit);
    expect((await b.bot.incidents.get(id))?.status).toBe('identified');
  });
});

describe('roles by command', () => {
  it('/incident role hands the comms role to someone, who may then post updates; the timeline says who gave it', async () => {
    const { b, id } = await startRoom();
    await click(b, 'incident.role.commander', `${id}:commander`, 'U0LEAD', ROOM);
    await settled(b);
    let from = b.http.calls.length;
    await postCommand(b.baseUrl, '/incident', 'role <@U0ERIN|erin> comms', { fields: { user_id: 'U0LEAD', channel_id: ROOM } });
    await settled(b);
    expect(answersSince(b, from)).toEqual([{ type: 'in_channel', text: expect.stringContaining(`<@U0ERIN> is now communications lead of INC-${id} (set by <@U0LEAD>).`) }]);
    expect((await b.bot.incidents.get(id))?.roles).toEqual({ commander: 'U0LEAD', communications: 'U0ERIN' });
    expect((await b.bot.incidents.timeline(id)).filter((e) => e.action === 'incident.role').map((e) => [e.actor, e.text])).toEqual([
      ['U0LEAD', 'took the commander role'],
      ['U0LEAD', 'gave the communications lead role to <@U0ERIN>'],
    ]);
    // The comms lead (not on-call, not an approver) may open the update form; someone else may not.
    const opened = b.http.calls.filter(isMethod('views.open')).length;
    await postCommand(b.baseUrl, '/incident', 'update', { fields: { user_id: 'U0ERIN', channel_id: ROOM } });
    await settled(b);
    expect(b.http.calls.filter(isMethod('views.open'))).toHaveLength(opened + 1);
    // The comms lead posts it, promising the next one in two days (within INCIDENT_UPDATE_MINUTES' range).
    const ack = await submitUpdate(b, id, 'U0ERIN', { viewId: 'VCOMMS1', impact: 'Lead lists are slow for every dealer', minutes: '2880' });
    expect(ack.body).toBe('');
    await settled(b);
    expect(postsTo(b, 'C0STATUS').filter((c) => textOf(c).includes('Lead lists are slow for every dealer'))).toHaveLength(1);
    const due = (await b.bot.incidents.get(id))!.nextUpdateDueAt!.getTime() - Date.now();
    expect(due).toBeGreaterThan(2879 * 60_000);
    expect(due).toBeLessThanOrEqual(2880 * 60_000);
    from = b.http.calls.length;
    await postCommand(b.baseUrl, '/incident', 'update', { fields: { user_id: 'U0NOBODY', channel_id: ROOM } });
    await settled(b);
    expect(answersSince(b, from)[0]?.text).toMatch(/Only the commander of INC-\d+ \(<@U0LEAD>\), the communications lead \(<@U0ERIN>\) or an approver may post stakeholder updates/);
    expect(b.http.calls.filter(isMethod('views.open'))).toHaveLength(opened + 1);
  });
});

describe('adding messages to the timeline', () => {
  it(':pushpin: and the shortcut add a message once, with its author, who added it and when; outside a war room nothing happens', async () => {
    const { b, id } = await startRoom();
    const messages: Record<string, { text: string; user: string }> = {
      '1700000100.000100': { text: 'Saw 502s from the lead list API since 14:02 <!channel>', user: 'U0DAVE' },
      '1700000200.000200': { text: 'Rolled back web to v41', user: 'U0ERIN' },
    };
    b.http.slackMethod('conversations.history', (c: RecordedCall) => {
      const latest = String((c.json as { latest?: string }).latest);
      const m = messages[latest];
      return { ok: true, messages: m ? [{ type: 'message', ts: latest, ...m }] : [] };
    });

    // Other reactions and a pushpin outside any war room are ignored: no lookup, nothing written.
    const audit = await auditCount();
    await reactionAdded(b, { user: 'U0ONCALL', reaction: 'eyes', channel: ROOM, ts: '1700000100.000100' });
    await reactionAdded(b, { user: 'U0ONCALL', reaction: 'pushpin', channel: 'C0OPS', ts: '1700000100.000100' });
    await settled(b);
    expect(b.http.calls.filter(isMethod('conversations.history'))).toHaveLength(0);
    expect(await auditCount()).toBe(audit);

    // The pushpin in the war room, twice (two people, or Slack retrying): one entry.
    await reactionAdded(b, { user: 'U0ONCALL', reaction: 'pushpin', channel: ROOM, ts: '1700000100.000100' });
    await settled(b);
    await reactionAdded(b, { user: 'U0LEAD', reaction: 'pushpin', channel: ROOM, ts: '1700000100.000100' });
    await settled(b);

    // The shortcut on the same message says it is there already; on another message it adds it.
    await messageShortcut(b, { callbackId: 'incident_add_to_timeline', user: 'U0LEAD', channel: ROOM, ts: '1700000100.000100', text: messages['1700000100.000100']!.text, author: 'U0DAVE', responseUrl: 'https://hooks.slack.test/shortcut/1' });
    expect(await answerAt(b, 'https://hooks.slack.test/shortcut/1')).toBe(`That message is already on the INC-${id} timeline.`);
    await messageShortcut(b, { callbackId: 'incident_add_to_timeline', user: 'U0LEAD', channel: ROOM, ts: '1700000200.000200', text: messages['1700000200.000200']!.text, author: 'U0ERIN', responseUrl: 'https://hooks.slack.test/shortcut/2' });
    expect(await answerAt(b, 'https://hooks.slack.test/shortcut/2')).toBe(`:pushpin: Added to the INC-${id} timeline.`);
    await settled(b);

    const pins = (await b.bot.incidents.timeline(id)).filter((e) => e.action === 'incident.pinned');
    expect(pins.map((e) => [e.actor, e.text])).toEqual([
      ['U0ONCALL', 'added a message by <@U0DAVE> to the timeline: “Saw 502s from the lead list API since 14:02 &lt;!channel&gt;”'],
      ['U0LEAD', 'added a message by <@U0ERIN> to the timeline: “Rolled back web to v41”'],
    ]);
    expect(pins.every((e) => Math.abs(e.at.getTime() - Date.now()) < 60_000)).toBe(true);

    // The shortcut outside a war room: a clear answer, nothing written.
    const before = await auditCount();
    await messageShortcut(b, { callbackId: 'incident_add_to_timeline', user: 'U0LEAD', channel: 'C0OPS', ts: '1700000300.000300', text: 'hello', author: 'U0DAVE', responseUrl: 'https://hooks.slack.test/shortcut/3' });
    expect(await answerAt(b, 'https://hooks.slack.test/shortcut/3')).toMatch(/This channel has no open incident, so there is no timeline to add to/);
    await settled(b);
    expect(await auditCount()).toBe(before);
  });

  it('a /logs summary in the war room puts its headline on the timeline', async () => {
    const { b, id } = await startRoom();
    const log = Array.from({ length: 20 }, (_, i) => `2026-11-25T03:0${i % 10}:00Z ERROR leads-api timeout after 20000ms for org ${i}`).join('\n');
    b.http
      .slackMethod('files.list', { ok: true, files: [{ name: 'leads.log', size: log.length, url_private_download: 'https://files.slack.test/leads.log' }] })
      .on((c) => (c.url === 'https://files.slack.test/leads.log' ? new Response(log, { headers: { 'content-type': 'text/plain' } }) : undefined));
    await postCommand(b.baseUrl, '/logs', 'summarize file', { fields: { user_id: 'U0ONCALL', channel_id: ROOM } });
    const post = await b.http.waitFor((c) => c.url === RESPONSE_URL && (c.json as { response_type?: string }).response_type === 'in_channel', 20_000);
    await settled(b);
    // The command's audit row is written in the background, after the answer.
    const entry = await until(async () => (await b.bot.incidents.timeline(id)).find((e) => e.target === '/logs summarize'));
    expect(entry?.detail).toMatchObject({ source: 'file', summarizer: 'offline', headline: expect.stringMatching(/20 errors/) });
    expect(entry?.text).toMatch(/^ran `\/logs summarize file` — 20 errors: /);
    // The headline on the timeline is the one the war room read.
    expect(textOf(post)).toContain(entry!.text.split(' — ')[1]);
  });
});

describe('what managers read', () => {
  it('/incident list, show, timeline, stats and postmortem answer only the caller, with what they ask for', async () => {
    const { b, id } = await startRoom();
    await click(b, 'incident.role.commander', `${id}:commander`, 'U0LEAD', ROOM);
    await settled(b);

    // A manager outside on-call, in another channel; one command at a time, so the answers keep their order.
    const asManager = { user_id: 'U0MANAGER', channel_id: 'C0MGMT' };
    const ask = async (text: string) => {
      const from = b.http.calls.length;
      await postCommand(b.baseUrl, '/incident', text, { fields: asManager });
      await settled(b);
      return answersSince(b, from)[0];
    };
    const list = await ask('list');
    const show = await ask(`show INC-${id}`);
    const timeline = await ask(`timeline ${id}`);
    expect([list?.type, show?.type, timeline?.type]).toEqual(['ephemeral', 'ephemeral', 'ephemeral']);
    expect(list?.text).toMatch(new RegExp(`\\*INC-${id}\\* Lead lists are slow — P1, Performance degradation, Investigating, open [^,]+, commander <@U0LEAD>, no update yet · <#${ROOM}>`));
    expect(show?.text).toContain('Lead lists are slow');
    expect(show?.text).toContain('<@U0LEAD>');
    expect(timeline?.text).toMatch(/declared P1 Performance degradation 'Lead lists are slow'/);
    expect(timeline?.text).toMatch(/<@U0LEAD>\s+took the commander role/);
    // In the war room, /incident timeline needs no id.
    const from = b.http.calls.length;
    await postCommand(b.baseUrl, '/incident', 'timeline', { fields: { user_id: 'U0ONCALL', channel_id: ROOM } });
    await settled(b);
    expect(answersSince(b, from)[0]?.text).toContain(`INC-${id} timeline`);

    // No postmortem before the resolve: said so.
    expect((await ask(`postmortem ${id}`))?.text).toMatch(new RegExp(`INC-${id} has no postmortem draft yet: it is written when the incident is resolved`));

    // Resolved an hour after it was declared, acknowledged after 5 minutes: the stats say so.
    warRoomRoutes(b.http, { channelId: ROOM, upload: true, optional: 'only the upload is used after the declaration' });
    await submitResolve(b, id, 'U0LEAD', 'Added the missing index on leads(org_id)');
    await b.http.waitFor(isMethod('files.completeUploadExternal'));
    await settled(b);
    await db.pool.query(`UPDATE opsbot.incidents SET declared_at = resolved_at - interval '1 hour', acknowledged_at = resolved_at - interval '55 minutes' WHERE id = $1`, [id]);

    const empty = await ask('list');
    const stats = await ask('stats 30d');
    const pm = await ask(`postmortem INC-${id}`);
    expect(empty?.text).toContain('No open incidents.');
    expect(stats?.type).toBe('ephemeral');
    expect(stats?.text).toContain('Incidents in the last 30 days');
    expect(stats?.text).toContain('all: 1 · MTTA 5 min 0 s · MTTR 1 h 0 min');
    expect(stats?.text).toContain('P1 high: 1 · MTTA 5 min 0 s · MTTR 1 h 0 min');
    expect(stats?.text).toContain('Performance degradation: 1');
    expect(pm?.type).toBe('ephemeral');
    expect(pm?.text).toContain(`INC-${id}`);
    expect(pm?.text).toContain('Added the missing index on leads(org_id)');
    // Nothing of it was posted in any channel.
    expect(postsTo(b, 'C0MGMT')).toEqual([]);
  });
});
