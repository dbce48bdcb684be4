// Runs the drills for the page and `opsbot local drill`: one at a time per drill, polled for
// the responder's expected action (and for time-driven changes), timed from start to that
// action, and reset on demand. The page shows list() and how long each took.
import { errorMessage, InputError } from '../../core/errors.js';
import { databaseOutage, lockPileUp, poolExhaustion, slowQuery } from './database-drills.js';
import type { Drill, DrillContext, DrillRun, DrillStatus } from './types.js';
import { aiGateway, dataBreach, loginStorm, maintenanceSoon } from './world-drills.js';

/** Every drill, in the order the page lists them. */
export const DRILLS: readonly Drill[] = [poolExhaustion, slowQuery, lockPileUp, aiGateway, loginStorm, dataBreach, databaseOutage, maintenanceSoon];

export interface DrillRunner {
  /** Every drill with its script and the state of its last run. */
  list(): DrillStatus[];
  /** One drill's status; InputError for an unknown name. */
  status(name: string): DrillStatus;
  /** Breaks the world; a drill already running is refused (reset it first). */
  start(name: string): Promise<DrillStatus>;
  /** Puts one drill's world back (or every running drill's, without a name). */
  reset(name?: string): Promise<DrillStatus[]>;
  /** Checks the running drills once: time-driven changes, then whether the expected action happened. */
  poll(): Promise<void>;
  /** Resets everything and stops polling. */
  close(): Promise<void>;
}

interface Slot {
  drill: Drill;
  run?: DrillRun;
  status: Omit<DrillStatus, 'active'>;
}

export interface DrillRunnerOptions {
  context: DrillContext;
  drills?: readonly Drill[];
  /** Poll interval (default 2 s; 0 = only when poll() is called, for tests). */
  pollMs?: number;
}

export function createDrillRunner(o: DrillRunnerOptions): DrillRunner {
  const ctx = o.context;
  const slots = new Map<string, Slot>();
  for (const d of o.drills ?? DRILLS) {
    slots.set(d.name, { drill: d, status: { name: d.name, title: d.title, summary: d.summary, script: d.script, finishedWhen: d.finishedWhen, state: 'idle' } });
  }
  const slot = (name: string): Slot => {
    const s = slots.get(name);
    if (!s) throw new InputError(`There is no drill "${name.slice(0, 40)}". Drills: ${[...slots.keys()].join(', ')}.`);
    return s;
  };
  const view = (s: Slot): DrillStatus => {
    const st = s.status;
    const active = s.run !== undefined;
    if (st.state === 'running' && st.startedAt !== undefined) return { ...st, active, elapsedMs: ctx.clock.now() - st.startedAt };
    return { ...st, active };
  };
  const finish = (s: Slot, by: 'action' | 'reset') => {
    const now = ctx.clock.now();
    s.status = { ...s.status, state: 'finished', finishedAt: now, finishedBy: by, elapsedMs: now - (s.status.startedAt ?? now) };
  };
  const resetSlot = async (s: Slot) => {
    const run = s.run;
    if (!run) return;
    try {
      await run.reset();
      s.run = undefined;
      if (s.status.state === 'running') finish(s, 'reset');
      s.status = { ...s.status, error: undefined };
    } catch (err) {
      s.status = { ...s.status, error: `reset failed: ${errorMessage(err)}` };
      throw err;
    }
  };
  let polling = false;
  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      for (const s of slots.values()) {
        const run = s.run;
        if (!run) continue;
        try {
          await run.tick?.(ctx.clock.now());
          if (s.status.state === 'running' && (await run.done())) finish(s, 'action');
        } catch (err) {
          // The database may be away on purpose: try again at the next poll.
          ctx.logger.debug({ err, drill: s.drill.name }, 'drill poll failed');
        }
      }
    } finally {
      polling = false;
    }
  };
  const timer = o.pollMs === 0 ? undefined : setInterval(() => void poll(), o.pollMs ?? 2000);
  timer?.unref();

  return {
    list: () => [...slots.values()].map(view),
    status: (name) => view(slot(name)),
    async start(name) {
      const s = slot(name);
      if (s.run) {
        const what = s.status.state === 'running' ? 'is already running' : 'has finished but its world is not put back yet';
        throw new InputError(`The drill "${name}" ${what}; reset it first (\`opsbot local drill reset ${name}\`).`);
      }
      const startedAt = ctx.clock.now();
      try {
        s.run = await s.drill.start(ctx);
      } catch (err) {
        s.status = { ...s.status, state: 'idle', error: `could not start: ${errorMessage(err)}` };
        throw err;
      }
      s.status = { ...s.status, state: 'running', startedAt, finishedAt: undefined, finishedBy: undefined, elapsedMs: 0, error: undefined };
      ctx.logger.info({ drill: name }, 'drill started');
      return view(s);
    },
    async reset(name) {
      const targets = name === undefined ? [...slots.values()].filter((s) => s.run) : [slot(name)];
      for (const s of targets) await resetSlot(s);
      return targets.map(view);
    },
    poll,
    async close() {
      clearInterval(timer);
      for (const s of slots.values()) await resetSlot(s).catch(() => undefined);
    },
  };
}
