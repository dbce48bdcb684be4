// Settings of /health and the alerts built on it: what is probed and the runbook thresholds
// (connections < 50, storage 8 GB with 80/90 %, edge P95 < 2 s, failed logins ≤ 10/min).
import { z } from 'zod';
import { httpUrl, int, num, setting, settingsArea } from '../core/env-schema.js';
import type { HealthThresholds } from './types.js';

export const HealthEnv = settingsArea('Health', 'What /health probes and the runbook thresholds it judges by; alerts use the same ones.', {
  APP_URL: setting(httpUrl(), {
    doc: 'Public URL of the AutoRepAi front end, checked with HEAD by /health frontend',
    example: 'https://app.autorepai.example',
  }),
  EDGE_FUNCTION_NAME: setting(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be an edge function slug such as ai-chat'), {
    doc: 'Edge function probed by /health edge with a test chat message',
    default: 'ai-chat',
  }),
  HEALTH_CHECK_TIMEOUT_MS: setting(int(100, 60_000), { doc: 'Time limit of each /health check', default: '5000' }),
  CONNECTIONS_WARN: setting(int(1, 100_000), {
    doc: 'Active connections at or above which /health warns (runbook: warning > 40)',
    default: '40',
  }),
  CONNECTIONS_CRITICAL: setting(int(1, 100_000), {
    doc: 'Active connections at or above which /health is critical (runbook: < 50)',
    default: '50',
  }),
  CONNECTIONS_CRITICAL_PCT: setting(num(1, 100), {
    doc: 'Share of max_connections in use at or above which /health is critical',
    default: '80',
  }),
  DB_STORAGE_LIMIT_BYTES: setting(int(1, Number.MAX_SAFE_INTEGER), {
    doc: 'Storage limit the database size is compared with (runbook: 8 GB)',
    default: String(8 * 1024 ** 3),
  }),
  STORAGE_WARN_PCT: setting(num(1, 100), { doc: 'Database size share of the limit that warns', default: '80' }),
  STORAGE_CRITICAL_PCT: setting(num(1, 100), { doc: 'Database size share of the limit that is critical', default: '90' }),
  CACHE_HIT_WARN_PCT: setting(num(0, 100), { doc: 'Cache hit ratio below which /health warns', default: '99' }),
  LONG_RUNNING_SECONDS: setting(int(1, 86_400), {
    doc: 'Statements running longer than this are counted as long-running',
    default: '60',
  }),
  IDLE_IN_TRANSACTION_SECONDS: setting(int(1, 86_400), {
    doc: 'Sessions idle in transaction longer than this are counted (they hold locks and block vacuum)',
    default: '60',
  }),
  XID_AGE_WARN_PCT: setting(num(1, 100), {
    doc: 'Transaction-ID age, as a share of the 2^31 wraparound horizon, that warns',
    default: '50',
  }),
  XID_AGE_CRITICAL_PCT: setting(num(1, 100), {
    doc: 'Transaction-ID age share of the wraparound horizon that is critical',
    default: '75',
  }),
  FRONTEND_LATENCY_WARN_MS: setting(int(1, 60_000), { doc: 'Front-end response time that warns', default: '2000' }),
  EDGE_LATENCY_WARN_MS: setting(int(1, 60_000), { doc: 'Edge function probe latency that warns (runbook: P95 < 2 s)', default: '2000' }),
  EDGE_LATENCY_CRITICAL_MS: setting(int(1, 60_000), {
    doc: 'Edge function probe latency that is critical (runbook: warning > 3 s)',
    default: '3000',
  }),
  FAILED_LOGINS_PER_MINUTE_WARN: setting(num(0, 1_000_000), {
    doc: 'Failed sign-ins per minute (averaged over the last hour and at peak minute) that warn',
    default: '10',
  }),
  DB_CPU_WARN_PCT: setting(num(1, 100), {
    doc: 'Database host CPU (from the Supabase metrics endpoint) at or above which /health db warns',
    default: '70',
  }),
  DB_CPU_CRITICAL_PCT: setting(num(1, 100), {
    doc: 'Database host CPU above which /health db is critical and the CPU alert fires (runbook: > 80 %)',
    default: '80',
  }),
  DB_MEMORY_WARN_PCT: setting(num(1, 100), { doc: 'Database host memory in use at or above which /health db warns', default: '90' }),
  EDGE_METRICS_WINDOW_MINUTES: setting(int(1, 1440), {
    doc: 'Window of edge function logs that invocations, error rate, P95 and 429s are computed over',
    default: '15',
  }),
  EDGE_ERROR_RATE_WARN_PCT: setting(num(0, 100), { doc: 'Edge function error rate (5xx share) that warns (runbook: < 1 %)', default: '1' }),
  EDGE_ERROR_RATE_CRITICAL_PCT: setting(num(0, 100), {
    doc: 'Edge function error rate above which /health edge is critical and the alert fires (runbook: > 5 %)',
    default: '5',
  }),
  TLS_EXPIRY_WARN_DAYS: setting(int(0, 3650), { doc: 'Days left on the front end’s TLS certificate below which /health frontend warns', default: '14' }),
  TLS_EXPIRY_CRITICAL_DAYS: setting(int(0, 3650), { doc: 'Days left on the front end’s TLS certificate below which it is critical', default: '7' }),
});

export type HealthEnv = z.infer<typeof HealthEnv>;

/** Maps parsed values to what the checks use. */
export function toHealthThresholds(e: HealthEnv): HealthThresholds {
  return {
    checkTimeoutMs: e.HEALTH_CHECK_TIMEOUT_MS,
    connectionsWarn: e.CONNECTIONS_WARN,
    connectionsCritical: e.CONNECTIONS_CRITICAL,
    connectionsCriticalPct: e.CONNECTIONS_CRITICAL_PCT,
    storageLimitBytes: e.DB_STORAGE_LIMIT_BYTES,
    storageWarnPct: e.STORAGE_WARN_PCT,
    storageCriticalPct: e.STORAGE_CRITICAL_PCT,
    cacheHitWarnPct: e.CACHE_HIT_WARN_PCT,
    longRunningSeconds: e.LONG_RUNNING_SECONDS,
    idleInTransactionSeconds: e.IDLE_IN_TRANSACTION_SECONDS,
    xidAgeWarnPct: e.XID_AGE_WARN_PCT,
    xidAgeCriticalPct: e.XID_AGE_CRITICAL_PCT,
    frontendLatencyWarnMs: e.FRONTEND_LATENCY_WARN_MS,
    edgeLatencyWarnMs: e.EDGE_LATENCY_WARN_MS,
    edgeLatencyCriticalMs: e.EDGE_LATENCY_CRITICAL_MS,
    failedLoginsPerMinuteWarn: e.FAILED_LOGINS_PER_MINUTE_WARN,
  };
}

/** Thresholds of the Supabase platform figures: host metrics, edge function logs, the TLS certificate. */
export interface PlatformThresholds {
  dbCpuWarnPct: number;
  dbCpuCriticalPct: number;
  dbMemoryWarnPct: number;
  edgeMetricsWindowMs: number;
  edgeErrorRateWarnPct: number;
  edgeErrorRateCriticalPct: number;
  tlsExpiryWarnDays: number;
  tlsExpiryCriticalDays: number;
}

export function toPlatformThresholds(e: HealthEnv): PlatformThresholds {
  return {
    dbCpuWarnPct: e.DB_CPU_WARN_PCT,
    dbCpuCriticalPct: e.DB_CPU_CRITICAL_PCT,
    dbMemoryWarnPct: e.DB_MEMORY_WARN_PCT,
    edgeMetricsWindowMs: e.EDGE_METRICS_WINDOW_MINUTES * 60_000,
    edgeErrorRateWarnPct: e.EDGE_ERROR_RATE_WARN_PCT,
    edgeErrorRateCriticalPct: e.EDGE_ERROR_RATE_CRITICAL_PCT,
    tlsExpiryWarnDays: e.TLS_EXPIRY_WARN_DAYS,
    tlsExpiryCriticalDays: e.TLS_EXPIRY_CRITICAL_DAYS,
  };
}

export const DEFAULT_PLATFORM_THRESHOLDS: PlatformThresholds = toPlatformThresholds(HealthEnv.parse({}));

/** The thresholds with every default, for the services' own defaults and for tests. */
export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = toHealthThresholds(HealthEnv.parse({}));
