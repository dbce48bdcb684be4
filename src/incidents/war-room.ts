// The war room of a declared incident: its channel (named by Slack's rules, a suffix when the
// name is taken, Slack's Retry-After honoured within a bound), the people invited into it, and the
// pinned card. Only Slack calls live here; the incident record is the service's.
import type { webApi } from '@slack/bolt';
import type { Clock } from '../core/clock.js';
import { UpstreamError } from '../core/errors.js';
import { describeSlackFailure } from '../slack/chat-poster.js';
import { localParts } from '../time/zoned-time.js';

/** Slack's longest channel name. */
export const MAX_CHANNEL_NAME = 80;
/** How many suffixes (-2, -3, …) are tried when a name is taken. */
export const MAX_NAME_ATTEMPTS = 20;

/** The Web API methods a war room needs (conversations:create/invite, pins.add). */
export type WarRoomClient = Pick<webApi.WebClient, 'conversations' | 'pins'>;

/** Waits `ms` milliseconds; injected so tests can record the waits instead of sleeping. */
export type Wait = (ms: number) => Promise<void>;

export const realWait: Wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The slug of a title under Slack's channel-name rules: lowercase letters, digits, `-` and `_`,
 * no spaces or periods; accents folded, everything else becomes a single hyphen.
 */
export function slugify(title: string, max: number): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  const cut = slug.slice(0, Math.max(0, max)).replace(/[-_]+$/g, '');
  return cut || 'incident';
}

/** `<prefix>-<yyyymmdd>-<slug>[-n]`, at most 80 characters, the date in the ops time zone. */
export function channelName(prefix: string, title: string, at: number, timezone: string, attempt = 1): string {
  const p = localParts(at, timezone);
  const date = `${p.year}${String(p.month).padStart(2, '0')}${String(p.day).padStart(2, '0')}`;
  const suffix = attempt > 1 ? `-${attempt}` : '';
  const head = `${prefix}-${date}-`;
  return `${head}${slugify(title, MAX_CHANNEL_NAME - head.length - suffix.length)}${suffix}`;
}

function platformError(err: unknown): string | undefined {
  const e = err as { data?: { error?: unknown } } | undefined;
  return typeof e?.data?.error === 'string' ? e.data.error : undefined;
}

/** Seconds Slack asked us to wait, when `err` is a rate limit. */
export function retryAfterSeconds(err: unknown): number | undefined {
  const e = err as { code?: unknown; retryAfter?: unknown } | undefined;
  if (e?.code !== 'slack_webapi_rate_limited_error' && platformError(err) !== 'ratelimited') return undefined;
  return typeof e?.retryAfter === 'number' && e.retryAfter >= 0 ? e.retryAfter : 1;
}

export interface WarRoomOptions {
  client: () => WarRoomClient;
  clock: Clock;
  timezone: string;
  prefix: string;
  privateChannels: boolean;
  /** Longest total wait for Retry-After before giving up. */
  rateLimitWaitMs: number;
  wait?: Wait;
}

export interface WarRoom {
  /** Creates the channel (suffix on name_taken, Retry-After honoured); UpstreamError/InputError on failure. */
  create(title: string): Promise<{ id: string; name: string }>;
  /** Invites users (the bot's creator is already in); those Slack refuses are returned, not thrown. */
  invite(channelId: string, users: readonly string[]): Promise<{ invited: string[]; failed: string[] }>;
  /** Pins a message in the channel. */
  pin(channelId: string, ts: string): Promise<void>;
  /** Archives a channel whose incident was abandoned, so no empty war room is left behind. */
  archive(channelId: string): Promise<void>;
}

export function createWarRoom(o: WarRoomOptions): WarRoom {
  const wait = o.wait ?? realWait;
  /** Runs `call`, waiting out rate limits while the total stays within the bound. */
  const withRateLimit = async <T>(doing: string, call: () => Promise<T>, budget: { waitedMs: number }): Promise<T> => {
    for (;;) {
      try {
        return await call();
      } catch (err) {
        const after = retryAfterSeconds(err);
        if (after === undefined) throw err;
        const ms = after * 1000;
        if (budget.waitedMs + ms > o.rateLimitWaitMs) {
          throw new UpstreamError(
            `Slack kept rate limiting me while ${doing} (it asked for ${after} s more after I had waited ${Math.round(budget.waitedMs / 1000)} s), so I stopped. Nothing was created; submit the declaration again in a minute.`,
            { cause: err },
          );
        }
        budget.waitedMs += ms;
        await wait(ms);
      }
    }
  };

  return {
    async create(title) {
      const budget = { waitedMs: 0 };
      const at = o.clock.now();
      for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
        const name = channelName(o.prefix, title, at, o.timezone, attempt);
        try {
          const res = await withRateLimit('creating the incident channel', () => o.client().conversations.create({ name, is_private: o.privateChannels }), budget);
          const id = res.channel?.id;
          if (!res.ok || !id) throw new UpstreamError(`Slack did not create the channel #${name} (${res.error ?? 'no channel id in the answer'}). Nothing was created; submit the declaration again.`);
          return { id, name: res.channel?.name ?? name };
        } catch (err) {
          if (platformError(err) === 'name_taken') continue;
          throw (
            describeSlackFailure(err, { doing: `creating the channel #${name}`, outcome: 'no incident was declared' }) ??
            err
          );
        }
      }
      throw new UpstreamError(
        `Every channel name from ${channelName(o.prefix, title, at, o.timezone)} to -${MAX_NAME_ATTEMPTS} is taken, so no incident was declared. Declare it again with a different title.`,
      );
    },
    async invite(channelId, users) {
      const invited: string[] = [];
      const failed: string[] = [];
      const budget = { waitedMs: 0 };
      // One call per user: a single user Slack refuses (a deactivated account, a bot) must not
      // keep everybody else out of the war room.
      for (const user of [...new Set(users)]) {
        try {
          await withRateLimit('inviting people to the incident channel', () => o.client().conversations.invite({ channel: channelId, users: user }), budget);
          invited.push(user);
        } catch (err) {
          if (platformError(err) === 'already_in_channel' || platformError(err) === 'cant_invite_self') {
            invited.push(user);
            continue;
          }
          failed.push(user);
        }
      }
      return { invited, failed };
    },
    async pin(channelId, ts) {
      await withRateLimit('pinning the incident card', () => o.client().pins.add({ channel: channelId, timestamp: ts }), { waitedMs: 0 });
    },
    async archive(channelId) {
      await o.client().conversations.archive({ channel: channelId });
    },
  };
}
