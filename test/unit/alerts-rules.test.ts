// The runbook's alert list evaluated from health reports: what breaches, what is fine, what
// cannot be measured, and what this bot has no source for (said, not faked).
import { describe, expect, it } from 'vitest';
import { alertRules, DEFAULT_ALERT_THRESHOLDS, evaluateRules, type RuleResult } from '../../src/alerts/rules.js';
import type { ComponentReport, HealthItem, HealthReport } from '../../src/health/types.js';

interface Measures {
  storagePct?: number;
  connections?: number;
  dbDown?: boolean;
  edgeStatus?: number;
  edgeMs?: number;
  authStatus?: 'ok' | 'critical';
  failedPeak?: number;
  /** Host CPU and disk from the metrics endpoint; edge figures from the function logs. */
  cpuPct?: number;
  diskPct?: number;
  edgeErrorPct?: number;
  edgeP95Ms?: number;
  logs402?: number;
  creditWarnings?: number;
}

function item(key: string, status: HealthItem['status'], value: string, data?: Record<string, unknown>): HealthItem {
  return { key, label: key, status, value, threshold: '-', ...(data ? { data } : {}) };
}

function report(m: Measures): HealthReport {
  const db: ComponentReport = {
    component: 'database',
    title: 'Database',
    status: 'ok',
    durationMs: 5,
    items: m.dbDown
      ? [item('reachable', 'critical', 'no answer within 5.0 s')]
      : [
          item('connections', 'ok', `${m.connections ?? 10} of 60`, { total: m.connections ?? 10, max: 60 }),
          item('storage', 'ok', `${m.storagePct ?? 20} % of 8 GiB`, { pct: m.storagePct ?? 20 }),
          ...(m.cpuPct !== undefined ? [item('cpu', 'ok', `${m.cpuPct} % of 2 cores`, { pct: m.cpuPct, cpus: 2 })] : []),
          ...(m.diskPct !== undefined ? [item('disk', 'ok', `${m.diskPct} % of 8 GiB`, { pct: m.diskPct })] : []),
        ],
  };
  const edge: ComponentReport = {
    component: 'edge',
    title: 'Edge function ai-chat',
    status: 'ok',
    durationMs: 5,
    items: [
      item('response', 'ok', String(m.edgeStatus ?? 200), { status: m.edgeStatus ?? 200 }),
      item('latency', 'ok', `${m.edgeMs ?? 400} ms`, { ms: m.edgeMs ?? 400 }),
      ...(m.edgeErrorPct !== undefined ? [item('error_rate', 'ok', `${m.edgeErrorPct} %`, { pct: m.edgeErrorPct })] : []),
      ...(m.edgeP95Ms !== undefined ? [item('p95', 'ok', `${m.edgeP95Ms} ms`, { ms: m.edgeP95Ms })] : []),
      ...(m.logs402 !== undefined || m.creditWarnings !== undefined
        ? [item('ai_credits', 'ok', 'credits', { paymentRequired: m.logs402 ?? 0, creditWarnings: m.creditWarnings ?? 0 })]
        : []),
    ],
  };
  const auth: ComponentReport = {
    component: 'auth',
    title: 'Auth',
    status: 'ok',
    durationMs: 5,
    items: [
      item('service', m.authStatus ?? 'ok', m.authStatus === 'critical' ? '503 in 40 ms' : '200 in 40 ms'),
      item('failed_logins', 'ok', `${m.failedPeak ?? 0} peak`, { total: 0, peakPerMinute: m.failedPeak ?? 0 }),
    ],
  };
  return { status: 'ok', startedAt: '2026-11-25T15:00:00.000Z', durationMs: 10, components: [db, edge, auth] };
}

const rules = alertRules(DEFAULT_ALERT_THRESHOLDS);
const states = (rs: RuleResult[]) => Object.fromEntries(rs.map((r) => [r.ruleId, r.state]));

describe('alert rules', () => {
  it('a healthy report breaches nothing; CPU and edge error rate are unavailable without a source', () => {
    expect(states(evaluateRules(rules, { report: report({}) }))).toEqual({
      db_cpu: 'unavailable',
      storage: 'ok',
      edge_error_rate: 'unavailable',
      auth_down: 'ok',
      database_down: 'ok',
      connections: 'ok',
      edge_latency: 'ok',
      failed_logins: 'ok',
      ai_credits: 'ok',
    });
    const why = evaluateRules(rules, { report: report({}) }).find((r) => r.ruleId === 'db_cpu')!.value;
    expect(why).toMatch(/Supabase metrics endpoint/);
  });

  it('fires at the runbook thresholds: storage ≥ 90 %, connections ≥ 40, probe ≥ 3 s, > 10 failed logins/min, 402, auth 503', () => {
    const r = states(evaluateRules(rules, { report: report({ storagePct: 90, connections: 40, edgeMs: 3000, failedPeak: 11, edgeStatus: 402, authStatus: 'critical' }) }));
    expect(r).toMatchObject({ storage: 'breach', connections: 'breach', edge_latency: 'breach', failed_logins: 'breach', ai_credits: 'breach', auth_down: 'breach' });
    const below = states(evaluateRules(rules, { report: report({ storagePct: 89.9, connections: 39, edgeMs: 2999, failedPeak: 10, edgeStatus: 429 }) }));
    expect(below).toMatchObject({ storage: 'ok', connections: 'ok', edge_latency: 'ok', failed_logins: 'ok', ai_credits: 'ok' });
  });

  it('an unreachable database breaches database_down and leaves its metrics unknown, not ok', () => {
    const r = evaluateRules(rules, { report: report({ dbDown: true }) });
    expect(states(r)).toMatchObject({ database_down: 'breach', storage: 'unknown', connections: 'unknown' });
    expect(r.find((x) => x.ruleId === 'storage')!.value).toMatch(/not in the health report/);
  });

  it('evaluates CPU and edge error rate from the report items when their sources are connected', () => {
    const withSources = alertRules(DEFAULT_ALERT_THRESHOLDS, { dbMetrics: true, edgeMetrics: true });
    expect(withSources.every((x) => !x.unavailable)).toBe(true);
    expect(states(evaluateRules(withSources, { report: report({ cpuPct: 85, edgeErrorPct: 5.5 }) }))).toMatchObject({ db_cpu: 'breach', edge_error_rate: 'breach' });
    expect(states(evaluateRules(withSources, { report: report({ cpuPct: 80, edgeErrorPct: 5 }) }))).toMatchObject({ db_cpu: 'ok', edge_error_rate: 'ok' });
    // Connected but not measured this time (scrape failed): unknown, which leaves the counts alone.
    expect(states(evaluateRules(withSources, { report: report({}) }))).toMatchObject({ db_cpu: 'unknown', edge_error_rate: 'unknown' });
  });

  it('judges edge latency on the P95 of the logs when there is one, else on the probe', () => {
    const withSources = alertRules(DEFAULT_ALERT_THRESHOLDS, { edgeMetrics: true });
    const slowP95 = evaluateRules(withSources, { report: report({ edgeMs: 400, edgeP95Ms: 3200 }) }).find((r) => r.ruleId === 'edge_latency')!;
    expect(slowP95).toMatchObject({ state: 'breach', value: 'P95 3200 ms' });
    expect(states(evaluateRules(withSources, { report: report({ edgeMs: 3500, edgeP95Ms: 1200 }) })).edge_latency).toBe('ok');
    expect(states(evaluateRules(withSources, { report: report({ edgeMs: 3500 }) })).edge_latency).toBe('breach');
  });

  it('storage breaches on the fuller of database size and host disk', () => {
    expect(evaluateRules(rules, { report: report({ storagePct: 40, diskPct: 92 }) }).find((r) => r.ruleId === 'storage')).toMatchObject({ state: 'breach', value: 'disk 92 % of 8 GiB' });
    expect(states(evaluateRules(rules, { report: report({ storagePct: 40, diskPct: 89 }) })).storage).toBe('ok');
  });

  it('AI credits breach on a 402 in the function logs or a credit warning, not only on the probe', () => {
    const withSources = alertRules(DEFAULT_ALERT_THRESHOLDS, { edgeMetrics: true });
    expect(states(evaluateRules(withSources, { report: report({ logs402: 3 }) })).ai_credits).toBe('breach');
    expect(states(evaluateRules(withSources, { report: report({ creditWarnings: 1 }) })).ai_credits).toBe('breach');
    expect(states(evaluateRules(withSources, { report: report({ logs402: 0, creditWarnings: 0 }) })).ai_credits).toBe('ok');
    expect(withSources.find((r) => r.id === 'ai_credits')!.advice).toMatch(/top up credits in the AI gateway workspace/);
  });

  it('has the runbook severities', () => {
    const sev = Object.fromEntries(rules.map((r) => [r.id, r.severity]));
    expect(sev).toEqual({
      db_cpu: 'critical',
      storage: 'critical',
      edge_error_rate: 'critical',
      auth_down: 'critical',
      database_down: 'critical',
      connections: 'warning',
      edge_latency: 'warning',
      failed_logins: 'warning',
      ai_credits: 'warning',
    });
  });
});
