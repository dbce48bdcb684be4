// Front end: HEAD APP_URL, expect 200, measure latency.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { describeFetchError, frontendCheck } from '../../src/health/frontend.js';
import type { HealthItem } from '../../src/health/types.js';
import { fakeFetch, networkError, type FetchHandler } from '../support/unit-fetch.js';

const APP_URL = 'https://app.autorepai.example/';

function setup(handler: FetchHandler, latencyMs = 80) {
  const clock = fixedClock(Date.UTC(2025, 0, 15, 12));
  const http = fakeFetch((call) => {
    clock.advance(latencyMs);
    return handler(call);
  });
  const check = frontendCheck({ appUrl: APP_URL, fetch: http.fetch, clock, latencyWarnMs: 2000 });
  return { http, run: () => check.run({ signal: new AbortController().signal, timeoutMs: 5000 }) };
}

const byKey = (items: HealthItem[], key: string) => items.find((i) => i.key === key)!;

describe('frontend check', () => {
  it('sends HEAD to APP_URL; 200 fast is ok with no advice', async () => {
    const { http, run } = setup(() => new Response(null, { status: 200 }));
    const items = await run();
    expect(http.calls.map((c) => [c.method, c.url])).toEqual([['HEAD', APP_URL]]);
    expect(items.map((i) => [i.key, i.status, i.value])).toEqual([
      ['http', 'ok', '200'],
      ['latency', 'ok', '80 ms'],
    ]);
    expect(items.every((i) => i.advice === undefined)).toBe(true);
  });

  it('503 is critical with advice about the host and the last deploy', async () => {
    const items = await setup(() => new Response(null, { status: 503 })).run();
    const http = byKey(items, 'http');
    expect(http).toMatchObject({ status: 'critical', value: '503', threshold: 'HTTP 200' });
    expect(http.advice).toMatch(/server error/);
    expect(http.advice).toMatch(/roll back/);
  });

  it('a non-200, non-5xx status is critical with advice about URL and access rules', async () => {
    const http = byKey(await setup(() => new Response(null, { status: 404 })).run(), 'http');
    expect(http).toMatchObject({ status: 'critical', value: '404' });
    expect(http.advice).toContain('URL');
  });

  it('unreachable is critical and names the network error', async () => {
    const items = await setup(() => {
      throw networkError('ENOTFOUND');
    }).run();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ key: 'http', status: 'critical', value: 'unreachable (ENOTFOUND)' });
    expect(items[0]!.advice).toContain('DNS');
  });

  it('slow (at or above the warning latency) is warn with advice, while HTTP stays ok', async () => {
    const items = await setup(() => new Response(null, { status: 200 }), 2500).run();
    expect(byKey(items, 'http').status).toBe('ok');
    const latency = byKey(items, 'latency');
    expect(latency).toMatchObject({ status: 'warn', value: '2.50 s', threshold: '< 2.00 s', data: { ms: 2500 } });
    expect(latency.advice).toMatch(/slow/i);
    expect(byKey(await setup(() => new Response(null, { status: 200 }), 1999).run(), 'latency').status).toBe('ok');
    expect(byKey(await setup(() => new Response(null, { status: 200 }), 2000).run(), 'latency').status).toBe('warn');
  });
});

describe('describeFetchError', () => {
  it('prefers the system error code, then the cause message, then the error message', () => {
    expect(describeFetchError(networkError('ECONNREFUSED'))).toBe('ECONNREFUSED');
    expect(describeFetchError(new TypeError('fetch failed', { cause: new Error('certificate has expired') }))).toBe('certificate has expired');
    expect(describeFetchError(new Error('plain'))).toBe('plain');
    expect(describeFetchError('text')).toBe('text');
  });
});
