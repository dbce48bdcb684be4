// The maintenance calendar: regular windows from the rule (cron in OPS_TIMEZONE, default first
// Sunday 02:00, 120 min) plus one-off windows, minus skipped and cancelled ones. Regular windows
// are computed, never stored, so changing the rule needs no data migration.
import { compileCron, type CronSchedule } from '../time/cron.js';
import type { Queryable } from '../state/run-store.js';
import { formatLocal } from '../time/zoned-time.js';
import { sql } from '../core/sql.js';

export interface MaintenanceWindow {
  /** 'rule:<start ISO>' or 'custom:<id>'. */
  id: string;
  kind: 'rule' | 'custom';
  startsAt: number;
  endsAt: number;
  reason: string;
  createdBy: string | null;
  createdAt: number | null;
  /** Set when the window was skipped (regular) or cancelled (one-off). */
  skipped: { by: string; at: number; reason: string | null } | null;
}

/** Default reason of regular windows, as the runbook names them. */
export const RULE_REASON = 'Monthly maintenance (runbook: first Sunday of the month)';

export interface CalendarOptions {
  db: Queryable;
  timezone: string;
  /** Cron of the regular window start, or null for no regular windows. */
  rule: string | null;
  durationMs: number;
}

/** Reads the maintenance calendar. */
export interface MaintenanceCalendar {
  readonly timezone: string;
  readonly rule: string | null;
  readonly durationMs: number;
  /** Windows overlapping [from, to], oldest first; skipped ones only with includeSkipped. */
  between(from: number, to: number, opts?: { includeSkipped?: boolean }): Promise<MaintenanceWindow[]>;
  /** The next `count` windows not yet ended at `at` (including one in progress). */
  upcoming(at: number, count: number, opts?: { includeSkipped?: boolean }): Promise<MaintenanceWindow[]>;
  /** The window in progress at `at` (start inclusive, end exclusive). */
  activeAt(at: number): Promise<MaintenanceWindow | undefined>;
  /** Regular windows (skipped or not) overlapping [from, to]; pure, no database. */
  ruleWindows(from: number, to: number): { startsAt: number; endsAt: number }[];
}

const ms = (v: unknown): number => (v instanceof Date ? v.getTime() : Date.parse(String(v)));

/** A one-line description for people: "Sun 2026-11-01 02:00–04:00 EST". */
export function describeWindow(w: { startsAt: number; endsAt: number }, timezone: string): string {
  const s = formatLocal(w.startsAt, timezone);
  const e = formatLocal(w.endsAt, timezone);
  const [wd, date, hm, zone] = s.split(' ');
  const [, endDate, endHm, endZone] = e.split(' ');
  if (date !== endDate) return `${s} – ${e}`;
  // Across the fall-back hour both zone names are needed to tell 01:00 EDT from 01:00 EST.
  return zone === endZone ? `${wd} ${date} ${hm}–${endHm} ${zone}` : `${wd} ${date} ${hm} ${zone}–${endHm} ${endZone}`;
}

export function createMaintenanceCalendar(o: CalendarOptions): MaintenanceCalendar {
  const rule: CronSchedule | undefined = o.rule ? compileCron(o.rule, o.timezone) : undefined;

  const ruleWindows = (from: number, to: number) =>
    // between() excludes its start; −1 keeps a window that ends exactly at `from`.
    rule ? rule.between(from - o.durationMs - 1, to).map((startsAt) => ({ startsAt, endsAt: startsAt + o.durationMs })).filter((w) => w.endsAt >= from) : [];

  const between = async (from: number, to: number, opts: { includeSkipped?: boolean } = {}): Promise<MaintenanceWindow[]> => {
    const regular = ruleWindows(from, to);
    const [customRows, skipRows] = await Promise.all([
      o.db.query<Record<string, unknown>>(sql('maintenance/windows-between'), [new Date(from), new Date(to)]),
      regular.length > 0
        ? o.db.query<Record<string, unknown>>(sql('maintenance/skips-between'), [new Date(regular[0]!.startsAt), new Date(regular.at(-1)!.startsAt)])
        : Promise.resolve({ rows: [] as Record<string, unknown>[] }),
    ]);
    const skips = new Map(skipRows.rows.map((r) => [ms(r.starts_at), r]));
    const out: MaintenanceWindow[] = regular.map((w) => {
      const s = skips.get(w.startsAt);
      return {
        id: `rule:${new Date(w.startsAt).toISOString()}`,
        kind: 'rule',
        startsAt: w.startsAt,
        endsAt: w.endsAt,
        reason: RULE_REASON,
        createdBy: null,
        createdAt: null,
        skipped: s ? { by: String(s.skipped_by), at: ms(s.skipped_at), reason: (s.reason as string | null) ?? null } : null,
      };
    });
    for (const r of customRows.rows) {
      out.push({
        id: `custom:${String(r.id)}`,
        kind: 'custom',
        startsAt: ms(r.starts_at),
        endsAt: ms(r.ends_at),
        reason: String(r.reason),
        createdBy: String(r.created_by),
        createdAt: ms(r.created_at),
        skipped: r.cancelled_at ? { by: String(r.cancelled_by), at: ms(r.cancelled_at), reason: (r.cancel_reason as string | null) ?? null } : null,
      });
    }
    out.sort((a, b) => a.startsAt - b.startsAt || a.id.localeCompare(b.id));
    return opts.includeSkipped ? out : out.filter((w) => !w.skipped);
  };

  return {
    timezone: o.timezone,
    rule: o.rule,
    durationMs: o.durationMs,
    between,
    ruleWindows,
    async upcoming(at, count, opts = {}) {
      // Regular windows are monthly; widen the search only when a sparse rule needs it.
      let found: MaintenanceWindow[] = [];
      for (const days of [70, 400, 8 * 366]) {
        found = (await between(at, at + days * 86_400_000, opts)).filter((w) => w.endsAt > at);
        if (found.length >= count) break;
      }
      return found.slice(0, count);
    },
    async activeAt(at) {
      const ws = await between(at, at);
      return ws.find((w) => w.startsAt <= at && at < w.endsAt);
    },
  };
}
