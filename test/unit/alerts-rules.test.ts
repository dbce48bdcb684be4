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
        ],
  };
  const edge: ComponentReport = {
    component: 'edge',
    title: 'Edge function ai-chat',
    status: 'ok',
    durationMs: 5,
    items: [item('response', 'ok', String(m.edgeStatus ?? 200), { status: m.edgeStatus ?? 200 }), item('latency', 'ok', `${m.edgeMs ?? 400} ms`, { ms: m.edgeMs ?? 400 })],
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

  it('uses CPU and edge error rate when sources exist', () => {
    const withSources = alertRules(DEFAULT_ALERT_THRESHOLDS, { dbCpuPct: () => Promise.resolve(1), edgeErrorRatePct: () => Promise.resolve(1) });
    expect(withSources.every((x) => !x.unavailable)).toBe(true);
    expect(states(evaluateRules(withSources, { report: report({}), dbCpuPct: 85, edgeErrorRatePct: 5.5 }))).toMatchObject({ db_cpu: 'breach', edge_error_rate: 'breach' });
    expect(states(evaluateRules(withSources, { report: report({}), dbCpuPct: 80, edgeErrorRatePct: 5 }))).toMatchObject({ db_cpu: 'ok', edge_error_rate: 'ok' });
    expect(states(evaluateRules(withSources, { report: report({}) }))).toMatchObject({ db_cpu: 'unknown', edge_error_rate: 'unknown' });
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
