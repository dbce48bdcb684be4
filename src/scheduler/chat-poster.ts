// Posting to channels from scheduled work (no slash command, so no response_url): a small
// interface with a Slack adapter, a throttle that keeps to Slack's ~1 message per second per
// channel, and an in-memory fake for tests.
import type { webApi } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { Clock } from '../clock.js';
import { InputError, UpstreamError } from '../errors.js';

/** A message for a channel, optionally as a reply in a thread. */
export interface ChatMessage {
  channel: string;
  /** Notification and fallback text; also what screen readers read. */
  text: string;
  blocks?: KnownBlock[];
  /** Reply in this thread. */
  threadTs?: string;
  /** With threadTs: also show the reply in the channel. */
  broadcast?: boolean;
}

/** Where a posted message landed. */
export interface PostedMessage {
  channel: string;
  ts: string;
}

/** A message the bot posted earlier, with its new content. */
export interface ChatUpdate {
  channel: string;
  ts: string;
  text: string;
  blocks?: KnownBlock[];
}

/** Posts and edits bot messages in channels. */
export interface ChatPoster {
  /** Posts a message and returns its channel and timestamp. */
  postMessage(msg: ChatMessage): Promise<PostedMessage>;
  /** Replaces the text and blocks of a message the bot posted. */
  update(msg: ChatUpdate): Promise<void>;
}

/** The part of Bolt's WebClient the adapter uses (app.client, or a WebClient for background posts). */
export type SlackChatClient = Pick<webApi.WebClient, 'chat'>;

/** Slack errors a person can fix, as messages that say how; anything else unchanged. */
function translate(err: unknown, channel: string): Error {
  const code = (err as { data?: { error?: string } }).data?.error;
  if (code === 'not_in_channel' || code === 'channel_not_found') {
    return new InputError(`I can't post in <#${channel}>: invite me first with \`/invite @opsbot\`, then try again.`);
  }
  if (code === 'ratelimited' || (err as { code?: string }).code === 'slack_webapi_rate_limited_error') {
    return new UpstreamError('Slack is rate limiting me right now; try again in a minute.');
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** ChatPoster over Slack's chat.postMessage and chat.update (scope chat:write). */
export function slackChatPoster(client: SlackChatClient): ChatPoster {
  const poster: ChatPoster = {
    async postMessage(msg) {
      // Spelled out per case: Slack's argument type is a union that optional fields do not satisfy.
      const { channel, text, blocks, threadTs } = msg;
      const broadcast = msg.broadcast === true;
      const res = threadTs
        ? blocks
          ? await client.chat.postMessage({ channel, text, blocks, thread_ts: threadTs, reply_broadcast: broadcast, unfurl_links: false })
          : await client.chat.postMessage({ channel, text, thread_ts: threadTs, reply_broadcast: broadcast, unfurl_links: false })
        : blocks
          ? await client.chat.postMessage({ channel, text, blocks, unfurl_links: false })
          : await client.chat.postMessage({ channel, text, unfurl_links: false });
      if (!res.ts) throw new UpstreamError(`Slack did not post the message (${res.error ?? 'no ts in the answer'}).`);
      return { channel: res.channel ?? msg.channel, ts: res.ts };
    },
    async update(msg) {
      await client.chat.update({ channel: msg.channel, ts: msg.ts, text: msg.text, ...(msg.blocks ? { blocks: msg.blocks } : {}) });
    },
  };
  return {
    postMessage: (msg) => poster.postMessage(msg).catch((err: unknown) => Promise.reject(translate(err, msg.channel))),
    update: (msg) => poster.update(msg).catch((err: unknown) => Promise.reject(translate(err, msg.channel))),
  };
}

export interface ThrottleOptions {
  clock: Clock;
  /** Minimum time between two posts to the same channel. */
  minIntervalMs?: number;
  /** Waits; tests pass one that advances a fake clock. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Keeps posts to one channel at least `minIntervalMs` apart (Slack allows about one message per
 * second per channel and answers bursts with 429). Edits are not throttled: chat.update has its
 * own, much higher, method limit.
 */
export function throttledPoster(inner: ChatPoster, o: ThrottleOptions): ChatPoster {
  const interval = o.minIntervalMs ?? 1000;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const nextFree = new Map<string, number>();
  return {
    async postMessage(msg) {
      const now = o.clock.now();
      const slot = Math.max(now, nextFree.get(msg.channel) ?? 0);
      // Reserve the slot before waiting so concurrent posts queue behind each other.
      nextFree.set(msg.channel, slot + interval);
      if (slot > now) await sleep(slot - now);
      return inner.postMessage(msg);
    },
    update: (msg) => inner.update(msg),
  };
}

/** A message recorded by the in-memory poster, with its current content. */
export interface RecordedMessage extends ChatMessage {
  ts: string;
  /** Clock time of the post. */
  postedAt: number;
  /** Every content the message had after edits, oldest first. */
  edits: ChatUpdate[];
}

/** An in-memory ChatPoster for tests: records posts and edits; can be told to fail. */
export interface MemoryChatPoster extends ChatPoster {
  readonly messages: RecordedMessage[];
  /** Messages posted to the channel itself (thread replies excluded unless broadcast). */
  inChannel(channel?: string): RecordedMessage[];
  /** Replies in the thread of `ts`. */
  replies(ts: string): RecordedMessage[];
  /** Makes the next `n` posts throw, as Slack being down would. */
  failNext(n?: number): void;
}

export function memoryChatPoster(clock?: Clock): MemoryChatPoster {
  const messages: RecordedMessage[] = [];
  let seq = 0;
  let failures = 0;
  return {
    messages,
    async postMessage(msg) {
      await Promise.resolve();
      if (failures > 0) {
        failures--;
        throw new UpstreamError('Slack is unavailable (test)');
      }
      seq++;
      const ts = `1700000000.${String(seq).padStart(6, '0')}`;
      messages.push({ ...msg, ts, postedAt: clock?.now() ?? 0, edits: [] });
      return { channel: msg.channel, ts };
    },
    async update(msg) {
      await Promise.resolve();
      const m = messages.find((x) => x.ts === msg.ts && x.channel === msg.channel);
      if (!m) throw new UpstreamError(`message_not_found: ${msg.channel} ${msg.ts}`);
      m.edits.push(msg);
      m.text = msg.text;
      if (msg.blocks) m.blocks = msg.blocks;
    },
    inChannel: (channel) => messages.filter((m) => (!m.threadTs || m.broadcast) && (!channel || m.channel === channel)),
    replies: (ts) => messages.filter((m) => m.threadTs === ts),
    failNext(n = 1) {
      failures = n;
    },
  };
}
