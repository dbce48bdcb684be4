// Each outbound call site under the shared retry policy, with its own budget: health probes
// retry a network error once and never an HTTP answer, and never past the check's timeout;
// the Management API, Auth admin and Slack file downloads take a couple of tries on 5xx/429
// and never on another 4xx. Injected fetch and clock; nothing waits.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { UpstreamError } from '../../src/core/errors.js';
import { authCheck } from '../../src/health/auth.js';
import { edgeCheck } from '../../src/health/edge.js';
import { frontendCheck } from '../../src/health/frontend.js';
import type { TargetDb } from '../../src/db/target.js';
import { createSupabaseLogSource } from '../../src/logs/sources/supabase.js';
import { createSlackFileDownloader } from '../../src/logs/sources/slack-file.js';
import { supabaseAuthAdmin } from '../../src/playbooks/auth-admin.js';
import { fakeFetch, networkError } from '../support/unit-fetch.js';

const NOW = Date.UTC(2026, 4, 20, 10);

/** Answers in turn (the last one repeats), each call taking `latencyMs` on the clock. */
function sequence(clock: ReturnType<typeof fixedClock>, answers: (() => Response | Error)[], latencyMs = 40) {
  let i = 0;
  return fakeFetch(() => {
    clock.advance(latencyMs);
    const a = answers[Math.min(i++, answers.length - 1)]!();
    if (a instanceof Error) throw a;
    return a;
  });
}

function timed() {
  const clock = fixedClock(NOW);
  const waits: number[] = [];
  const sleep = (ms: number) => {
    waits.push(ms);
    clock.advance(ms);
    return Promise.resolve();
  };
  return { clock, waits, sleep };
}

const ok = () => new Response('{"reply":"OK","version":"v2"}', { status: 200 });
const status = (s: number, headers: Record<string, string> = {}) => () => new Response(`status ${s}`, { status: s, headers });
const reset = () => networkError('ECONNRESET');
const ctx = (timeoutMs = 5000) => ({ signal: new AbortController().signal, timeoutMs });

const noDb: TargetDb = {
  readOnly: () => Promise.reject(new Error('not used')),
  close: () => Promise.resolve(),
};

function healthChecks(f: typeof fetch, t: ReturnType<typeof timed>) {
  const common = { fetch: f, clock: t.clock, sleep: t.sleep };
  return {
    frontend: frontendCheck({ ...common, appUrl: 'https://app.example.test/', latencyWarnMs: 2000 }),
    edge: edgeCheck({ ...common, supabaseUrl: 'https://proj.supabase.test', anonKey: 'anon', functionName: 'ai-chat', latencyWarnMs: 2000, latencyCriticalMs: 5000 }),
    auth: authCheck({ ...common, supabaseUrl: 'https://proj.supabase.test', anonKey: 'anon', db: noDb, failedLoginsPerMinuteWarn: 10 }),
  };
}

describe('health probes: one retry on a network error, none on an answer, within the check timeout', () => {
  it.each(['frontend', 'edge', 'auth'] as const)('%s: a reset connection then an answer is ok, with the latency of the answer', async (name) => {
    const t = timed();
    const http = sequence(t.clock, [reset, ok], 40);
    const items = await healthChecks(http.fetch, t)[name].run(ctx());
    expect(http.calls).toHaveLength(2);
    expect(items[0]!.status).toBe('ok');
    // The latency shown is the answering attempt's, not the failed one's plus the wait.
    expect(JSON.stringify(items)).toMatch(/"ms":40\b/);
  });

  it.each(['frontend', 'edge', 'auth'] as const)('%s: a 503 is reported as it is, not retried', async (name) => {
    const t = timed();
    const http = sequence(t.clock, [status(503), ok]);
    const items = await healthChecks(http.fetch, t)[name].run(ctx());
    expect(http.calls).toHaveLength(1);
    expect(items[0]!.status).toBe('critical');
    expect(t.waits).toEqual([]);
  });

  it.each(['frontend', 'edge', 'auth'] as const)('%s: two network errors are one unreachable finding after two tries, never more', async (name) => {
    const t = timed();
    const http = sequence(t.clock, [reset]);
    const items = await healthChecks(http.fetch, t)[name].run(ctx());
    expect(http.calls).toHaveLength(2);
    expect(items[0]).toMatchObject({ status: 'critical', value: 'unreachable (ECONNRESET)' });
  });

  it('no retry when the wait would not fit in the check timeout', async () => {
    const t = timed();
    // The failed attempt took 4.99 s of a 5 s check: no time for another.
    const http = sequence(t.clock, [reset, ok], 4990);
    const items = await healthChecks(http.fetch, t).frontend.run(ctx(5000));
    expect(http.calls).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: 'critical' });
  });
});

describe('Supabase Management API (logs)', () => {
  const source = (f: typeof fetch, t: ReturnType<typeof timed>) =>
    createSupabaseLogSource({ accessToken: 'sbp_x', projectRef: 'xyzcompanyref0001', fetch: f, clock: t.clock, sleep: t.sleep, pageSize: 1000 });
  const page = () => new Response(JSON.stringify({ result: [{ id: '1', timestamp: NOW * 1000, event_message: 'hello' }] }), { status: 200 });

  it('a 502 and a 429 with Retry-After are tried again, honouring the wait', async () => {
    const t = timed();
    const http = sequence(t.clock, [status(502), status(429, { 'retry-after': '2' }), page]);
    const batch = await source(http.fetch, t).fetchLogs({ kind: 'postgres', sinceMs: 60_000 });
    expect(batch.records.map((r) => r.message)).toEqual(['hello']);
    expect(http.calls).toHaveLength(3);
    expect(t.waits[1]).toBeGreaterThanOrEqual(2000);
  });

  it('a 400 is not retried', async () => {
    const t = timed();
    const http = sequence(t.clock, [status(400), page]);
    await expect(source(http.fetch, t).fetchLogs({ kind: 'postgres', sinceMs: 60_000 })).rejects.toBeInstanceOf(UpstreamError);
    expect(http.calls).toHaveLength(1);
  });
});

describe('Supabase Auth admin', () => {
  const admin = (f: typeof fetch, t: ReturnType<typeof timed>) => supabaseAuthAdmin({ url: 'https://proj.supabase.test', serviceRoleKey: 'service-role-key', fetch: f, clock: t.clock, sleep: t.sleep });

  it('a 503 then success bans the user, sending the same request twice', async () => {
    const t = timed();
    const http = sequence(t.clock, [status(503), () => new Response('{"id":"u1"}', { status: 200, headers: { 'content-type': 'application/json' } })]);
    await admin(http.fetch, t).setBan('7a1f8e0a-1b2c-4d5e-8f90-0123456789ab', '876000h');
    expect(http.calls.map((c) => [c.method, c.body])).toEqual([
      ['PUT', '{"ban_duration":"876000h"}'],
      ['PUT', '{"ban_duration":"876000h"}'],
    ]);
  });

  it('a 403 is refused at once, and a 5xx that persists fails after a few tries', async () => {
    const t = timed();
    const forbidden = sequence(t.clock, [() => new Response('{"msg":"not allowed"}', { status: 403, headers: { 'content-type': 'application/json' } })]);
    await expect(admin(forbidden.fetch, t).setBan('7a1f8e0a-1b2c-4d5e-8f90-0123456789ab', 'none')).rejects.toThrow(/Supabase Auth refused the unban \(403/);
    expect(forbidden.calls).toHaveLength(1);
    const down = sequence(t.clock, [() => new Response('{"msg":"unavailable"}', { status: 503, headers: { 'content-type': 'application/json' } })]);
    await expect(admin(down.fetch, t).setBan('7a1f8e0a-1b2c-4d5e-8f90-0123456789ab', 'none')).rejects.toThrow(/Supabase Auth refused/);
    expect(down.calls).toHaveLength(3);
  });
});

describe('Slack file downloads', () => {
  const URL_ = 'https://files.slack.com/files-pri/T1-F1/download/app.log';
  const download = (f: typeof fetch, t: ReturnType<typeof timed>) => createSlackFileDownloader({ botToken: 'xoxb-test', apiUrl: 'https://slack.com/api/', fetch: f, clock: t.clock, sleep: t.sleep });

  it('a 500 from the file host is tried again, with the token each time', async () => {
    const t = timed();
    const http = sequence(t.clock, [status(500), () => new Response('line 1\n', { status: 200 })]);
    const res = await download(http.fetch, t)(URL_, 'app.log');
    expect(await res.text()).toBe('line 1\n');
    expect(http.calls.map((c) => c.headers.authorization)).toEqual(['Bearer xoxb-test', 'Bearer xoxb-test']);
  });

  it('a 404 is the answer, not retried', async () => {
    const t = timed();
    const http = sequence(t.clock, [status(404), ok]);
    expect((await download(http.fetch, t)(URL_, 'app.log')).status).toBe(404);
    expect(http.calls).toHaveLength(1);
  });
});
