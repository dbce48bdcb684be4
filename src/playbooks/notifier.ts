// Keeps the Slack request message in step with the request's state.
import type { ChatPoster } from '../slack/chat-poster.js';
import type { RequestNotifier } from './engine.js';
import { requestMessage } from './render.js';
import type { Playbook } from './types.js';

export function slackRequestNotifier(
  chat: ChatPoster,
  registry: () => readonly Playbook<unknown>[],
  timeZone: string,
  opts: { breakGlassEnabled?: boolean } = {},
): RequestNotifier {
  return {
    async update(req) {
      if (!req.channel || !req.messageTs) return;
      const msg = requestMessage(req, registry().find((p) => p.id === req.playbookId), timeZone, opts);
      await chat.update({ channel: req.channel, ts: req.messageTs, text: msg.text, blocks: msg.blocks });
    },
  };
}
