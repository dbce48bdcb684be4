// The acceptance of issue 15 items 6–8: the runbook alerts that had no data source ("Database
// CPU > 80 %", "Edge function error rate > 5 %") evaluate from the new sources, wired from the
// settings exactly as the bot and `opsbot schedule` wire them, and are no longer listed as
// unavailable; without the settings they still are, with what to set. HTTP answers are the
// recorded shapes of the Supabase endpoints; the database is a hand-written fake of TargetDb.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { alertsJob, unavailableNotes } from '../../src/alerts/job.js';
import { alertRules, evaluateRules, type RuleResult } from '../../src/alerts/rules.js';
import { loadConfig } from '../../src/app/config.js';
import { alertSourcesFor, buildHealthService } from '../../src/app/health.js';
import { alertThresholdsFrom } from '../../src/app/ops-scheduler.js';
import { fixedClock } from '../../src/core/clock.js';
import type { ReadOnlyTx, TargetDb } from '../../src/db/target.js';
import type { CertificateReader } from '../../src/health/tls.js';
import { BOOT_CORES, bigQueryEdgeRow, coresAfter, functionLogRow, metricsScrape, type EdgeCall } from '../fixtures/supabase-platform.js';
import { fakeFetch, type FetchCall } from '../support/unit-fetch.js';

const NOW = Date.UTC(2026, 11, 7, 3, 0);
const REF = 'abcdefghijklmnopqrst';
const BASE_ENV = {
  DATABASE_URL: 'postgres://opsbot@127.0.0.1:5432/target',
  APP_URL: 'https://app.autorepai.example',
  SUPABASE_URL: `https://${REF}.supabase.co`,
  SUPABASE_ANON_KEY: 'sb_publishable_anon-0123456789abcdef',
};
const FULL_ENV = { ...BASE_ENV, SUPABASE_SERVICE_ROLE_KEY: 'sb_secret_service-0123456789abcdef', SUPABASE_ACCESS_TOKEN: 'sbp_0123456789abcdef0123456789abcdef01234567' };

const fakeDb: TargetDb = {
  readOnly: (_purpose, fn) => {
    const tx: ReadOnlyTx = {
      query: () => Promise.resolve([]),
      section: (name) => Promise.resolve({ ok: true, ms: 1, rows: name === 'queries/health/database-size' ? [{ bytes: 1024 ** 3 }] : [{ total: 8, max_connections: 60 }] }) as never,
    };
    return fn(tx);
  },
  close: () => Promise.resolve(),
};
const cert: CertificateReader = () => Promise.resolve({ validTo: NOW + 60 * 86_400_000, subject: 'app.autorepai.example', issuer: 'R11' });
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** The Supabase platform as recorded: the host `busy`, the functions answering with `errors` 5xx of 100 and some slow. */
function platform(o: { busy: number; errors: number; slowMs?: number; credit402?: boolean }) {
  const scrapes = [metricsScrape(BOOT_CORES), metricsScrape(coresAfter(BOOT_CORES, 1, o.busy))];
  const calls: EdgeCall[] = Array.from({ length: 100 }, (_, i) => ({ fn: 'ai-chat', at: NOW - 600_000 + i * 1000, ms: i >= 90 ? (o.slowMs ?? 900) : 700, status: i < o.errors ? 503 : o.credit402 && i === 99 ? 402 : 200 }));
  return (c: FetchCall): Response | undefined => {
    const u = new URL(c.url);
    if (u.pathname === '/customer/v1/privileged/metrics') return new Response(scrapes.shift() ?? scrapes[0], { status: 200 });
    if (u.pathname.endsWith('/analytics/endpoints/logs.all')) {
      const sql = u.searchParams.get('sql') ?? '';
      if (sql.includes('function_edge_logs')) return json({ result: calls.map(bigQueryEdgeRow), error: null });
      return json({ result: [functionLogRow('Gemini answered in 700 ms', 'info', NOW - 1000)], error: null });
    }
    if (u.pathname === '/functions/v1/ai-chat') return json({ reply: 'OK' });
    if (u.pathname === '/auth/v1/health') return json({ version: 'v2.180.0' });
    if (u.pathname === `/v1/projects/${REF}/config/auth`) return json({ site_url: 'https://app.autorepai.example', uri_allow_list: '', mailer_autoconfirm: false });
    if (u.origin === 'https://app.autorepai.example') return new Response(null, { status: 200 });
    return undefined;
  };
}

async function evaluate(env: Record<string, string>, world: Parameters<typeof platform>[0]): Promise<Record<string, RuleResult>> {
  const config = loadConfig(env, 'cli');
  const http = fakeFetch(platform(world));
  const health = buildHealthService({ config, db: fakeDb, fetch: http.fetch, clock: fixedClock(NOW), logger: pino({ level: 'silent' }), tls: cert });
  const report = await health.run();
  const rules = alertRules(alertThresholdsFrom(config.thresholds, config.platform), alertSourcesFor(config));
  return Object.fromEntries(evaluateRules(rules, { report }).map((r) => [r.ruleId, r]));
}

describe('the runbook alerts that had no data source', () => {
  it('breach from the metrics endpoint and the function logs: CPU 90 % > 80 %, error rate 6 % > 5 %', async () => {
    const r = await evaluate(FULL_ENV, { busy: 0.9, errors: 6 });
    expect(r.db_cpu).toMatchObject({ state: 'breach', value: '90.0 % of 2 cores over the last 1 s' });
    expect(r.edge_error_rate).toMatchObject({ state: 'breach' });
    expect(r.edge_error_rate!.value).toMatch(/^6\.00 % \(6 of 100 5xx\)/);
  }, 15_000);

  it('stay ok at the thresholds (CPU 80 %, error rate 5 %), and P95 and 402 feed their rules', async () => {
    const r = await evaluate(FULL_ENV, { busy: 0.8, errors: 5, slowMs: 3500, credit402: true });
    expect(r.db_cpu!.state).toBe('ok');
    expect(r.edge_error_rate!.state).toBe('ok');
    expect(r.edge_latency).toMatchObject({ state: 'breach', value: 'P95 3.50 s' });
    expect(r.ai_credits).toMatchObject({ state: 'breach' });
    expect(r.ai_credits!.value).toMatch(/1 × 402 Payment Required/);
  }, 15_000);

  it('`opsbot schedule` (the alerts job notes) no longer lists them as unavailable', () => {
    const config = loadConfig(FULL_ENV, 'cli');
    const rules = alertRules(alertThresholdsFrom(config.thresholds, config.platform), alertSourcesFor(config));
    expect(unavailableNotes(rules)).toEqual([]);
    expect(alertsJob({ engine: undefined, rules, schedule: '* * * * *', enabled: true, channel: 'C1' }).notes).toEqual([]);
  });

  it('without the service-role key and access token they are listed as unavailable, saying what to set', () => {
    const config = loadConfig(BASE_ENV, 'cli');
    const notes = unavailableNotes(alertRules(alertThresholdsFrom(config.thresholds, config.platform), alertSourcesFor(config)));
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^db_cpu .* unavailable: .*SUPABASE_SERVICE_ROLE_KEY/);
    expect(notes[1]).toMatch(/^edge_error_rate .* unavailable: .*SUPABASE_ACCESS_TOKEN/);
  });

  it('the thresholds come from the settings shared with /health', () => {
    const config = loadConfig({ ...FULL_ENV, DB_CPU_CRITICAL_PCT: '90', DB_CPU_WARN_PCT: '75', EDGE_ERROR_RATE_CRITICAL_PCT: '10' }, 'cli');
    const rules = alertRules(alertThresholdsFrom(config.thresholds, config.platform), alertSourcesFor(config));
    expect(rules.find((x) => x.id === 'db_cpu')!.title).toBe('Database CPU above 90 %');
    expect(rules.find((x) => x.id === 'edge_error_rate')!.title).toBe('Edge function error rate above 10 %');
  });
});
