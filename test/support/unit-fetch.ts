// A hand-written `fetch` for unit tests: records every request and answers with a handler.
// Like FakeHttp, it is strict: a fake made for a test that the code under test never called
// fails that test (the code took another path than the test assumes), unless it is declared
// optional with the reason; a handler that has no answer for a call fails it too.
import { afterEach, expect } from 'vitest';

export interface FetchCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal | undefined;
}

/** Answers a call; undefined means "no answer for this one", which fails the test. */
export type FetchHandler = (call: FetchCall) => Response | undefined | Promise<Response | undefined>;

export interface FakeFetch {
  fetch: typeof fetch;
  calls: FetchCall[];
}

interface Tracked {
  fake: FakeFetch;
  optional: string | undefined;
  unanswered: FetchCall[];
  declaredAt: string;
}

const live: Tracked[] = [];

export function fakeFetch(handler: FetchHandler, opts: { optional?: string } = {}): FakeFetch {
  const calls: FetchCall[] = [];
  const unanswered: FetchCall[] = [];
  const impl: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const call: FetchCall = {
      url,
      method: (init?.method ?? 'GET').toUpperCase(),
      headers,
      body: typeof init?.body === 'string' ? init.body : undefined,
      signal: init?.signal ?? undefined,
    };
    calls.push(call);
    const res = await handler(call);
    if (res) return res;
    unanswered.push(call);
    throw new TypeError(`fakeFetch: unexpected ${call.method} ${url}`);
  };
  const fake = { fetch: impl, calls };
  // Only fakes made while a test runs are checked: one made at module scope serves many tests.
  if (expect.getState().currentTestName !== undefined) {
    live.push({ fake, optional: opts.optional, unanswered, declaredAt: (new Error().stack ?? '').split('\n')[2]?.trim() ?? '' });
  }
  return fake;
}

afterEach(() => {
  const problems = live.splice(0).flatMap((t) => [
    ...t.unanswered.map((c) => `the handler had no answer for ${c.method} ${c.url}`),
    ...(t.fake.calls.length === 0 && t.optional === undefined ? [`a fake fetch was made but never called (${t.declaredAt}); remove it, or pass { optional: 'why' }`] : []),
  ]);
  if (problems.length) throw new Error(`fakeFetch:\n- ${problems.join('\n- ')}`);
});

/** A fetch failure as undici reports it: TypeError('fetch failed') with a system error as cause. */
export function networkError(code: string): TypeError {
  const cause = Object.assign(new Error(`connect ${code} 127.0.0.1:443`), { code });
  return new TypeError('fetch failed', { cause });
}
