// Per-interaction context: a child logger carrying the interaction id and user, set by a
// global middleware and read by handlers and the error handler.
import { randomUUID } from 'node:crypto';
import type { Context } from '@slack/bolt';
import type { Logger } from '../log.js';

export interface InteractionContext {
  interactionId: string;
  log: Logger;
}

const KEY = 'opsbot';

export function attachInteraction(context: Context, root: Logger, fields: { userId?: string; kind: string; name?: string }): InteractionContext {
  const interactionId = randomUUID();
  const ic: InteractionContext = {
    interactionId,
    log: root.child({ interactionId, userId: fields.userId, kind: fields.kind, name: fields.name }),
  };
  context[KEY] = ic;
  return ic;
}

export function interaction(context: Context, root: Logger): InteractionContext {
  const ic = context[KEY] as InteractionContext | undefined;
  return ic ?? { interactionId: 'none', log: root };
}

/** A short reference id shown to users for unexpected errors and logged with the error. */
export function referenceId(): string {
  return randomUUID().slice(0, 8).toUpperCase();
}
