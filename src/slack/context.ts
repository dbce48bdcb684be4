// Per-interaction context: a child logger carrying the interaction id and user, set by a
// global middleware and read by handlers and the error handler.
import { randomUUID } from 'node:crypto';
import type { Context } from '@slack/bolt';
import type { Logger } from '../core/log.js';

/** How a refusal of this interaction is written to the audit log (one row, by the error handler). */
export interface AuditHint {
  actor: string;
  action: string;
  target: string;
  channel?: string;
  detail?: Record<string, unknown>;
}

export interface InteractionContext {
  interactionId: string;
  log: Logger;
  /** Set by the global middleware from the payload; handlers refine it with describeForAudit(). */
  audit?: AuditHint;
}

const KEY = 'opsbot';

export function attachInteraction(
  context: Context,
  root: Logger,
  fields: { userId?: string; kind: string; name?: string; audit?: AuditHint },
): InteractionContext {
  const interactionId = randomUUID();
  // The child logger is made when first used: a /health in a burst is acked before it logs
  // anything, and making one (bindings scrubbed and serialized) is most of this step's cost.
  let log: Logger | undefined;
  const ic: InteractionContext = {
    interactionId,
    get log() {
      return (log ??= root.child({ interactionId, userId: fields.userId, kind: fields.kind, name: fields.name }));
    },
    ...(fields.audit ? { audit: fields.audit } : {}),
  };
  context[KEY] = ic;
  return ic;
}

export function interaction(context: Context, root: Logger): InteractionContext {
  const ic = context[KEY] as InteractionContext | undefined;
  return ic ?? { interactionId: 'none', log: root };
}

/**
 * Names what this interaction is about for the audit log (e.g. action 'command', target
 * '/backup restore'), so a refusal thrown later is recorded under the right name.
 */
export function describeForAudit(context: Context, hint: Partial<AuditHint>): void {
  const ic = context[KEY] as InteractionContext | undefined;
  if (!ic) return;
  const base: AuditHint = ic.audit ?? { actor: 'unknown', action: 'interaction', target: 'unknown' };
  ic.audit = { ...base, ...hint, detail: { ...base.detail, ...hint.detail } };
}

/** A short reference id shown to users for unexpected errors and logged with the error. */
export function referenceId(): string {
  return randomUUID().slice(0, 8).toUpperCase();
}
