// Slack from the outside, for HTTP tests: signed requests to the real Bolt receiver, and a
// strict fake of everything the bot calls (Web API, response_url, Supabase, the app URL).
// An outbound call nobody expected, or an expected one that never came, fails the test.
import crypto from 'node:crypto';
import { afterAll, afterEach, expect } from 'vitest';
import { recordBlockKit } from './blockkit-recorder.js';

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
  /** The bytes of a binary body (an upload), as sent. */
  bytes?: Buffer;
}

/** Answers a call, or returns undefined to leave it to older routes. */
type Route = (call: RecordedCall) => Response | undefined | Promise<Response | undefined>;

/** How a route may be declared. */
export interface RouteOptions {
  /**
   * Why this route may go unused in a test (e.g. "healthy default for whichever probe runs").
   * Without it, a route no call matched fails the test: a mock nobody calls means the code
   * under test took another path than the test assumes.
   */
  optional?: string;
}

interface DeclaredRoute {
  answer: Route;
  optional: string | undefined;
  used: number;
  /** Already reported as unused (each problem fails one check only). */
  reported: boolean;
  /** Where the route was declared, for the failure message. */
  declaredAt: string;
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function callerLine(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  return (lines.find((l) => !l.includes('/test/support/slack.ts') && !l.includes('/test/support/bot.ts')) ?? lines[0] ?? '').trim();
}

/**
 * A strict fake for outbound HTTP. Routes are tried newest first; the first answer wins. Every
 * instance is checked after the test that created it (or after the file, for one made in
 * beforeAll): a call no route answered, or a route no call used, fails the test.
 */
export class FakeHttp {
  readonly calls: RecordedCall[] = [];
  readonly unmatched: RecordedCall[] = [];
  private routes: DeclaredRoute[] = [];
  private waiters: { pred: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }[] = [];
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  /** Unmatched calls already reported by an earlier check. */
  private reportedUnmatched = 0;

  constructor() {
    track(this);
    // Most commands answer through response_url; those answered in the ack never call it.
    this.on((c) => (c.url.startsWith('https://hooks.slack.test/') ? new Response('ok') : undefined), {
      optional: 'response_url answers: a command answered in its ack posts none',
    });
  }

  /** Adds a route (takes precedence over earlier ones). */
  on(route: Route, opts: RouteOptions = {}): this {
    this.routes.unshift({ answer: route, optional: opts.optional, used: 0, reported: false, declaredAt: callerLine() });
    return this;
  }

  /** Answers Slack Web API `method` with `body`. */
  slackMethod(method: string, body: object | ((c: RecordedCall) => unknown), status = 200, opts: RouteOptions = {}): this {
    return this.on(
      (c) => (c.url === `${SLACK_API}${method}` ? jsonResponse(typeof body === 'function' ? (body as (c: RecordedCall) => unknown)(c) : body, status) : undefined),
      opts,
    );
  }

  readonly fetch: typeof fetch = async (input, init) => {
    this.inFlight++;
    try {
      return await this.answer(input, init);
    } finally {
      if (--this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  };

  private async answer(input: Parameters<typeof fetch>[0], init: Parameters<typeof fetch>[1]): Promise<Response> {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).forEach((v, k) => (headers[k] = v));
    const body = typeof init?.body === 'string' ? init.body : init?.body instanceof URLSearchParams ? init.body.toString() : init?.body ? '[binary body]' : '';
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = body.startsWith('{') ? undefined : Object.fromEntries(new URLSearchParams(body));
    }
    const raw = init?.body instanceof Uint8Array ? Buffer.from(init.body) : undefined;
    const call: RecordedCall = { url, method: init?.method ?? (input instanceof Request ? input.method : 'GET'), headers, body, json, ...(raw ? { bytes: raw } : {}) };
    this.calls.push(call);
    recordBlockKit(call);
    for (const w of [...this.waiters]) {
      if (w.pred(call)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(call);
      }
    }
    if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    for (const r of this.routes) {
      const res = await r.answer(call);
      if (res) {
        r.used++;
        return res;
      }
    }
    this.unmatched.push(call);
    throw new TypeError(`FakeHttp: unexpected ${call.method} ${url}`);
  }

  /** Calls that have been made but not yet answered. */
  pending(): number {
    return this.inFlight;
  }

  /** Resolves once no call is waiting for its answer. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

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

  /** What is wrong with this fake's use so far: unmatched calls not yet reported and (when `unused`) required routes nobody called. */
  problems(opts: { unused: boolean }): string[] {
    const out = this.unmatched.slice(this.reportedUnmatched).map((c) => `no route answered ${c.method} ${c.url}`);
    this.reportedUnmatched = this.unmatched.length;
    if (opts.unused) {
      for (const r of this.routes) {
        if (r.used > 0 || r.optional !== undefined || r.reported) continue;
        r.reported = true;
        out.push(`a route was declared but no call used it (declared ${r.declaredAt}); remove it, or declare it with { optional: 'why' }`);
      }
    }
    return out;
  }
}

// Each fake is checked once the test that made it ends; fakes made outside a test (beforeAll,
// module scope) have their unmatched calls checked after every test and their unused routes
// after the file. Hooks registered here attach to the importing test file's root suite.
const perTest = new Set<FakeHttp>();
const perFile = new Set<FakeHttp>();

function track(http: FakeHttp): void {
  (expect.getState().currentTestName === undefined ? perFile : perTest).add(http);
}

function check(problems: string[]): void {
  if (problems.length) throw new Error(`FakeHttp:\n- ${problems.join('\n- ')}`);
}

afterEach(() => {
  const fakes = [...perTest];
  perTest.clear();
  check([...fakes.flatMap((f) => f.problems({ unused: true })), ...[...perFile].flatMap((f) => f.problems({ unused: false }))]);
});

afterAll(() => {
  const fakes = [...perFile];
  perFile.clear();
  check(fakes.flatMap((f) => f.problems({ unused: true })));
});

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
  view: { callback_id: string; private_metadata: string; values: Record<string, Record<string, { value: string } | { selected_option: { value: string } }>> },
  userId: string,
  opts: { viewId?: string; hash?: string } = {},
): Promise<{ status: number; body: string }> {
  const payload = {
    type: 'view_submission',
    user: { id: userId },
    team: { id: 'T1' },
    api_app_id: 'A1',
    trigger_id: nextTriggerId(),
    view: {
      id: opts.viewId ?? 'V1',
      type: 'modal',
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      state: { values: Object.fromEntries(Object.entries(view.values).map(([b, a]) => [b, Object.fromEntries(Object.entries(a).map(([k, v]) => [k, { type: 'plain_text_input', ...v }]))])) },
      hash: opts.hash ?? 'h',
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
