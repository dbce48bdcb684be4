// What makes the Home tab change: incidents, playbook requests and the lockdown. The bot's
// services are wrapped here, in the composition root, so the Home tab hears of every change
// without those services knowing about it; and health reports are remembered per component.
import type { Logger } from '../core/log.js';
import type { HealthService } from '../health/runner.js';
import type { IncidentService } from '../incidents/port.js';
import type { LockdownService } from '../lockdown/service.js';
import type { PlaybookEngine } from '../playbooks/engine.js';
import type { HomeStore } from './store.js';

/** A late-bound "something changed": services are built before the Home publisher that listens. */
export interface ChangeSignal {
  /** Tells the listener (if connected yet) that the Home tab's content changed. */
  notify(): void;
  /** Sets the listener. */
  connect(listener: () => void): void;
}

export function changeSignal(): ChangeSignal {
  let listener: (() => void) | undefined;
  return {
    notify: () => listener?.(),
    connect: (l) => {
      listener = l;
    },
  };
}

/**
 * `target` with `methods` wrapped: after each call (settled either way — a failed change may still
 * have changed something) `changed(result)` decides whether to notify.
 */
function notifyAfter<T extends object>(target: T, methods: Partial<Record<keyof T, (result: unknown) => boolean>>, signal: ChangeSignal): T {
  return new Proxy(target, {
    get(t, name, receiver) {
      const value: unknown = Reflect.get(t, name, receiver);
      const decide = (methods as Record<PropertyKey, ((r: unknown) => boolean) | undefined>)[name];
      if (!decide || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        let result: unknown;
        try {
          result = await (value as (...a: unknown[]) => Promise<unknown>).apply(t, args);
          return result;
        } finally {
          if (result === undefined || decide(result)) signal.notify();
        }
      };
    },
  });
}

const always = () => true;

/** Incidents: declaring (once the channel exists), roles, status, severity, updates, resolving, lockdown links. */
export function watchIncidents(s: IncidentService, signal: ChangeSignal): IncidentService {
  return notifyAfter(
    s,
    { attachChannel: always, abandon: always, setRole: always, setStatus: always, setSeverity: always, addUpdate: always, resolve: always, linkLockdown: always },
    signal,
  );
}

/** Playbook requests: a new one, an approval, a denial; a sweep only when it expired or interrupted something. */
export function watchEngine(e: PlaybookEngine, signal: ChangeSignal): PlaybookEngine {
  return notifyAfter(
    e,
    {
      request: always,
      requestInMessage: always,
      approve: always,
      deny: always,
      sweep: (r) => {
        const s = r as Awaited<ReturnType<PlaybookEngine['sweep']>>;
        return s.expired.length > 0 || s.interrupted.length > 0;
      },
    },
    signal,
  );
}

/** The lockdown: started, lifted, a deadline done. */
export function watchLockdown(l: LockdownService, signal: ChangeSignal): LockdownService {
  return notifyAfter(l, { start: always, lift: always, markReminderDone: always }, signal);
}

/** Health reports, wherever they ran (/health, alerts, scheduled posts), saved per component for the Home tab. */
export function recordHealth(h: HealthService, store: Pick<HomeStore, 'saveHealth'>, logger: Logger): HealthService {
  return {
    components: () => h.components(),
    async run(component) {
      const report = await h.run(component);
      const at = new Date(Date.parse(report.startedAt));
      if (!Number.isNaN(at.getTime())) {
        // In the background: a health answer never waits for, or fails because of, the Home tab.
        store.saveHealth(report.components.map((c) => ({ component: c.component, title: c.title, status: c.status })), at).catch((err: unknown) => logger.warn({ err }, 'could not save the health status for the Home tab'));
      }
      return report;
    },
  };
}
