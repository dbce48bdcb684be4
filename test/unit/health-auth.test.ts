// Auth: GoTrue's health endpoint, and failed sign-ins of the last hour from the audit table.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { ReadOnlyTx, Row, SectionResult, TargetDb } from '../../src/db/target.js';
import { UpstreamError } from '../../src/core/errors.js';
import { authCheck } from '../../src/health/auth.js';
import type { HealthItem } from '../../src/health/types.js';
import { fakeFetch, networkError, type FetchHandler } from '../support/unit-fetch.js';

const SUPABASE_URL = 'https://abc.supabase.co';
const ANON_KEY = 'anon-key-0123456789abcdefghij';

type Section = SectionResult<Row>;

/** A TargetDb that answers sections from a table of canned results and records what ran. */
class FakeTargetDb implements TargetDb {
  readonly ran: { purpose: string; name: string; params: unknown[] }[] = [];
  constructor(
    private readonly sectionResult: (name: string) => Section,
    private readonly failConnect?: Error,
  ) {}

  async readOnly<T>(purpose: string, fn: (tx: ReadOnlyTx) => Promise<T>): Promise<T> {
    if (this.failConnect) throw this.failConnect;
    const tx: ReadOnlyTx = {
      query: (name: string, params: unknown[] = []) => {
        this.ran.push({ purpose, name, params });
        return Promise.resolve([]);
      },
      section: <R extends Row>(name: string, params: unknown[] = []) => {
        this.ran.push({ purpose, name, params });
        return Promise.resolve(this.sectionResult(name) as SectionResult<R>);
      },
    };
    return fn(tx);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const logins = (total: unknown, peak: unknown): Section => ({ ok: true, rows: [{ total, peak_per_minute: peak }], ms: 3 });

function setup(opts: { http?: FetchHandler; section?: Section; db?: FakeTargetDb; latencyMs?: number } = {}) {
  const clock = fixedClock(Date.UTC(2025, 0, 15, 12));
  const http = fakeFetch((call) => {
    clock.advance(opts.latencyMs ?? 45);
    return (opts.http ?? (() => new Response(JSON.stringify({ version: 'v2.170.0', name: 'GoTrue' }), { status: 200 })))(call);
  });
  const db = opts.db ?? new FakeTargetDb(() => opts.section ?? logins('3', '1'));
  const check = authCheck({ supabaseUrl: SUPABASE_URL, anonKey: ANON_KEY, fetch: http.fetch, clock, db, failedLoginsPerMinuteWarn: 10 });
  return { http, db, check, run: () => check.run({ signal: new AbortController().signal, timeoutMs: 5000 }) };
}

const byKey = (items: HealthItem[], key: string) => items.find((i) => i.key === key)!;

describe('auth service', () => {
  it('GETs {SUPABASE_URL}/auth/v1/health with the anon key; 200 is ok with the GoTrue version', async () => {
    const { http, run } = setup();
    const service = byKey(await run(), 'service');
    expect(http.calls).toHaveLength(1);
    expect(http.calls[0]).toMatchObject({ url: 'https://abc.supabase.co/auth/v1/health', method: 'GET' });
    expect(http.calls[0]!.headers.apikey).toBe(ANON_KEY);
    expect(service).toMatchObject({ status: 'ok', value: '200 in 45 ms, GoTrue v2.170.0', threshold: 'HTTP 200 from /auth/v1/health' });
    expect(service.advice).toBeUndefined();
  });

  it('200 without JSON is still ok', async () => {
    const service = byKey(await setup({ http: () => new Response('OK', { status: 200 }) }).run(), 'service');
    expect(service).toMatchObject({ status: 'ok', value: '200 in 45 ms' });
  });

  it('500 is critical: users cannot sign in', async () => {
    const service = byKey(await setup({ http: () => new Response('{"msg":"db down"}', { status: 500 }) }).run(), 'service');
    expect(service).toMatchObject({ status: 'critical', value: '500 in 45 ms', data: { status: 500, ms: 45 } });
    expect(service.advice).toContain('cannot sign in');
  });

  it('unreachable is critical and names the network error', async () => {
    const service = byKey(
      await setup({
        http: () => {
          throw networkError('ETIMEDOUT');
        },
      }).run(),
      'service',
    );
    expect(service).toMatchObject({ status: 'critical', value: 'unreachable (ETIMEDOUT)' });
    expect(service.advice).toContain('SUPABASE_URL');
  });
});

describe('failed sign-ins', () => {
  it('reads the last 60 minutes from the failed-logins query, read-only', async () => {
    const { db, run } = setup();
    await run();
    expect(db.ran).toEqual([{ purpose: 'health', name: 'queries/health/failed-logins', params: [60] }]);
  });

  it('a peak of 10 per minute is ok; the label names the window', async () => {
    const item = byKey(await setup({ section: logins('120', '10') }).run(), 'failed_logins');
    expect(item).toMatchObject({
      status: 'ok',
      label: 'Failed sign-ins (last 60 min)',
      value: '120 (peak 10 in one minute)',
      threshold: '≤ 10 per minute',
      data: { total: 120, peakPerMinute: 10, windowMinutes: 60 },
    });
    expect(item.advice).toBeUndefined();
  });

  it('a peak above 10 per minute warns of credential stuffing', async () => {
    const item = byKey(await setup({ section: logins(45, 11) }).run(), 'failed_logins');
    expect(item).toMatchObject({ status: 'warn', value: '45 (peak 11 in one minute)' });
    expect(item.advice).toContain('credential stuffing');
  });

  it('no rows at all counts as zero', async () => {
    const item = byKey(await setup({ section: { ok: true, rows: [], ms: 1 } }).run(), 'failed_logins');
    expect(item).toMatchObject({ status: 'ok', value: '0 (peak 0 in one minute)' });
  });

  it.each(['permission', 'missing'] as const)('an unreadable audit table (%s) is unknown with advice to grant access', async (reason) => {
    const item = byKey(await setup({ section: { ok: false, reason, message: 'permission denied for the bot role', ms: 1 } }).run(), 'failed_logins');
    expect(item).toMatchObject({ status: 'unknown', value: 'auth.audit_log_entries is not readable' });
    expect(item.advice).toContain('auth.audit_log_entries');
    expect(item.advice).toContain('sql/roles.sql');
  });

  it('a timed-out query is unknown and says so', async () => {
    const item = byKey(
      await setup({ section: { ok: false, reason: 'timeout', message: 'timed out (statement_timeout)', ms: 5000 } }).run(),
      'failed_logins',
    );
    expect(item).toMatchObject({ status: 'unknown', value: 'timed out (statement_timeout)' });
  });

  it('an unreachable database makes this item unknown, and the auth service is still reported', async () => {
    const db = new FakeTargetDb(() => logins(0, 0), new UpstreamError('Cannot connect to the target database: connection refused'));
    const items = await setup({ db }).run();
    expect(byKey(items, 'service').status).toBe('ok');
    const item = byKey(items, 'failed_logins');
    expect(item.status).toBe('unknown');
    expect(item.value).toContain('database not reachable');
    expect(item.advice).toContain('database section');
  });
});
