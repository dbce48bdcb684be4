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
}

export interface ComponentReport {
  component: Component;
  title: string;
  status: Status;
  durationMs: number;
  items: HealthItem[];
}

export interface HealthReport {
  status: Status;
  /** Situations people must see first (e.g. an active breach lockdown). */
  notices?: string[];
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
