// Where a request message the bot posted lives, read from its chat.update call, so a test clicks
// its buttons the way Slack would: on that message, in that channel.
import type { RecordedCall } from './slack.js';

export interface MessageRef {
  channelId: string;
  messageTs: string;
}

/** The channel and ts of the message a chat.update call edited. */
export function messageOf(update: RecordedCall): MessageRef {
  const j = update.json as { channel?: string; ts?: string };
  if (!j.channel || !j.ts) throw new Error(`not a chat.update call: ${update.url}`);
  return { channelId: j.channel, messageTs: j.ts };
}
