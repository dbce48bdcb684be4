// The runbook's alert list, evaluated from a HealthReport: the database check carries host CPU
// and disk when the Supabase metrics endpoint is configured, the edge check carries error rate,
// P95 and 402s from the function logs when the Management API is. Rules that need data the bot
// cannot get are marked unavailable with the reason, never evaluated from a guess.
import type { HealthThresholds } from '../health/types.js';
import type { Component, HealthItem, HealthReport } from '../health/types.js';
import { AI_CREDITS_ADVICE } from '../health/edge-metrics-items.js';

export type Severity = 'warning' | 'critical';

/** One rule's verdict for one evaluation. */
export type RuleState = 'breach' | 'ok' | 'unknown' | 'unavailable';

export interface RuleResult {
  ruleId: string;
  state: RuleState;
  /** The measured value for people, or why it could not be measured. */
  value: string;
}

/** Which optional sources feed the health report (src/app/health.ts decides from the settings). */
export interface AlertSources {
  /** /health db reads host CPU, memory and disk from the Supabase metrics endpoint. */
  dbMetrics?: boolean;
  /** /health edge reads invocations, error rate, P95, 429s and 402s from the function logs. */
  edgeMetrics?: boolean;
}

/** Thresholds of the alert list; the health ones are shared with /health so both agree. */
export interface AlertThresholds extends Pick<HealthThresholds, 'connectionsWarn' | 'storageCriticalPct' | 'edgeLatencyCriticalMs' | 'failedLoginsPerMinuteWarn'> {
  /** Runbook: DB CPU > 80 %. */
  dbCpuPct: number;
  /** Runbook: edge function error rate > 5 %. */
  edgeErrorRatePct: number;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  connectionsWarn: 40,
  storageCriticalPct: 90,
  edgeLatencyCriticalMs: 3000,
  failedLoginsPerMinuteWarn: 10,
  dbCpuPct: 80,
  edgeErrorRatePct: 5,
};

/** What the rules look at in one evaluation. */
export interface AlertInput {
  report: HealthReport;
}

export interface AlertRule {
  id: string;
  title: string;
  severity: Severity;
  threshold: string;
  advice: string;
  /** Why this rule cannot be evaluated by this bot, when it cannot. */
  unavailable?: string;
  /** Judges one evaluation's measurements against the threshold. */
  evaluate(input: AlertInput): Omit<RuleResult, 'ruleId'>;
}

function find(report: HealthReport, component: Component, key: string): HealthItem | undefined {
  return report.components.find((c) => c.component === component)?.items.find((i) => i.key === key);
}

function num(item: HealthItem | undefined, field: string): number | undefined {
  const v = item?.data?.[field];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

const unknown = (item: HealthItem | undefined, what: string) => ({ state: 'unknown' as const, value: item ? `${what} not measured: ${item.value}` : `${what} not in the health report` });

/** The runbook's alerts. `sources` says which optional metrics exist. */
export function alertRules(t: AlertThresholds, sources: AlertSources = {}): AlertRule[] {
  return [
    {
      id: 'db_cpu',
      title: `Database CPU above ${t.dbCpuPct} %`,
      severity: 'critical',
      threshold: `> ${t.dbCpuPct} %`,
      advice: 'Find the expensive queries (`/slowqueries`), cancel runaway ones, or move to a larger compute size.',
      ...(sources.dbMetrics
        ? {}
        : { unavailable: 'Postgres does not report host CPU; it needs the Supabase metrics endpoint: set SUPABASE_SERVICE_ROLE_KEY (and SUPABASE_URL or SUPABASE_METRICS_URL)' }),
      evaluate: ({ report }) => {
        const item = find(report, 'database', 'cpu');
        const pct = num(item, 'pct');
        if (pct === undefined) return unknown(item, 'CPU');
        return { state: pct > t.dbCpuPct ? 'breach' : 'ok', value: item!.value };
      },
    },
    {
      id: 'storage',
      title: `Database storage above ${t.storageCriticalPct} % of the limit`,
      severity: 'critical',
      threshold: `≥ ${t.storageCriticalPct} % (database size of the limit, or the host's disk when metrics are connected)`,
      advice: 'Find the largest tables (`/db tables`), purge old data, VACUUM, or upgrade the plan before the database turns read-only.',
      evaluate: ({ report }) => {
        const size = find(report, 'database', 'storage');
        const disk = find(report, 'database', 'disk');
        const sizePct = num(size, 'pct');
        const diskPct = num(disk, 'pct');
        if (sizePct === undefined && diskPct === undefined) return unknown(size, 'Database size');
        // The fuller of the two decides: the disk also holds WAL and indexes the size limit does not count.
        const byDisk = diskPct !== undefined && (sizePct === undefined || diskPct > sizePct);
        const pct = byDisk ? diskPct : sizePct!;
        return { state: pct >= t.storageCriticalPct ? 'breach' : 'ok', value: byDisk ? `disk ${disk!.value}` : size!.value };
      },
    },
    {
      id: 'edge_error_rate',
      title: `Edge function error rate above ${t.edgeErrorRatePct} %`,
      severity: 'critical',
      threshold: `> ${t.edgeErrorRatePct} % 5xx over the metrics window`,
      advice: 'Read the function logs (`/logs summarize edge`), check its secrets, and redeploy the last good version.',
      ...(sources.edgeMetrics
        ? {}
        : { unavailable: 'needs edge function logs from the Supabase Management API: set SUPABASE_ACCESS_TOKEN (analytics:read) and the project ref (the single health probe is not a rate)' }),
      evaluate: ({ report }) => {
        const item = find(report, 'edge', 'error_rate');
        const pct = num(item, 'pct');
        if (pct === undefined) return unknown(item, 'Edge error rate');
        return { state: pct > t.edgeErrorRatePct ? 'breach' : 'ok', value: item!.value };
      },
    },
    {
      id: 'auth_down',
      title: 'Auth service down',
      severity: 'critical',
      threshold: 'HTTP 200 from /auth/v1/health',
      advice: 'Users cannot sign in. Check the Supabase status page and the auth logs (`/logs summarize auth`).',
      evaluate: ({ report }) => {
        const item = find(report, 'auth', 'service') ?? find(report, 'auth', 'reachable');
        if (!item || item.status === 'unknown') return unknown(item, 'Auth service');
        return { state: item.status === 'critical' ? 'breach' : 'ok', value: item.value };
      },
    },
    {
      id: 'database_down',
      title: 'Database unreachable',
      severity: 'critical',
      threshold: 'answers the health check in time',
      advice: 'Check the Supabase status page and dashboard; confirm DATABASE_URL and network access.',
      evaluate: ({ report }) => {
        const c = report.components.find((x) => x.component === 'database');
        if (!c) return { state: 'unknown', value: 'database not in the health report' };
        const down = c.items.find((i) => i.key === 'reachable' && i.status === 'critical');
        return down ? { state: 'breach', value: down.value } : { state: 'ok', value: 'answers' };
      },
    },
    {
      id: 'connections',
      title: `Database connections at or above ${t.connectionsWarn}`,
      severity: 'warning',
      threshold: `≥ ${t.connectionsWarn} (runbook: warning > 40, limit 50)`,
      advice: 'Find idle and leaked connections (`/db connections`), terminate idle ones, and make clients use the pooler.',
      evaluate: ({ report }) => {
        const item = find(report, 'database', 'connections');
        const total = num(item, 'total');
        if (total === undefined) return unknown(item, 'Connections');
        return { state: total >= t.connectionsWarn ? 'breach' : 'ok', value: item!.value };
      },
    },
    {
      id: 'edge_latency',
      title: `AI edge function slower than ${t.edgeLatencyCriticalMs / 1000} s`,
      severity: 'warning',
      threshold: sources.edgeMetrics
        ? `P95 execution time ≥ ${t.edgeLatencyCriticalMs / 1000} s over the metrics window (runbook: P95 > 3 s); the probe when there were no invocations`
        : `≥ ${t.edgeLatencyCriticalMs / 1000} s for the probe (runbook: P95 > 3 s; one probe per check, so N consecutive slow probes stand in for the P95)`,
      advice: 'Check the AI gateway status and the function logs for slow upstream calls; consider a faster model.',
      evaluate: ({ report }) => {
        const p95 = find(report, 'edge', 'p95');
        const p95Ms = num(p95, 'ms');
        if (p95Ms !== undefined) return { state: p95Ms >= t.edgeLatencyCriticalMs ? 'breach' : 'ok', value: `P95 ${p95!.value}` };
        const item = find(report, 'edge', 'latency');
        const ms = num(item, 'ms');
        if (ms === undefined) return unknown(item, 'Edge latency');
        return { state: ms >= t.edgeLatencyCriticalMs ? 'breach' : 'ok', value: `probe ${item!.value}` };
      },
    },
    {
      id: 'failed_logins',
      title: `More than ${t.failedLoginsPerMinuteWarn} failed sign-ins per minute`,
      severity: 'warning',
      threshold: `> ${t.failedLoginsPerMinuteWarn} in one minute (peak of the last hour)`,
      advice: 'Possible credential stuffing: review the auth logs, block abusive IPs, consider `/lockdown` if accounts were taken over.',
      evaluate: ({ report }) => {
        const item = find(report, 'auth', 'failed_logins');
        const peak = num(item, 'peakPerMinute');
        if (peak === undefined) return unknown(item, 'Failed sign-ins');
        return { state: peak > t.failedLoginsPerMinuteWarn ? 'breach' : 'ok', value: item!.value };
      },
    },
    {
      id: 'ai_credits',
      title: 'AI credits low (402 from the AI gateway, or credit warnings in its logs)',
      severity: 'warning',
      threshold: sources.edgeMetrics ? 'no 402 from the probe or in the function logs, no credit warnings in the logs' : 'the chat probe does not answer 402',
      advice: AI_CREDITS_ADVICE,
      evaluate: ({ report }) => {
        const probe = find(report, 'edge', 'response');
        const logs = find(report, 'edge', 'ai_credits');
        const status = num(probe, 'status');
        const in402 = num(logs, 'paymentRequired');
        const warnings = num(logs, 'creditWarnings');
        if (status === 402) return { state: 'breach', value: probe!.value };
        if ((in402 ?? 0) > 0 || (warnings ?? 0) > 0) return { state: 'breach', value: logs!.value };
        if (status === undefined && in402 === undefined) return unknown(probe, 'Edge probe');
        return { state: 'ok', value: [probe?.value, logs?.value].filter(Boolean).join('; ') };
      },
    },
  ];
}

/** Evaluates every rule; unavailable rules say why instead of a value. */
export function evaluateRules(rules: AlertRule[], input: AlertInput): RuleResult[] {
  return rules.map((r) => (r.unavailable ? { ruleId: r.id, state: 'unavailable', value: r.unavailable } : { ruleId: r.id, ...r.evaluate(input) }));
}
