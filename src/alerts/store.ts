// Alert state in the state database (sql/alerts/*.sql). Every transition that posts to Slack is
// one conditional UPDATE/INSERT that only one caller can win, so replicas and double clicks post once.
import type { Queryable } from '../state/run-store.js';
import { sql, type SqlNameIn } from '../core/sql.js';
import type { RuleState, Severity } from './rules.js';

export interface AlertRecord {
  id: number;
  ruleId: string;
  severity: Severity;
  title: string;
  value: string;
  threshold: string;
  advice: string | null;
  breaches: number;
  firedAt: number;
  notifiedAt: number | null;
  channel: string | null;
  messageTs: string | null;
  heldWindow: string | null;
  recoveredInWindow: string | null;
  summarisedAt: number | null;
  lastReminderAt: number | null;
  reminders: number;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  timeToAckMs: number | null;
  recoveredAt: number | null;
  recoveredValue: string | null;
}

export interface RuleCounts {
  breaches: number;
  oks: number;
}

export interface AlertStats {
  total: number;
  critical: number;
  acknowledged: number;
  medianTimeToAckMs: number | null;
  unacknowledgedCritical: number;
}

export interface NewAlert {
  ruleId: string;
  severity: Severity;
  title: string;
  value: string;
  threshold: string;
  advice: string;
  breaches: number;
  firedAt: number;
  heldWindow: string | null;
}

/** Persistent alert state. */
export interface AlertStore {
  /** Consecutive counts per rule. */
  counts(): Promise<Map<string, RuleCounts>>;
  /** Saves counts after an evaluation. */
  saveCounts(rows: { ruleId: string; counts: RuleCounts; state: RuleState; value: string }[], at: number): Promise<void>;
  /** Alerts still firing, by rule id. */
  active(): Promise<Map<string, AlertRecord>>;
  /** One alert. */
  get(id: number): Promise<AlertRecord | undefined>;
  /** Opens a firing episode; undefined when the rule already has one. */
  open(a: NewAlert): Promise<AlertRecord | undefined>;
  /** Records where and when the alert was posted. */
  notified(id: number, at: number, channel: string, ts: string): Promise<AlertRecord | undefined>;
  /** Claims a reminder; undefined when not due, acknowledged, recovered or claimed by someone else. */
  claimReminder(id: number, now: number, reminderMs: number, value: string): Promise<AlertRecord | undefined>;
  /** Closes the episode; undefined when already closed. */
  recover(id: number, at: number, windowId: string | null, value: string): Promise<AlertRecord | undefined>;
  /** Acknowledges; undefined when someone already did. */
  acknowledge(id: number, userId: string, at: number): Promise<AlertRecord | undefined>;
  /** Claims the held alerts no summary covered yet. */
  claimHeld(at: number): Promise<AlertRecord[]>;
  /** Statistics of alerts fired since `since`. */
  stats(since: number): Promise<AlertStats>;
}

const ms = (v: unknown): number | null => (v instanceof Date ? v.getTime() : v === null || v === undefined ? null : typeof v === 'string' ? Date.parse(v) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

export function toAlert(r: Record<string, unknown>): AlertRecord {
  return {
    id: Number(r.id),
    ruleId: String(r.rule_id),
    severity: r.severity as Severity,
    title: String(r.title),
    value: String(r.value),
    threshold: String(r.threshold),
    advice: str(r.advice),
    breaches: Number(r.breaches),
    firedAt: ms(r.fired_at) ?? 0,
    notifiedAt: ms(r.notified_at),
    channel: str(r.channel),
    messageTs: str(r.message_ts),
    heldWindow: str(r.held_window),
    recoveredInWindow: str(r.recovered_in_window),
    summarisedAt: ms(r.summarised_at),
    lastReminderAt: ms(r.last_reminder_at),
    reminders: Number(r.reminders ?? 0),
    acknowledgedBy: str(r.acknowledged_by),
    acknowledgedAt: ms(r.acknowledged_at),
    timeToAckMs: r.time_to_ack_ms === null || r.time_to_ack_ms === undefined ? null : Number(r.time_to_ack_ms),
    recoveredAt: ms(r.recovered_at),
    recoveredValue: str(r.recovered_value),
  };
}

export function createAlertStore(db: Queryable): AlertStore {
  const one = async (name: SqlNameIn<'alerts'>, params: unknown[]): Promise<AlertRecord | undefined> => {
    const r = await db.query<Record<string, unknown>>(sql(`alerts/${name}`), params);
    return r.rows[0] ? toAlert(r.rows[0]) : undefined;
  };
  return {
    async counts() {
      const r = await db.query<{ rule_id: string; breaches: number; oks: number }>(sql('alerts/rule-state-get'));
      return new Map(r.rows.map((row) => [row.rule_id, { breaches: row.breaches, oks: row.oks }]));
    },
    async saveCounts(rows, at) {
      if (rows.length === 0) return;
      await db.query(sql('alerts/rule-state-save'), [
        rows.map((x) => x.ruleId),
        rows.map((x) => x.counts.breaches),
        rows.map((x) => x.counts.oks),
        rows.map((x) => x.state),
        rows.map((x) => x.value.slice(0, 500)),
        new Date(at),
      ]);
    },
    async active() {
      const r = await db.query<Record<string, unknown>>(sql('alerts/active-list'));
      return new Map(r.rows.map((row) => [String(row.rule_id), toAlert(row)]));
    },
    get: (id) => one('alert-get', [id]),
    open: (a) => one('alert-insert', [a.ruleId, a.severity, a.title, a.value, a.threshold, a.advice, a.breaches, new Date(a.firedAt), a.heldWindow]),
    notified: (id, at, channel, ts) => one('alert-notified', [id, new Date(at), channel, ts]),
    claimReminder: (id, now, reminderMs, value) => one('alert-remind', [id, new Date(now), new Date(now - reminderMs), value]),
    recover: (id, at, windowId, value) => one('alert-recover', [id, new Date(at), windowId, value]),
    acknowledge: (id, userId, at) => one('alert-ack', [id, userId, new Date(at)]),
    async claimHeld(at) {
      const r = await db.query<Record<string, unknown>>(sql('alerts/held-claim'), [new Date(at)]);
      return r.rows.map(toAlert).sort((a, b) => a.firedAt - b.firedAt);
    },
    async stats(since) {
      const r = await db.query<Record<string, unknown>>(sql('alerts/alerts-stats'), [new Date(since)]);
      const row = r.rows[0] ?? {};
      return {
        total: Number(row.total ?? 0),
        critical: Number(row.critical ?? 0),
        acknowledged: Number(row.acknowledged ?? 0),
        medianTimeToAckMs: row.median_tta_ms === null || row.median_tta_ms === undefined ? null : Number(row.median_tta_ms),
        unacknowledgedCritical: Number(row.unacknowledged_critical ?? 0),
      };
    },
  };
}
