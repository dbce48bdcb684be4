// Slack's side of an incident for HTTP tests: the Web API calls a war room needs (channel
// creation, invites, pins, ephemeral answers, the three-step file upload), the declare, update and
// resolve form submissions, and readers for what the bot posted.
import { expect } from 'vitest';
import type { TestBot } from './bot.js';
import { settled } from './settle.js';
import { jsonResponse, nextTriggerId, postAction, postCommand, postViewSubmission, sign, type FakeHttp, type RecordedCall } from './slack.js';

export const UPLOAD_URL = 'https://files.slack.test/upload/v1/abc';

/** Text and blocks of a Web API call or a response_url post, as one searchable string. */
export const textOf = (c: RecordedCall): string => {
  const { blocks, text } = c.json as { blocks?: unknown; text?: unknown };
  return (typeof blocks === 'string' ? blocks : JSON.stringify(blocks ?? '')) + (typeof text === 'string' ? text : '');
};

export const isMethod = (m: string) => (c: RecordedCall) => c.url.endsWith(`/${m}`);
export const channelOf = (c: RecordedCall): string | undefined => (c.json as { channel?: string; channel_id?: string }).channel ?? (c.json as { channel_id?: string }).channel_id;
export const postsTo = (b: Pick<TestBot, 'http'>, channel: string): RecordedCall[] => b.http.calls.filter((c) => isMethod('chat.postMessage')(c) && channelOf(c) === channel);

export interface WarRoomFake {
  /** Channel names asked for, in order. */
  names: string[];
  /** The id the (first) created channel got. */
  channelId: string;
}

/**
 * The war-room methods. `createFails` answers the first creations with Slack errors (e.g.
 * name_taken, or a 429 with Retry-After); `optional` marks routes a test may not reach.
 */
export function warRoomRoutes(http: FakeHttp, o: { channelId?: string; createFails?: ({ error: string } | { status: 429; retryAfter: number })[]; upload?: boolean; optional?: string } = {}): WarRoomFake {
  const fake: WarRoomFake = { names: [], channelId: o.channelId ?? 'C0WAR1' };
  const fails = [...(o.createFails ?? [])];
  const opt = o.optional ? { optional: o.optional } : {};
  http.on((c) => {
    if (!isMethod('conversations.create')(c)) return undefined;
    const name = String((c.json as { name?: string }).name);
    fake.names.push(name);
    const f = fails.shift();
    if (f && 'status' in f) return new Response(JSON.stringify({ ok: false, error: 'ratelimited' }), { status: 429, headers: { 'retry-after': String(f.retryAfter), 'content-type': 'application/json' } });
    if (f) return jsonResponse({ ok: false, error: f.error });
    return jsonResponse({ ok: true, channel: { id: fake.channelId, name } });
  }, opt);
  http.slackMethod('conversations.invite', (c: RecordedCall) => ({ ok: true, channel: { id: channelOf(c) } }), 200, { optional: o.optional ?? 'invites happen only once a channel exists' });
  http.slackMethod('pins.add', { ok: true }, 200, { optional: o.optional ?? 'the pin happens only once the card is posted' });
  http.slackMethod('chat.postEphemeral', { ok: true, message_ts: '1700000001.000001' }, 200, { optional: 'how the declarer is told, when a test does not look' });
  if (o.upload) {
    http.slackMethod('files.getUploadURLExternal', { ok: true, upload_url: UPLOAD_URL, file_id: 'F0PM' }, 200, opt);
    http.on((c) => (c.url === UPLOAD_URL ? new Response('OK - 1', { status: 200 }) : undefined), opt);
    http.slackMethod('files.completeUploadExternal', { ok: true, files: [{ id: 'F0PM', title: 'postmortem' }] }, 200, opt);
  }
  return fake;
}

export const DECLARE_VALUES = (o: { title?: string; severity?: string; kind?: string; impact?: string } = {}) => ({
  title: { value: { value: o.title ?? 'Service-role key leaked in a public gist' } },
  severity: { value: { selected_option: { value: o.severity ?? 'P0' } } },
  kind: { value: { selected_option: { value: o.kind ?? 'data_breach' } } },
  impact: { value: { value: o.impact ?? 'Nothing visible yet; customer data may be exposed' } },
});

/** The private_metadata of the last views.open (the form the bot opened). */
export async function openedForm(b: Pick<TestBot, 'http'>, after = 0): Promise<{ callbackId: string; meta: string; view: Record<string, unknown> }> {
  const call = await b.http.waitFor((c) => isMethod('views.open')(c) && b.http.calls.indexOf(c) >= after);
  const view = JSON.parse(String((call.json as { view: string }).view)) as { callback_id: string; private_metadata: string };
  return { callbackId: view.callback_id, meta: view.private_metadata, view: view as unknown as Record<string, unknown> };
}

/** Submits the declare form `times` times at once (Slack re-sending it), all with one view id. */
export async function submitDeclare(bots: TestBot[], o: { viewId: string; user: string; meta: string; values?: ReturnType<typeof DECLARE_VALUES>; times?: number }): Promise<{ status: number; body: string }[]> {
  const times = o.times ?? 1;
  return Promise.all(
    Array.from({ length: times }, (_, n) =>
      postViewSubmission(bots[n % bots.length]!.baseUrl, { callback_id: 'incident_declare', private_metadata: o.meta, values: o.values ?? DECLARE_VALUES() }, o.user, { viewId: o.viewId }),
    ),
  );
}

export function submitUpdate(b: TestBot, incidentId: number, user: string, o: { viewId: string; status?: string; impact?: string; next?: string; minutes?: string }) {
  return postViewSubmission(
    b.baseUrl,
    {
      callback_id: 'incident_update',
      private_metadata: JSON.stringify({ incidentId }),
      values: {
        status: { value: { selected_option: { value: o.status ?? 'identified' } } },
        impact: { value: { value: o.impact ?? 'Sessions revoked; dealers must sign in again' } },
        next: { value: { value: o.next ?? 'Rotate the service-role key' } },
        minutes: { value: { value: o.minutes ?? '30' } },
      },
    },
    user,
    { viewId: o.viewId },
  );
}

export function submitResolve(b: TestBot, incidentId: number, user: string, note: string, viewId = 'VRESOLVE') {
  return postViewSubmission(b.baseUrl, { callback_id: 'incident_resolve', private_metadata: JSON.stringify({ incidentId }), values: { resolution: { value: { value: note } } } }, user, { viewId });
}

/** Clicks a button on the incident card / first steps in the war room. */
export function click(b: TestBot, actionId: string, value: string, userId: string, channelId: string) {
  return postAction(b.baseUrl, { action_id: actionId, value }, { userId, channelId, responseUrl: `https://hooks.slack.test/actions/${actionId}/${userId}` });
}

/** Asserts exactly one call matched and returns it. */
export function only(calls: RecordedCall[], what: string): RecordedCall {
  expect(calls, what).toHaveLength(1);
  return calls[0]!;
}

/** POSTs a signed payload the way Slack sends interactions (form-encoded `payload=`) or events (JSON). */
async function postSigned(baseUrl: string, body: string, contentType: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${baseUrl}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...sign(body) }, body });
  return { status: res.status, body: await res.text() };
}

/** Picks `value` in a static select menu of a message (the card's status and severity menus). */
export function pickOption(b: TestBot, actionId: string, value: string, userId: string, channelId: string) {
  const payload = {
    type: 'block_actions',
    user: { id: userId },
    team: { id: 'T1' },
    api_app_id: 'A1',
    channel: { id: channelId },
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: channelId },
    message: { ts: '1700000000.000100', type: 'message' },
    response_url: `https://hooks.slack.test/actions/${actionId}/${userId}`,
    trigger_id: nextTriggerId(),
    actions: [{ type: 'static_select', block_id: 'controls', action_id: actionId, action_ts: '1', selected_option: { text: { type: 'plain_text', text: value }, value } }],
  };
  return postSigned(b.baseUrl, `payload=${encodeURIComponent(JSON.stringify(payload))}`, 'application/x-www-form-urlencoded');
}

/** A user adds a reaction to a message (the Events API's reaction_added). */
export function reactionAdded(b: TestBot, o: { user: string; reaction: string; channel: string; ts: string; itemUser?: string }) {
  const event = { type: 'reaction_added', user: o.user, reaction: o.reaction, item_user: o.itemUser ?? 'U0DAVE', item: { type: 'message', channel: o.channel, ts: o.ts }, event_ts: '1700000500.000100' };
  const body = JSON.stringify({ token: 'ignored', team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: `Ev${nextTriggerId().replace(/\W/g, '')}`, event_time: 1700000500, event });
  return postSigned(b.baseUrl, body, 'application/json');
}

/** The *Add to incident timeline* message shortcut (or any message shortcut) on a message. */
export function messageShortcut(b: TestBot, o: { callbackId: string; user: string; channel: string; ts: string; text: string; author: string; responseUrl: string }) {
  const payload = {
    type: 'message_action',
    callback_id: o.callbackId,
    trigger_id: nextTriggerId(),
    action_ts: '1700000600.000100',
    team: { id: 'T1', domain: 'autorepai' },
    user: { id: o.user, name: 'someone' },
    channel: { id: o.channel, name: 'war-room' },
    message_ts: o.ts,
    message: { type: 'message', ts: o.ts, text: o.text, user: o.author },
    response_url: o.responseUrl,
  };
  return postSigned(b.baseUrl, `payload=${encodeURIComponent(JSON.stringify(payload))}`, 'application/x-www-form-urlencoded');
}

/**
 * `/incident declare` from C0OPS by `user`, then the form submitted: the war room as the tests
 * after it need it. Returns the incident id.
 */
export async function declareRoom(b: TestBot, o: { viewId: string; user?: string; values?: ReturnType<typeof DECLARE_VALUES> }): Promise<number> {
  const user = o.user ?? 'U0ONCALL';
  const before = b.http.calls.length;
  await postCommand(b.baseUrl, '/incident', 'declare', { fields: { user_id: user, channel_id: 'C0OPS' } });
  const form = await openedForm(b, before);
  await submitDeclare([b], { viewId: o.viewId, user, meta: form.meta, ...(o.values ? { values: o.values } : {}) });
  await settled(b);
  const created = b.http.calls.slice(before).find(isMethod('conversations.create'));
  if (!created) throw new Error('the declaration created no channel');
  const row = await b.bot.incidents.listOpen();
  const name = String((created.json as { name?: string }).name);
  const i = row.find((x) => x.channelName === name);
  if (!i) throw new Error(`no open incident has the channel #${name}`);
  return i.id;
}
