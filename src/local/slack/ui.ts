// What the page does as a person, turned into what Slack would send the bot: a typed slash
// command, a click, a modal submission, a shortcut, a reaction, a message, opening the Home tab.
// Each builds the payload Slack documents, signs it (events.ts) and applies the ack the bot
// returns (ephemeral or in-channel reply, response_action for modals).
import type { EventSender } from './events.js';
import type { ManifestSummary } from './manifest.js';
import { imageSize, mimeTypeOf } from './file-types.js';
import { LOCAL_USERGROUPS } from './personas.js';
import type { StoredView } from './types.js';
import { validateMessage, validateView, type Verdict } from './validate.js';
import { messageJson, viewJson } from './web-api.js';
import { viewWithBlockIds, type Workspace } from './workspace.js';

/** A Block Kit payload the stand-in refused, kept so the page and tests can show it. */
export interface Rejection {
  at: number;
  /** Web API method, "response_url" or "ack". */
  via: string;
  error: string;
  errors: string[];
}

export interface UiDeps {
  ws: Workspace;
  sender: EventSender;
  manifest: ManifestSummary;
  baseUrl: () => string;
  reject: (via: string, v: Verdict & { ok: false }) => void;
}

export type UiResult = Record<string, unknown> & { ok: boolean };

const TEAM = { id: 'T0LOCAL', domain: 'autorepai-local' };
const APP_ID = 'A0LOCALAPP';
const SLACKBOT = 'USLACKBOT';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function personaOf(d: UiDeps, id: unknown) {
  const p = typeof id === 'string' ? d.ws.personas.get(id) : undefined;
  if (!p) throw new UiInputError('unknown persona');
  return p;
}

/** A request from the page that cannot be carried out (shown to the person as is). */
export class UiInputError extends Error {}

function slackbotSays(d: UiDeps, channel: string, user: string, text: string): void {
  d.ws.post({ channel, user: SLACKBOT, isBot: true, text, ephemeralTo: user });
}

function userJson(d: UiDeps, id: string) {
  const p = d.ws.personas.get(id);
  return { id, username: p?.name ?? id, name: p?.name ?? id, team_id: TEAM.id };
}

/** Applies a slash command's or click's ack body: a message, ephemeral unless in_channel. */
function applyAckMessage(d: UiDeps, body: string, channel: string, user: string, echo: string | undefined, threadTs?: string): void {
  if (body.trim() === '') return;
  let msg: { text?: unknown; blocks?: unknown; response_type?: unknown };
  try {
    msg = JSON.parse(body) as typeof msg;
  } catch {
    msg = { text: body };
  }
  if (typeof msg !== 'object' || msg === null) return;
  const verdict = validateMessage(msg);
  if (!verdict.ok) {
    // Slack drops an invalid ack message without telling the app; the page says so.
    d.reject('ack', verdict);
    slackbotSays(d, channel, user, `The app's reply was refused by Slack: ${verdict.error} (${verdict.errors.slice(0, 3).join('; ')})`);
    return;
  }
  const inChannel = msg.response_type === 'in_channel';
  if (inChannel && echo) d.ws.post({ channel, user, isBot: false, text: echo, ...(threadTs ? { threadTs } : {}) });
  d.ws.post({
    channel,
    user: d.ws.botUserId,
    isBot: true,
    text: typeof msg.text === 'string' ? msg.text : '',
    ...(Array.isArray(msg.blocks) ? { blocks: msg.blocks as unknown[] } : {}),
    ...(inChannel ? {} : { ephemeralTo: user }),
    ...(threadTs ? { threadTs } : {}),
  });
}

function failure(d: UiDeps, channel: string, user: string, what: string, status: number): void {
  const code = status === 408 ? 'operation_timeout' : status === 404 ? 'dispatch_unknown_error' : 'dispatch_failed';
  slackbotSays(d, channel, user, `${what} failed with the error "${code}"`);
}

/** Types a slash command in a channel. */
export async function sendCommand(d: UiDeps, a: Record<string, unknown>): Promise<UiResult> {
  const user = personaOf(d, a.user);
  const channel = d.ws.channel(a.channel);
  if (!channel) throw new UiInputError('unknown channel');
  const typed = (str(a.text) ?? '').trim();
  const m = /^(\/\S+)\s*([\s\S]*)$/.exec(typed);
  if (!m) throw new UiInputError('a slash command starts with /');
  const [, command = '', text = ''] = m;
  if (!d.manifest.commands.some((c) => c.command === command)) {
    slackbotSays(d, channel.id, user.id, `${command} is not a valid command. In Slack, all messages that start with "/" are interpreted as commands.`);
    return { ok: false, error: 'unknown_command' };
  }
  const responseUrl = `${d.baseUrl()}/response/${d.ws.issueResponseUrl({ channel: channel.id, user: user.id })}`;
  const answer = await d.sender.command({
    token: 'local-verification-token',
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: channel.id,
    channel_name: channel.kind === 'im' ? 'directmessage' : channel.name,
    user_id: user.id,
    user_name: user.name,
    command,
    text,
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: d.ws.issueTrigger(user.id),
  });
  if (answer.status !== 200) {
    failure(d, channel.id, user.id, command, answer.status);
    return { ok: false, status: answer.status };
  }
  applyAckMessage(d, answer.body, channel.id, user.id, typed);
  return { ok: true };
}

/** Values of a view's inputs as the page collected them: block_id → action_id → value object. */
type StateValues = Record<string, Record<string, unknown>>;

function stateValues(v: unknown): StateValues {
  return typeof v === 'object' && v !== null ? (v as StateValues) : {};
}

function topModal(d: UiDeps, user: string, viewId: unknown): StoredView {
  const stack = d.ws.modals.get(user) ?? [];
  const view = stack.find((v) => v.id === viewId);
  if (!view) throw new UiInputError('that modal is no longer open');
  return view;
}

/** Clicks a button, ticks a checkbox, picks an option — in a message or a view. */
export async function sendAction(d: UiDeps, a: Record<string, unknown>): Promise<UiResult> {
  const user = personaOf(d, a.user);
  const action = (typeof a.action === 'object' && a.action !== null ? a.action : {}) as Record<string, unknown>;
  const now = d.ws.clock.now();
  const base = {
    type: 'block_actions',
    user: userJson(d, user.id),
    api_app_id: APP_ID,
    token: 'local-verification-token',
    trigger_id: d.ws.issueTrigger(user.id),
    team: TEAM,
    enterprise: null,
    is_enterprise_install: false,
    actions: [{ ...action, action_ts: `${Math.floor(now / 1000)}.${String(now % 1000).padStart(3, '0')}000` }],
  };
  let payload: Record<string, unknown>;
  let channelId: string | undefined;
  if (a.viewId !== undefined) {
    const home = [...d.ws.homes.values()].find((h) => h.id === a.viewId && h.user === user.id);
    const view = home ?? topModal(d, user.id, a.viewId);
    payload = { ...base, container: { type: 'view', view_id: view.id }, view: viewJson(view, stateValues(a.state)) };
  } else {
    const channel = d.ws.channel(a.channel);
    if (!channel) throw new UiInputError('unknown channel');
    const msg = d.ws.anyMessage(channel.id, str(a.messageTs) ?? '');
    if (!msg || (msg.ephemeralTo !== undefined && msg.ephemeralTo !== user.id)) throw new UiInputError('that message is gone');
    channelId = channel.id;
    const ephemeral = msg.ephemeralTo !== undefined;
    const responseUrl = `${d.baseUrl()}/response/${d.ws.issueResponseUrl({ channel: channel.id, user: user.id, messageTs: msg.ts, ...(msg.threadTs ? { threadTs: msg.threadTs } : {}) })}`;
    payload = {
      ...base,
      container: { type: 'message', message_ts: msg.ts, channel_id: channel.id, is_ephemeral: ephemeral, ...(msg.threadTs && msg.threadTs !== msg.ts ? { thread_ts: msg.threadTs } : {}) },
      channel: { id: channel.id, name: channel.name },
      // Slack leaves the message out of clicks on an ephemeral message.
      ...(ephemeral ? {} : { message: messageJson(msg, d.ws) }),
      state: { values: stateValues(a.state) },
      response_url: responseUrl,
    };
  }
  const answer = await d.sender.interaction(payload);
  if (answer.status !== 200) {
    if (channelId) failure(d, channelId, user.id, 'The action', answer.status);
    return { ok: false, status: answer.status };
  }
  return { ok: true };
}

/** Submits the top modal; applies the response_action of the ack. */
export async function submitView(d: UiDeps, a: Record<string, unknown>): Promise<UiResult> {
  const user = personaOf(d, a.user);
  const view = topModal(d, user.id, a.viewId);
  const answer = await d.sender.interaction({
    type: 'view_submission',
    team: TEAM,
    user: userJson(d, user.id),
    api_app_id: APP_ID,
    token: 'local-verification-token',
    trigger_id: d.ws.issueTrigger(user.id),
    view: viewJson(view, stateValues(a.state)),
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  });
  if (answer.status !== 200) return { ok: false, error: 'We had some trouble connecting. Try again?' };
  let ack: { response_action?: unknown; errors?: unknown; view?: unknown } = {};
  if (answer.body.trim() !== '') {
    try {
      ack = JSON.parse(answer.body) as typeof ack;
    } catch {
      return { ok: false, error: 'The app answered with something Slack cannot read.' };
    }
  }
  const stack = d.ws.modals.get(user.id) ?? [];
  switch (ack.response_action) {
    case 'errors':
      return { ok: false, errors: typeof ack.errors === 'object' && ack.errors !== null ? ack.errors : {} };
    case 'update':
    case 'push': {
      const verdict = validateView(ack.view, 'modal');
      if (!verdict.ok) {
        d.reject(`view_submission ${ack.response_action}`, verdict);
        return { ok: false, error: `The app's view was refused: ${verdict.errors[0] ?? verdict.error}` };
      }
      if (ack.response_action === 'update') {
        view.view = viewWithBlockIds(ack.view as Record<string, unknown>);
        view.hash = d.ws.newHash();
      } else {
        if (stack.length >= 3) return { ok: false, error: 'push_limit_reached' };
        const id = d.ws.newId('V');
        stack.push({ id, user: user.id, hash: d.ws.newHash(), view: viewWithBlockIds(ack.view as Record<string, unknown>), rootViewId: stack[0]?.id ?? id, previousViewId: view.id });
      }
      break;
    }
    case 'clear':
      stack.length = 0;
      break;
    default:
      stack.splice(stack.indexOf(view), 1);
  }
  d.ws.changed();
  return { ok: true };
}

/** Closes the top modal (Cancel); view_closed is sent only when the view asked for it. */
export async function closeView(d: UiDeps, a: Record<string, unknown>): Promise<UiResult> {
  const user = personaOf(d, a.user);
  const view = topModal(d, user.id, a.viewId);
  const stack = d.ws.modals.get(user.id) ?? [];
  stack.splice(stack.indexOf(view), 1);
  d.ws.changed();
  if (view.view.notify_on_close === true) {
    await d.sender.interaction({ type: 'view_closed', team: TEAM, user: userJson(d, user.id), api_app_id: APP_ID, token: 'local-verification-token', view: viewJson(view, stateValues(a.state)), is_cleared: false });
  }
  return { ok: true };
}

/** Runs a shortcut from the manifest: on a message (message_action) or global (shortcut). */
export async function sendShortcut(d: UiDeps, a: Record<string, unknown>): Promise<UiResult> {
  const user = personaOf(d, a.user);
  const shortcut = d.manifest.shortcuts.find((s) => s.callbackId === a.callbackId);
  if (!shortcut) throw new UiInputError('unknown shortcut');
  const common = { callback_id: shortcut.callbackId, trigger_id: d.ws.issueTrigger(user.id), team: TEAM, user: userJson(d, user.id), token: 'local-verification-token', action_ts: String(d.ws.clock.now() / 1000), is_enterprise_install: false, enterprise: null };
  let payload: Record<string, unknown>;
  let channelId: string | undefined;
  if (shortcut.type === 'message') {
    const channel = d.ws.channel(a.channel);
    const msg = channel ? d.ws.message(channel.id, str(a.messageTs)) : undefined;
    if (!channel || !msg) throw new UiInputError('that message is gone');
    channelId = channel.id;
    const responseUrl = `${d.baseUrl()}/response/${d.ws.issueResponseUrl({ channel: channel.id, user: user.id, threadTs: msg.threadTs ?? msg.ts })}`;
    payload = { type: 'message_action', ...common, channel: { id: channel.id, name: channel.name }, message_ts: msg.ts, message: messageJson(msg, d.ws), response_url: responseUrl };
  } else {
    payload = { type: 'shortcut', ...common };
  }
  const answer = await d.sender.interaction(payload);
  if (answer.status !== 200) {
    if (channelId) failure(d, channelId, user.id, shortcut.name, answer.status);
    return { ok: false, status: answer.status };
  }
  return { ok: true };
}

function subscribed(d: UiDeps, type: string): boolean {
  return d.manifest.botEvents.includes(type);
}

/** Adds (or removes) a reaction as a person; reaction_added/removed goes to the bot when subscribed. */
export async function react(d: UiDeps, a: Record<string, unknown>): Promise<UiResult> {
  const user = personaOf(d, a.user);
  const channel = d.ws.channel(a.channel);
  const msg = channel ? d.ws.message(channel.id, str(a.ts)) : undefined;
  const name = (str(a.name) ?? '').replace(/^:|:$/g, '');
  if (!channel || !msg) throw new UiInputError('that message is gone');
  if (!/^[a-z0-9_+'-]+$/.test(name)) throw new UiInputError('not an emoji name');
  let r = msg.reactions.find((x) => x.name === name);
  const removing = r?.by.includes(user.id) === true;
  if (removing && r) {
    r.by = r.by.filter((u) => u !== user.id);
    if (r.by.length === 0) msg.reactions.splice(msg.reactions.indexOf(r), 1);
  } else {
    if (!r) msg.reactions.push((r = { name, by: [] }));
    r.by.push(user.id);
  }
  d.ws.changed();
  const type = removing ? 'reaction_removed' : 'reaction_added';
  if (subscribed(d, type)) await d.sender.event({ type, user: user.id, reaction: name, item_user: msg.user, item: { type: 'message', channel: channel.id, ts: msg.ts } });
  return { ok: true };
}

/** Posts a plain message as a person (optionally in a thread, optionally with a file). */
export async function postMessage(d: UiDeps, a: Record<string, unknown>): Promise<UiResult> {
  const user = personaOf(d, a.user);
  const channel = d.ws.channel(a.channel);
  if (!channel) throw new UiInputError('unknown channel');
  if (channel.isArchived) throw new UiInputError('this channel is archived');
  const text = str(a.text) ?? '';
  const threadTs = str(a.threadTs);
  const parent = threadTs ? d.ws.message(channel.id, threadTs) : undefined;
  if (threadTs && !parent) throw new UiInputError('that thread is gone');
  if (parent && parent.threadTs === undefined) parent.threadTs = parent.ts;
  const files: string[] = [];
  const file = a.file as { name?: unknown; content?: unknown; mimetype?: unknown } | undefined;
  if (file && typeof file.name === 'string' && typeof file.content === 'string') {
    const id = d.ws.newId('F');
    const bytes = Buffer.from(file.content, 'base64');
    // Slack decides a file's type itself (the browser's guess is not trusted).
    const mimetype = mimeTypeOf(file.name, bytes);
    d.ws.uploads.set(id, { id, name: file.name, title: file.name, user: user.id, created: d.ws.clock.now(), mimetype, bytes, ...imageSize(mimetype, bytes), channels: [channel.id], complete: true, uploaded: true });
    files.push(id);
  }
  if (text.trim() === '' && files.length === 0) throw new UiInputError('nothing to send');
  const msg = d.ws.post({ channel: channel.id, user: user.id, isBot: false, text, files, ...(parent ? { threadTs: parent.threadTs ?? parent.ts } : {}) });
  // Slack sends a message event per conversation type the app subscribes to.
  const eventType = channel.kind === 'im' ? 'message.im' : channel.kind === 'mpim' ? 'message.mpim' : channel.isPrivate ? 'message.groups' : 'message.channels';
  if (subscribed(d, eventType)) {
    await d.sender.event({
      type: 'message',
      channel: channel.id,
      user: user.id,
      text,
      ts: msg.ts,
      channel_type: channel.kind ?? (channel.isPrivate ? 'group' : 'channel'),
      ...(msg.threadTs ? { thread_ts: msg.threadTs } : {}),
      ...(files.length ? { subtype: 'file_share', files: messageJson(msg, d.ws).files } : {}),
    });
  }
  return { ok: true, ts: msg.ts };
}

/** Opens the Home tab as a person: app_home_opened goes to the bot when subscribed. */
export async function openHome(d: UiDeps, a: Record<string, unknown>): Promise<UiResult> {
  const user = personaOf(d, a.user);
  if (!subscribed(d, 'app_home_opened')) return { ok: true, sent: false };
  const home = d.ws.homes.get(user.id);
  await d.sender.event({ type: 'app_home_opened', user: user.id, channel: d.ws.dmId(user.id), tab: 'home', ...(home ? { view: viewJson(home) } : {}) });
  return { ok: true, sent: true };
}

/** Handles for the user groups (mentions show them): the local ones by role, others by id. */
function usergroupNames(d: UiDeps): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of d.ws.personas.values()) for (const g of p.usergroups) out[g] = g === LOCAL_USERGROUPS.oncall ? 'oncall' : g === LOCAL_USERGROUPS.approvers ? 'approvers' : g;
  return out;
}

/** What the page shows a person: the channels, the messages they may see, their views. */
export function stateFor(d: UiDeps, userId: string, rejections: readonly Rejection[]): Record<string, unknown> {
  // A person sees their own direct messages only (with the bot, or a group they are in).
  const mine = (c: { kind?: string; members: Set<string> }) => c.kind === undefined || c.members.has(userId);
  const hidden = new Set([...d.ws.channels.values()].filter((c) => !mine(c)).map((c) => c.id));
  const visible = d.ws.messages.filter((m) => (m.ephemeralTo === undefined || m.ephemeralTo === userId) && !hidden.has(m.channel));
  return {
    version: d.ws.version,
    botUserId: d.ws.botUserId,
    appName: d.manifest.appName,
    botName: d.manifest.botName,
    personas: [...d.ws.personas.values()],
    usergroups: usergroupNames(d),
    channels: [...d.ws.channels.values()].filter(mine).map((c) => ({ id: c.id, name: c.name, isArchived: c.isArchived, isPrivate: c.isPrivate, member: c.members.has(userId), topic: c.topic, pins: [...c.pins], ...(c.kind ? { kind: c.kind, members: [...c.members] } : {}) })),
    /** The person's direct message with the bot. */
    dm: d.ws.dmId(userId),
    messages: visible.map((m) => ({ ...messageJson(m, d.ws), channel: m.channel, isBot: m.isBot, ...(m.ephemeralTo ? { ephemeral: true } : {}) })),
    modals: (d.ws.modals.get(userId) ?? []).map((v) => viewJson(v)),
    home: d.ws.homes.has(userId) ? viewJson(d.ws.homes.get(userId)!) : null,
    homeTab: d.manifest.homeTab,
    commands: d.manifest.commands,
    shortcuts: d.manifest.shortcuts,
    rejections,
  };
}
