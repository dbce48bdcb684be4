// Who may read the Home tab when the bot is limited to some channels (ALLOWED_CHANNEL_IDS): the
// members of those channels, as `read` means "anyone in an allowed channel" for commands. Read
// with conversations.members (scopes channels:read, groups:read for private channels), cached
// per channel like user groups are.
import type { webApi } from '@slack/bolt';
import type { Clock } from '../core/clock.js';
import { UpstreamError } from '../core/errors.js';

/** Members listed per page; Slack allows up to 1000. */
const PAGE = 1000;
/** A channel with more members than this is read no further (and the rest count as outside). */
const MAX_PAGES = 20;

export type MembersClient = Pick<webApi.WebClient, 'conversations'>;

/** Whether `userId` is a member of one of `channels`; throws UpstreamError when Slack cannot be asked. */
export type ChannelMembership = (userId: string, channels: readonly string[]) => Promise<boolean>;

export function channelMembership(client: () => MembersClient, clock: Clock, ttlMs: number): ChannelMembership {
  const cache = new Map<string, { members: Set<string>; expires: number }>();
  const inflight = new Map<string, Promise<Set<string>>>();

  const read = async (channel: string): Promise<Set<string>> => {
    const members = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await client().conversations.members({ channel, limit: PAGE, ...(cursor ? { cursor } : {}) });
      if (!res.ok || !Array.isArray(res.members)) throw new UpstreamError(`conversations.members failed: ${res.error ?? 'no members field'}`);
      for (const m of res.members) members.add(m);
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return members;
  };

  const membersOf = (channel: string): Promise<Set<string>> => {
    const hit = cache.get(channel);
    if (hit && hit.expires > clock.now()) return Promise.resolve(hit.members);
    let p = inflight.get(channel);
    if (!p) {
      p = read(channel)
        .then((set) => {
          cache.set(channel, { members: set, expires: clock.now() + ttlMs });
          return set;
        })
        .finally(() => inflight.delete(channel));
      inflight.set(channel, p);
    }
    return p;
  };

  return async (userId, channels) => {
    for (const c of channels) if ((await membersOf(c)).has(userId)) return true;
    return false;
  };
}
