// The runbook's alert list, evaluated from a HealthReport (and from extra metric sources where
// the bot has them). Rules that need data the bot cannot get are marked unavailable with the
// reason, never evaluated from a guess.
import type { HealthThresholds } from '../health/types.js';
import { formatPct } from '../core/format.js';
import type { Component, HealthItem, HealthReport } from '../health/types.js';

export type Severity = 'warning' | 'critical';

/** One rule's verdict for one evaluation. */
export type RuleState = 'breach' | 'ok' | 'unknown' | 'unavailable';

export interface RuleResult {
  ruleId: string;
  state: RuleState;
  /** The measured value for people, or why it could not be measured. */
  value: string;
}

/** Metrics the health report does not carry; each is optional. */
export interface AlertSources {
  /** Database host CPU in percent (e.g. from the Supabase metrics endpoint). */
  dbCpuPct?(): Promise<number | undefined>;
  /** Share of failed edge function invocations over the last minutes, in percent (from edge logs). */
  edgeErrorRatePct?(): Promise<number | undefined>;
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
  dbCpuPct?: number | undefined;
  edgeErrorRatePct?: number | undefined;
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
      ...(sources.dbCpuPct
        ? {}
        : { unavailable: 'Postgres does not report host CPU; it needs the Supabase metrics endpoint, which this bot is not connected to' }),
      evaluate: ({ dbCpuPct }) =>
        dbCpuPct === undefined ? { state: 'unknown', value: 'CPU not measured' } : { state: dbCpuPct > t.dbCpuPct ? 'breach' : 'ok', value: formatPct(dbCpuPct) },
    },
    {
      id: 'storage',
      title: `Database storage above ${t.storageCriticalPct} % of the limit`,
      severity: 'critical',
      threshold: `≥ ${t.storageCriticalPct} %`,
      advice: 'Find the largest tables (`/db tables`), purge old data, VACUUM, or upgrade the plan before the database turns read-only.',
      evaluate: ({ report }) => {
        const item = find(report, 'database', 'storage');
        const pct = num(item, 'pct');
        if (pct === undefined) return unknown(item, 'Database size');
        return { state: pct >= t.storageCriticalPct ? 'breach' : 'ok', value: item!.value };
      },
    },
    {
      id: 'edge_error_rate',
      title: `Edge function error rate above ${t.edgeErrorRatePct} %`,
      severity: 'critical',
      threshold: `> ${t.edgeErrorRatePct} %`,
      advice: 'Read the function logs (`/logs summarize edge`), check its secrets, and redeploy the last good version.',
      ...(sources.edgeErrorRatePct
        ? {}
        : { unavailable: 'needs edge function logs from the Supabase Management API, which this bot is not connected to (the single health probe is not a rate)' }),
      evaluate: ({ edgeErrorRatePct }) =>
        edgeErrorRatePct === undefined
          ? { state: 'unknown', value: 'error rate not measured' }
          : { state: edgeErrorRatePct > t.edgeErrorRatePct ? 'breach' : 'ok', value: formatPct(edgeErrorRatePct) },
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
      threshold: `≥ ${t.edgeLatencyCriticalMs / 1000} s for the probe (runbook: P95 > 3 s; one probe per check, so N consecutive slow probes stand in for the P95)`,
      advice: 'Check the AI gateway status and the function logs for slow upstream calls; consider a faster model.',
      evaluate: ({ report }) => {
        const item = find(report, 'edge', 'latency');
        const ms = num(item, 'ms');
        if (ms === undefined) return unknown(item, 'Edge latency');
        return { state: ms >= t.edgeLatencyCriticalMs ? 'breach' : 'ok', value: item!.value };
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
      title: 'AI credits low (402 from the AI gateway)',
      severity: 'warning',
      threshold: 'the chat probe does not answer 402',
      advice: 'Top up credits in the AI gateway workspace; the chat fails for every user once they run out.',
      evaluate: ({ report }) => {
        const item = find(report, 'edge', 'response');
        const status = num(item, 'status');
        if (status === undefined) return unknown(item, 'Edge probe');
        return { state: status === 402 ? 'breach' : 'ok', value: item!.value };
      },
    },
  ];
}

/** Evaluates every rule; unavailable rules say why instead of a value. */
export function evaluateRules(rules: AlertRule[], input: AlertInput): RuleResult[] {
  return rules.map((r) => (r.unavailable ? { ruleId: r.id, state: 'unavailable', value: r.unavailable } : { ruleId: r.id, ...r.evaluate(input) }));
}
