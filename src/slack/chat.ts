// Posting and updating channel messages (chat:write), behind an interface so services and
// tests do not depend on Bolt. Slack errors a user can fix come back as InputError.
import type { webApi } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { InputError, UpstreamError } from '../errors.js';

export interface Chat {
  /** Posts a message in a channel; returns its ts. */
  postMessage(channel: string, text: string, blocks?: KnownBlock[]): Promise<string>;
  /** Replaces a message the bot posted. */
  update(channel: string, ts: string, text: string, blocks?: KnownBlock[]): Promise<void>;
}

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

export function slackChat(client: () => webApi.WebClient): Chat {
  return {
    async postMessage(channel, text, blocks) {
      try {
        const res = await client().chat.postMessage({ channel, text, ...(blocks ? { blocks } : {}) });
        return String(res.ts);
      } catch (err) {
        throw translate(err, channel);
      }
    },
    async update(channel, ts, text, blocks) {
      try {
        await client().chat.update({ channel, ts, text, ...(blocks ? { blocks } : {}) });
      } catch (err) {
        throw translate(err, channel);
      }
    },
  };
}
