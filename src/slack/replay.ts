// Once per Slack delivery: every command or action that creates something (a playbook request,
// a backup, a maintenance window, a channel post) claims the delivery's trigger_id in the state
// store first. Slack accepts a signed request within five minutes of its timestamp, so a
// replayed or re-sent body must be recognised by the store, not by this process: two replicas
// share it, and the claim is one atomic INSERT … ON CONFLICT.
import { isOpsError, UpstreamError } from '../core/errors.js';
import type { HandlerDeps } from './command.js';
import { checkText } from './input.js';

/** Slack's replay window is ±5 minutes around the request timestamp; keep claims for both sides. */
export const REPLAY_WINDOW_MS = 10 * 60_000;

/** What the user sees when a delivery was already handled. */
export const REPLAY_MESSAGE =
  'I already handled this exact request (same Slack trigger) a moment ago, so I did nothing again. If you meant to do it twice, run the command again.';

/** Expired claims are pruned every this many claims per process. */
const PRUNE_EVERY = 200;
let claimsSincePrune = 0;

/** The message a state store failure gets here, when the store adapter has not typed it. */
export const STATE_DOWN =
  'The state store (STATE_DATABASE_URL) is not answering, so I cannot record this request and did nothing. Diagnostics that do not need it still work: /health, /db and /slowqueries, and the opsbot CLI. Try again once the state database is back.';

/**
 * Claims `triggerId` for this delivery. True: first time, go ahead. False: already handled within
 * the window — create nothing. A delivery without a trigger id cannot be a replayed command.
 */
export async function firstDelivery(deps: Pick<HandlerDeps, 'state' | 'clock'>, triggerId: string | undefined, what: string, userId: string): Promise<boolean> {
  if (triggerId === undefined || triggerId === '') return true;
  checkText('Slack trigger id', triggerId, { max: 200 });
  const now = deps.clock.now();
  let rows: Record<string, unknown>[];
  try {
    rows = await deps.state.query('state/triggers/claim', [triggerId, what, userId, new Date(now), new Date(now + REPLAY_WINDOW_MS)]);
  } catch (err) {
    throw isOpsError(err) ? err : new UpstreamError(STATE_DOWN, { cause: err });
  }
  if (++claimsSincePrune >= PRUNE_EVERY) {
    claimsSincePrune = 0;
    // Housekeeping only: a failed prune is retried at the next round.
    await deps.state.query('state/triggers/prune', [new Date(now)]).catch(() => undefined);
  }
  return rows.length > 0;
}
