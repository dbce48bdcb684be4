// Which backups to keep: the newest backup of each of the newest N days, ISO weeks and months
// (grandfather-father-son, days counted in OPS_TIMEZONE), safety backups for a fixed number of
// days, and never the last verified backup: if nothing kept is verified, the newest verified
// one stays. Pure: the service deletes what this plans.
import type { BackupEntry } from './types.js';
import { localParts } from '../time/zoned-time.js';

export interface RetentionPolicy {
  daily: number;
  weekly: number;
  monthly: number;
  safetyDays: number;
  timezone: string;
  now: number;
}

export interface RetentionPlan {
  keep: BackupEntry[];
  prune: BackupEntry[];
  /** Kept only because it is the newest verified backup. */
  keptAsOnlyVerified: BackupEntry | null;
}

const DAY_MS = 86_400_000;

/** Calendar date of an instant in a time zone. */
export function localDate(ms: number, timeZone: string): { y: number; m: number; d: number } {
  const p = localParts(ms, timeZone);
  return { y: p.year, m: p.month, d: p.day };
}

/** ISO 8601 week of a calendar date, e.g. "2026-W05". */
export function isoWeek(y: number, m: number, d: number): string {
  const date = new Date(Date.UTC(y, m - 1, d));
  const dow = date.getUTCDay() || 7; // Monday 1 … Sunday 7
  date.setUTCDate(date.getUTCDate() + 4 - dow); // the Thursday of this week decides the year
  const year = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(year, 0, 1)) / DAY_MS + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The newest entry of each of the newest `n` buckets. */
function newestPerBucket(sorted: BackupEntry[], n: number, bucket: (e: BackupEntry) => string): BackupEntry[] {
  const out: BackupEntry[] = [];
  const seen = new Set<string>();
  for (const e of sorted) {
    if (seen.size >= n) break;
    const b = bucket(e);
    if (seen.has(b)) continue;
    seen.add(b);
    out.push(e);
  }
  return out;
}

/** Plans retention over succeeded backups (any order). */
export function planRetention(entries: readonly BackupEntry[], p: RetentionPolicy): RetentionPlan {
  const succeeded = entries.filter((e) => e.state === 'succeeded').sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : -1));
  const regular = succeeded.filter((e) => e.kind !== 'safety');
  const day = (e: BackupEntry) => {
    const { y, m, d } = localDate(e.startedAt, p.timezone);
    return { y, m, d };
  };
  const keep = new Set<BackupEntry>([
    ...newestPerBucket(regular, p.daily, (e) => {
      const { y, m, d } = day(e);
      return `${y}-${m}-${d}`;
    }),
    ...newestPerBucket(regular, p.weekly, (e) => {
      const { y, m, d } = day(e);
      return isoWeek(y, m, d);
    }),
    ...newestPerBucket(regular, p.monthly, (e) => {
      const { y, m } = day(e);
      return `${y}-${m}`;
    }),
    ...succeeded.filter((e) => e.kind === 'safety' && p.now - e.startedAt < p.safetyDays * DAY_MS),
  ]);
  let keptAsOnlyVerified: BackupEntry | null = null;
  const verified = (e: BackupEntry) => e.verifyState === 'passed';
  if (![...keep].some(verified)) {
    keptAsOnlyVerified = succeeded.find(verified) ?? null;
    if (keptAsOnlyVerified) keep.add(keptAsOnlyVerified);
  }
  return {
    keep: succeeded.filter((e) => keep.has(e)),
    prune: succeeded.filter((e) => !keep.has(e)),
    keptAsOnlyVerified,
  };
}
