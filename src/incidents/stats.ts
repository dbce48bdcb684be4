// Incident metrics, as `/incident stats` and `opsbot incident stats` report them.
//
// Definitions (quoted by the README):
// - The window is the last N days up to now; an incident counts when it was *declared* in the
//   window (reservations whose channel never came are not incidents and never count).
// - count: incidents declared in the window.
// - MTTA (mean time to acknowledge): the mean, over the incidents in the window that have had a
//   commander, of declared → the first time a commander was set. Null when none has.
// - MTTR (mean time to resolve): the mean, over the incidents in the window that are resolved,
//   of declared → resolved. Open incidents are left out (not counted as zero). Null when none is.
// - The same three figures per severity (P0–P3) and per kind; every severity and kind is present,
//   with count 0 and null means when nothing was declared.
import type { Row } from './rows.js';
import { KINDS, SEVERITIES, type DurationStats, type IncidentKind, type IncidentStats, type Severity } from './types.js';

interface Sums {
  count: number;
  ackCount: number;
  ackMs: number;
  resolvedCount: number;
  resolveMs: number;
}

const empty = (): Sums => ({ count: 0, ackCount: 0, ackMs: 0, resolvedCount: 0, resolveMs: 0 });

function add(into: Sums, r: Sums): void {
  into.count += r.count;
  into.ackCount += r.ackCount;
  into.ackMs += r.ackMs;
  into.resolvedCount += r.resolvedCount;
  into.resolveMs += r.resolveMs;
}

const figures = (s: Sums): DurationStats => ({
  count: s.count,
  mttaMs: s.ackCount > 0 ? Math.round(s.ackMs / s.ackCount) : null,
  mttrMs: s.resolvedCount > 0 ? Math.round(s.resolveMs / s.resolvedCount) : null,
});

/** Adds up the per (severity, kind) sums of sql/incidents/stats.sql into the reported means. */
export function computeStats(rows: Row[], window: { since: Date; until: Date; days: number }): IncidentStats {
  const total = empty();
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, empty()])) as Record<Severity, Sums>;
  const byKind = Object.fromEntries(KINDS.map((k) => [k, empty()])) as Record<IncidentKind, Sums>;
  for (const r of rows) {
    const sums: Sums = {
      count: Number(r.count),
      ackCount: Number(r.ack_count),
      ackMs: Number(r.ack_ms_sum),
      resolvedCount: Number(r.resolved_count),
      resolveMs: Number(r.resolve_ms_sum),
    };
    add(total, sums);
    const sev = bySeverity[r.severity as Severity];
    if (sev) add(sev, sums);
    const kind = byKind[r.kind as IncidentKind];
    if (kind) add(kind, sums);
  }
  return {
    ...window,
    total: figures(total),
    bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, figures(bySeverity[s])])) as Record<Severity, DurationStats>,
    byKind: Object.fromEntries(KINDS.map((k) => [k, figures(byKind[k])])) as Record<IncidentKind, DurationStats>,
  };
}
