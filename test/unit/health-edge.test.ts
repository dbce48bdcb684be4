// The edge function probe: the runbook's test message, classified by what it means for users of
// the AI chat, and its latency against 2 s / 3 s.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { EDGE_PROBE_BODY, edgeCheck } from '../../src/health/edge.js';
import type { HealthItem } from '../../src/health/types.js';
import { fakeFetch, networkError, type FetchHandler } from '../support/unit-fetch.js';

const SUPABASE_URL = 'https://abc.supabase.co';
const ANON_KEY = 'anon-key-0123456789abcdefghij';

function setup(handler: FetchHandler, latencyMs = 120) {
  const clock = fixedClock(Date.UTC(2025, 0, 15, 12));
  const http = fakeFetch((call) => {
    clock.advance(latencyMs);
    return handler(call);
  });
  const check = edgeCheck({
    supabaseUrl: SUPABASE_URL,
    anonKey: ANON_KEY,
    functionName: 'ai-chat',
    fetch: http.fetch,
    clock,
    latencyWarnMs: 2000,
    latencyCriticalMs: 3000,
  });
  const run = () => check.run({ signal: new AbortController().signal, timeoutMs: 5000 });
  return { check, http, run };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const byKey = (items: HealthItem[], key: string) => items.find((i) => i.key === key)!;

describe('edge probe request', () => {
  it('POSTs the runbook test message as JSON to {SUPABASE_URL}/functions/v1/{name} with apikey and Bearer', async () => {
    const { http, run, check } = setup(() => json({ reply: 'OK' }));
    await run();
    expect(check.title).toContain('ai-chat');
    expect(http.calls).toHaveLength(1);
    const call = http.calls[0]!;
    expect(call.url).toBe('https://abc.supabase.co/functions/v1/ai-chat');
    expect(call.method).toBe('POST');
    expect(call.headers.apikey).toBe(ANON_KEY);
    expect(call.headers.authorization).toBe(`Bearer ${ANON_KEY}`);
    expect(call.headers['content-type']).toBe('application/json');
    expect(JSON.parse(call.body!)).toEqual(EDGE_PROBE_BODY);
    expect(EDGE_PROBE_BODY.messages[0]!.role).toBe('user');
  });

  it('the runner’s abort reaches the request in flight', async () => {
    const ac = new AbortController();
    let abortedInFlight: boolean | undefined;
    const { check } = setup((call) => {
      ac.abort();
      abortedInFlight = call.signal?.aborted;
      return json({});
    });
    await check.run({ signal: ac.signal, timeoutMs: 5000 }).catch(() => undefined);
    expect(abortedInFlight).toBe(true);
  });
});

describe('edge response classification', () => {
  it.each([
    [200, json({ reply: 'OK' }), 'ok', '200, JSON reply'],
    [200, new Response('OK', { status: 200 }), 'warn', '200 but the reply is not JSON'],
    [200, new Response('"just a string"', { status: 200 }), 'warn', '200 but the reply is not JSON'],
    [429, json({ error: 'rate limited' }, 429), 'warn', '429 rate limited'],
    [402, json({ error: 'payment required' }, 402), 'critical', '402 AI credits exhausted'],
    [500, new Response('boom', { status: 500 }), 'critical', '500 server error'],
    [503, new Response('unavailable', { status: 503 }), 'critical', '503 server error'],
    [401, json({ msg: 'Invalid JWT' }, 401), 'critical', '401 unauthorized'],
    [403, json({}, 403), 'critical', '403 unauthorized'],
    [404, json({}, 404), 'critical', '404 not found'],
    [418, new Response('teapot', { status: 418 }), 'critical', '418 unexpected'],
  ] as const)('HTTP %i → %s', async (_status, response, status, value) => {
    const { run } = setup(() => response.clone());
    const items = await run();
    const probe = byKey(items, 'response');
    expect(probe.status).toBe(status);
    expect(probe.value).toBe(value);
    expect(probe.threshold).toBe('200 with a JSON message');
    if (status === 'ok') expect(probe.advice).toBeUndefined();
    else expect(probe.advice).toBeTruthy();
  });

  it('names the remedy a responder needs for rate limits, credits and missing functions', async () => {
    const advice = async (status: number) => byKey(await setup(() => json({}, status)).run(), 'response').advice ?? '';
    expect(await advice(429)).toMatch(/rate limit/i);
    expect(await advice(402)).toMatch(/credits/i);
    expect(await advice(404)).toContain('EDGE_FUNCTION_NAME');
    expect(await advice(401)).toContain('SUPABASE_ANON_KEY');
  });

  it('a network error is critical "unreachable" with the cause, and no latency item', async () => {
    const { run } = setup(() => {
      throw networkError('ECONNREFUSED');
    });
    const items = await run();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ key: 'response', status: 'critical', value: 'unreachable (ECONNREFUSED)' });
    expect(items[0]!.advice).toContain('deployed');
  });

  it('when the runner aborted the probe, the abort propagates (the runner reports the timeout)', async () => {
    const ac = new AbortController();
    const { check } = setup(() => {
      ac.abort();
      throw new DOMException('This operation was aborted', 'AbortError');
    });
    await expect(check.run({ signal: ac.signal, timeoutMs: 5000 })).rejects.toThrow('aborted');
  });
});

describe('edge latency', () => {
  it.each([
    [120, 'ok', '120 ms'],
    [1990, 'ok', '1.99 s'],
    [1999, 'ok', undefined],
    [2000, 'warn', '2.00 s'],
    [2990, 'warn', '2.99 s'],
    [2999, 'warn', undefined],
    [3000, 'critical', '3.00 s'],
    [4500, 'critical', '4.50 s'],
  ] as const)('%i ms → %s', async (ms, status, value) => {
    const { run } = setup(() => json({ reply: 'OK' }), ms);
    const latency = byKey(await run(), 'latency');
    expect(latency.status).toBe(status);
    if (value) expect(latency.value).toBe(value);
    expect(latency.threshold).toBe('warn ≥ 2.00 s, critical ≥ 3.00 s');
    expect(latency.data).toEqual({ ms });
    if (status === 'ok') expect(latency.advice).toBeUndefined();
    else expect(latency.advice).toMatch(/slow/i);
  });

  it('reports both the response class and the latency: a slow 429 is warn + critical', async () => {
    const items = await setup(() => json({}, 429), 3500).run();
    expect(items.map((i) => [i.key, i.status])).toEqual([
      ['response', 'warn'],
      ['latency', 'critical'],
    ]);
  });
});
