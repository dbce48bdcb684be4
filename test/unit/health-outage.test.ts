// /health outage without a network: the Statuspage summary as status.supabase.com serves it
// (components, incidents in our region and elsewhere) and its failures (401, 404, 429, 5xx, a
// body that is not a summary, no answer in time), DNS through a fake resolver (records, slow,
// NXDOMAIN, no data, SERVFAIL, timeout), each check's own time limit, and the next steps.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { dnsCheck, outageHosts, type DnsResolver } from '../../src/health/dns.js';
import { createOutageService, FAILOVER_STEPS, outageNextSteps } from '../../src/health/outage.js';
import type { OutageCheck, OutageCheckReport } from '../../src/health/outage-types.js';
import { regionScope, statusPageCheck } from '../../src/health/statuspage.js';
import type { CheckContext, HealthItem } from '../../src/health/types.js';
import { outageBlocks, outageText } from '../../src/render/outage.js';
import { commandCatalog } from '../../handlers/index.js';
import { FIRST_STEPS, findStep } from '../../src/incidents/checklists.js';
import { resolveCommand } from '../../src/slack/pipeline.js';
import { ALL_GOOD, SUMMARY_WITH_INCIDENT } from '../support/statuspage.js';
import { fakeFetch, networkError } from '../support/unit-fetch.js';

const clock: Clock = { now: () => Date.parse('2026-03-02T12:00:00Z'), monotonic: () => performance.now() };
const ctx = (timeoutMs = 2000): CheckContext => ({ signal: new AbortController().signal, timeoutMs });
const BASE = 'https://status.supabase.test';
const SUMMARY_URL = `${BASE}/api/v2/summary.json`;
const noSleep = () => Promise.resolve();

const item = (items: HealthItem[], key: string) => items.find((i) => i.key === key)!;

function page(res: () => Response | Promise<Response>, region: string | null = 'us-east-1') {
  const f = fakeFetch((c) => (c.url === SUMMARY_URL ? res() : undefined));
  return { check: statusPageCheck({ baseUrl: BASE, region: region ?? undefined, fetch: f.fetch, clock, sleep: noSleep }), calls: f.calls };
}

describe('status page', () => {
  it('reports the components and open incidents touching our region, the others apart', async () => {
    const { check, calls } = page(() => Response.json(SUMMARY_WITH_INCIDENT));
    const items = await check.run(ctx());
    expect(calls[0]!.headers.accept).toBe('application/json');
    expect(item(items, 'components')).toMatchObject({ status: 'critical', value: 'AWS us-east-1: partial outage; 1 more in other regions' });
    const incidents = item(items, 'incidents');
    expect(incidents.status).toBe('critical');
    expect(incidents.value).toBe('Elevated connection errors to databases in us-east-1 (identified, impact major) https://stspg.io/abc123; 1 more in other regions');
    expect(incidents.advice).toMatch(/stakeholder update/);
    // The page's overall indicator is context once the region is known.
    expect(item(items, 'indicator')).toMatchObject({ informational: true, value: 'Partial System Outage' });
  });

  it('an incident in another region only is not ours', async () => {
    const onlyEu = { ...SUMMARY_WITH_INCIDENT, incidents: [SUMMARY_WITH_INCIDENT.incidents[1]], components: SUMMARY_WITH_INCIDENT.components.filter((c) => c.id !== 'c2') };
    const items = await page(() => Response.json(onlyEu)).check.run(ctx());
    expect(item(items, 'incidents')).toMatchObject({ status: 'ok', value: 'none touching us-east-1; 1 in other regions' });
    expect(item(items, 'components')).toMatchObject({ status: 'ok', value: 'all operational (region us-east-1); 1 elsewhere not operational' });
  });

  it('without a region every incident counts, and the overall indicator decides', async () => {
    const items = await page(() => Response.json(SUMMARY_WITH_INCIDENT), null).check.run(ctx());
    expect(item(items, 'indicator')).toMatchObject({ status: 'critical' });
    expect(item(items, 'incidents').value).toMatch(/^Elevated connection errors.*; Slow dashboard loads in eu-west-2/);
    expect(regionScope(['Dashboard'], 'us-east-1')).toBe('global');
  });

  it('all operational is ok', async () => {
    const items = await page(() => Response.json(ALL_GOOD)).check.run(ctx());
    expect(items.every((i) => i.status === 'ok')).toBe(true);
  });

  it.each([
    [401, /refused \(HTTP 401\)/, /needs no key/],
    [404, /no summary \(HTTP 404\)/, /STATUS_PAGE_URL must be the base URL/],
    [429, /rate limited \(HTTP 429, retry after 30 s\)/, /try again in a minute/],
    [503, /HTTP 503/, /status page itself is failing/],
  ])('HTTP %i is unknown, with what to do', async (status, value, advice) => {
    const items = await page(() => new Response('{"error":"x"}', { status, headers: { 'retry-after': '30' } })).check.run(ctx());
    expect(items).toHaveLength(1);
    expect(items[0]!.status).toBe('unknown');
    expect(items[0]!.value).toMatch(value);
    expect(items[0]!.advice).toMatch(advice);
  });

  it('a body that is not a Statuspage summary, and an unreachable page, are unknown', async () => {
    const html = await page(() => new Response('<html>hi</html>', { status: 200 })).check.run(ctx());
    expect(html[0]).toMatchObject({ status: 'unknown', value: 'answered, but not with a Statuspage summary' });
    const down = await page(() => Promise.reject(networkError('ECONNREFUSED'))).check.run(ctx());
    expect(down[0]).toMatchObject({ status: 'unknown', value: 'unreachable (ECONNREFUSED)' });
  });
});

/** A resolver answering from a table; a value that is a string is the error code to fail with. */
function resolver(table: Record<string, { a?: string[] | string; aaaa?: string[] | string; cname?: string[] | string; delayMs?: number }>): () => DnsResolver & { cancelled: number } {
  const answer = (host: string, kind: 'a' | 'aaaa' | 'cname') => {
    const row = table[host];
    const v = row?.[kind] ?? 'ENODATA';
    const go = () => (typeof v === 'string' ? Promise.reject(Object.assign(new Error(`query ${v} ${host}`), { code: v })) : Promise.resolve(v));
    return row?.delayMs ? new Promise<string[]>((r, j) => setTimeout(() => void go().then(r, j), row.delayMs)) : go();
  };
  return () => {
    const r = { cancelled: 0, resolve4: (h: string) => answer(h, 'a'), resolve6: (h: string) => answer(h, 'aaaa'), resolveCname: (h: string) => answer(h, 'cname'), cancel: () => void r.cancelled++ };
    return r;
  };
}

describe('DNS', () => {
  const hosts = outageHosts({ app: 'https://app.autorepai.test/', supabase: 'https://proj.supabase.test', database: 'postgresql://postgres:secret@db.proj.supabase.test:5432/postgres' });

  it('resolves the app, project and database hosts (never showing the URL credentials)', async () => {
    expect(hosts).toEqual([
      { label: 'App', host: 'app.autorepai.test' },
      { label: 'Supabase project', host: 'proj.supabase.test' },
      { label: 'Database', host: 'db.proj.supabase.test' },
    ]);
    const check = dnsCheck({
      hosts,
      clock,
      slowMs: 1000,
      resolver: resolver({
        'app.autorepai.test': { a: ['203.0.113.7'], cname: ['autorepai.pages.test'] },
        'proj.supabase.test': { a: ['203.0.113.8', '203.0.113.9'], aaaa: ['2001:db8::8'] },
        'db.proj.supabase.test': { aaaa: ['2001:db8::5'] },
      }),
    });
    const items = await check.run(ctx());
    expect(items.map((i) => i.status)).toEqual(['ok', 'ok', 'ok']);
    expect(items[0]!.value).toMatch(/^A 203\.0\.113\.7; CNAME autorepai\.pages\.test \(\d+ ms\)$/);
    expect(items[1]!.value).toMatch(/^A 203\.0\.113\.8, 203\.0\.113\.9; AAAA 2001:db8::8/);
    expect(items[2]!.data).toMatchObject({ a: [], aaaa: ['2001:db8::5'] });
    expect(JSON.stringify(items)).not.toContain('secret');
  });

  it.each([
    ['ENOTFOUND', 'critical', /NXDOMAIN/, /registrar/],
    ['ESERVFAIL', 'critical', /SERVFAIL/, /DNSSEC/],
    ['ENODATA', 'critical', /no A or AAAA records/, /restore it/],
    ['ETIMEOUT', 'unknown', /no DNS answer in time/, /dig \+short app\.autorepai\.test @1\.1\.1\.1/],
    ['ECONNREFUSED', 'unknown', /bot's DNS server is unreachable/, /own resolver/],
  ])('%s is named by its kind', async (code, status, value, advice) => {
    const check = dnsCheck({ hosts: [hosts[0]!], clock, slowMs: 1000, resolver: resolver({ 'app.autorepai.test': { a: code, aaaa: code === 'ENOTFOUND' ? 'ENOTFOUND' : 'ENODATA', cname: 'ENODATA' } }) });
    const [i] = await check.run(ctx());
    expect(i!.status).toBe(status);
    expect(i!.value).toMatch(value);
    expect(i!.advice).toMatch(advice);
    expect(i!.data).toMatchObject({ failure: code });
  });

  it('a slow answer warns; an IP address and localhost need no query', async () => {
    const slow = dnsCheck({ hosts: [hosts[0]!], clock, slowMs: 20, resolver: resolver({ 'app.autorepai.test': { a: ['203.0.113.7'], delayMs: 40 } }) });
    expect((await slow.run(ctx()))[0]).toMatchObject({ status: 'warn' });
    const local = dnsCheck({ hosts: outageHosts({ app: 'http://127.0.0.1:3000/app/', supabase: 'http://localhost:54321' }), clock, slowMs: 20, resolver: resolver({}) });
    expect((await local.run(ctx())).map((i) => i.value)).toEqual(['an IP address: no DNS lookup', 'loopback: resolved locally, no DNS query']);
  });

  it('the check’s time limit cancels the outstanding queries', async () => {
    const make = resolver({ 'app.autorepai.test': { a: ['203.0.113.7'], delayMs: 5000 } });
    let made: ReturnType<typeof make> | undefined;
    const check = dnsCheck({ hosts: [hosts[0]!], clock, slowMs: 1000, resolver: () => (made = make()) });
    const service = createOutageService({ checks: [check], clock, timeoutMs: 50, logger: pino({ level: 'silent' }), statusPageUrl: BASE });
    const report = await service.run();
    expect(report.checks[0]).toMatchObject({ key: 'dns', status: 'critical', items: [{ value: 'no answer within 0.1 s' }] });
    expect(made!.cancelled).toBe(1);
  });
});

describe('outage service', () => {
  const fixed = (key: OutageCheck['key'], items: HealthItem[] | (() => Promise<HealthItem[]>)): OutageCheck => ({ key, title: key, run: typeof items === 'function' ? items : () => Promise.resolve(items) });
  const ok = (key: string): HealthItem => ({ key, label: key, status: 'ok', value: 'fine', threshold: 'fine' });

  it('runs the checks in parallel, each with its own limit; a throw or a hang is an item, not a failure of the report', async () => {
    const started = performance.now();
    const service = createOutageService({
      clock,
      timeoutMs: 300,
      logger: pino({ level: 'silent' }),
      statusPageUrl: BASE,
      checks: [
        fixed('statuspage', () => new Promise((r) => setTimeout(() => r([ok('incidents')]), 200))),
        fixed('dns', () => new Promise((r) => setTimeout(() => r([ok('dns:app')]), 200))),
        fixed('database', () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))),
        fixed('frontend', () => new Promise(() => undefined)),
      ],
    });
    const report = await service.run();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(report.checks.map((c) => [c.key, c.status])).toEqual([
      ['statuspage', 'ok'],
      ['dns', 'ok'],
      ['database', 'critical'],
      ['frontend', 'critical'],
    ]);
    expect(report.checks[2]!.items[0]!.value).toContain('ECONNREFUSED');
    expect(report.status).toBe('critical');
    expect(report.nextSteps[0]).toMatch(/database does not answer while the status page shows nothing/);
    expect(report.failover).toEqual(FAILOVER_STEPS);
    const text = outageText(report, 'UTC');
    expect(text).toContain('Failover (runbook):');
    const blocks = JSON.stringify(outageBlocks(report, 'UTC').blocks);
    expect(blocks).toContain('*Next steps*');
    expect(blocks).toContain('Enable maintenance mode');
  });

  it('next steps follow from what failed', () => {
    const r = (key: OutageCheckReport['key'], status: OutageCheckReport['status'], itemKey = 'x'): OutageCheckReport => ({ key, title: key, status, durationMs: 1, items: [{ key: itemKey, label: itemKey, status, value: '', threshold: '' }] });
    expect(outageNextSteps([r('statuspage', 'critical', 'incidents'), r('database', 'critical')], BASE)[0]).toMatch(/Supabase reports a problem that touches us/);
    expect(outageNextSteps([r('dns', 'critical'), r('frontend', 'critical')], BASE)).toEqual([expect.stringMatching(/fix DNS first/)]);
    expect(outageNextSteps([r('statuspage', 'ok'), r('database', 'ok'), r('frontend', 'critical')], BASE)).toEqual([expect.stringMatching(/Only the front end is down/)]);
    expect(outageNextSteps([r('statuspage', 'ok'), r('dns', 'ok')], BASE)[0]).toMatch(/Every outage check passes/);
  });
});

describe('the service-outage first steps', () => {
  it('lead with a button that runs /health outage, and say what it checks', () => {
    const { steps, notes } = FIRST_STEPS.service_outage;
    expect(steps[0]).toMatchObject({ key: 'outage', command: '/health', text: 'outage' });
    expect(steps[0]!.label).toMatch(/status page, DNS/);
    expect(notes.join(' ')).toMatch(/status page.*resolve the app’s, project’s and database’s hosts/);
    // The button runs the declared subcommand, not the /health default with an unknown component.
    const health = commandCatalog().find((c) => c.command === '/health')!;
    const resolved = resolveCommand(health, steps[0]!.text);
    expect('sub' in resolved && resolved.sub.name).toBe('outage');
    expect(findStep('service_outage', 'frontend')).toBeDefined();
  });
});
