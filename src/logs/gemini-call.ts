// One Gemini request under the shared retry policy (src/core/retry.ts): 408/429/5xx retried with
// backoff and jitter, a server-suggested delay (RetryInfo) honoured, every attempt inside one
// overall deadline; anything else ends at once. Used by the log summarizer and the postmortem
// narrative, so there is one way of calling Gemini. Never throws: the outcome says why it failed.
import type { Schema } from '@google/genai';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { isRetryableStatus, RETRY_BUDGETS, retryOutcome, type RetryPolicy } from '../core/retry.js';
import { GeminiCallError, type GeminiClient, type GenerateResult } from './gemini.js';

export interface GeminiCallerOptions {
  client: GeminiClient;
  model: string;
  /** Overall deadline for all attempts, in ms. */
  timeoutMs: number;
  /** Attempts including the first. */
  maxAttempts: number;
  maxOutputTokens: number;
  clock: Clock;
  /** Waits between attempts; replaced in tests. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Source of jitter in [0, 1). */
  random?: (() => number) | undefined;
  logger?: Logger | undefined;
}

export interface GeminiPrompt {
  systemInstruction: string;
  prompt: string;
  responseSchema: Schema;
}

export type GeminiCallOutcome =
  | { ok: true; result: GenerateResult; attempts: number }
  /** `reason` is a sentence for the reader, e.g. "Gemini answered HTTP 500 after 3 attempts". */
  | { ok: false; reason: string; attempts: number };

/** Sends one prompt to Gemini with the retries the policy allows. */
export type GeminiCaller = (prompt: GeminiPrompt) => Promise<GeminiCallOutcome>;

function describe(err: unknown): string {
  return err instanceof GeminiCallError ? err.message : 'Gemini call failed';
}

export function createGeminiCaller(opts: GeminiCallerOptions): GeminiCaller {
  // The one retry policy with Gemini's rule: 408/429/5xx only, a server-suggested delay
  // honoured, all attempts inside GEMINI_TIMEOUT_MS.
  const policy: RetryPolicy = { ...RETRY_BUDGETS.gemini, attempts: Math.max(1, opts.maxAttempts), deadlineMs: opts.timeoutMs };
  const random = opts.random ?? Math.random;
  return async (prompt) => {
    const out = await retryOutcome(
      ({ signal }) =>
        opts.client.generate({
          model: opts.model,
          systemInstruction: prompt.systemInstruction,
          prompt: prompt.prompt,
          responseSchema: prompt.responseSchema,
          maxOutputTokens: opts.maxOutputTokens,
          signal,
        }),
      {
        policy,
        timing: { clock: opts.clock, sleep: opts.sleep, random },
        error: (err) => {
          const status = err instanceof GeminiCallError ? err.status : undefined;
          opts.logger?.warn({ err, status }, 'gemini call failed');
          if (status === undefined || !isRetryableStatus(status)) return { retry: false };
          const after = err instanceof GeminiCallError ? err.retryAfterMs : undefined;
          return after === undefined ? { retry: true } : { retry: true, afterMs: after };
        },
      },
    );
    if (out.ok) return { ok: true, result: out.value, attempts: out.attempts };
    const err = 'error' in out ? out.error : undefined;
    const tooLong = out.stopped === 'deadline' || out.stopped === 'retry_after_too_long';
    return { ok: false, reason: tooLong ? `${describe(err)}; no time left to retry` : `${describe(err)}${out.attempts > 1 ? ` after ${out.attempts} attempts` : ''}`, attempts: out.attempts };
  };
}
