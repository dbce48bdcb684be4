// What a drill is: a way to break the simulated world the way one of the runbook's incidents
// looks, a short script of what the responder is expected to do, a check of whether they did
// it, and a reset that puts everything back.
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { LocalDate } from '../../time/zoned-time.js';
import type { SimulatedWorld } from '../supabase/world.js';

/** The one-off maintenance windows the maintenance drill adds (the bot's own maintenance service). */
export interface MaintenancePort {
  readonly timezone: string;
  /** Adds a one-off window (and announces it as the bot always does). */
  add(req: { startsAt: number; durationMs: number; reason: string }, actor: string): Promise<unknown>;
  /** Cancels the windows of that local date that have not started. */
  skip(date: LocalDate, reason: string | null, actor: string): Promise<unknown>;
}

export interface DrillContext {
  /** Superuser URL of the target database. */
  targetUrl: string;
  /** Superuser URL of the server's maintenance database (ALTER DATABASE). */
  serverUrl: string;
  /** Name of the target database. */
  targetDatabase: string;
  world: SimulatedWorld;
  clock: Clock;
  logger: Logger;
  maintenance?: MaintenancePort;
  /** Tests on a shared server: sessions the pool-exhaustion drill holds (default POOL_SESSIONS). */
  poolSessions?: number;
}

/** A drill in progress. */
export interface DrillRun {
  /** Whether the responder's expected action has happened (polled). */
  done(): Promise<boolean>;
  /** Time-driven changes (e.g. 429 turning into 402); called on every poll. */
  tick?(now: number): Promise<void>;
  /** Puts the world back; safe to call twice. */
  reset(): Promise<void>;
}

export interface Drill {
  /** Name used by the page and `opsbot local drill <name>`. */
  name: string;
  title: string;
  /** What breaks, in one sentence. */
  summary: string;
  /** What the responder is expected to do, step by step. */
  script: readonly string[];
  /** What ends the drill besides a reset. */
  finishedWhen: string;
  start(ctx: DrillContext): Promise<DrillRun>;
}

export type DrillState = 'idle' | 'running' | 'finished';

export interface DrillStatus {
  name: string;
  title: string;
  summary: string;
  script: readonly string[];
  finishedWhen: string;
  state: DrillState;
  /** Epoch ms of the last start. */
  startedAt?: number;
  finishedAt?: number;
  /** How the last run ended. */
  finishedBy?: 'action' | 'reset';
  /** Time from start to the expected action (or to now while running). */
  elapsedMs?: number;
  /** Set when the drill could not start or reset. */
  error?: string;
  /**
   * Whether the world is still broken by the last start (running, or finished by the
   * responder's action but not reset yet): Reset puts it back, Start is refused until then.
   */
  active: boolean;
}
