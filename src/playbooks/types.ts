// What a playbook is. The safety rules of DESIGN.md are in the types: a destructive playbook
// must declare at least one approval or it does not compile, in its definition and in the
// registry (registry validation rejects it again at start-up, for anything built around the
// types); a read playbook never receives the writing connection.
import type { z } from 'zod';
import { OpsError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { AdminDb } from '../db/admin.js';
import type { TargetDb } from '../db/target.js';
import type { Logger } from '../core/log.js';

export type Risk = 'read' | 'write' | 'destructive';

/** What a run would change, computed read-only before anyone approves and again before running. */
export interface Preview {
  /** One line for people: "12 idle sessions older than 60 min". */
  summary: string;
  /** How many rows / sessions / objects are in scope. */
  count: number;
  /** A sample of what is in scope, one short line each (shown in Slack, at most ~20). */
  items: string[];
  /**
   * Exact keys of what is in scope (e.g. "pid:backend_start"), when the playbook acts on
   * precisely these and nothing else; runs are then limited to the approved keys.
   */
  keys?: string[];
  /** Values fixed at preview time that the run must reuse (e.g. the cutoff timestamp). */
  pinned?: Record<string, string | number>;
  /**
   * A digest of exactly which rows are in scope (e.g. a hash over their ids), for count-scoped
   * playbooks: the same count with a different fingerprint means the rows were swapped.
   */
  fingerprint?: string;
  /**
   * Rows that match the request's condition now but are outside what was approved (e.g. above
   * the pinned id ceiling). Only set by a recomputed preview; they are left alone and reported.
   */
  outside?: number;
  /** Details for the audit log and --json. */
  detail?: Record<string, unknown>;
}

/** How a run finished. */
export interface RunResult {
  /** Rows / sessions / objects changed. */
  rowsAffected: number;
  /** One line for people: "terminated 12 of 12 sessions". */
  summary: string;
  /** Per-step facts for the audit log. */
  steps?: { step: string; rows: number; ms: number; note?: string }[];
  detail?: Record<string, unknown>;
}

/** External admin API of Supabase Auth used by user playbooks. */
export interface AuthAdmin {
  /** False when no service-role key is configured; playbooks then refuse before asking for approval. */
  readonly configured: boolean;
  /** Bans a user for `duration` (Go duration, e.g. "876000h"), or lifts it with "none". */
  setBan(userId: string, duration: string): Promise<void>;
  /**
   * Has Supabase Auth email a password-reset (recovery) link to `email` (GoTrue POST /recover).
   * The link goes to the user only, never to the bot. Absent on fakes that do not need it; the
   * playbook then refuses before asking for approval.
   */
  sendRecovery?(email: string): Promise<void>;
}

/**
 * What every preview, and the run of a `read` playbook, receive: no writing connection. A
 * preview is read-only by definition (DESIGN.md), so it cannot reach one, by type and at run time.
 */
export interface ReadContext {
  /** Read-only diagnostics connection. */
  target: TargetDb;
  authAdmin: AuthAdmin;
  clock: Clock;
  log: Logger;
  /**
   * Called by long runs between batches so the run is not mistaken for interrupted; it also
   * stores the rows committed so far. Never throws: a state-store blip must not undo a run.
   */
  heartbeat(): Promise<void>;
  /**
   * Adds rows (sessions, objects) that a step changed and that are committed: a run that fails
   * or is cut later still records and reports how much it did. Call it after each commit;
   * `step` names the step for the audit log ("batch 3").
   */
  committed(rows: number, step?: string): void;
}

/** What the run of a `write` or `destructive` playbook receives: the read context plus the writing connection. */
export interface WriteContext extends ReadContext {
  /** Writing connection, DATABASE_ADMIN_URL. */
  admin: AdminDb;
}

/** The full context (a writing run's); kept for code that builds one by hand, such as tests. */
export type PlaybookContext = WriteContext;

/** The context a playbook of risk `R` runs with: only writers get the writing connection. */
export type RunContext<R extends Risk> = R extends 'read' ? ReadContext : WriteContext;

/**
 * Thrown by a run that finds, between batches, that what it would change next is no longer what
 * was approved: the engine records the run as stopped (with the rows committed so far).
 */
export class ScopeChangedError extends OpsError {
  constructor(message: string) {
    super('conflict', message);
  }
}

/** Who asked and who approved the run being executed. */
export interface RunMeta {
  requestId: string;
  requestedBy: string;
  approvers: string[];
  channel: string | null;
  /** Set when the requester self-approved under break-glass. */
  breakGlassReason: string | null;
}

interface PlaybookCommon<P, R extends Risk> {
  risk: R;
  id: string;
  title: string;
  /** What it does and when the runbook uses it. */
  description: string;
  /** Strict zod object; its errors name the parameter. */
  params: z.ZodType<P, Record<string, unknown>>;
  /** Expected form of each parameter, shown with errors and in /playbook list. */
  paramHelp: Record<string, string>;
  /**
   * What "the scope the approver saw" is, checked when the preview is recomputed before running
   * (DESIGN.md: exact keys, or an id ceiling plus the approved count, pinned at preview time):
   * `keys` — the exact keys; any key added or gone stops the run before it changes anything,
   *   and the run touches approved keys only;
   * `count` — the pinned condition (e.g. cutoff + id ceiling); a different count or fingerprint
   *   stops the run before it changes anything, and the run never changes more than the count.
   */
  scope: 'keys' | 'count';
  /**
   * How the rows counted by `committed` and `rowsAffected` are named in messages:
   * "Failed after 7,200 of 30,000 rows were deleted". Default: rows, changed.
   */
  effect?: { noun: string; verb: string };
  /**
   * Read-only: what a run would change. Throw InputError when the parameters point at nothing
   * valid. Before running, the engine calls it again with the approved preview: it must then
   * reuse the approved pinned values (cutoff, id ceiling, …), so the two are comparable.
   */
  preview(ctx: ReadContext, params: P, approved?: Preview): Promise<Preview>;
  /** Makes the change; `approved` is the preview people approved. Only writers get `ctx.admin`. */
  run(ctx: RunContext<R>, params: P, approved: Preview, meta: RunMeta): Promise<RunResult>;
  /**
   * Break-glass: the requester may self-approve with a typed reason when BREAK_GLASS_ENABLED is
   * on. Only for the lockdown (DESIGN.md); announced in the alerts channel and audited.
   */
  breakGlass?: boolean;
}

/** A playbook that only reads: no approvals, and no writing connection even in its run. */
export type ReadPlaybook<P = unknown> = PlaybookCommon<P, 'read'> & { approvals: 0 };
/** A playbook that writes without destroying: approvals are its author's call. */
export type WritePlaybook<P = unknown> = PlaybookCommon<P, 'write'> & { approvals: 0 | 1 | 2 };
/** A destructive playbook: at least one approval, by type. */
export type DestructivePlaybook<P = unknown> = PlaybookCommon<P, 'destructive'> & { approvals: 1 | 2 };

/** A playbook; destructive ones need at least one approval, by type. */
export type Playbook<P = unknown> = ReadPlaybook<P> | WritePlaybook<P> | DestructivePlaybook<P>;

/**
 * A registry entry: any playbook with its parameter type erased, but still one of the three
 * shapes above, so `{ risk: 'destructive', approvals: 0 }` is not an AnyPlaybook either.
 */
export type AnyPlaybook = Playbook<unknown>;

/** Defines a playbook with its parameter type inferred from the schema. */
export function definePlaybook<P>(p: Playbook<P>): Playbook<P> {
  return p;
}

/**
 * Lists playbooks for a registry. Every item is checked against the safety rules of its risk
 * (no cast on the way in), so a destructive playbook without approvals does not compile here.
 */
export function playbookRegistry(...items: readonly AnyPlaybook[]): readonly AnyPlaybook[] {
  return Object.freeze([...items]);
}
