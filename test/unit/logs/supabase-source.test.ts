import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { InputError, UpstreamError } from '../../../src/core/errors.js';
import { analyzeRecords } from '../../../src/logs/analyze.js';
import { buildOfflineSummary } from '../../../src/logs/offline-summary.js';
import { createSupabaseLogSource, type SupabaseLogSourceOptions } from '../../../src/logs/sources/supabase.js';
import { parseLogWindow } from '../../../src/logs/window.js';

const NOW = Date.UTC(2026, 4, 20, 10, 0, 0);
const REF = 'xyzcompanyref0001';
const TOKEN = 'sbp_test_token_not_real';

interface Call {
  url: URL;
  auth: string | null;
}

function fakeFetch(respond: (url: URL, n: number) => Response): typeof fetch & { calls: Call[] } {
  const calls: Call[] = [];
  const f = (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    calls.push({ url, auth: new Headers(init?.headers).get('authorization') });
    return Promise.resolve(respond(url, calls.length));
  };
  return Object.assign(f, { calls });
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function source(f: typeof fetch, extra: Partial<SupabaseLogSourceOptions> = {}) {
  return createSupabaseLogSource({ accessToken: TOKEN, projectRef: REF, fetch: f, clock: fixedClock(NOW), ...extra });
}

const row = (minutesAgo: number, message: string, level = 'info') => ({
  id: `id-${minutesAgo}`,
  timestamp: (NOW - minutesAgo * 60_000) * 1000,
  event_message: message,
  metadata: [{ level }],
});

describe('Supabase Management API log source', () => {
  it('queries each table of the kind for the window and returns records oldest first', async () => {
    const f = fakeFetch((url) => {
      const sql = url.searchParams.get('sql')!;
      if (sql.includes('from function_edge_logs')) return json({ result: [row(5, 'POST | 500 | https://ref.supabase.co/functions/v1/ai-chat', 'error')], error: null });
      return json({ result: [row(10, 'booted (time: 30ms)'), row(1, 'AI gateway returned 429', 'error')] });
    });
    const batch = await source(f).fetchLogs({ kind: 'edge', sinceMs: 30 * 60_000 });
    expect(f.calls).toHaveLength(2);
    const first = f.calls[0]!;
    expect(first.url.pathname).toBe(`/v1/projects/${REF}/analytics/endpoints/logs.all`);
    expect(first.url.searchParams.get('iso_timestamp_start')).toBe('2026-05-20T09:30:00.000Z');
    expect(first.url.searchParams.get('iso_timestamp_end')).toBe('2026-05-20T10:00:00.000Z');
    expect(first.auth).toBe(`Bearer ${TOKEN}`);
    expect(batch.records.map((r) => r.message)).toEqual(['booted (time: 30ms)', 'POST | 500 | https://ref.supabase.co/functions/v1/ai-chat', 'AI gateway returned 429']);
    expect(batch.records.map((r) => r.level)).toEqual(['info', 'error', 'error']);
    expect(batch.truncated).toBe(false);
  });

  it('uses ClickHouse SQL over the unified logs table when the endpoint is the new one', async () => {
    const f = fakeFetch(() => json({ result: [{ id: '1', timestamp: '2026-05-20 09:59:00.000000', event_message: 'deadlock detected', severity_text: 'ERROR' }] }));
    const batch = await source(f, { endpointPath: '/v1/projects/{ref}/analytics/endpoints/logs' }).fetchLogs({ kind: 'postgres', sinceMs: 3_600_000 });
    expect(f.calls[0]!.url.searchParams.get('sql')).toMatch(/from logs where source = 'postgres_logs'/);
    expect(batch.records[0]).toMatchObject({ message: 'deadlock detected', level: 'error', timestamp: NOW - 60_000 });
  });

  it('pages until a short page and stops at maxRows, saying so', async () => {
    const f = fakeFetch((url) => {
      const offset = Number(/offset (\d+)/.exec(url.searchParams.get('sql')!)![1]);
      return json({ result: Array.from({ length: 2 }, (_, i) => row(offset + i, `line ${offset + i}`)) });
    });
    const batch = await source(f, { pageSize: 2, maxRows: 5 }).fetchLogs({ kind: 'auth', sinceMs: 3_600_000 });
    expect(batch.records).toHaveLength(5);
    expect(batch.truncated).toBe(true);
  });

  it('returns nothing for an empty window, and the summary says there were no lines', async () => {
    const f = fakeFetch(() => json({ result: [], error: null }));
    const batch = await source(f).fetchLogs({ kind: 'auth', sinceMs: 15 * 60_000 });
    expect(batch.records).toEqual([]);
    const summary = buildOfflineSummary(analyzeRecords(batch.records), { subject: 'auth, last 15 min', promptTokensEstimate: 0 }, 'offline mode requested');
    expect(summary.headline).toBe('No log lines in this window');
  });

  it('reports an error in the body, a refused token and a rate limit as upstream errors with advice', async () => {
    await expect(source(fakeFetch(() => json({ result: null, error: { message: 'Table "edge_logz" does not exist' } }))).fetchLogs({ kind: 'edge', sinceMs: 60_000 })).rejects.toThrow(
      /rejected the logs query: Table "edge_logz" does not exist/,
    );
    const refused = source(fakeFetch(() => json({ message: 'Unauthorized' }, 401))).fetchLogs({ kind: 'edge', sinceMs: 60_000 });
    await expect(refused).rejects.toBeInstanceOf(UpstreamError);
    await expect(refused).rejects.toThrow(/SUPABASE_ACCESS_TOKEN \(it needs analytics:read\)/);
    // A 429 is retried a couple of times (without waiting here) before it is reported.
    const limited = fakeFetch(() => json({}, 429));
    await expect(source(limited, { sleep: () => Promise.resolve() }).fetchLogs({ kind: 'edge', sinceMs: 60_000 })).rejects.toThrow(/rate-limited/);
    expect(limited.calls).toHaveLength(3);
    await expect(
      source(
        fakeFetch(() => {
          throw new TypeError('fetch failed');
        }),
        { sleep: () => Promise.resolve() },
      ).fetchLogs({ kind: 'edge', sinceMs: 60_000 }),
    ).rejects.toThrow(/could not be reached/);
  });

  it('refuses windows over 24 h without calling the API', async () => {
    const f = fakeFetch(() => json({ result: [] }));
    await expect(source(f).fetchLogs({ kind: 'edge', sinceMs: 25 * 3_600_000 })).rejects.toBeInstanceOf(InputError);
    expect(f.calls).toHaveLength(0);
  });
});

describe('log window', () => {
  it('reads durations up to 24 h and explains anything else', () => {
    expect([parseLogWindow('30m'), parseLogWindow('2h'), parseLogWindow('1d'), parseLogWindow('90 min')]).toEqual([1_800_000, 7_200_000, 86_400_000, 5_400_000]);
    expect(() => parseLogWindow('25h')).toThrow(/at most 24 h, such as 30m/);
    expect(() => parseLogWindow('soon')).toThrow(InputError);
  });
});
