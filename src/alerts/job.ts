// The alert check as a scheduled job: latest-only (a check missed during a restart is worthless;
// the next one measures afresh) with a short grace window.
import type { JobDefinition } from '../scheduler/types.js';
import type { AlertEngine } from './engine.js';
import type { AlertRule } from './rules.js';

export const ALERTS_JOB = 'alerts.evaluate';

export interface AlertsJobOptions {
  engine: AlertEngine | undefined;
  rules: readonly AlertRule[];
  /** Cron in OPS_TIMEZONE, or null when switched off. */
  schedule: string | null;
  enabled: boolean;
  channel: string | undefined;
}

/** Lists the rules this bot cannot evaluate, and why, for `opsbot schedule`. */
export function unavailableNotes(rules: readonly AlertRule[]): string[] {
  return rules.filter((r) => r.unavailable).map((r) => `${r.id} (${r.title}) unavailable: ${r.unavailable}`);
}

export function alertsJob(o: AlertsJobOptions): JobDefinition {
  const disabledReason = !o.enabled || o.schedule === null
    ? 'switched off (ALERTS_ENABLED / ALERTS_SCHEDULE)'
    : !o.channel
      ? 'no channel: set ALERTS_CHANNEL_ID'
      : !o.engine
        ? 'no alert engine configured'
        : undefined;
  const engine = o.engine;
  return {
    id: ALERTS_JOB,
    description: 'Evaluate the runbook alert list from the health checks (hold during maintenance)',
    schedule: { kind: 'cron', expression: o.schedule ?? '* * * * *' },
    catchUp: 'latest-only',
    graceMs: 2 * 60_000,
    ...(disabledReason ? { disabledReason } : {}),
    notes: unavailableNotes(o.rules),
    async run() {
      if (!engine) return { summary: 'no alert engine' };
      const r = await engine.evaluate();
      const breaching = r.results.filter((x) => x.state === 'breach').map((x) => x.ruleId);
      return {
        summary: `${breaching.length} breaching, ${r.fired.length} fired, ${r.reminded.length} reminded, ${r.recovered.length} recovered${r.heldBy ? ', held by maintenance' : ''}${r.summarised.length ? `, ${r.summarised.length} held summarised` : ''}`,
        detail: { breaching, fired: r.fired.map((a) => a.id), recovered: r.recovered.map((a) => a.id), heldBy: r.heldBy },
      };
    },
  };
}
