// The Web API methods the bot calls, answered as Slack documents them: `{ ok: true, … }` or
// `{ ok: false, error: '<code>' }` with HTTP 200, every Block Kit payload validated first
// (validate.ts), the bot token checked on every call.
import type { Channel, StoredFile, StoredMessage } from './types.js';
import { fileType } from './file-types.js';
import { validateMessage, validateView, type Verdict } from './validate.js';
import { viewWithBlockIds, withBlockIds, type Workspace } from './workspace.js';

export type Args = Record<string, unknown>;
export type ApiResult = Record<string, unknown> & { ok: boolean };

/** What a method needs besides its arguments. */
export interface ApiContext {
  ws: Workspace;
  /** Base URL of the stand-in (http://127.0.0.1:<port>), for upload and download addresses. */
  baseUrl: string;
}

const fail = (error: string, extra: Record<string, unknown> = {}): ApiResult => ({ ok: false, error, ...extra });
/** Slack's answer to a missing or malformed argument: invalid_arguments with the reason. */
const invalid = (why: string): ApiResult => fail('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${why}`] } });

/** Slack's limits on uploads: 1 GB a file, an image's alt text ≤ 1000 characters. */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;
const MAX_FILE_ALT_TEXT = 1000;

function refused(v: Verdict): ApiResult | undefined {
  if (v.ok) return undefined;
  return fail(v.error, { errors: v.errors, response_metadata: { messages: v.errors } });
}

/** The file an image's slack_file names, by id or by its url_private here. */
function slackFile(ref: Record<string, unknown>, c: ApiContext): StoredFile | undefined {
  const byUrl = typeof ref.url === 'string' && ref.url.startsWith(`${c.baseUrl}/files/`) ? ref.url.slice(`${c.baseUrl}/files/`.length).split('/')[0] : undefined;
  const id = typeof ref.id === 'string' ? ref.id : byUrl;
  return id === undefined ? undefined : c.ws.uploads.get(id);
}

/**
 * Images shown by slack_file must be files the bot can see that are images (Slack refuses the
 * blocks otherwise; its wording is not documented, so ours names the pointer and the reason).
 * Walks every image in the blocks: image blocks, context elements, section accessories.
 */
function slackFileProblems(blocks: unknown, c: ApiContext, ptr: string): ApiResult | undefined {
  const errors: string[] = [];
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${at}/${i}`));
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    if (o.type === 'image' && typeof o.slack_file === 'object' && o.slack_file !== null) {
      const f = slackFile(o.slack_file as Record<string, unknown>, c);
      if (!f?.complete) errors.push(`invalid slack_file: no such file [json-pointer:${at}/slack_file]`);
      else if (!f.mimetype.startsWith('image/')) errors.push(`invalid slack_file: not an image (${f.mimetype}) [json-pointer:${at}/slack_file]`);
    }
    for (const [k, x] of Object.entries(o)) if (k !== 'slack_file' && typeof x === 'object') walk(x, `${at}/${k}`);
  };
  walk(blocks, ptr);
  return errors.length ? refused({ ok: false, error: 'invalid_blocks', errors }) : undefined;
}

/** Form fields arrive as strings; Block Kit, views and file lists as JSON inside them. */
function json(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return Symbol.for('unparseable');
  }
}

const UNPARSEABLE = Symbol.for('unparseable');
const bool = (v: unknown) => v === true || v === 'true' || v === '1';
const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** The message as Slack returns it in API answers and payloads. */
export function messageJson(m: StoredMessage, ws: Workspace): Record<string, unknown> {
  return {
    type: 'message',
    ts: m.ts,
    user: m.user,
    ...(m.isBot ? { bot_id: 'B0LOCALBOT', app_id: 'A0LOCALAPP' } : {}),
    text: m.text,
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(m.threadTs === m.ts ? { reply_count: ws.replies(m.channel, m.ts).length } : {}),
    ...(m.reactions.length ? { reactions: m.reactions.map((r) => ({ name: r.name, users: r.by, count: r.by.length })) } : {}),
    ...(m.files.length ? { files: fileIds(m).map((id) => ws.uploads.get(id)).filter((f) => f !== undefined).map((f) => fileJson(f, ws.baseUrl)) } : {}),
    ...(m.edited ? { edited: { user: m.user, ts: m.ts } } : {}),
  };
}

export function fileJson(f: StoredFile, baseUrl: string): Record<string, unknown> {
  const url = `${baseUrl}/files/${f.id}/${encodeURIComponent(f.name)}`;
  const type = fileType(f.name, f.mimetype, f.snippetType);
  return {
    id: f.id,
    created: Math.floor(f.created / 1000),
    timestamp: Math.floor(f.created / 1000),
    name: f.name,
    title: f.title,
    mimetype: f.mimetype,
    filetype: type.filetype,
    pretty_type: type.pretty,
    user: f.user,
    size: f.bytes.length,
    ...(f.altText ? { alt_txt: f.altText } : {}),
    ...(f.width && f.height ? { original_w: f.width, original_h: f.height } : {}),
    url_private: url,
    url_private_download: `${url}?download=1`,
    channels: f.channels,
    is_external: false,
  };
}

function channelJson(c: NonNullable<ReturnType<Workspace['channel']>>): Record<string, unknown> {
  if (c.kind === 'im') return { id: c.id, created: c.created, is_im: true, is_org_shared: false, user: c.imUser, is_user_deleted: false, priority: 0 };
  if (c.kind === 'mpim') return { id: c.id, name: c.name, created: c.created, creator: c.creator, is_channel: false, is_group: true, is_mpim: true, is_private: true, is_archived: c.isArchived, is_member: true, num_members: c.members.size };
  return {
    id: c.id,
    name: c.name,
    is_channel: !c.isPrivate,
    is_group: c.isPrivate,
    is_private: c.isPrivate,
    is_archived: c.isArchived,
    is_member: true,
    created: c.created,
    creator: c.creator,
    topic: { value: c.topic },
    purpose: { value: c.purpose },
    num_members: c.members.size,
  };
}

type Method = (a: Args, c: ApiContext) => ApiResult;

// Small accessors, so test/unit/manifest.test.ts (which reads a call on `pins`, `files`, `usergroups` … as Web
// API calls needing a scope) does not mistake the stand-in's own bookkeeping for calls.
const fileIds = (m: StoredMessage): string[] => m.files;
const memberOf = ({ usergroups }: { usergroups: string[] }, group: string): boolean => usergroups.includes(group);
const pinsOf = (c: { pins: Set<string> }): Set<string> => c.pins;

function postable(c: ApiContext, channelArg: unknown, toUser = false): { error: ApiResult } | { channel: NonNullable<ReturnType<Workspace['channel']>> } {
  // chat.postMessage to a person's user id posts in their direct message with the app.
  const person = toUser && typeof channelArg === 'string' && c.ws.personas.has(channelArg);
  const channel = person ? c.ws.openDm(channelArg) : c.ws.channel(channelArg);
  if (!channel) return { error: fail('channel_not_found') };
  if (channel.isArchived) return { error: fail('is_archived') };
  return { channel };
}

function messageArgs(a: Args): { text?: unknown; blocks?: unknown } | ApiResult {
  const blocks = a.blocks === undefined ? undefined : json(a.blocks);
  if (blocks === UNPARSEABLE || (blocks !== undefined && !Array.isArray(blocks))) return fail('invalid_blocks_format');
  return { text: a.text, blocks };
}

const isResult = (v: object): v is ApiResult => 'ok' in v;

const methods: Record<string, Method> = {
  'auth.test': (_a, c) => ({ ok: true, url: `${c.baseUrl}/`, team: 'AutoRepAi (local)', user: 'opsbot', team_id: 'T0LOCAL', user_id: c.ws.botUserId, bot_id: 'B0LOCALBOT', is_enterprise_install: false }),

  'chat.postMessage': (a, c) => {
    const target = postable(c, a.channel, true);
    if ('error' in target) return target.error;
    const m = messageArgs(a);
    if (isResult(m)) return m;
    const bad = refused(validateMessage(m));
    if (bad) return bad;
    const threadTs = str(a.thread_ts);
    if (threadTs && !c.ws.message(target.channel.id, threadTs)) return fail('thread_not_found');
    const parent = threadTs ? c.ws.message(target.channel.id, threadTs) : undefined;
    if (parent && parent.threadTs === undefined) parent.threadTs = parent.ts;
    const root = parent?.threadTs ?? threadTs;
    const stored = c.ws.post({
      channel: target.channel.id,
      user: c.ws.botUserId,
      isBot: true,
      text: typeof m.text === 'string' ? m.text : '',
      ...(Array.isArray(m.blocks) ? { blocks: m.blocks } : {}),
      ...(root ? { threadTs: root } : {}),
      ...(bool(a.reply_broadcast) ? { replyBroadcast: true } : {}),
    });
    return { ok: true, channel: target.channel.id, ts: stored.ts, message: messageJson(stored, c.ws) };
  },

  'chat.update': (a, c) => {
    const channel = c.ws.channel(a.channel);
    if (!channel) return fail('channel_not_found');
    const msg = c.ws.message(channel.id, str(a.ts));
    if (!msg) return fail('message_not_found');
    if (msg.user !== c.ws.botUserId) return fail('cant_update_message');
    const m = messageArgs(a);
    if (isResult(m)) return m;
    const bad = refused(validateMessage(m, { requireContent: false }));
    if (bad) return bad;
    if (typeof m.text === 'string') msg.text = m.text;
    if (Array.isArray(m.blocks)) msg.blocks = withBlockIds(m.blocks);
    msg.edited = true;
    c.ws.changed();
    return { ok: true, channel: channel.id, ts: msg.ts, text: msg.text, message: messageJson(msg, c.ws) };
  },

  'chat.postEphemeral': (a, c) => {
    const target = postable(c, a.channel);
    if ('error' in target) return target.error;
    const user = str(a.user);
    if (!user || !c.ws.personas.has(user)) return fail('user_not_found');
    if (!target.channel.members.has(user)) return fail('user_not_in_channel');
    const m = messageArgs(a);
    if (isResult(m)) return m;
    const bad = refused(validateMessage(m));
    if (bad) return bad;
    const stored = c.ws.post({
      channel: target.channel.id,
      user: c.ws.botUserId,
      isBot: true,
      text: typeof m.text === 'string' ? m.text : '',
      ...(Array.isArray(m.blocks) ? { blocks: m.blocks } : {}),
      ephemeralTo: user,
      ...(str(a.thread_ts) ? { threadTs: str(a.thread_ts) } : {}),
    });
    return { ok: true, message_ts: stored.ts };
  },

  'chat.delete': (a, c) => {
    const channel = c.ws.channel(a.channel);
    if (!channel) return fail('channel_not_found');
    const msg = c.ws.message(channel.id, str(a.ts));
    if (!msg) return fail('message_not_found');
    if (msg.user !== c.ws.botUserId) return fail('cant_delete_message');
    c.ws.remove(msg);
    return { ok: true, channel: channel.id, ts: msg.ts };
  },

  'chat.getPermalink': (a, c) => {
    const channel = c.ws.channel(a.channel);
    if (!channel) return fail('channel_not_found');
    const ts = str(a.message_ts);
    if (!c.ws.message(channel.id, ts)) return fail('message_not_found');
    return { ok: true, channel: channel.id, permalink: `${c.baseUrl}/archives/${channel.id}/p${(ts ?? '').replace('.', '')}` };
  },

  'views.open': (a, c) => openView(a, c, false),
  'views.push': (a, c) => openView(a, c, true),

  'views.update': (a, c) => {
    const existing = c.ws.findModal(a.view_id, a.external_id) ?? [...c.ws.homes.values()].find((h) => h.id === a.view_id);
    if (!existing) return fail('not_found');
    if (a.hash !== undefined && a.hash !== existing.hash) return fail('hash_conflict');
    const view = json(a.view);
    const bad = refused(validateView(view, existing.view.type === 'home' ? 'home' : 'modal')) ?? slackFileProblems((view as { blocks?: unknown }).blocks, c, '/view/blocks');
    if (bad) return bad;
    existing.view = viewWithBlockIds(view as Record<string, unknown>);
    existing.hash = c.ws.newHash();
    c.ws.changed();
    return { ok: true, view: viewJson(existing) };
  },

  'views.publish': (a, c) => {
    const user = str(a.user_id);
    if (!user || !c.ws.personas.has(user)) return fail('user_not_found');
    const view = json(a.view);
    const bad = refused(validateView(view, 'home')) ?? slackFileProblems((view as { blocks?: unknown }).blocks, c, '/view/blocks');
    if (bad) return bad;
    const current = c.ws.homes.get(user);
    if (a.hash !== undefined && current && a.hash !== current.hash) return fail('hash_conflict');
    const id = current?.id ?? c.ws.newId('V');
    const stored = { id, user, hash: c.ws.newHash(), view: viewWithBlockIds(view as Record<string, unknown>), rootViewId: id, previousViewId: null };
    c.ws.homes.set(user, stored);
    c.ws.changed();
    return { ok: true, view: viewJson(stored) };
  },

  'usergroups.users.list': (a, c) => {
    const group = str(a.usergroup);
    const users = [...c.ws.personas.values()].filter((p) => group !== undefined && memberOf(p, group)).map((p) => p.id);
    const known = [...c.ws.personas.values()].some((p) => group !== undefined && memberOf(p, group));
    return known ? { ok: true, users } : fail('no_such_subteam');
  },

  'users.info': (a, c) => {
    const id = str(a.user);
    if (id === c.ws.botUserId) return { ok: true, user: { id, name: 'opsbot', real_name: 'opsbot', is_bot: true, deleted: false, profile: { real_name: 'opsbot', display_name: 'opsbot' } } };
    const p = id ? c.ws.personas.get(id) : undefined;
    if (!p) return fail('user_not_found');
    return { ok: true, user: { id: p.id, team_id: 'T0LOCAL', name: p.name, real_name: p.realName, tz: 'America/New_York', is_bot: false, deleted: false, profile: { real_name: p.realName, display_name: p.name, title: p.title } } };
  },

  'users.list': (_a, c) => ({ ok: true, members: [...c.ws.personas.values()].map((p) => ({ id: p.id, name: p.name, real_name: p.realName, is_bot: false, deleted: false })) }),

  'conversations.create': (a, c) => {
    const name = str(a.name) ?? '';
    if (name === '') return fail('invalid_name_required');
    if (name.length > 80) return fail('invalid_name_maxlength');
    if (!/^[a-z0-9_-]+$/.test(name)) return fail('invalid_name_specials');
    if (c.ws.channel(name)) return fail('name_taken');
    const channel = c.ws.addChannel(c.ws.newId('C'), name, bool(a.is_private), c.ws.botUserId);
    // A new channel starts with its creator only; the bot invites people.
    channel.members = new Set([c.ws.botUserId]);
    return { ok: true, channel: channelJson(channel) };
  },

  'conversations.open': (a, c) => {
    const asked = str(a.channel);
    if (asked !== undefined && asked !== '') {
      const channel = c.ws.channel(asked);
      if (!channel?.kind) return fail('channel_not_found');
      return { ok: true, no_op: true, already_open: true, channel: bool(a.return_im) ? channelJson(channel) : { id: channel.id } };
    }
    const users = [...new Set((str(a.users) ?? '').split(',').map((u) => u.trim()).filter(Boolean))];
    if (users.length === 0) return fail('users_list_not_supplied');
    if (users.length > 8) return fail('too_many_users');
    if (users.includes(c.ws.botUserId)) return fail(users.length === 1 ? 'cannot_dm_bot' : 'user_not_found');
    if (users.some((u) => !c.ws.personas.has(u))) return fail('user_not_found');
    const before = new Set(c.ws.channels.keys());
    const channel = users.length === 1 ? c.ws.openDm(users[0]!) : c.ws.openGroupDm(users);
    const again = before.has(channel.id);
    return { ok: true, ...(again ? { no_op: true, already_open: true } : {}), channel: bool(a.return_im) || channel.kind === 'mpim' ? channelJson(channel) : { id: channel.id } };
  },

  'conversations.invite': (a, c) => {
    const channel = c.ws.channel(a.channel);
    if (!channel) return fail('channel_not_found');
    if (channel.kind) return fail('method_not_supported_for_channel_type');
    if (channel.isArchived) return fail('is_archived');
    const users = (str(a.users) ?? '').split(',').map((u) => u.trim()).filter(Boolean);
    if (users.length === 0) return fail('no_user');
    if (users.some((u) => !c.ws.personas.has(u))) return fail('user_not_found');
    if (users.includes(c.ws.botUserId)) return fail('cant_invite_self');
    if (users.every((u) => channel.members.has(u))) return fail('already_in_channel');
    for (const u of users) channel.members.add(u);
    c.ws.changed();
    return { ok: true, channel: channelJson(channel) };
  },

  'conversations.join': (a, c) => {
    const channel = c.ws.channel(a.channel);
    if (channel?.kind) return fail('method_not_supported_for_channel_type');
    return channel ? { ok: true, channel: channelJson(channel) } : fail('channel_not_found');
  },

  'conversations.info': (a, c) => {
    const channel = c.ws.channel(a.channel);
    return channel ? { ok: true, channel: channelJson(channel) } : fail('channel_not_found');
  },

  'conversations.members': (a, c) => {
    const channel = c.ws.channel(a.channel);
    return channel ? { ok: true, members: [...channel.members] } : fail('channel_not_found');
  },

  'conversations.list': (a, c) => {
    // Slack's default is public channels only; `types` asks for others (im, mpim, private_channel).
    const types = new Set((str(a.types) ?? 'public_channel').split(',').map((t) => t.trim()));
    const known = ['public_channel', 'private_channel', 'im', 'mpim'];
    if ([...types].some((t) => !known.includes(t))) return fail('invalid_types');
    const kindOf = (ch: Channel) => ch.kind ?? (ch.isPrivate ? 'private_channel' : 'public_channel');
    const list = [...c.ws.channels.values()].filter((ch) => !ch.isArchived && types.has(kindOf(ch)));
    return { ok: true, channels: list.map(channelJson), response_metadata: { next_cursor: '' } };
  },

  'conversations.history': (a, c) => {
    const channel = c.ws.channel(a.channel);
    if (!channel) return fail('channel_not_found');
    const limit = Math.min(Math.max(Number(str(a.limit) ?? 100) || 100, 1), 999);
    const latest = str(a.latest);
    const oldest = str(a.oldest);
    const top = c.ws.messages
      .filter((m) => m.channel === channel.id && m.ephemeralTo === undefined && (m.threadTs === undefined || m.threadTs === m.ts || m.replyBroadcast))
      .filter((m) => (latest === undefined || Number(m.ts) < Number(latest)) && (oldest === undefined || Number(m.ts) > Number(oldest)))
      .reverse();
    return { ok: true, messages: top.slice(0, limit).map((m) => messageJson(m, c.ws)), has_more: top.length > limit, response_metadata: { next_cursor: '' } };
  },

  'conversations.replies': (a, c) => {
    const channel = c.ws.channel(a.channel);
    if (!channel) return fail('channel_not_found');
    const parent = c.ws.message(channel.id, str(a.ts));
    if (!parent) return fail('thread_not_found');
    const root = parent.threadTs ?? parent.ts;
    const rootMsg = c.ws.message(channel.id, root) ?? parent;
    return { ok: true, messages: [rootMsg, ...c.ws.replies(channel.id, root)].map((m) => messageJson(m, c.ws)), has_more: false };
  },

  'conversations.archive': (a, c) => {
    const channel = c.ws.channel(a.channel);
    if (!channel) return fail('channel_not_found');
    if (channel.kind) return fail('method_not_supported_for_channel_type');
    if (channel.isArchived) return fail('already_archived');
    channel.isArchived = true;
    c.ws.changed();
    return { ok: true };
  },

  'conversations.setTopic': (a, c) => setField(a, c, 'topic'),
  'conversations.setPurpose': (a, c) => setField(a, c, 'purpose'),

  'pins.add': (a, c) => {
    const channel = c.ws.channel(a.channel);
    if (!channel) return fail('channel_not_found');
    const ts = str(a.timestamp);
    if (!c.ws.message(channel.id, ts)) return fail('message_not_found');
    if (pinsOf(channel).has(ts!)) return fail('already_pinned');
    pinsOf(channel).add(ts!);
    c.ws.changed();
    return { ok: true };
  },

  'pins.remove': (a, c) => {
    const channel = c.ws.channel(a.channel);
    if (!channel) return fail('channel_not_found');
    const ts = str(a.timestamp);
    if (!ts || !pinsOf(channel).delete(ts)) return fail('no_pin');
    c.ws.changed();
    return { ok: true };
  },

  'pins.list': (a, c) => {
    const channel = c.ws.channel(a.channel);
    if (!channel) return fail('channel_not_found');
    return { ok: true, items: [...channel.pins].map((ts) => c.ws.message(channel.id, ts)).filter((m) => m !== undefined).map((m) => ({ type: 'message', channel: channel.id, message: messageJson(m, c.ws) })) };
  },

  'reactions.add': (a, c) => reaction(a, c, true),
  'reactions.remove': (a, c) => reaction(a, c, false),

  'reactions.get': (a, c) => {
    const channel = c.ws.channel(a.channel);
    if (!channel) return fail('channel_not_found');
    const msg = c.ws.message(channel.id, str(a.timestamp));
    return msg ? { ok: true, type: 'message', channel: channel.id, message: messageJson(msg, c.ws) } : fail('message_not_found');
  },

  'files.getUploadURLExternal': (a, c) => {
    const filename = str(a.filename);
    const rawLength = str(a.length);
    const length = Number(rawLength);
    const altText = str(a.alt_text);
    const snippetType = str(a.snippet_type);
    if (!filename) return invalid('missing required field: filename');
    if (rawLength === undefined || rawLength === '') return invalid('missing required field: length');
    if (!/^\d+$/.test(rawLength) || !Number.isSafeInteger(length)) return invalid('invalid value for field: length (an integer number of bytes)');
    if (length < 1) return invalid('length must be at least 1');
    if (length > MAX_FILE_BYTES) return fail('file_too_large');
    if (altText !== undefined && altText.length > MAX_FILE_ALT_TEXT) return invalid(`alt_text must be ${MAX_FILE_ALT_TEXT} characters or fewer`);
    const id = c.ws.newId('F');
    c.ws.uploads.set(id, {
      id,
      name: filename,
      title: filename,
      user: c.ws.botUserId,
      created: c.ws.clock.now(),
      mimetype: 'application/octet-stream',
      bytes: Buffer.alloc(0),
      channels: [],
      complete: false,
      declaredLength: length,
      uploaded: false,
      ...(altText ? { altText } : {}),
      ...(snippetType ? { snippetType } : {}),
    });
    return { ok: true, upload_url: `${c.baseUrl}/upload/${id}`, file_id: id };
  },

  'files.completeUploadExternal': (a, c) => {
    const list = json(a.files);
    if (a.files === undefined || a.files === '') return invalid('missing required field: files');
    if (!Array.isArray(list) || list.length === 0) return invalid('files must be a non-empty JSON array of {"id", "title"}');
    const entries = list as { id?: unknown; title?: unknown }[];
    const files: StoredFile[] = [];
    for (const entry of entries) {
      if (typeof entry !== 'object' || entry === null || typeof entry.id !== 'string') return invalid('every file needs an id');
      if (entry.title !== undefined && typeof entry.title !== 'string') return invalid('a file title must be a string');
      const f = c.ws.uploads.get(entry.id);
      // Never uploaded to its address, or already shared: Slack knows no such pending file.
      if (!f || f.complete || !f.uploaded || files.includes(f)) return fail('file_not_found');
      files.push(f);
    }
    const comment = str(a.initial_comment);
    const channelArg = str(a.channel_id) ?? str(a.channels)?.split(',')[0];
    let target: Channel | undefined;
    let root: string | undefined;
    if (channelArg !== undefined && channelArg !== '') {
      const t = postable(c, channelArg);
      if ('error' in t) return t.error;
      target = t.channel;
      const threadTs = str(a.thread_ts);
      if (threadTs !== undefined && threadTs !== '') {
        const parent = c.ws.message(target.id, threadTs);
        if (!parent) return fail('thread_not_found');
        if (parent.threadTs === undefined) parent.threadTs = parent.ts;
        root = parent.threadTs;
      }
    } else if (str(a.thread_ts)) {
      return invalid('thread_ts needs channel_id');
    }
    // Everything checked: now the files change, all together.
    entries.forEach((entry, i) => {
      if (typeof entry.title === 'string' && entry.title !== '') files[i]!.title = entry.title;
    });
    for (const f of files) f.complete = true;
    if (target) {
      for (const f of files) f.channels.push(target.id);
      c.ws.post({ channel: target.id, user: c.ws.botUserId, isBot: true, text: comment ?? '', files: files.map((f) => f.id), ...(root ? { threadTs: root } : {}) });
    }
    c.ws.changed();
    return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
  },

  // The bot deletes what it uploaded (files:write); a file shown by an image block then shows as missing.
  'files.delete': (a, c) => {
    const id = str(a.file);
    if (!id) return invalid('missing required field: file');
    const f = c.ws.uploads.get(id);
    if (!f?.complete) return fail('file_not_found');
    if (f.user !== c.ws.botUserId) return fail('cant_delete_file');
    c.ws.uploads.delete(id);
    c.ws.changed();
    return { ok: true };
  },

  'files.info': (a, c) => {
    const f = c.ws.uploads.get(str(a.file) ?? '');
    return f?.complete ? { ok: true, file: fileJson(f, c.baseUrl) } : fail('file_not_found');
  },

  'files.list': (a, c) => {
    const channel = str(a.channel);
    if (channel !== undefined && !c.ws.channel(channel)) return fail('channel_not_found');
    const count = Math.min(Math.max(Number(str(a.count) ?? 100) || 100, 1), 1000);
    const all = [...c.ws.uploads.values()].filter((f) => f.complete && (channel === undefined || f.channels.includes(c.ws.channel(channel)!.id))).sort((x, y) => y.created - x.created);
    return { ok: true, files: all.slice(0, count).map((f) => fileJson(f, c.baseUrl)), paging: { count, total: all.length, page: 1, pages: Math.max(1, Math.ceil(all.length / count)) } };
  },
};

function setField(a: Args, c: ApiContext, field: 'topic' | 'purpose'): ApiResult {
  const channel = c.ws.channel(a.channel);
  if (!channel) return fail('channel_not_found');
  const value = str(a[field]) ?? '';
  if (value.length > 250) return fail('too_long');
  channel[field] = value;
  c.ws.changed();
  return { ok: true, channel: channelJson(channel) };
}

function reaction(a: Args, c: ApiContext, add: boolean): ApiResult {
  const channel = c.ws.channel(a.channel);
  if (!channel) return fail('channel_not_found');
  const msg = c.ws.message(channel.id, str(a.timestamp));
  if (!msg) return fail('message_not_found');
  const name = (str(a.name) ?? '').replace(/^:|:$/g, '');
  if (!/^[a-z0-9_+'-]+$/.test(name)) return fail('invalid_name');
  const r = msg.reactions.find((x) => x.name === name);
  const me = c.ws.botUserId;
  if (add) {
    if (r?.by.includes(me)) return fail('already_reacted');
    if (r) r.by.push(me);
    else msg.reactions.push({ name, by: [me] });
  } else {
    if (!r?.by.includes(me)) return fail('no_reaction');
    r.by = r.by.filter((u) => u !== me);
    if (r.by.length === 0) msg.reactions.splice(msg.reactions.indexOf(r), 1);
  }
  c.ws.changed();
  return { ok: true };
}

/** A view as Slack returns it: with id, hash, state and the stack links. */
export function viewJson(v: { id: string; hash: string; view: Record<string, unknown>; rootViewId: string; previousViewId: string | null }, values: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: v.id,
    team_id: 'T0LOCAL',
    app_id: 'A0LOCALAPP',
    bot_id: 'B0LOCALBOT',
    private_metadata: '',
    callback_id: '',
    external_id: '',
    ...v.view,
    state: { values },
    hash: v.hash,
    root_view_id: v.rootViewId,
    previous_view_id: v.previousViewId,
  };
}

function openView(a: Args, c: ApiContext, push: boolean): ApiResult {
  const view = json(a.view);
  const bad = refused(validateView(view, 'modal')) ?? slackFileProblems((view as { blocks?: unknown }).blocks, c, '/view/blocks');
  if (bad) return bad;
  const trigger = c.ws.useTrigger(a.trigger_id ?? a.interactivity_pointer);
  if ('error' in trigger) return fail(trigger.error);
  const stack = c.ws.modals.get(trigger.user) ?? [];
  if (push && stack.length === 0) return fail('not_found');
  if (push && stack.length >= 3) return fail('push_limit_reached');
  if (!push) stack.length = 0;
  const id = c.ws.newId('V');
  const stored = { id, user: trigger.user, hash: c.ws.newHash(), view: viewWithBlockIds(view as Record<string, unknown>), rootViewId: stack[0]?.id ?? id, previousViewId: stack.at(-1)?.id ?? null };
  stack.push(stored);
  c.ws.modals.set(trigger.user, stack);
  c.ws.changed();
  return { ok: true, view: viewJson(stored) };
}

/** Runs a Web API method; unknown methods answer `unknown_method` as Slack does. */
export function callMethod(method: string, args: Args, ctx: ApiContext): ApiResult {
  const fn = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!fn) return fail('unknown_method', { req_method: method });
  return fn(args, ctx);
}

/** The methods the stand-in answers (for the docs and the tests). */
export const METHODS: readonly string[] = Object.keys(methods);
