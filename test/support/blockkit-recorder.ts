// Opt-in recorder of the Block Kit the bot sends in the HTTP tests, for the Block Kit fidelity
// test of the local Slack page (test/browser/local-slack-fidelity.test.ts). With
// OPSBOT_BLOCKKIT_RECORD=<dir> set, every message (chat.postMessage, chat.update,
// chat.postEphemeral, response_url) and view (views.open/update/push/publish) FakeHttp sees is
// appended to <dir>/<pid>.jsonl. Off by default: nothing is written.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** One recorded payload. */
export interface BlockKitRecord {
  /** Web API method or "response_url". */
  via: string;
  surface: 'message' | 'modal' | 'home';
  /** The message ({ text, blocks }) or the view. */
  payload: Record<string, unknown>;
}

const MESSAGE_METHODS = ['chat.postMessage', 'chat.update', 'chat.postEphemeral'];
const VIEW_METHODS = ['views.open', 'views.update', 'views.push', 'views.publish'];

const parsed = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
};

/** The Block Kit payload of a call, if it carries one. */
export function blockKitOf(call: { url: string; json: unknown }): BlockKitRecord | undefined {
  const json = call.json as Record<string, unknown> | undefined;
  if (!json || typeof json !== 'object') return undefined;
  const method = /\/api\/([a-zA-Z.]+)$/.exec(call.url)?.[1];
  if (method && MESSAGE_METHODS.includes(method)) {
    return { via: method, surface: 'message', payload: { text: json.text, ...(json.blocks !== undefined ? { blocks: parsed(json.blocks) } : {}) } };
  }
  if (method && VIEW_METHODS.includes(method)) {
    const view = parsed(json.view) as Record<string, unknown> | undefined;
    if (!view || typeof view !== 'object') return undefined;
    return { via: method, surface: view.type === 'home' ? 'home' : 'modal', payload: view };
  }
  if (call.url.startsWith('https://hooks.slack.test/') && (json.text !== undefined || json.blocks !== undefined)) {
    return { via: 'response_url', surface: 'message', payload: { text: json.text, ...(json.blocks !== undefined ? { blocks: json.blocks } : {}) } };
  }
  return undefined;
}

let dirMade = false;

export function recordBlockKit(call: { url: string; json: unknown }): void {
  const dir = process.env.OPSBOT_BLOCKKIT_RECORD;
  if (!dir) return;
  const record = blockKitOf(call);
  if (!record) return;
  if (!dirMade) {
    mkdirSync(dir, { recursive: true });
    dirMade = true;
  }
  appendFileSync(path.join(dir, `${process.pid}.jsonl`), `${JSON.stringify({ ...record, test: expectTestName() })}\n`);
}

function expectTestName(): string | undefined {
  return (globalThis as { __vitest_worker__?: { current?: { name?: string; file?: { name?: string } } } }).__vitest_worker__?.current?.file?.name;
}
