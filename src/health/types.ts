// Health report data. Checks return data; renderers (Slack, terminal, JSON) only format it.

export const STATUSES = ['ok', 'warn', 'critical', 'unknown'] as const;
export type Status = (typeof STATUSES)[number];

export const COMPONENTS = ['frontend', 'database', 'edge', 'auth', 'backups'] as const;
export type Component = (typeof COMPONENTS)[number];

/** One measured thing inside a component. */
export interface HealthItem {
  key: string;
  label: string;
  status: Status;
  /** The measured value, formatted for people. */
  value: string;
  /** The threshold it is compared with, formatted for people. */
  threshold: string;
  /** One line from the runbook's troubleshooting section; set when not ok. */
  advice?: string;
  /** Raw numbers for --json consumers and alerting. */
  data?: Record<string, unknown>;
  /**
   * Shown for context only (e.g. the largest tables): its status never sets the component's, so a
   * table that cannot be sized right now does not turn a healthy database UNKNOWN.
   */
  informational?: boolean;
}

export interface ComponentReport {
  component: Component;
  title: string;
  status: Status;
  durationMs: number;
  items: HealthItem[];
}

/** A situation people must see before anything else in the report (e.g. an active breach lockdown). */
export interface HealthNotice {
  /** A few words for the report's header, e.g. "LOCKDOWN ACTIVE". */
  headline: string;
  /** The whole sentence, shown under the header. */
  text: string;
}

export interface HealthReport {
  status: Status;
  /** Situations people must see first (e.g. an active breach lockdown): the full sentences. */
  notices?: string[];
  /** The notices' headlines joined, for the header ("LOCKDOWN ACTIVE"); set whenever notices are. */
  alert?: string;
  /** ISO time the checks started. */
  startedAt: string;
  durationMs: number;
  components: ComponentReport[];
}

// Severity order; "unknown" ranks between warn and critical: we could not tell, so a person should look.
const RANK: Record<Status, number> = { ok: 0, warn: 1, unknown: 2, critical: 3 };

export function worst(statuses: Iterable<Status>): Status {
  let w: Status = 'ok';
  for (const s of statuses) if (RANK[s] > RANK[w]) w = s;
  return w;
}

/** A component's status: the worst of the items that count (informational ones do not). */
export function componentStatus(items: readonly HealthItem[]): Status {
  return worst(items.filter((i) => i.informational !== true).map((i) => i.status));
}

/** Monitoring-plugin exit codes: 0 ok, 1 warning, 2 critical, 3 unknown. */
export function exitCode(status: Status): number {
  return { ok: 0, warn: 1, critical: 2, unknown: 3 }[status];
}

/** Context each check receives. */
export interface CheckContext {
  signal: AbortSignal;
  timeoutMs: number;
}

/** A component check. */
export interface HealthCheck {
  component: Component;
  title: string;
  /** Measures the component; may throw (reported as critical or unknown by the runner). */
  run(ctx: CheckContext): Promise<HealthItem[]>;
}

/** The runbook thresholds the checks use (settings, composed by src/app/config.ts). */
export interface HealthThresholds {
  checkTimeoutMs: number;
  connectionsWarn: number;
  connectionsCritical: number;
  connectionsCriticalPct: number;
  storageLimitBytes: number;
  storageWarnPct: number;
  storageCriticalPct: number;
  cacheHitWarnPct: number;
  longRunningSeconds: number;
  idleInTransactionSeconds: number;
  xidAgeWarnPct: number;
  xidAgeCriticalPct: number;
  frontendLatencyWarnMs: number;
  edgeLatencyWarnMs: number;
  edgeLatencyCriticalMs: number;
  failedLoginsPerMinuteWarn: number;
}
