// response_url as Slack documents it: up to 5 uses in 30 minutes; `replace_original: true`
// edits the message the interaction came from, `delete_original: true` removes it; otherwise a
// new message, ephemeral (to the person who acted) unless `response_type: "in_channel"`.
// Slack answers a good call with `ok` (text/plain) and a bad one with HTTP 404 and a code.
import { validateMessage, type Verdict } from './validate.js';
import { withBlockIds, type Workspace } from './workspace.js';

export interface ResponseAnswer {
  status: number;
  body: string;
  /** A Block Kit refusal, for the stand-in's record of rejected payloads. */
  rejected?: Verdict & { ok: false };
}

const answer = (status: number, body: string): ResponseAnswer => ({ status, body });

/** Applies a JSON body POSTed to a response_url. */
export function useResponseUrl(ws: Workspace, id: string, raw: unknown): ResponseAnswer {
  const use = ws.useResponseUrl(id);
  if ('error' in use) return answer(404, use.error);
  const { target } = use;
  if (typeof raw !== 'object' || raw === null) return answer(400, 'invalid_payload');
  const msg = raw as { text?: unknown; blocks?: unknown; response_type?: unknown; replace_original?: unknown; delete_original?: unknown; thread_ts?: unknown };
  // A command's response_url edits what it posted last; a click's edits the message clicked.
  const originalTs = target.messageTs ?? target.lastTs;
  const original = originalTs ? ws.anyMessage(target.channel, originalTs) : undefined;
  const replace = msg.replace_original === true || msg.replace_original === 'true';
  const del = msg.delete_original === true || msg.delete_original === 'true';

  if (del) {
    if (!original || original.user !== ws.botUserId) return answer(404, 'message_not_found');
    ws.remove(original);
    return answer(200, 'ok');
  }
  const verdict = validateMessage({ text: msg.text, blocks: msg.blocks });
  if (!verdict.ok) return { status: 400, body: verdict.error, rejected: verdict };
  const text = typeof msg.text === 'string' ? msg.text : '';
  const blocks = Array.isArray(msg.blocks) ? (msg.blocks as unknown[]) : undefined;
  if (replace) {
    if (!original || original.user !== ws.botUserId) return answer(404, 'message_not_found');
    original.text = text;
    if (blocks) original.blocks = withBlockIds(blocks);
    else delete original.blocks;
    // An ephemeral message replaced stays ephemeral; in_channel makes a replaced ephemeral public.
    if (msg.response_type === 'in_channel') delete original.ephemeralTo;
    ws.changed();
    return answer(200, 'ok');
  }
  const threadTs = typeof msg.thread_ts === 'string' ? msg.thread_ts : target.threadTs;
  const posted = ws.post({
    channel: target.channel,
    user: ws.botUserId,
    isBot: true,
    text,
    ...(blocks ? { blocks } : {}),
    ...(threadTs ? { threadTs } : {}),
    ...(msg.response_type === 'in_channel' ? {} : { ephemeralTo: target.user }),
  });
  target.lastTs = posted.ts;
  return answer(200, 'ok');
}
