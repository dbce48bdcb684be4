// The one retry policy for outbound calls. What retries: network errors, 408, 429 and 5xx;
// never another 4xx, which says the request itself is wrong. Backoff is exponential with full
// jitter; a Retry-After (seconds or an HTTP date) is honoured when it fits under a cap, and a
// longer one ends the retries rather than being cut short. Everything runs inside one total
// deadline, and a caller's abort stops it at once. Each call site picks its own budget: a
// health check must not get slower because of retries, a summary may wait a little.
// Time comes from an injected clock and sleep, so tests never wait.
import type { Clock } from './clock.js';

export interface RetryPolicy {
  /** Attempts including the first (1 = no retry). */
  attempts: number;
  /** First backoff step; it doubles per retry, up to maxDelayMs, and is jittered. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest server-asked wait (Retry-After) honoured; a longer one ends the retries. */
  maxRetryAfterMs: number;
  /** Total time for all attempts and waits, from the first attempt's start. */
  deadlineMs: number;
  /** Whether a network error (no HTTP answer) is retried; Gemini's rule says no, most others yes. */
  retryNetworkErrors?: boolean;
}

/** Waits `ms`, or less when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryTiming {
  clock: Pick<Clock, 'monotonic' | 'now'>;
  /** Default: a timer that the call's signal cuts short. */
  sleep?: Sleep;
  /** Source of jitter in [0, 1); default Math.random. */
  random?: () => number;
}

/** What one failed attempt means for the next. */
export type RetryVerdict = { retry: false } | { retry: true; afterMs?: number };

/** Why the attempts stopped without success. */
export type RetryStop = 'final' | 'attempts' | 'deadline' | 'retry_after_too_long' | 'aborted';

export type RetryOutcome<T> =
  | { ok: true; value: T; attempts: number }
  | { ok: false; error: unknown; attempts: number; stopped: RetryStop }
  | { ok: false; value: T; attempts: number; stopped: RetryStop };

export interface AttemptInfo {
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborts at the total deadline or when the caller aborts. */
  signal: AbortSignal;
}

export interface RetryCall<T> {
  policy: RetryPolicy;
  timing: RetryTiming;
  /** The caller's signal (a health check's timeout, a shutdown): no retry after it aborts. */
  signal?: AbortSignal;
  /** Judges a result that did not throw (e.g. a Response with status 503); default: success. */
  result?: (value: T) => RetryVerdict;
  /** Judges a thrown error; default: never retried. */
  error?: (err: unknown) => RetryVerdict;
  /** Told before each wait (for a log line). */
  onRetry?: (info: { attempt: number; waitMs: number; error?: unknown; value?: T }) => void;
  /** Releases a result that is being replaced by a new attempt (a Response's body); never one that is returned. */
  discard?: (value: T) => void;
}

/** 408, 429 and 5xx: the request may succeed later. Any other 4xx will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** A Retry-After header (delta seconds or an HTTP date) in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The backoff before attempt `n + 1` after `n` failed ones: full jitter on an exponential step. */
export function backoffMs(policy: RetryPolicy, failed: number, random: () => number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failed - 1)) * random();
}

const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

// A signal that aborts at the deadline or with the caller's; the timer is real time on purpose
// (it bounds a real request), while the decisions to retry use the injected clock.
function deadlineSignal(remainingMs: number, caller: AbortSignal | undefined): { signal: AbortSignal; clear: () => void } {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new DOMException('The retry deadline passed', 'TimeoutError')), Math.max(1, remainingMs));
  const onAbort = () => ac.abort(caller?.reason);
  if (caller?.aborted) ac.abort(caller.reason);
  else caller?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: ac.signal,
    clear: () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Runs `attempt` until it succeeds, the verdict says stop, the attempts or the deadline are
 * used up, or the caller aborts. Never throws: the outcome says what happened and how often.
 */
export async function retryOutcome<T>(attempt: (info: AttemptInfo) => Promise<T>, call: RetryCall<T>): Promise<RetryOutcome<T>> {
  const { policy, timing } = call;
  const sleep = timing.sleep ?? defaultSleep;
  const random = timing.random ?? Math.random;
  const max = Math.max(1, Math.floor(policy.attempts));
  const deadline = timing.clock.monotonic() + policy.deadlineMs;
  for (let n = 1; ; n++) {
    const started = timing.clock.monotonic();
    const remaining = deadline - started;
    const bound = deadlineSignal(remaining, call.signal);
    let verdict: RetryVerdict;
    let failure: { error: unknown } | { value: T };
    try {
      const value = await attempt({ attempt: n, signal: bound.signal });
      verdict = call.result ? call.result(value) : { retry: false };
      // A result not to be retried is the answer (a 404 is final, not a failure of retrying).
      if (!verdict.retry) return { ok: true, value, attempts: n };
      failure = { value };
    } catch (error) {
      if (call.signal?.aborted) return { ok: false, error, attempts: n, stopped: 'aborted' };
      verdict = call.error ? call.error(error) : { retry: false };
      failure = { error };
      if (!verdict.retry) return { ok: false, error, attempts: n, stopped: 'final' };
    } finally {
      bound.clear();
    }
    const stop = (stopped: RetryStop): RetryOutcome<T> => ('error' in failure ? { ok: false, error: failure.error, attempts: n, stopped } : { ok: false, value: failure.value, attempts: n, stopped });
    if (n >= max) return stop('attempts');
    if (verdict.afterMs !== undefined && verdict.afterMs > policy.maxRetryAfterMs) return stop('retry_after_too_long');
    const wait = Math.max(backoffMs(policy, n, random), verdict.afterMs ?? 0);
    // Another try must have at least as long as the one that just failed: a retry squeezed into
    // the last milliseconds of the deadline cannot answer, it only delays the report.
    const now = timing.clock.monotonic();
    if (now + wait + (now - started) >= deadline) return stop('deadline');
    call.onRetry?.({ attempt: n, waitMs: wait, ...('error' in failure ? { error: failure.error } : { value: failure.value }) });
    await sleep(wait, call.signal);
    if (call.signal?.aborted) return stop('aborted');
    if ('value' in failure) call.discard?.(failure.value);
  }
}

/** Like retryOutcome, but returns the last value or throws the last error, unchanged, as one call would. */
export async function retry<T>(attempt: (info: AttemptInfo) => Promise<T>, call: RetryCall<T>): Promise<T> {
  const out = await retryOutcome(attempt, call);
  if ('value' in out) return out.value;
  throw out.error;
}

// fetch rejects with a TypeError for network failures (DNS, refused, reset); an abort is not one.
function isNetworkError(err: unknown): boolean {
  return err instanceof Error && err.name !== 'AbortError' && err.name !== 'TimeoutError';
}

/** The verdict on an HTTP answer: retry 408/429/5xx, waiting at least its Retry-After. */
export function responseVerdict(res: Pick<Response, 'status' | 'headers'>, now: number): RetryVerdict {
  if (!isRetryableStatus(res.status)) return { retry: false };
  const after = parseRetryAfter(res.headers.get('retry-after'), now);
  return after === undefined ? { retry: true } : { retry: true, afterMs: after };
}

/**
 * A fetch that retries under `policy`: network errors (when the policy allows) and 408/429/5xx
 * answers. The last answer is returned as it came, so the caller still reads its status; a
 * discarded answer's body is released. Request bodies must be re-sendable (strings, buffers),
 * as every body the bot sends is.
 */
export function retryingFetch(base: typeof fetch, policy: RetryPolicy, timing: RetryTiming): typeof fetch {
  return (input, init) =>
    retry(
      async ({ signal }) => base(input, { ...init, signal }),
      {
        policy,
        timing,
        ...(init?.signal ? { signal: init.signal } : {}),
        result: (res) => responseVerdict(res, timing.clock.now()),
        error: (err) => (policy.retryNetworkErrors !== false && isNetworkError(err) ? { retry: true } : { retry: false }),
        discard: (res) => void res.body?.cancel().catch(() => undefined),
      },
    );
}

/** Budgets of the call sites, side by side so they can be compared. */
export const RETRY_BUDGETS = {
  /** Health probes: one quick retry on a network error only, within the check's own timeout (set per call). */
  health: { attempts: 2, baseDelayMs: 50, maxDelayMs: 200, maxRetryAfterMs: 0, deadlineMs: 5_000 },
  /** Supabase Management API (logs): a couple of tries. */
  managementApi: { attempts: 3, baseDelayMs: 500, maxDelayMs: 4_000, maxRetryAfterMs: 10_000, deadlineMs: 45_000 },
  /** Supabase Auth admin: a couple of quick tries; a playbook run waits for it. */
  authAdmin: { attempts: 3, baseDelayMs: 250, maxDelayMs: 2_000, maxRetryAfterMs: 5_000, deadlineMs: 15_000 },
  /** Supabase Storage, per backup part: a part is worth waiting for. */
  storage: { attempts: 4, baseDelayMs: 500, maxDelayMs: 5_000, maxRetryAfterMs: 30_000, deadlineMs: 120_000 },
  /** Slack file downloads (not the Web API client, which Bolt retries). */
  slackFiles: { attempts: 3, baseDelayMs: 500, maxDelayMs: 4_000, maxRetryAfterMs: 30_000, deadlineMs: 60_000 },
  /** Gemini: 408/429/5xx only (DESIGN.md); attempts and deadline come from GEMINI_* settings. */
  gemini: { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 8_000, maxRetryAfterMs: 30_000, deadlineMs: 30_000, retryNetworkErrors: false },
} as const satisfies Record<string, RetryPolicy>;
