// /health db's host figures from the recorded shape of Supabase's Prometheus metrics endpoint:
// CPU % is computed between two scrapes (never from one), memory and disk from the gauges, and
// every way the endpoint can fail (401, 404, 429, 5xx, timeouts, a body that is not metrics, an
// empty body) is an UNKNOWN item that says what to fix — never a made-up figure.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { createDbMetricsSource, hostItems, type HostThresholds } from '../../src/health/db-metrics.js';
import { createHealthService } from '../../src/health/runner.js';
import { databaseCheck } from '../../src/health/database.js';
import { DEFAULT_HEALTH_THRESHOLDS } from '../../src/health/settings.js';
import { UpstreamError } from '../../src/core/errors.js';
import type { ReadOnlyTx, TargetDb } from '../../src/db/target.js';
import type { HealthItem } from '../../src/health/types.js';
import { BOOT_CORES, coresAfter, metricsScrape } from '../fixtures/supabase-platform.js';
import { fakeFetch, networkError, type FetchHandler } from '../support/unit-fetch.js';

const URL_ = 'https://abcdefghijklmnopqrst.supabase.co/customer/v1/privileged/metrics';
const KEY = 'sb_secret_service-role-0123456789abcdef';
const T: HostThresholds = { cpuWarnPct: 70, cpuCriticalPct: 80, memoryWarnPct: 90, storageWarnPct: 80, storageCriticalPct: 90 };
const text = (body: string, status = 200) => new Response(body, { status, headers: { 'content-type': 'text/plain; version=0.0.4' } });

function setup(handler: FetchHandler) {
  const clock = fixedClock(Date.UTC(2026, 11, 7, 3, 0));
  const http = fakeFetch(handler);
  const sleeps: number[] = [];
  const source = createDbMetricsSource({
    url: URL_,
    serviceRoleKey: KEY,
    fetch: http.fetch,
    clock,
    sleep: (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
      return Promise.resolve();
    },
  });
  const ctx = () => ({ signal: new AbortController().signal, timeoutMs: 5000 });
  const items = async () => hostItems(source, T, ctx());
  return { clock, http, source, items, sleeps };
}

const byKey = (items: HealthItem[], key: string) => items.find((i) => i.key === key);

describe('metrics endpoint request', () => {
  it('GETs the endpoint with HTTP basic auth service_role:<service-role key>', async () => {
    const scrapes = [metricsScrape(BOOT_CORES), metricsScrape(coresAfter(BOOT_CORES, 1, 0.5))];
    const { http, items } = setup(() => text(scrapes.shift()!));
    await items();
    expect(http.calls).toHaveLength(2);
    expect(http.calls[0]!.url).toBe(URL_);
    expect(http.calls[0]!.method).toBe('GET');
    expect(Buffer.from(http.calls[0]!.headers.authorization!.replace(/^Basic /, ''), 'base64').toString()).toBe(`service_role:${KEY}`);
  });
});

describe('CPU from node_cpu_seconds_total between two scrapes', () => {
  it('on a cold start takes a second scrape a moment later: 50 % busy over 2 cores', async () => {
    const scrapes = [metricsScrape(BOOT_CORES), metricsScrape(coresAfter(BOOT_CORES, 1, 0.5))];
    const { items, sleeps } = setup(() => text(scrapes.shift()!));
    const cpu = byKey(await items(), 'cpu')!;
    expect(sleeps).toEqual([1000]);
    expect(cpu).toMatchObject({ status: 'ok', data: { pct: 50, cpus: 2, overMs: 1000 } });
    expect(cpu.value).toBe('50.0 % of 2 cores over the last 1 s');
  });

  it('the next check uses the stored scrape: one request, the rate over the minute between them', async () => {
    const second = coresAfter(BOOT_CORES, 1, 0.5);
    const scrapes = [BOOT_CORES, second, coresAfter(second, 60, 0.92)].map((c) => metricsScrape(c));
    const { items, http, clock, sleeps } = setup(() => text(scrapes.shift()!));
    await items();
    expect(http.calls).toHaveLength(2);
    clock.advance(60_000);
    const cpu = byKey(await items(), 'cpu')!;
    expect(http.calls).toHaveLength(3);
    expect(sleeps).toHaveLength(1);
    expect(cpu).toMatchObject({ status: 'critical', data: { pct: 92, overMs: 60_000 } });
    expect(cpu.threshold).toBe('warn ≥ 70 %, critical > 80 %');
    expect(cpu.advice).toMatch(/\/slowqueries/);
  });

  it('a counter reset (host restart) is not a measurement: it scrapes again instead of reporting a negative rate', async () => {
    const fresh = BOOT_CORES.map(() => ({ idle: 10, user: 1, system: 1, iowait: 0 }));
    const scrapes = [BOOT_CORES, coresAfter(BOOT_CORES, 1, 0.3), fresh, coresAfter(fresh, 1, 0.75)].map((c) => metricsScrape(c));
    const { items, clock, http } = setup(() => text(scrapes.shift()!));
    expect(byKey(await items(), 'cpu')!.data).toMatchObject({ pct: 30 });
    clock.advance(60_000);
    const cpu = byKey(await items(), 'cpu')!;
    expect(http.calls).toHaveLength(4);
    expect(cpu).toMatchObject({ status: 'warn', data: { pct: 75 } });
  });

  it('a previous scrape older than 15 minutes is not used', async () => {
    const scrapes = [BOOT_CORES, coresAfter(BOOT_CORES, 1, 0.1), coresAfter(BOOT_CORES, 1200, 0.2), coresAfter(BOOT_CORES, 1201, 0.2)].map((c) => metricsScrape(c));
    const { items, clock, http } = setup(() => text(scrapes.shift()!));
    await items();
    clock.advance(20 * 60_000);
    await items();
    expect(http.calls).toHaveLength(4);
  });

  it('counters that did not move between two scrapes give UNKNOWN (not 0 %), memory and disk still report, and the next check has its baseline', async () => {
    const scrapes = [BOOT_CORES, BOOT_CORES, coresAfter(BOOT_CORES, 60, 0.4)].map((c) => metricsScrape(c));
    const { items, http, clock } = setup(() => text(scrapes.shift()!));
    const first = await items();
    expect(byKey(first, 'cpu')).toMatchObject({ status: 'unknown', data: { failure: 'no_cpu' } });
    expect(byKey(first, 'cpu')!.value).toMatch(/did not advance/);
    expect(first.map((i) => i.key)).toEqual(['cpu', 'memory', 'disk']);
    clock.advance(60_000);
    expect(byKey(await items(), 'cpu')).toMatchObject({ status: 'ok', data: { pct: 40 } });
    expect(http.calls).toHaveLength(3);
  });
});

describe('memory and disk', () => {
  it('memory from MemTotal − MemAvailable; disk of the /data mount, not the root one', async () => {
    const scrapes = [metricsScrape(BOOT_CORES), metricsScrape(coresAfter(BOOT_CORES, 1, 0.2))];
    const list = await setup(() => text(scrapes.shift()!)).items();
    expect(list.map((i) => i.key)).toEqual(['cpu', 'memory', 'disk']);
    expect(byKey(list, 'memory')).toMatchObject({ status: 'ok', data: { usedBytes: 391_000_000, totalBytes: 1_012_000_000 } });
    expect((byKey(list, 'memory')!.data as { pct: number }).pct).toBeCloseTo(38.64, 1);
    expect(byKey(list, 'disk')).toMatchObject({ label: 'Disk (/data)', status: 'ok', data: { mountpoint: '/data', sizeBytes: 8_350_000_000, usedBytes: 1_950_000_000 } });
  });

  it('a disk 92 % full is critical with the runbook’s advice; memory at 95 % warns', async () => {
    const o = { dataSize: 10_000_000_000, dataAvail: 800_000_000, memTotal: 1_000_000_000, memAvailable: 50_000_000 };
    const scrapes = [metricsScrape(BOOT_CORES, o), metricsScrape(coresAfter(BOOT_CORES, 1, 0.2), o)];
    const list = await setup(() => text(scrapes.shift()!)).items();
    expect(byKey(list, 'disk')).toMatchObject({ status: 'critical', data: { pct: 92 } });
    expect(byKey(list, 'disk')!.advice).toMatch(/read-only at 95 %/);
    expect(byKey(list, 'memory')).toMatchObject({ status: 'warn', data: { pct: 95 } });
  });
});

describe('failures are UNKNOWN with what to fix', () => {
  it.each([
    ['401 (wrong key)', () => text('Unauthorized', 401), 'refused', /refused the service-role key \(HTTP 401\)/, /SUPABASE_SERVICE_ROLE_KEY/],
    ['403', () => text('Forbidden', 403), 'refused', /HTTP 403/, /service_role/],
    ['404 (wrong URL)', () => text('404 page not found', 404), 'not_found', /HTTP 404/, /SUPABASE_METRICS_URL/],
    ['429', () => text('Too Many Requests', 429), 'rate_limited', /rate limiting \(HTTP 429\)/, /ALERTS_SCHEDULE/],
    ['503', () => text('upstream connect error', 503), 'http', /HTTP 503/, /Database → Reports/],
    ['an HTML page', () => text('<html><body>Cloudflare</body></html>'), 'format', /not Prometheus text \(line 1: expected a metric name\)/, /Database → Reports/],
    ['an empty 200 (an empty window)', () => text(''), 'no_cpu', /without node_cpu_seconds_total/, /Database → Reports/],
  ])('%s', async (_name, answer, failure, value, advice) => {
    const list = await setup(answer).items();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ key: 'cpu', status: 'unknown', data: { failure } });
    expect(list[0]!.value).toMatch(value);
    expect(list[0]!.advice).toMatch(advice);
  });

  it('a network error is retried once, then UNKNOWN naming the error', async () => {
    const { items, http } = setup(() => Promise.reject(networkError('ECONNRESET')));
    const list = await items();
    expect(http.calls).toHaveLength(2);
    expect(list[0]).toMatchObject({ key: 'cpu', status: 'unknown', data: { failure: 'unreachable' } });
    expect(list[0]!.value).toMatch(/did not answer \(ECONNRESET\)/);
  });

  it('a request that times out is UNKNOWN, not retried past the check’s time', async () => {
    const { items, http } = setup(() => Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError')));
    const list = await items();
    expect(http.calls).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'unknown', data: { failure: 'unreachable' } });
  });

  it('an endpoint that never answers is cut by the runner at the check’s time limit', async () => {
    const http = fakeFetch((call) => new Promise((_r, reject) => call.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))));
    const source = createDbMetricsSource({ url: URL_, serviceRoleKey: KEY, fetch: http.fetch, clock: fixedClock(0) });
    const health = createHealthService({
      checks: [{ component: 'database', title: 'Database', run: (ctx) => hostItems(source, T, ctx) }],
      clock: fixedClock(0),
      timeoutMs: 150,
      logger: pino({ level: 'silent' }),
    });
    const report = await health.run('database');
    expect(report.components[0]!.items[0]).toMatchObject({ key: 'reachable', status: 'critical', value: 'no answer within 0.1 s' });
    expect(http.calls[0]!.signal?.aborted).toBe(true);
  });
});

describe('/health db with the host figures', () => {
  const scrapesOf = () => [metricsScrape(BOOT_CORES), metricsScrape(coresAfter(BOOT_CORES, 1, 0.97))];
  const thresholds = DEFAULT_HEALTH_THRESHOLDS;

  it('places CPU, memory and disk after the database size', async () => {
    const scrapes = scrapesOf();
    const http = fakeFetch(() => text(scrapes.shift()!));
    const source = createDbMetricsSource({ url: URL_, serviceRoleKey: KEY, fetch: http.fetch, clock: fixedClock(0), sleep: () => Promise.resolve() });
    const db: TargetDb = {
      readOnly: (_p, fn) => fn({ query: () => Promise.resolve([]), section: () => Promise.resolve({ ok: true, ms: 1, rows: [{}] }) } as unknown as ReadOnlyTx),
      close: () => Promise.resolve(),
    };
    const list = await databaseCheck({ db, clock: fixedClock(0), thresholds, host: { source, thresholds: T } }).run({ signal: new AbortController().signal, timeoutMs: 5000 });
    expect(list.map((i) => i.key)).toEqual(['ping', 'connections', 'idle_in_transaction', 'long_running', 'storage', 'cpu', 'memory', 'disk', 'cache_hit', 'xid_age', 'largest_tables']);
  });

  it('a database that cannot be reached still shows the host: unreachable and CPU 97 %', async () => {
    const scrapes = scrapesOf();
    const http = fakeFetch(() => text(scrapes.shift()!));
    const source = createDbMetricsSource({ url: URL_, serviceRoleKey: KEY, fetch: http.fetch, clock: fixedClock(0), sleep: () => Promise.resolve() });
    const db: TargetDb = { readOnly: () => Promise.reject(new UpstreamError('The target database is unreachable (ECONNREFUSED).')), close: () => Promise.resolve() };
    const list = await databaseCheck({ db, clock: fixedClock(0), thresholds, host: { source, thresholds: T } }).run({ signal: new AbortController().signal, timeoutMs: 5000 });
    expect(list.map((i) => [i.key, i.status])).toEqual([
      ['reachable', 'critical'],
      ['cpu', 'critical'],
      ['memory', 'ok'],
      ['disk', 'ok'],
    ]);
    expect(list[0]!.value).toBe('The target database is unreachable (ECONNREFUSED).');
  });
});
