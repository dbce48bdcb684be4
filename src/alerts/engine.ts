// Alert lifecycle. Each evaluation runs the health checks, applies the rules and moves each rule:
//   N consecutive breaches → one alert (with an Acknowledge button); fewer is flapping: silence;
//   still breaching → nothing, except a reminder every 30 min while critical and unacknowledged;
//   M consecutive healthy checks → one recovery message, and the alert shows it;
//   inside a maintenance window → nothing is posted; what fired or recovered is summarised once
//   the window is over.
// Counts and episodes live in the state store; evaluations are serialised by the scheduler's job
// lock, and every post follows an UPDATE/INSERT only one caller wins.
import type { Clock } from '../core/clock.js';
import type { HealthService } from '../health/runner.js';
import type { Logger } from '../core/log.js';
import type { ChatPoster } from '../slack/chat-poster.js';
import { alertMessage, heldSummaryMessage, recoveryMessage, reminderMessage } from './messages.js';
import { type AlertInput, type AlertRule, evaluateRules, type RuleResult } from './rules.js';
import type { AlertRecord, AlertStats, AlertStore, RuleCounts } from './store.js';

/** Tells whether a maintenance window is in progress (maintenance implements it). */
export interface MaintenanceWindowSource {
  /** The window in progress at `at`, if any. */
  activeWindow(at: number): Promise<{ id: string } | undefined>;
}

export interface AlertEngineOptions {
  store: AlertStore;
  poster: ChatPoster;
  channel: string;
  timezone: string;
  clock: Clock;
  logger: Logger;
  health: HealthService;
  rules: AlertRule[];
  /** Consecutive breaches before an alert fires (ALERTS_CONSECUTIVE_BREACHES). */
  consecutiveBreaches: number;
  /** Consecutive healthy checks before it recovers (ALERTS_RECOVERY_CHECKS). */
  recoveryChecks: number;
  /** Reminder interval of unacknowledged critical alerts (ALERTS_REMINDER_MINUTES). */
  reminderMs: number;
  maintenance?: MaintenanceWindowSource;
}

/** What one evaluation did. */
export interface EvaluationReport {
  at: number;
  results: RuleResult[];
  /** Episodes opened (posted, or held during maintenance). */
  fired: AlertRecord[];
  reminded: AlertRecord[];
  recovered: AlertRecord[];
  /** Maintenance window that held posts, if any. */
  heldBy: string | null;
  /** Held alerts summarised by this evaluation. */
  summarised: AlertRecord[];
}

export type AckResult =
  | { status: 'acknowledged'; alert: AlertRecord }
  | { status: 'already'; alert: AlertRecord }
  | { status: 'not_found' };

export interface AlertEngine {
  /** Runs the health checks and applies the alert lifecycle. */
  evaluate(): Promise<EvaluationReport>;
  /** Applies the lifecycle to a given health report (host and edge figures are among its items). */
  evaluateInput(input: AlertInput): Promise<EvaluationReport>;
  /** Records who acknowledged an alert and when, once; updates its message. */
  acknowledge(alertId: number, userId: string): Promise<AckResult>;
  /** The rules, including unavailable ones with the reason. */
  rules(): readonly AlertRule[];
  /** Alert statistics since `since`, for the on-call review. */
  stats(since: number): Promise<AlertStats>;
}

export function createAlertEngine(o: AlertEngineOptions): AlertEngine {
  const log = o.logger.child({ component: 'alerts' });
  const byId = new Map(o.rules.map((r) => [r.id, r]));

  /** Posts an alert that is not (yet) in the channel and records where. */
  const publish = async (a: AlertRecord, now: number): Promise<AlertRecord> => {
    const msg = alertMessage({ ...a, notifiedAt: now }, o.timezone);
    const posted = await o.poster.postMessage({ channel: o.channel, text: msg.text, blocks: msg.blocks });
    return (await o.store.notified(a.id, now, posted.channel, posted.ts)) ?? a;
  };

  const redraw = async (a: AlertRecord): Promise<void> => {
    if (!a.channel || !a.messageTs) return;
    const msg = alertMessage(a, o.timezone);
    await o.poster.update({ channel: a.channel, ts: a.messageTs, text: msg.text, blocks: msg.blocks });
  };

  const summariseHeld = async (now: number): Promise<AlertRecord[]> => {
    const held = await o.store.claimHeld(now);
    if (held.length === 0) return [];
    const msg = heldSummaryMessage(held, o.timezone);
    await o.poster.postMessage({ channel: o.channel, text: msg.text, blocks: msg.blocks });
    for (const a of held) {
      // Still firing after the window: it becomes a normal alert people can acknowledge.
      if (a.heldWindow && a.recoveredAt === null && a.notifiedAt === null) await publish(a, now);
    }
    log.info({ alerts: held.map((a) => a.id) }, 'held alerts summarised');
    return held;
  };

  const evaluateInput = async (input: AlertInput): Promise<EvaluationReport> => {
    const now = o.clock.now();
    const results = evaluateRules(o.rules, input);
    const window = o.maintenance ? await o.maintenance.activeWindow(now) : undefined;
    const report: EvaluationReport = { at: now, results, fired: [], reminded: [], recovered: [], heldBy: window?.id ?? null, summarised: [] };
    if (!window) report.summarised = await summariseHeld(now);
    const [counts, active] = await Promise.all([o.store.counts(), o.store.active()]);
    const save: { ruleId: string; counts: RuleCounts; state: RuleResult['state']; value: string }[] = [];
    for (const r of results) {
      const rule = byId.get(r.ruleId)!;
      const prev = counts.get(r.ruleId) ?? { breaches: 0, oks: 0 };
      // Unknown and unavailable leave the counts alone: not measuring is neither a breach nor a recovery.
      const c = r.state === 'breach' ? { breaches: prev.breaches + 1, oks: 0 } : r.state === 'ok' ? { breaches: 0, oks: prev.oks + 1 } : prev;
      save.push({ ruleId: r.ruleId, counts: c, state: r.state, value: r.value });
      const open = active.get(r.ruleId);
      if (r.state === 'breach' && !open && c.breaches >= o.consecutiveBreaches) {
        const a = await o.store.open({
          ruleId: rule.id,
          severity: rule.severity,
          title: rule.title,
          value: r.value,
          threshold: rule.threshold,
          advice: rule.advice,
          breaches: c.breaches,
          firedAt: now,
          heldWindow: window?.id ?? null,
        });
        if (a) {
          report.fired.push(window ? a : await publish(a, now));
          log.warn({ ruleId: rule.id, alertId: a.id, held: Boolean(window) }, 'alert fired');
        }
      } else if (r.state === 'breach' && open && !window) {
        if (open.notifiedAt === null && !open.heldWindow) {
          // Posting failed last time (Slack down): try again rather than stay silent.
          await publish(open, now);
        } else if (
          open.severity === 'critical' &&
          open.notifiedAt !== null &&
          open.acknowledgedAt === null &&
          now - (open.lastReminderAt ?? open.notifiedAt) >= o.reminderMs
        ) {
          const claimed = await o.store.claimReminder(open.id, now, o.reminderMs, r.value);
          if (claimed) {
            const msg = reminderMessage(claimed, o.timezone, now);
            await o.poster.postMessage({ channel: o.channel, text: msg.text, blocks: msg.blocks, ...(claimed.messageTs ? { threadTs: claimed.messageTs, broadcast: true } : {}) });
            report.reminded.push(claimed);
          }
        }
      } else if (r.state === 'ok' && open && c.oks >= o.recoveryChecks) {
        const rec = await o.store.recover(open.id, now, window?.id ?? null, r.value);
        if (rec) {
          report.recovered.push(rec);
          log.info({ ruleId: rule.id, alertId: rec.id, held: Boolean(window) }, 'alert recovered');
          await redraw(rec);
          if (rec.notifiedAt !== null && !window) {
            const msg = recoveryMessage(rec, o.timezone);
            await o.poster.postMessage({ channel: o.channel, text: msg.text, blocks: msg.blocks, ...(rec.messageTs ? { threadTs: rec.messageTs, broadcast: true } : {}) });
          }
        }
      }
    }
    await o.store.saveCounts(save, now);
    return report;
  };

  return {
    rules: () => o.rules,
    stats: (since) => o.store.stats(since),
    evaluateInput,
    async evaluate() {
      // Host CPU and the edge function figures are items of the report (see rules.ts).
      return evaluateInput({ report: await o.health.run() });
    },
    async acknowledge(alertId, userId) {
      const acked = await o.store.acknowledge(alertId, userId, o.clock.now());
      if (!acked) {
        const existing = await o.store.get(alertId);
        return existing ? { status: 'already', alert: existing } : { status: 'not_found' };
      }
      log.info({ alertId, userId, timeToAckMs: acked.timeToAckMs }, 'alert acknowledged');
      await redraw(acked);
      return { status: 'acknowledged', alert: acked };
    },
  };
}
