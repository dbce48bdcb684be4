// What the local Slack workspace holds while it runs: channels, messages with threads and
// reactions, ephemeral messages, files, modal stacks and Home tabs, and the single-use
// trigger_ids and response_urls it handed out. In memory only; every change bumps a version
// the page follows (Server-Sent Events).
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Channel, ChannelSeed, Persona, StoredFile, StoredMessage, StoredView } from './types.js';

/** Where a response_url answers: the conversation and, for a click, the message clicked. */
export interface ResponseTarget {
  channel: string;
  user: string;
  /** The message the interaction came from (block_actions, message shortcuts). */
  messageTs?: string;
  threadTs?: string;
  /** The last message posted through this response_url (what a later replace_original edits). */
  lastTs?: string;
  uses: number;
  created: number;
}

const TRIGGER_TTL_MS = 3000;
const RESPONSE_URL_TTL_MS = 30 * 60_000;
export const RESPONSE_URL_MAX_USES = 5;

/**
 * Gives every block without a block_id one, as Slack does when it stores a message or view
 * (the ids come back in payloads and in view state).
 */
export function withBlockIds<T>(blocks: T): T {
  if (!Array.isArray(blocks)) return blocks;
  return blocks.map((b: unknown) => (typeof b === 'object' && b !== null && !('block_id' in b) ? { ...b, block_id: randomBytes(3).toString('base64url') } : b)) as T;
}

/** The same for a view's blocks. */
export function viewWithBlockIds(view: Record<string, unknown>): Record<string, unknown> {
  return { ...view, blocks: withBlockIds(view.blocks) };
}

export class Workspace {
  readonly channels = new Map<string, Channel>();
  readonly messages: StoredMessage[] = [];
  /** Files by id (named uploads: the manifest test reads `.files.<x>(` as a Web API call). */
  readonly uploads = new Map<string, StoredFile>();
  /** Open modals, per user, bottom first. */
  readonly modals = new Map<string, StoredView[]>();
  readonly homes = new Map<string, StoredView>();
  readonly personas: Map<string, Persona>;
  private readonly triggers = new Map<string, { user: string; issued: number; used: boolean }>();
  private readonly responses = new Map<string, ResponseTarget>();
  private readonly changes = new EventEmitter();
  private lastTs = 0;
  private counter = 0;
  version = 0;
  /** Base URL of the stand-in once it listens (file addresses point at it). */
  baseUrl = 'http://127.0.0.1';

  constructor(
    readonly clock: Clock,
    readonly botUserId: string,
    personas: readonly Persona[],
    channels: readonly ChannelSeed[],
  ) {
    this.personas = new Map(personas.map((p) => [p.id, p]));
    this.changes.setMaxListeners(0);
    for (const c of channels) this.addChannel(c.id, c.name, false, botUserId);
    // Every person has the app's Messages tab: their direct message with the bot.
    for (const p of personas) this.openDm(p.id);
  }

  /** Tells followers (the page) that something changed. */
  changed(): void {
    this.version++;
    this.changes.emit('change', this.version);
  }

  /** Calls `fn` on every change until the returned function is called. */
  follow(fn: (version: number) => void): () => void {
    this.changes.on('change', fn);
    return () => this.changes.off('change', fn);
  }

  /** A Slack-like id with the given prefix (C…, V…, F…). */
  newId(prefix: string): string {
    return `${prefix}0${(++this.counter).toString(36).toUpperCase().padStart(4, '0')}${randomBytes(3).toString('hex').toUpperCase()}`;
  }

  /** A message timestamp: seconds.micros, strictly increasing. */
  nextTs(): string {
    const micros = Math.max(this.clock.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  addChannel(id: string, name: string, isPrivate: boolean, creator: string): Channel {
    const channel: Channel = {
      id,
      name,
      created: Math.floor(this.clock.now() / 1000),
      isPrivate,
      isArchived: false,
      creator,
      members: new Set([this.botUserId, ...this.personas.keys()]),
      topic: '',
      purpose: '',
      pins: new Set(),
    };
    this.channels.set(id, channel);
    this.changed();
    return channel;
  }

  /** A channel by id, or by name with or without '#' (direct messages have ids only). */
  channel(idOrName: unknown): Channel | undefined {
    if (typeof idOrName !== 'string') return undefined;
    const byId = this.channels.get(idOrName);
    if (byId) return byId;
    const name = idOrName.replace(/^#/, '');
    return [...this.channels.values()].find((c) => c.kind === undefined && c.name === name);
  }

  /** The id of a person's direct message with the bot (the one app_home_opened names too). */
  dmId(user: string): string {
    return `D0${user.slice(1)}`;
  }

  /** A person's direct message with the bot, opened on first use (conversations.open, or a post to their user id). */
  openDm(user: string): Channel {
    const id = this.dmId(user);
    const existing = this.channels.get(id);
    if (existing) return existing;
    const channel = this.addChannel(id, id, true, this.botUserId);
    channel.kind = 'im';
    channel.imUser = user;
    channel.members = new Set([this.botUserId, user]);
    return channel;
  }

  /** A group direct message of the bot and `users` (two or more people), opened on first use. */
  openGroupDm(users: readonly string[]): Channel {
    const members = [...new Set(users)].sort();
    const existing = [...this.channels.values()].find((c) => c.kind === 'mpim' && c.members.size === members.length + 1 && members.every((u) => c.members.has(u)));
    if (existing) return existing;
    const names = members.map((u) => this.personas.get(u)?.name ?? u);
    const channel = this.addChannel(this.newId('G'), `mpdm-${names.join('--')}-1`, true, this.botUserId);
    channel.kind = 'mpim';
    channel.members = new Set([this.botUserId, ...members]);
    return channel;
  }

  message(channel: string, ts: unknown): StoredMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts && m.ephemeralTo === undefined);
  }

  /** Any message by ts, ephemeral ones included (for response_url replacing an ephemeral). */
  anyMessage(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  post(msg: Omit<StoredMessage, 'ts' | 'reactions' | 'files'> & { files?: string[] }): StoredMessage {
    const stored: StoredMessage = { ...msg, ...(msg.blocks ? { blocks: withBlockIds(msg.blocks) } : {}), ts: this.nextTs(), reactions: [], files: msg.files ?? [] };
    this.messages.push(stored);
    this.changed();
    return stored;
  }

  remove(m: StoredMessage): void {
    const i = this.messages.indexOf(m);
    if (i >= 0) this.messages.splice(i, 1);
    this.changed();
  }

  /** Replies of a thread, oldest first. */
  replies(channel: string, threadTs: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.threadTs === threadTs && m.ts !== threadTs && m.ephemeralTo === undefined);
  }

  issueTrigger(user: string): string {
    const id = `${Math.floor(this.clock.now() / 1000)}.${randomBytes(6).toString('hex')}`;
    this.triggers.set(id, { user, issued: this.clock.now(), used: false });
    return id;
  }

  /** Uses a trigger_id once: the Slack error code when it cannot be used, else the user it was issued to. */
  useTrigger(id: unknown): { error: string } | { user: string } {
    const t = typeof id === 'string' ? this.triggers.get(id) : undefined;
    if (!t) return { error: 'invalid_trigger_id' };
    if (t.used) return { error: 'exchanged_trigger_id' };
    if (this.clock.now() - t.issued > TRIGGER_TTL_MS) return { error: 'expired_trigger_id' };
    t.used = true;
    return { user: t.user };
  }

  issueResponseUrl(target: Omit<ResponseTarget, 'uses' | 'created'>): string {
    const id = randomBytes(12).toString('hex');
    this.responses.set(id, { ...target, uses: 0, created: this.clock.now() });
    return id;
  }

  /** A response_url's target, counting the use; the reason when it may no longer be used. */
  useResponseUrl(id: string): { error: string } | { target: ResponseTarget } {
    const t = this.responses.get(id);
    if (!t) return { error: 'invalid_url' };
    if (t.uses >= RESPONSE_URL_MAX_USES || this.clock.now() - t.created > RESPONSE_URL_TTL_MS) return { error: 'used_url' };
    t.uses++;
    return { target: t };
  }

  /** Finds an open modal (any user) by view id or external id. */
  findModal(viewId: unknown, externalId?: unknown): StoredView | undefined {
    for (const stack of this.modals.values()) {
      const v = stack.find((s) => (viewId !== undefined && s.id === viewId) || (externalId !== undefined && s.view.external_id === externalId));
      if (v) return v;
    }
    return undefined;
  }

  newHash(): string {
    return `${Math.floor(this.clock.now() / 1000)}.${randomBytes(4).toString('hex')}`;
  }
}
