// One HTTP probe of a health check under the shared retry policy, with the health budget: no
// retry on an HTTP answer (a 5xx or 429 is what the check reports, not something to hide), one
// quick retry on a network error (a reset keep-alive socket, a DNS blip), and never past the
// check's own timeout: the retry lives inside it, so a check is not slower because of retries.
import type { Clock } from '../core/clock.js';
import { RETRY_BUDGETS, retry, type Sleep } from '../core/retry.js';
import type { CheckContext } from './types.js';

export interface ProbeDeps {
  fetch: typeof fetch;
  clock: Clock;
  /** Waits between attempts; tests pass one that returns at once. */
  sleep?: Sleep;
}

export interface ProbeAnswer {
  res: Response;
  /** The body, when asked for (read inside the attempt, so a cut body counts as a network error). */
  body: string;
  /** Latency of the attempt that answered. */
  ms: number;
}

export async function probe(deps: ProbeDeps, ctx: CheckContext, url: string, init: RequestInit, readBody: boolean): Promise<ProbeAnswer> {
  return retry(
    async ({ signal }) => {
      const started = deps.clock.monotonic();
      const res = await deps.fetch(url, { ...init, signal });
      const body = readBody ? await res.text() : '';
      return { res, body, ms: deps.clock.monotonic() - started };
    },
    {
      policy: { ...RETRY_BUDGETS.health, deadlineMs: ctx.timeoutMs },
      timing: { clock: deps.clock, ...(deps.sleep ? { sleep: deps.sleep } : {}) },
      signal: ctx.signal,
      error: (err) => (err instanceof Error && err.name !== 'AbortError' && err.name !== 'TimeoutError' ? { retry: true } : { retry: false }),
    },
  );
}
