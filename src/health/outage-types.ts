// /health outage report data (runbook "P0: Service Outage"). Checks return health items; the
// renderers (Slack, terminal, JSON) only format the report.
import type { CheckContext, HealthItem, Status } from './types.js';

export const OUTAGE_CHECKS = ['statuspage', 'dns', 'database', 'frontend'] as const;
export type OutageCheckKey = (typeof OUTAGE_CHECKS)[number];

/** One of the outage checks; may throw (reported as an item by the service). */
export interface OutageCheck {
  key: OutageCheckKey;
  title: string;
  /** Measures; honours ctx.signal, which aborts at the check's own time limit. */
  run(ctx: CheckContext): Promise<HealthItem[]>;
}

export interface OutageCheckReport {
  key: OutageCheckKey;
  title: string;
  status: Status;
  durationMs: number;
  items: HealthItem[];
}

export interface OutageReport {
  status: Status;
  /** ISO time the checks started. */
  startedAt: string;
  durationMs: number;
  checks: OutageCheckReport[];
  /** What to do first, from what failed (most likely cause first). */
  nextSteps: string[];
  /** The runbook's failover steps, always shown. */
  failover: string[];
}
