// /health edge's figures from the recorded shapes of the Management API logs endpoint in both
// dialects: invocations, 5xx rate and P95 per function, 429s counted, 402s and credit warnings
// as AI credit trouble; the query sent; paging and its cap; an empty window; and the endpoint's
// failures (401, 404, 429, 5xx, timeouts, a rejected query) as UNKNOWN with what to fix.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { edgeCheck } from '../../src/health/edge.js';
import { createEdgeMetricsSource, edgeRow, percentile } from '../../src/health/edge-metrics.js';
import { edgeMetricsItems, type EdgeMetricsThresholds } from '../../src/health/edge-metrics-items.js';
import type { HealthItem } from '../../src/health/types.js';
import { bigQueryEdgeRow, clickHouseEdgeRow, functionLogRow, type EdgeCall } from '../fixtures/supabase-platform.js';
import { fakeFetch, networkError, type FetchCall } from '../support/unit-fetch.js';

const NOW = Date.UTC(2026, 11, 7, 3, 0);
const API = 'https://api.supabase.com';
const TOKEN = 'sbp_0123456789abcdef0123456789abcdef01234567';
const REF = 'abcdefghijklmnopqrst';
const T: EdgeMetricsThresholds = { errorRateWarnPct: 1, errorRateCriticalPct: 5, latencyWarnMs: 2000, latencyCriticalMs: 3000, windowMs: 15 * 60_000 };
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** Calls spread over the window: `n` of `fn`, the first `errors` answering 500, durations `ms(i)`. */
function calls(fn: string, n: number, o: { errors?: number; status?: (i: number) => number; ms?: (i: number) => number } = {}): EdgeCall[] {
  return Array.from({ length: n }, (_, i) => ({ fn, at: NOW - 14 * 60_000 + i * 1000, ms: o.ms ? o.ms(i) : 400 + i, status: o.status ? o.status(i) : i < (o.errors ?? 0) ? 500 : 200 }));
}

function setup(tables: { edge?: Record<string, unknown>[]; fn?: Record<string, unknown>[] }, o: { endpoint?: string; pageSize?: number; maxRows?: number; answer?: (c: FetchCall) => Response | Promise<Response> } = {}) {
  const clock = fixedClock(NOW);
  const http = fakeFetch(
    o.answer ??
      ((c) => {
        const sql = new URL(c.url).searchParams.get('sql') ?? '';
        const offset = Number(/offset (\d+)/.exec(sql)?.[1] ?? 0);
        const limit = Number(/limit (\d+)/.exec(sql)?.[1] ?? 0);
        const rows = sql.includes('function_edge_logs') ? (tables.edge ?? []) : (tables.fn ?? []);
        return json({ result: rows.slice(offset, offset + limit), error: null });
      }),
  );
  const source = createEdgeMetricsSource({
    accessToken: TOKEN,
    projectRef: REF,
    apiUrl: API,
    endpointPath: o.endpoint ?? '/v1/projects/{ref}/analytics/endpoints/logs.all',
    fetch: http.fetch,
    clock,
    windowMs: T.windowMs,
    sleep: () => Promise.resolve(),
    ...(o.pageSize ? { pageSize: o.pageSize } : {}),
    ...(o.maxRows ? { maxRows: o.maxRows } : {}),
  });
  const items = () => edgeMetricsItems(source, T, { signal: new AbortController().signal, timeoutMs: 5000 });
  return { http, source, items, clock };
}

const byKey = (items: HealthItem[], key: string) => items.find((i) => i.key === key)!;

describe('the logs query', () => {
  it('asks function_edge_logs and function_logs for the window ending now, with the token, BigQuery dialect', async () => {
    const { http, items } = setup({ edge: calls('ai-chat', 3).map(bigQueryEdgeRow) });
    await items();
    expect(http.calls).toHaveLength(2);
    const urls = http.calls.map((c) => new URL(c.url));
    expect(urls[0]!.origin + urls[0]!.pathname).toBe(`${API}/v1/projects/${REF}/analytics/endpoints/logs.all`);
    expect(urls.map((u) => u.searchParams.get('sql'))).toEqual([
      'select timestamp, event_message, metadata from function_edge_logs order by timestamp asc limit 1000 offset 0',
      'select timestamp, event_message, metadata from function_logs order by timestamp asc limit 1000 offset 0',
    ]);
    expect(urls[0]!.searchParams.get('iso_timestamp_start')).toBe('2026-12-07T02:45:00.000Z');
    expect(urls[0]!.searchParams.get('iso_timestamp_end')).toBe('2026-12-07T03:00:00.000Z');
    expect(http.calls[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('the ClickHouse endpoint gets the unified logs table filtered by source, and its string attributes are read', async () => {
    const { http, items } = setup({ edge: calls('ai-chat', 20, { errors: 2 }).map(clickHouseEdgeRow) }, { endpoint: '/v1/projects/{ref}/analytics/endpoints/logs' });
    const list = await items();
    expect(new URL(http.calls[0]!.url).searchParams.get('sql')).toBe(
      "select timestamp, event_message, log_attributes from logs where source = 'function_edge_logs' order by timestamp asc limit 1000 offset 0",
    );
    expect(byKey(list, 'error_rate').data).toMatchObject({ pct: 10, errors: 2, invocations: 20 });
    expect(byKey(list, 'p95').data).toMatchObject({ ms: 418 });
  });

  it('pages until a short page, and says so when the row cap stops it', async () => {
    const edge = calls('ai-chat', 25).map(bigQueryEdgeRow);
    const full = setup({ edge }, { pageSize: 10 });
    expect(byKey(await full.items(), 'invocations').data).toMatchObject({ total: 25, truncated: false });
    expect(full.http.calls.filter((c) => c.url.includes('function_edge_logs'))).toHaveLength(3);
    const capped = setup({ edge }, { pageSize: 10, maxRows: 20 });
    const inv = byKey(await capped.items(), 'invocations');
    expect(inv.data).toMatchObject({ total: 20, truncated: true });
    expect(inv.value).toMatch(/row cap reached/);
  });
});

describe('figures per function', () => {
  it('counts invocations, the 5xx rate and the P95 per function, busiest first', async () => {
    const edge = [
      ...calls('ai-chat', 40, { errors: 3, ms: (i) => (i < 3 ? 4200 : 600 + i) }), // 3 of 40 slow: the 38th value is one of them
      ...calls('lead-intake', 10, { errors: 0, ms: () => 120 }),
    ].map(bigQueryEdgeRow);
    const list = await setup({ edge }).items();
    expect(byKey(list, 'invocations').value).toBe('50: ai-chat 40 (3 5xx), lead-intake 10');
    const rate = byKey(list, 'error_rate');
    expect(rate).toMatchObject({ status: 'critical', data: { pct: 6, errors: 3, invocations: 50 } });
    expect(rate.value).toBe('6.00 % (3 of 50 5xx); worst ai-chat 7.5 %');
    expect(rate.advice).toMatch(/logs summarize edge/);
    const fns = (byKey(list, 'invocations').data as { functions: { name: string; p95Ms: number; errorRatePct: number }[] }).functions;
    expect(fns.map((f) => f.name)).toEqual(['ai-chat', 'lead-intake']);
    expect(fns[0]).toMatchObject({ p95Ms: 4200, errorRatePct: 7.5 });
    expect(fns[1]).toMatchObject({ p95Ms: 120, errorRatePct: 0 });
  });

  it('error rate: warn from 1 %, critical above 5 %; P95: warn from 2 s, critical from 3 s', async () => {
    const at = async (errors: number, ms: number) => {
      const list = await setup({ edge: calls('ai-chat', 100, { errors, ms: () => ms }).map(bigQueryEdgeRow) }).items();
      return [byKey(list, 'error_rate').status, byKey(list, 'p95').status];
    };
    expect(await at(0, 1999)).toEqual(['ok', 'ok']);
    expect(await at(1, 2000)).toEqual(['warn', 'warn']);
    expect(await at(5, 2999)).toEqual(['warn', 'warn']);
    expect(await at(6, 3000)).toEqual(['critical', 'critical']);
  });

  it('counts 429s ("rate limits: watch for 429") and treats 402s and credit warnings as AI credit trouble', async () => {
    const edge = calls('ai-chat', 20, { status: (i) => (i < 4 ? 429 : i < 6 ? 402 : 200) }).map(bigQueryEdgeRow);
    const fn = [
      functionLogRow('Gemini answered in 812 ms', 'info', NOW - 60_000),
      functionLogRow('AI gateway warning: credits running low (5% remaining)', 'warning', NOW - 50_000),
      functionLogRow('AI gateway error 402: Payment required', 'error', NOW - 40_000),
    ];
    const list = await setup({ edge, fn }).items();
    expect(byKey(list, 'rate_limits')).toMatchObject({ status: 'warn', value: '4 of 20 (20.0 %)', data: { count: 4 } });
    const credits = byKey(list, 'ai_credits');
    expect(credits).toMatchObject({ status: 'critical', data: { paymentRequired: 2, creditWarnings: 2 } });
    expect(credits.value).toMatch(/^2 × 402 Payment Required; 2 credit warnings in the logs \("AI gateway warning: credits running low/);
    expect(credits.advice).toMatch(/top up credits in the AI gateway workspace/);
    // 402 and 429 are not 5xx: they have their own items.
    expect(byKey(list, 'error_rate').data).toMatchObject({ errors: 0 });
  });

  it('credit warnings alone (no 402 yet) warn', async () => {
    const list = await setup({ edge: calls('ai-chat', 5).map(bigQueryEdgeRow), fn: [functionLogRow('Low AI credits remaining: 3 credits', 'warning', NOW - 1000)] }).items();
    expect(byKey(list, 'ai_credits')).toMatchObject({ status: 'warn', data: { paymentRequired: 0, creditWarnings: 1 } });
  });

  it('an empty window: no invocations, every item ok, nothing invented', async () => {
    const list = await setup({}).items();
    expect(list.map((i) => [i.key, i.status, i.value])).toEqual([
      ['invocations', 'ok', 'none in the window'],
      ['error_rate', 'ok', 'no invocations'],
      ['p95', 'ok', 'no timed invocations'],
      ['rate_limits', 'ok', 'none'],
      ['ai_credits', 'ok', 'no 402 and no credit warnings'],
    ]);
    expect(byKey(list, 'p95').data).toEqual({ invocations: 0 });
  });

  it('reads a row with only the event message (status from "POST | 503 | url")', () => {
    expect(edgeRow({ event_message: `POST | 503 | https://${REF}.supabase.co/functions/v1/ai-chat` })).toEqual({ name: 'ai-chat', status: 503 });
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 95)).toBe(19);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 95)).toBeUndefined();
  });
});

describe('endpoint failures are UNKNOWN with what to fix', () => {
  it.each([
    ['401', () => json({ message: 'Unauthorized' }, 401), 'refused', /refused the logs request \(HTTP 401\)/, /analytics:read/],
    ['403', () => json({ message: 'Forbidden resource' }, 403), 'refused', /HTTP 403/, /SUPABASE_ACCESS_TOKEN/],
    ['404', () => json({ message: 'Project not found' }, 404), 'not_found', /HTTP 404/, /SUPABASE_PROJECT_REF/],
    ['429', () => json({ message: 'ThrottlerException: Too Many Requests' }, 429), 'rate_limited', /HTTP 429/, /token of its own/],
    ['502', () => json({ message: 'Bad gateway' }, 502), 'http', /HTTP 502/, /Edge Functions → Logs/],
    ['a rejected query', () => json({ result: null, error: { code: 400, message: 'Table not found: function_edge_logs' } }), 'query', /rejected the query: Table not found/, /Edge Functions → Logs/],
    ['a body that is not JSON', () => new Response('<html>oops</html>', { status: 200 }), 'query', /not a logs result/, /Edge Functions → Logs/],
  ])('%s', async (_name, answer, failure, value, advice) => {
    const list = await setup({}, { answer }).items();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ key: 'error_rate', status: 'unknown', data: { failure } });
    expect(list[0]!.value).toMatch(value);
    expect(list[0]!.advice).toMatch(advice);
  });

  it('a timeout is UNKNOWN and the access token never appears in what people see', async () => {
    const list = await setup({}, { answer: () => Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError')) }).items();
    expect(list[0]).toMatchObject({ status: 'unknown', data: { failure: 'unreachable' } });
    expect(JSON.stringify(list)).not.toContain(TOKEN);
  });

  it('a network error is retried once, then UNKNOWN naming it', async () => {
    const { items, http } = setup({}, { answer: () => Promise.reject(networkError('ENOTFOUND')) });
    const list = await items();
    expect(list[0]!.value).toMatch(/did not answer \(ENOTFOUND\)/);
    expect(http.calls.length).toBeGreaterThanOrEqual(2);
  });
});

describe('/health edge shows the figures beside the probe', () => {
  it('probe items first, then the log figures; a metrics failure does not hide the probe', async () => {
    const clock = fixedClock(NOW);
    const http = fakeFetch((c) => {
      if (c.url.includes('/functions/v1/')) return json({ reply: 'OK' });
      if (c.url.includes('function_edge_logs')) return json({ result: calls('ai-chat', 10).map(bigQueryEdgeRow), error: null });
      return json({ message: 'Unauthorized' }, 401);
    });
    const source = createEdgeMetricsSource({ accessToken: TOKEN, projectRef: REF, apiUrl: API, endpointPath: '/v1/projects/{ref}/analytics/endpoints/logs.all', fetch: http.fetch, clock, windowMs: T.windowMs });
    const check = edgeCheck({ supabaseUrl: `https://${REF}.supabase.co`, anonKey: 'anon', functionName: 'ai-chat', fetch: http.fetch, clock, latencyWarnMs: 2000, latencyCriticalMs: 3000, metrics: { source, thresholds: T } });
    const list = await check.run({ signal: new AbortController().signal, timeoutMs: 5000 });
    expect(list.map((i) => i.key)).toEqual(['response', 'latency', 'error_rate']);
    expect(list[0]).toMatchObject({ status: 'ok', value: '200, JSON reply' });
    expect(list[2]).toMatchObject({ status: 'unknown', data: { failure: 'refused' } });
  });
});
