// The App Home's rows in the state store (sql/home/*): the viewers whose Home tab is kept
// current, with the claim that lets one replica at a time publish a due view, and the last
// health status per component.
import type { StateStore } from '../state/store.js';
import type { Status } from '../health/types.js';

/** A viewer claimed for a publish. */
export interface ClaimedViewer {
  userId: string;
  /** Failed publishes in a row before this one. */
  failures: number;
}

/** The last known status of one health component. */
export interface ComponentHealth {
  component: string;
  title: string;
  status: Status;
  checkedAt: Date;
}

export interface HomeStore {
  /** Records that `userId` opened the Home tab at `now`; their view becomes due. */
  opened(userId: string, now: Date): Promise<void>;
  /** Makes the view of every viewer who opened it since `recentSince` due; returns how many. */
  changed(now: Date, recentSince: Date): Promise<number>;
  /** Claims up to `limit` due viewers until `leaseUntil` (skipping those another replica holds). */
  claim(now: Date, leaseUntil: Date, recentSince: Date, limit: number): Promise<ClaimedViewer[]>;
  /** The view, built from data read after `coveredAt`, was published; the next one waits until `notBefore`. */
  published(userId: string, coveredAt: Date, now: Date, notBefore: Date): Promise<void>;
  /** The publish failed: retried from `notBefore` when `retry`, else dropped until the next change. */
  failed(userId: string, o: { error: string; notBefore: Date; retry: boolean; counted: boolean }): Promise<void>;
  /** When the next due view may be claimed; undefined when none is due. */
  nextDue(recentSince: Date): Promise<Date | undefined>;
  /** Forgets viewers who have not opened the Home tab since `before`; returns how many. */
  prune(before: Date): Promise<number>;
  /** Saves the status of each component of a health report (never over a newer one). */
  saveHealth(components: readonly { component: string; title: string; status: Status }[], checkedAt: Date): Promise<void>;
  /** The last known status of every component. */
  health(): Promise<ComponentHealth[]>;
}

const date = (v: unknown): Date | undefined => (v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : undefined);

export function createHomeStore(state: Pick<StateStore, 'query'>): HomeStore {
  const q = state.query;
  return {
    async opened(userId, now) {
      await q('home/viewer-opened', [userId, now]);
    },
    async changed(now, recentSince) {
      return (await q('home/viewers-changed', [now, recentSince])).length;
    },
    async claim(now, leaseUntil, recentSince, limit) {
      const rows = await q<{ user_id: string; failures: number }>('home/viewers-claim', [now, leaseUntil, recentSince, limit]);
      return rows.map((r) => ({ userId: r.user_id, failures: Number(r.failures) }));
    },
    async published(userId, coveredAt, now, notBefore) {
      await q('home/viewer-published', [userId, coveredAt, now, notBefore]);
    },
    async failed(userId, o) {
      await q('home/viewer-failed', [userId, o.error.slice(0, 500), o.notBefore, o.retry, o.counted]);
    },
    async nextDue(recentSince) {
      const rows = await q<{ at: unknown }>('home/viewers-next-due', [recentSince]);
      const v = rows[0]?.at;
      if (v === null || v === undefined) return undefined;
      // '-infinity' (nothing holds it back) arrives as a number or an invalid date: due now.
      const d = date(v);
      return d && Number.isFinite(d.getTime()) ? d : new Date(0);
    },
    async prune(before) {
      return (await q('home/viewers-prune', [before])).length;
    },
    async saveHealth(components, checkedAt) {
      for (const c of components) await q('home/health-save', [c.component, c.title.slice(0, 100), c.status, checkedAt]);
    },
    async health() {
      const rows = await q<{ component: string; title: string; status: Status; checked_at: Date }>('home/health-list');
      return rows.map((r) => ({ component: r.component, title: r.title, status: r.status, checkedAt: date(r.checked_at) ?? new Date(0) }));
    },
  };
}
