// The one retry policy: which failures retry, how long it waits (jitter, Retry-After within its
// cap), and that it never runs past its deadline or a caller's abort. A fake clock and sleep:
// nothing here waits.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { backoffMs, isRetryableStatus, parseRetryAfter, retryingFetch, retryOutcome, type RetryPolicy } from '../../src/core/retry.js';
import { fakeFetch, networkError, type FetchHandler } from '../support/unit-fetch.js';

const START = Date.UTC(2026, 2, 1, 9);
const POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 4000, maxRetryAfterMs: 10_000, deadlineMs: 60_000 };

function setup(answers: (Response | Error)[] | FetchHandler, policy: Partial<RetryPolicy> = {}, random = () => 1) {
  const clock = fixedClock(START);
  const waits: number[] = [];
  let i = 0;
  const http = fakeFetch(
    typeof answers === 'function'
      ? answers
      : () => {
          const a = answers[Math.min(i++, answers.length - 1)]!;
          if (a instanceof Error) throw a;
          // A fresh copy per call: a discarded answer's body is released by the retry.
          return a.clone();
        },
  );
  const sleep = (ms: number) => {
    waits.push(ms);
    clock.advance(ms);
    return Promise.resolve();
  };
  const f = retryingFetch(http.fetch, { ...POLICY, ...policy }, { clock, sleep, random });
  return { f, http, waits, clock };
}

const status = (s: number, headers: Record<string, string> = {}) => new Response(s === 204 ? null : `status ${s}`, { status: s, headers });

describe('which failures retry', () => {
  it.each([408, 429, 500, 502, 503, 504, 599])('%i retries', (s) => expect(isRetryableStatus(s)).toBe(true));
  it.each([200, 204, 302, 400, 401, 403, 404, 409, 422])('%i does not', (s) => expect(isRetryableStatus(s)).toBe(false));

  it('a 5xx is sent again until it succeeds', async () => {
    const { f, http, waits } = setup([status(503), status(502), status(200)]);
    const res = await f('https://api.example.test/v1/x');
    expect(res.status).toBe(200);
    expect(http.calls).toHaveLength(3);
    // Exponential steps (random = 1 gives the full step).
    expect(waits).toEqual([500, 1000]);
  });

  it('a 4xx other than 408/429 is answered at once, never sent again', async () => {
    for (const s of [400, 401, 403, 404, 422]) {
      const { f, http, waits } = setup([status(s), status(200)]);
      expect((await f('https://api.example.test/v1/x')).status).toBe(s);
      expect(http.calls).toHaveLength(1);
      expect(waits).toEqual([]);
    }
  });

  it('a network error is retried; with retryNetworkErrors off it is thrown at once', async () => {
    const on = setup([networkError('ECONNRESET'), status(200)]);
    expect((await on.f('https://api.example.test/v1/x')).status).toBe(200);
    expect(on.http.calls).toHaveLength(2);
    const off = setup([networkError('ECONNRESET'), status(200)], { retryNetworkErrors: false });
    await expect(off.f('https://api.example.test/v1/x')).rejects.toThrow('fetch failed');
    expect(off.http.calls).toHaveLength(1);
  });

  it('after the last attempt the last answer is handed back as it came, with its status', async () => {
    const { f, http } = setup([status(500)], { attempts: 3 });
    const res = await f('https://api.example.test/v1/x', { method: 'PUT', body: '{"a":1}' });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('status 500');
    expect(http.calls.map((c) => [c.method, c.body])).toEqual(Array(3).fill(['PUT', '{"a":1}']));
  });

  it('the last network error is thrown unchanged when attempts run out', async () => {
    const { f, http } = setup([networkError('ENOTFOUND')], { attempts: 2 });
    await expect(f('https://api.example.test/v1/x')).rejects.toMatchObject({ name: 'TypeError', cause: { code: 'ENOTFOUND' } });
    expect(http.calls).toHaveLength(2);
  });
});

describe('how long it waits', () => {
  it('full jitter: the wait is the exponential step times the random draw, capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(POLICY, n, () => 1))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(backoffMs(POLICY, 3, () => 0.25)).toBe(500);
    expect(backoffMs(POLICY, 3, () => 0)).toBe(0);
  });

  it('429 with Retry-After in seconds waits at least that long', async () => {
    const { f, waits } = setup([status(429, { 'retry-after': '7' }), status(200)], {}, () => 0.1);
    expect((await f('https://api.example.test/v1/x')).status).toBe(200);
    expect(waits).toEqual([7000]);
  });

  it('Retry-After as an HTTP date is measured on the injected clock', async () => {
    const at = new Date(START + 3000).toUTCString();
    const { f, waits } = setup([status(503, { 'retry-after': at }), status(200)], {}, () => 0);
    expect((await f('https://api.example.test/v1/x')).status).toBe(200);
    expect(waits).toEqual([3000]);
  });

  it('a Retry-After beyond the cap ends the retries: the 429 is the answer', async () => {
    const { f, http, waits } = setup([status(429, { 'retry-after': '3600' }), status(200)]);
    expect((await f('https://api.example.test/v1/x')).status).toBe(429);
    expect(http.calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('parses delta seconds and dates, and ignores what it cannot read', () => {
    expect(parseRetryAfter('120', START)).toBe(120_000);
    expect(parseRetryAfter(' 1.5 ', START)).toBe(1500);
    expect(parseRetryAfter(new Date(START - 5000).toUTCString(), START)).toBe(0);
    expect(parseRetryAfter('soon', START)).toBeUndefined();
    expect(parseRetryAfter(null, START)).toBeUndefined();
  });
});

describe('deadline and abort', () => {
  it('never starts a wait that would end past the total deadline', async () => {
    const { f, http, waits } = setup(() => status(503), { attempts: 10, deadlineMs: 3000 });
    const res = await f('https://api.example.test/v1/x');
    expect(res.status).toBe(503);
    // 500 + 1000 fit in 3 s; the next 2000 would end at 3.5 s, so it stops after 3 attempts.
    expect(waits).toEqual([500, 1000]);
    expect(http.calls).toHaveLength(3);
  });

  it('the time attempts take counts against the deadline', async () => {
    const clock = fixedClock(START);
    const calls: number[] = [];
    const out = await retryOutcome(
      () => {
        calls.push(clock.monotonic());
        clock.advance(2500);
        return Promise.reject(networkError('ECONNRESET'));
      },
      { policy: { ...POLICY, attempts: 10, deadlineMs: 6000 }, timing: { clock, sleep: (ms) => Promise.resolve(clock.advance(ms)), random: () => 1 }, error: () => ({ retry: true }) },
    );
    // 0 → 2.5 s, wait 0.5 → 3 s … 5.5 s, then a 1 s wait would end at 6.5 s.
    expect(calls).toEqual([0, 3000]);
    expect(out).toMatchObject({ ok: false, attempts: 2, stopped: 'deadline' });
  });

  it('each attempt gets a signal that the caller’s abort reaches', async () => {
    const ac = new AbortController();
    const { f, http } = setup((call) => {
      ac.abort();
      expect(call.signal?.aborted).toBe(true);
      throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    });
    await expect(f('https://api.example.test/v1/x', { signal: ac.signal })).rejects.toThrow('aborted');
    // Aborted by the caller: not retried.
    expect(http.calls).toHaveLength(1);
  });

  it('an abort during the wait hands back the last answer with its body still readable', async () => {
    const ac = new AbortController();
    const clock = fixedClock(START);
    const http = fakeFetch(() => new Response('busy', { status: 503 }));
    const f = retryingFetch(http.fetch, POLICY, {
      clock,
      sleep: () => {
        ac.abort();
        return Promise.resolve();
      },
    });
    const res = await f('https://api.example.test/v1/x', { signal: ac.signal });
    expect(http.calls).toHaveLength(1);
    expect([res.status, await res.text()]).toEqual([503, 'busy']);
  });

  it('a caller abort during the wait stops before the next attempt', async () => {
    const ac = new AbortController();
    const clock = fixedClock(START);
    let attempts = 0;
    const out = await retryOutcome(
      () => {
        attempts++;
        return Promise.reject(networkError('ECONNRESET'));
      },
      {
        policy: POLICY,
        timing: {
          clock,
          sleep: () => {
            ac.abort();
            return Promise.resolve();
          },
        },
        signal: ac.signal,
        error: () => ({ retry: true }),
      },
    );
    expect(attempts).toBe(1);
    expect(out).toMatchObject({ ok: false, stopped: 'aborted' });
  });
});
