// Waiting until the bot has finished with everything it was sent, instead of sleeping a fixed
// time before asserting that nothing happened: a sleep is either too short on a loaded machine
// (the assertion passes before the bot acts) or wastes time on an idle one.
//
// Every event the receiver hands to Bolt goes through App.processEvent, whose promise covers the
// global middleware, the listeners (including the work they do after ack) and the global error
// handler's answer. A Bolt middleware (app.use) would miss the last one and anything the app's
// own first middleware refuses, so the tracker wraps processEvent on the app instance instead.
import type { App } from '@slack/bolt';
import type { FakeHttp } from './slack.js';

interface Tracker {
  inFlight: Set<Promise<unknown>>;
  /** Events processed since tracking began. */
  seen: number;
}

const trackers = new WeakMap<App, Tracker>();

/** Counts the events the app is processing; call once, before the app receives anything. */
export function trackListeners(app: App): void {
  if (trackers.has(app)) return;
  const tracker: Tracker = { inFlight: new Set(), seen: 0 };
  trackers.set(app, tracker);
  const original = app.processEvent.bind(app);
  app.processEvent = (event) => {
    tracker.seen++;
    const p = original(event);
    tracker.inFlight.add(p);
    void p.then(
      () => tracker.inFlight.delete(p),
      () => tracker.inFlight.delete(p),
    );
    return p;
  };
}

/** What settled() needs: the Bolt app, the HTTP fake, and other background work to wait for. */
export interface SettleTarget {
  app: App;
  http?: FakeHttp;
  /** Resolves when other background work (e.g. the playbook engine's runs) is done. */
  idle?: () => Promise<void>;
}

type Settleable =
  | SettleTarget
  | { bot: { slack: { app: App }; playbooks: { idle(): Promise<void> } }; http: FakeHttp }
  | { slack: { app: App }; http: FakeHttp };

function target(t: Settleable): SettleTarget {
  if ('bot' in t) return { app: t.bot.slack.app, http: t.http, idle: () => t.bot.playbooks.idle() };
  if ('slack' in t) return { app: t.slack.app, http: t.http };
  return t;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Resolves when no listener is running, no playbook run is in progress and the HTTP fake has no
 * call waiting — and that stays so for a few event-loop turns, so work chained onto a finished
 * listener (a post after a run, a follow-up call) is waited for too. Rejects after `timeoutMs`
 * saying what is still busy.
 */
export async function settled(t: Settleable, timeoutMs = 10_000): Promise<void> {
  const { app, http, idle } = target(t);
  const tracker = trackers.get(app);
  if (!tracker) throw new Error('settled(): this app is not tracked; call trackListeners(app) before it receives requests');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`settled(): still busy after ${timeoutMs} ms (${tracker.inFlight.size} events in flight, ${http?.pending() ?? 0} HTTP calls pending)`)),
      timeoutMs,
    );
  });
  const quiet = async () => {
    for (let stable = 0; stable < 3; ) {
      const before = { seen: tracker.seen, calls: http?.calls.length ?? 0 };
      await Promise.allSettled([...tracker.inFlight]);
      await idle?.();
      await http?.idle();
      await turn();
      const busy = tracker.inFlight.size > 0 || (http?.pending() ?? 0) > 0 || tracker.seen !== before.seen || (http?.calls.length ?? 0) !== before.calls;
      stable = busy ? 0 : stable + 1;
    }
  };
  try {
    await Promise.race([quiet(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
