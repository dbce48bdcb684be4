// Posting to channels from scheduled work (no slash command, so no response_url): a small
// interface with a Slack adapter, a throttle that keeps to Slack's ~1 message per second per
// channel, and an in-memory fake for tests.
import type { webApi } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { Clock } from '../core/clock.js';
import { InputError, isOpsError, type OpsError, UpstreamError } from '../core/errors.js';

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
  /** What this post is, for the error message if Slack fails (default "a message"). */
  purpose?: string;
  /** What a failure means for the user (default "nothing was posted"). */
  ifFails?: string;
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
  /** What this message is, for the error message if Slack fails (default "a message"). */
  purpose?: string;
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

/** What the bot was doing when Slack failed, and what that means, for the user's message. */
export interface SlackFailureContext {
  /** e.g. "posting the request message". */
  doing: string;
  /** e.g. "nothing was requested". */
  outcome?: string;
  channel?: string;
}

const STILL_WORKS = '/health and the opsbot CLI still work.';

/**
 * Slack Web API failures as messages that name Slack, say what did not happen and what to do:
 * HTTP errors (5xx), rate limits after our retries, network failures, and the platform errors a
 * person can fix (not_in_channel, channel_not_found, is_archived). Undefined for anything that is
 * not a Slack Web API error.
 */
export function describeSlackFailure(err: unknown, ctx: SlackFailureContext): OpsError | undefined {
  const e = err as { code?: unknown; statusCode?: unknown; retryAfter?: unknown; data?: { error?: unknown }; original?: { message?: unknown } } | undefined;
  if (!e || typeof e !== 'object') return undefined;
  const outcome = ctx.outcome ?? 'nothing was done';
  const where = ctx.channel ? `<#${ctx.channel}>` : 'this channel';
  const platform = typeof e.data?.error === 'string' ? e.data.error : undefined;
  if (e.code === 'slack_webapi_rate_limited_error' || platform === 'ratelimited') {
    const wait = typeof e.retryAfter === 'number' ? ` (it asked me to wait ${e.retryAfter} s)` : '';
    return new UpstreamError(`Slack is rate limiting me${wait} while ${ctx.doing}; ${outcome}. Try again in a minute; ${STILL_WORKS}`, { cause: err });
  }
  if (e.code === 'slack_webapi_http_error') {
    const status = typeof e.statusCode === 'number' ? e.statusCode : '?';
    return new UpstreamError(`Slack's API answered ${status} while ${ctx.doing}; ${outcome} — try again in a minute (Slack's status: status.slack.com); ${STILL_WORKS}`, { cause: err });
  }
  if (e.code === 'slack_webapi_request_error') {
    return new UpstreamError(`I could not reach Slack's API while ${ctx.doing}; ${outcome} — try again in a minute; ${STILL_WORKS}`, { cause: err });
  }
  if (platform === 'not_in_channel' || platform === 'channel_not_found') {
    return new InputError(`I can't post in ${where} (Slack said ${platform}); ${outcome}. Invite me first with \`/invite @opsbot\`, then try again.`);
  }
  if (platform === 'is_archived') {
    return new InputError(`${where} is archived, so Slack refused ${ctx.doing}; ${outcome}. Unarchive it, or run the command in another channel.`);
  }
  if (e.code === 'slack_webapi_platform_error' && platform) {
    return new UpstreamError(`Slack refused ${ctx.doing} (${platform.slice(0, 60)}); ${outcome}. Try again; if it keeps failing, ${STILL_WORKS}`, { cause: err });
  }
  return undefined;
}

/** Slack errors as user messages (see describeSlackFailure); anything else unchanged. */
function translate(err: unknown, ctx: SlackFailureContext): Error {
  if (isOpsError(err)) return err;
  return describeSlackFailure(err, ctx) ?? (err instanceof Error ? err : new Error(String(err)));
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
    postMessage: (msg) =>
      poster
        .postMessage(msg)
        .catch((err: unknown) =>
          Promise.reject(translate(err, { doing: `posting ${msg.purpose ?? 'a message'}`, outcome: msg.ifFails ?? 'nothing was posted', channel: msg.channel })),
        ),
    update: (msg) =>
      poster
        .update(msg)
        .catch((err: unknown) =>
          Promise.reject(translate(err, { doing: `updating ${msg.purpose ?? 'a message'}`, outcome: 'the message may show an old state', channel: msg.channel })),
        ),
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
