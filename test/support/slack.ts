// Slack from the outside, for HTTP tests: signed requests to the real Bolt receiver, and a
// strict fake of everything the bot calls (Web API, response_url, Supabase, the app URL).
// An outbound call nobody expected fails the test.
import crypto from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret-0f9e8d7c6b5a';
export const SLACK_API = 'https://slack.test/api/';
export const RESPONSE_URL = 'https://hooks.slack.test/commands/T1/1/abc';

export function sign(body: string, ts = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET): Record<string, string> {
  return {
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': 'v0=' + crypto.createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex'),
  };
}

let triggers = 0;
/** A fresh trigger_id, as Slack gives every delivery its own (the bot ignores a repeated one). */
export function nextTriggerId(): string {
  return `${++triggers}.${process.pid}.${Math.random().toString(16).slice(2, 10)}`;
}

export function commandBody(command: string, text = '', fields: Record<string, string> = {}): string {
  return new URLSearchParams({
    command,
    text,
    user_id: 'U0ONCALL',
    user_name: 'ignored',
    channel_id: 'C0OPS',
    team_id: 'T1',
    api_app_id: 'A1',
    response_url: RESPONSE_URL,
    trigger_id: nextTriggerId(),
    ...fields,
  }).toString();
}

export interface RecordedCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  json: unknown;
}

type Route = (call: RecordedCall) => Response | Promise<Response> | undefined;

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A strict fake for outbound HTTP. Routes are tried in order; the first answer wins. */
export class FakeHttp {
  readonly calls: RecordedCall[] = [];
  readonly unmatched: RecordedCall[] = [];
  private routes: Route[] = [];
  private waiters: { pred: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }[] = [];

  constructor() {
    // response_url posts and the common Web API calls succeed by default.
    this.on((c) => (c.url.startsWith('https://hooks.slack.test/') ? new Response('ok') : undefined));
  }

  /** Adds a route (takes precedence over earlier ones). */
  on(route: Route): this {
    this.routes.unshift(route);
    return this;
  }

  /** Answers Slack Web API `method` with `body`. */
  slackMethod(method: string, body: object | ((c: RecordedCall) => unknown), status = 200): this {
    return this.on((c) =>
      c.url === `${SLACK_API}${method}` ? jsonResponse(typeof body === 'function' ? (body as (c: RecordedCall) => unknown)(c) : body, status) : undefined,
    );
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const body = typeof init?.body === 'string' ? init.body : init?.body instanceof URLSearchParams ? init.body.toString() : init?.body ? '[binary body]' : '';
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = body.startsWith('{') ? undefined : Object.fromEntries(new URLSearchParams(body));
    }
    const call: RecordedCall = { url, method: init?.method ?? 'GET', headers, body, json };
    this.calls.push(call);
    for (const w of [...this.waiters]) {
      if (w.pred(call)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(call);
      }
    }
    if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    for (const r of this.routes) {
      const res = await r(call);
      if (res) return res;
    }
    this.unmatched.push(call);
    throw new TypeError(`FakeHttp: unexpected ${call.method} ${url}`);
  };

  /** Resolves with the first call (past or future) matching `pred`. */
  waitFor(pred: (c: RecordedCall) => boolean, timeoutMs = 10_000): Promise<RecordedCall> {
    const past = this.calls.find(pred);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('FakeHttp.waitFor timed out')), timeoutMs);
      this.waiters.push({
        pred,
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
      });
    });
  }

  responses(): RecordedCall[] {
    return this.calls.filter((c) => c.url.startsWith('https://hooks.slack.test/'));
  }
}

/** POSTs a signed slash command to the bot. */
export async function postCommand(
  baseUrl: string,
  command: string,
  text = '',
  opts: { fields?: Record<string, string>; ts?: number; secret?: string } = {},
): Promise<{ status: number; body: string }> {
  const body = commandBody(command, text, opts.fields);
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body, opts.ts, opts.secret) },
    body,
  });
  return { status: res.status, body: await res.text() };
}

/** POSTs a signed block_actions payload (a button click) to the bot. */
export async function postAction(
  baseUrl: string,
  action: { action_id: string; value: string },
  opts: { userId: string; channelId?: string; messageTs?: string; responseUrl?: string },
): Promise<{ status: number; body: string }> {
  const payload = {
    type: 'block_actions',
    user: { id: opts.userId },
    team: { id: 'T1' },
    api_app_id: 'A1',
    channel: { id: opts.channelId ?? 'C0OPS' },
    container: { type: 'message', message_ts: opts.messageTs ?? '1700000000.000100', channel_id: opts.channelId ?? 'C0OPS' },
    message: { ts: opts.messageTs ?? '1700000000.000100', type: 'message' },
    response_url: opts.responseUrl ?? 'https://hooks.slack.test/actions/T1/1/click',
    trigger_id: nextTriggerId(),
    actions: [{ type: 'button', block_id: 'b1', action_ts: '1', ...action }],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) },
    body,
  });
  return { status: res.status, body: await res.text() };
}

/** POSTs a signed view_submission (a modal's Submit) to the bot. */
export async function postViewSubmission(
  baseUrl: string,
  view: { callback_id: string; private_metadata: string; values: Record<string, Record<string, { value: string }>> },
  userId: string,
): Promise<{ status: number; body: string }> {
  const payload = {
    type: 'view_submission',
    user: { id: userId },
    team: { id: 'T1' },
    api_app_id: 'A1',
    trigger_id: nextTriggerId(),
    view: {
      id: 'V1',
      type: 'modal',
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      state: { values: Object.fromEntries(Object.entries(view.values).map(([b, a]) => [b, Object.fromEntries(Object.entries(a).map(([k, v]) => [k, { type: 'plain_text_input', ...v }]))])) },
      hash: 'h',
    },
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) },
    body,
  });
  return { status: res.status, body: await res.text() };
}
