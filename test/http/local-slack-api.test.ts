// The local Slack stand-in from the outside: the real Slack SDK (Bolt's WebClient) calls its Web
// API; a small fake bot receives what the page sends and checks Slack's signature; the answers
// and error codes are Slack's.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackStandIn, type SlackStandIn } from '../../src/local/slack/server.js';
import { DEFAULT_PERSONAS, LOCAL_USERGROUPS } from '../../src/local/slack/personas.js';
import { captureLogger } from '../browser/support.js';

const SECRET = 'local-signing-secret-for-tests';
const [ONCALL, APPROVER, , MANAGER] = DEFAULT_PERSONAS.map((p) => p.id);

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Slash command fields, or the interaction payload, or the event envelope. */
  data: Record<string, unknown>;
}

let standIn: SlackStandIn;
let bot: http.Server;
let received: Received[];
let answer: (r: Received) => { status?: number; body?: unknown } = () => ({});
let client: webApi.WebClient;
const logs: string[] = [];

function verify(r: Received): boolean {
  const ts = String(r.headers['x-slack-request-timestamp']);
  const expected = 'v0=' + crypto.createHmac('sha256', SECRET).update(`v0:${ts}:${r.body}`).digest('hex');
  return r.headers['x-slack-signature'] === expected && Math.abs(Date.now() / 1000 - Number(ts)) < 300;
}

beforeEach(async () => {
  received = [];
  answer = () => ({});
  bot = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const type = req.headers['content-type'];
      const form = Object.fromEntries(new URLSearchParams(body));
      const data = type === 'application/json' ? JSON.parse(body) : form.payload ? JSON.parse(form.payload) : form;
      const r = { headers: req.headers, body, data };
      received.push(r);
      const a = answer(r);
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
      res.end(a.body === undefined ? '' : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', resolve));
  standIn = createSlackStandIn({
    botEventsUrl: `http://127.0.0.1:${(bot.address() as AddressInfo).port}/slack/events`,
    signingSecret: SECRET,
    manifestPath: path.resolve('manifest.yml'),
    logger: captureLogger(logs),
  });
  await standIn.listen(0);
  client = new webApi.WebClient(standIn.botToken, { slackApiUrl: standIn.apiUrl, retryConfig: { retries: 0 } });
});

afterEach(async () => {
  await standIn.close();
  await new Promise((resolve) => bot.close(resolve));
});

const ui = async (action: string, body: Record<string, unknown>) => {
  const res = await fetch(`${standIn.pageUrl}ui/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-local-slack': '1' }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
};
const platformError = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return (err as { data?: { error?: string; errors?: string[] } }).data;
  }
  throw new Error('expected a Slack platform error');
};

describe('Web API', () => {
  it('answers only requests addressed to this machine by name (no DNS rebinding)', async () => {
    const port = new URL(standIn.apiUrl).port;
    const status = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/ui/state', headers: { host: `evil.test:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(status).toBe(403);
    expect((await fetch(`${standIn.pageUrl}ui/state`)).status).toBe(200);
  });

  it('checks the bot token: none is not_authed, a wrong one invalid_auth; auth.test names the bot', async () => {
    const none = await (await fetch(`${standIn.apiUrl}auth.test`, { method: 'POST' })).json();
    expect(none).toEqual({ ok: false, error: 'not_authed' });
    const wrong = new webApi.WebClient('xoxb-wrong', { slackApiUrl: standIn.apiUrl, retryConfig: { retries: 0 } });
    expect(await platformError(wrong.auth.test())).toMatchObject({ error: 'invalid_auth' });
    expect(await client.auth.test()).toMatchObject({ ok: true, user_id: standIn.botUserId });
  });

  it('posts, threads and updates messages; refuses unknown channels, bad blocks (with the pointer) and long text', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0LOCOPS', text: 'hello', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }] });
    expect(posted).toMatchObject({ ok: true, channel: 'C0LOCOPS' });
    const reply = await client.chat.postMessage({ channel: '#ops', text: 'in thread', thread_ts: posted.ts! });
    expect((await client.conversations.replies({ channel: 'C0LOCOPS', ts: posted.ts! })).messages?.map((m) => m.text)).toEqual(['hello', 'in thread']);
    expect(reply.ts! > posted.ts!).toBe(true);
    await client.chat.update({ channel: 'C0LOCOPS', ts: posted.ts!, text: 'edited', blocks: [] });
    expect((await client.conversations.history({ channel: 'C0LOCOPS' })).messages?.[0]).toMatchObject({ text: 'edited' });
    expect(await platformError(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toMatchObject({ error: 'channel_not_found' });
    const bad = await platformError(client.chat.postMessage({ channel: 'C0LOCOPS', text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] }));
    expect(bad).toMatchObject({ error: 'invalid_blocks', errors: ['must be less than 151 characters [json-pointer:/blocks/0/text/text]'] });
    expect(await platformError(client.chat.postMessage({ channel: 'C0LOCOPS', text: 'x'.repeat(40_001) }))).toMatchObject({ error: 'msg_too_long' });
    expect(await platformError(client.chat.update({ channel: 'C0LOCOPS', ts: '1.000001', text: 'x' }))).toMatchObject({ error: 'message_not_found' });
    expect(standIn.rejections().map((r) => `${r.via} ${r.error}`)).toEqual(['chat.postMessage invalid_blocks', 'chat.postMessage msg_too_long']);
  });

  it('creates, invites to, pins in and archives channels with Slack’s error codes', async () => {
    const created = await client.conversations.create({ name: 'inc-42-db-down' });
    const id = created.channel!.id!;
    expect(await platformError(client.conversations.create({ name: 'inc-42-db-down' }))).toMatchObject({ error: 'name_taken' });
    expect(await platformError(client.conversations.create({ name: 'Bad Name!' }))).toMatchObject({ error: 'invalid_name_specials' });
    await client.conversations.invite({ channel: id, users: `${ONCALL},${APPROVER}` });
    expect(await platformError(client.conversations.invite({ channel: id, users: ONCALL! }))).toMatchObject({ error: 'already_in_channel' });
    const msg = await client.chat.postMessage({ channel: id, text: 'war room' });
    await client.pins.add({ channel: id, timestamp: msg.ts! });
    expect(await platformError(client.pins.add({ channel: id, timestamp: msg.ts! }))).toMatchObject({ error: 'already_pinned' });
    await client.reactions.add({ channel: id, timestamp: msg.ts!, name: 'pushpin' });
    expect(await platformError(client.reactions.add({ channel: id, timestamp: msg.ts!, name: 'pushpin' }))).toMatchObject({ error: 'already_reacted' });
    await client.conversations.archive({ channel: id });
    expect(await platformError(client.chat.postMessage({ channel: id, text: 'late' }))).toMatchObject({ error: 'is_archived' });
    expect((await client.conversations.info({ channel: id })).channel).toMatchObject({ name: 'inc-42-db-down', is_archived: true });
  });

  it('answers the user groups and users the bot asks about', async () => {
    expect((await client.usergroups.users.list({ usergroup: LOCAL_USERGROUPS.approvers })).users).toEqual(DEFAULT_PERSONAS.filter((p) => p.usergroups.includes(LOCAL_USERGROUPS.approvers)).map((p) => p.id));
    expect(await platformError(client.usergroups.users.list({ usergroup: 'S0NOPE' }))).toMatchObject({ error: 'no_such_subteam' });
    expect((await client.users.info({ user: MANAGER! })).user).toMatchObject({ id: MANAGER, real_name: 'Morgan Blake' });
    expect(await platformError(client.users.info({ user: 'U0NOPE' }))).toMatchObject({ error: 'user_not_found' });
  });

  it('uploads a file in three steps (filesUploadV2), lists it for the channel and serves it to the bot token only', async () => {
    await client.filesUploadV2({ channel_id: 'C0LOCOPS', content: 'line one\nline two\n', filename: 'edge.log', title: 'Edge log' });
    const list = await client.files.list({ channel: 'C0LOCOPS', count: 1 });
    const file = list.files?.[0] as { id: string; name: string; url_private_download: string };
    expect(file).toMatchObject({ name: 'edge.log' });
    const withToken = await fetch(file.url_private_download, { headers: { authorization: `Bearer ${standIn.botToken}` } });
    expect(await withToken.text()).toBe('line one\nline two\n');
    expect((await fetch(file.url_private_download, { headers: { authorization: 'Bearer xoxb-other' } })).status).toBe(403);
    expect((await client.files.info({ file: file.id })).file).toMatchObject({ title: 'Edge log' });
  });
});

describe('mounted in another server', () => {
  it('uses the baseUrl it is given: the Web API, response_urls and file links point there whatever Host a request names', async () => {
    const outer = http.createServer((req, res) => mounted.requestListener(req, res));
    await new Promise<void>((resolve) => outer.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(outer.address() as AddressInfo).port}`;
    const mounted = createSlackStandIn({ botEventsUrl: `http://127.0.0.1:${(bot.address() as AddressInfo).port}/slack/events`, signingSecret: SECRET, manifestPath: path.resolve('manifest.yml'), logger: captureLogger([]), baseUrl: `${base}/` });
    try {
      expect(mounted.apiUrl).toBe(`${base}/api/`);
      expect(mounted.pageUrl).toBe(`${base}/`);
      // The first request names localhost: the address stays the one given (nothing is learnt from requests).
      const page = await fetch(`${base.replace('127.0.0.1', 'localhost')}/`);
      expect(page.status).toBe(200);
      await page.body?.cancel();
      expect(mounted.apiUrl).toBe(`${base}/api/`);
      const c = new webApi.WebClient(mounted.botToken, { slackApiUrl: mounted.apiUrl, retryConfig: { retries: 0 } });
      const up = await c.files.getUploadURLExternal({ filename: 'a.txt', length: 3 });
      expect(up.upload_url?.startsWith(`${base}/upload/`)).toBe(true);
      const res = await fetch(`${base}/ui/command`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-local-slack': '1' }, body: JSON.stringify({ user: ONCALL, channel: 'C0LOCOPS', text: '/ops help' }) });
      expect(res.status).toBe(200);
      expect(String(received.at(-1)!.data.response_url).startsWith(`${base}/response/`)).toBe(true);
    } finally {
      await new Promise((resolve) => outer.close(resolve));
    }
  });

  it('refuses a baseUrl that is not this machine, and a mounted stand-in without one says what is missing', async () => {
    const make = (baseUrl?: string) => createSlackStandIn({ botEventsUrl: 'http://127.0.0.1:9/slack/events', signingSecret: SECRET, manifestPath: path.resolve('manifest.yml'), logger: captureLogger([]), ...(baseUrl === undefined ? {} : { baseUrl }) });
    expect(() => make('https://slack.example.com')).toThrow(/must be http:\/\/127\.0\.0\.1:<port>/);
    expect(() => make('http://127.0.0.1:3000/api/')).toThrow(/with no path/);
    expect(() => make('not a url')).toThrow(/must be an http URL/);
    const bare = make();
    const outer = http.createServer((req, res) => bare.requestListener(req, res));
    await new Promise<void>((resolve) => outer.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(outer.address() as AddressInfo).port}/`);
      expect(res.status).toBe(500);
      expect(await res.text()).toMatch(/pass baseUrl, or call listen\(\)/);
    } finally {
      await new Promise((resolve) => outer.close(resolve));
    }
  });
});

describe('what the page sends the bot', () => {
  it('a slash command: signed form fields as Slack sends them, the ack shown to the person only', async () => {
    answer = () => ({ body: { text: 'Only you see this' } });
    expect(await ui('command', { user: ONCALL, channel: 'C0LOCOPS', text: '/health db' })).toEqual({ ok: true });
    const [cmd] = received;
    expect(cmd!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(verify(cmd!)).toBe(true);
    expect(cmd!.data).toMatchObject({ command: '/health', text: 'db', user_id: ONCALL, channel_id: 'C0LOCOPS', team_id: 'T0LOCAL' });
    expect(String(cmd!.data.response_url)).toMatch(/\/response\/[0-9a-f]+$/);
    const ephemeral = standIn.workspace.messages.find((m) => m.text === 'Only you see this');
    expect(ephemeral?.ephemeralTo).toBe(ONCALL);
    // An unknown command never reaches the bot.
    expect(await ui('command', { user: ONCALL, channel: 'C0LOCOPS', text: '/nope' })).toMatchObject({ ok: false, error: 'unknown_command' });
    expect(received).toHaveLength(1);
  });

  it('response_url: a new ephemeral or in-channel message, replace_original, delete_original, at most 5 uses', async () => {
    await ui('command', { user: ONCALL, channel: 'C0LOCOPS', text: '/ops help' });
    const url = String(received[0]!.data.response_url);
    const post = (body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ response_type: 'in_channel', text: 'for everyone' })).status).toBe(200);
    const msg = standIn.workspace.messages.find((m) => m.text === 'for everyone')!;
    expect(msg.ephemeralTo).toBeUndefined();
    expect((await post({ replace_original: true, text: 'replaced' })).status).toBe(200);
    expect(msg.text).toBe('replaced');
    expect((await post({ replace_original: false, text: 'x'.repeat(10), blocks: [{ type: 'divider', block_id: 'x'.repeat(256) }] })).status).toBe(400);
    expect((await post({ delete_original: true })).status).toBe(200);
    expect(standIn.workspace.messages.includes(msg)).toBe(false);
    expect((await post({ text: 'fifth' })).status).toBe(200);
    const sixth = await post({ text: 'sixth' });
    expect(sixth.status).toBe(404);
    expect(await sixth.text()).toBe('used_url');
  });

  it('a click: block_actions payload with the message, its container and a response_url; a trigger_id opens one modal once', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0LOCOPS', text: 'req', blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'go', value: '42', text: { type: 'plain_text', text: 'Go' } }] }] });
    await ui('action', { user: APPROVER, channel: 'C0LOCOPS', messageTs: posted.ts, action: { type: 'button', action_id: 'go', block_id: 'b0', value: '42' } });
    const click = received[0]!;
    expect(verify(click)).toBe(true);
    expect(click.data).toMatchObject({ type: 'block_actions', user: { id: APPROVER }, channel: { id: 'C0LOCOPS' }, container: { type: 'message', message_ts: posted.ts }, message: { ts: posted.ts, text: 'req' }, actions: [{ action_id: 'go', value: '42' }] });
    const trigger = String(click.data.trigger_id);
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Form' }, close: { type: 'plain_text' as const, text: 'Cancel' }, blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'hi' } }] };
    const opened = await client.views.open({ trigger_id: trigger, view });
    expect(opened.view?.id).toMatch(/^V/);
    expect(await platformError(client.views.open({ trigger_id: trigger, view }))).toMatchObject({ error: 'exchanged_trigger_id' });
    expect(await platformError(client.views.open({ trigger_id: 'made.up', view }))).toMatchObject({ error: 'invalid_trigger_id' });
    expect(await platformError(client.views.update({ view_id: opened.view!.id!, hash: 'stale', view }))).toMatchObject({ error: 'hash_conflict' });
    expect(standIn.workspace.modals.get(APPROVER!)).toHaveLength(1);
  });

  it('a modal submission: view_submission with the state; response_action errors keep it open, an empty ack closes it', async () => {
    answer = () => ({});
    await ui('command', { user: ONCALL, channel: 'C0LOCOPS', text: '/playbook run' });
    const trigger = String(received[0]!.data.trigger_id);
    const opened = await client.views.open({
      trigger_id: trigger,
      view: { type: 'modal', callback_id: 'params', private_metadata: '{"a":1}', title: { type: 'plain_text', text: 'Params' }, submit: { type: 'plain_text', text: 'Run' }, blocks: [{ type: 'input', block_id: 'param_minutes', label: { type: 'plain_text', text: 'minutes' }, element: { type: 'plain_text_input', action_id: 'value' } }] },
    });
    const state = { param_minutes: { value: { type: 'plain_text_input', value: 'abc' } } };
    answer = () => ({ body: { response_action: 'errors', errors: { param_minutes: 'a whole number' } } });
    expect(await ui('submit', { user: ONCALL, viewId: opened.view!.id, state })).toEqual({ ok: false, errors: { param_minutes: 'a whole number' } });
    expect(received[1]!.data).toMatchObject({ type: 'view_submission', user: { id: ONCALL }, view: { callback_id: 'params', private_metadata: '{"a":1}', state: { values: state } } });
    expect(standIn.workspace.modals.get(ONCALL!)).toHaveLength(1);
    answer = () => ({});
    expect(await ui('submit', { user: ONCALL, viewId: opened.view!.id, state })).toEqual({ ok: true });
    expect(standIn.workspace.modals.get(ONCALL!)).toHaveLength(0);
  });

  it('a failing bot is shown the way Slack shows it; events go only when the manifest subscribes to them', async () => {
    answer = () => ({ status: 500 });
    await ui('command', { user: ONCALL, channel: 'C0LOCOPS', text: '/health' });
    expect(standIn.workspace.messages.at(-1)).toMatchObject({ user: 'USLACKBOT', ephemeralTo: ONCALL, text: '/health failed with the error "dispatch_failed"' });
    answer = () => ({});
    const msg = await client.chat.postMessage({ channel: 'C0LOCOPS', text: 'pin me' });
    received = [];
    // manifest.yml subscribes to reaction_added and app_home_opened, not to messages: a reply
    // in a thread sends the bot nothing, as Slack would send nothing.
    await ui('message', { user: MANAGER, channel: 'C0LOCOPS', text: 'any news?', threadTs: msg.ts });
    expect(received).toEqual([]);
    await ui('react', { user: ONCALL, channel: 'C0LOCOPS', ts: msg.ts, name: 'pushpin' });
    expect(received.map((r) => (r.data as { event: { type: string } }).event.type)).toEqual(['reaction_added']);
    expect(standIn.workspace.message('C0LOCOPS', msg.ts)?.reactions).toEqual([{ name: 'pushpin', by: [ONCALL] }]);
  });
});

describe('events, when the manifest subscribes to them', () => {
  it('reaction_added, message and app_home_opened arrive as signed JSON event_callbacks; views.publish is the Home tab', async () => {
    // The same manifest, also subscribed to channel messages.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'local-slack-'));
    const manifest = path.join(dir, 'manifest.yml');
    writeFileSync(manifest, `${readFileSync('manifest.yml', 'utf8')}\n`.replace('    bot_events:\n', '    bot_events:\n      - message.channels\n'));
    await standIn.close();
    standIn = createSlackStandIn({ botEventsUrl: `http://127.0.0.1:${(bot.address() as AddressInfo).port}/slack/events`, signingSecret: SECRET, manifestPath: manifest, logger: captureLogger(logs) });
    await standIn.listen(0);
    client = new webApi.WebClient(standIn.botToken, { slackApiUrl: standIn.apiUrl, retryConfig: { retries: 0 } });

    const msg = await client.chat.postMessage({ channel: 'C0LOCOPS', text: 'timeline me' });
    await ui('react', { user: ONCALL, channel: 'C0LOCOPS', ts: msg.ts, name: 'pushpin' });
    await ui('message', { user: MANAGER, channel: 'C0LOCOPS', text: 'any news?', threadTs: msg.ts });
    await ui('home', { user: ONCALL });
    expect(received.every((r) => r.headers['content-type'] === 'application/json' && verify(r))).toBe(true);
    expect(received.map((r) => (r.data as { type: string; event: { type: string } }).type + ':' + (r.data as { event: { type: string } }).event.type)).toEqual(['event_callback:reaction_added', 'event_callback:message', 'event_callback:app_home_opened']);
    expect(received[0]!.data).toMatchObject({ team_id: 'T0LOCAL', event: { user: ONCALL, reaction: 'pushpin', item: { type: 'message', channel: 'C0LOCOPS', ts: msg.ts }, item_user: standIn.botUserId } });
    expect(received[1]!.data).toMatchObject({ event: { user: MANAGER, text: 'any news?', thread_ts: msg.ts, channel: 'C0LOCOPS' } });
    expect(received[2]!.data).toMatchObject({ event: { user: ONCALL, tab: 'home' } });

    const home = { type: 'home' as const, blocks: [{ type: 'header' as const, text: { type: 'plain_text' as const, text: 'Your incidents' } }] };
    await client.views.publish({ user_id: ONCALL!, view: home });
    const state = (await (await fetch(`${standIn.pageUrl}ui/state?user=${ONCALL}`)).json()) as { home: { blocks: unknown[] }; homeTab: boolean };
    expect(state.homeTab).toBe(true);
    expect(state.home.blocks).toMatchObject(home.blocks);
    expect(await platformError(client.views.publish({ user_id: ONCALL!, view: { type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' as const })) } }))).toMatchObject({ error: 'invalid_blocks' });
    // Home tab of one person is not shown to another.
    expect(((await (await fetch(`${standIn.pageUrl}ui/state?user=${MANAGER}`)).json()) as { home: unknown }).home).toBeNull();
  });
});
