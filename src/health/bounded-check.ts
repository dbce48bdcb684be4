// One check under its own time limit, for /health and /health outage alike: the check gets an
// abort signal and the limit; a check that does not answer in time, or throws, becomes one
// "did not answer" item instead of failing the report. Expected failures (typed, or system and
// driver errors with a code) are the report itself; only surprises are logged as warnings.
import { errorMessage, isOpsError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { CheckContext, HealthItem, Status } from './types.js';

/** How a check that gave no answer is shown. */
export interface NoAnswer {
  label: string;
  status: Status;
  advice: string;
  /** The threshold shown when it threw (e.g. "reachable"). */
  threshold: string;
}

export interface BoundedRun {
  timeoutMs: number;
  logger: Logger;
  /** What the log lines say the check is, e.g. { component: 'database' }. */
  logFields: Record<string, unknown>;
  /** e.g. "health check failed". */
  logMessage: string;
  noAnswer: NoAnswer;
}

/** Runs `check` within `o.timeoutMs`; its items, or the one item that says why there are none. */
export async function runBounded(check: (ctx: CheckContext) => Promise<HealthItem[]>, o: BoundedRun): Promise<HealthItem[]> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      ac.abort();
      resolve('timeout');
    }, o.timeoutMs);
  });
  const limit = `${(o.timeoutMs / 1000).toFixed(1)} s`;
  const item = (value: string, threshold: string): HealthItem => ({ key: 'reachable', label: o.noAnswer.label, status: o.noAnswer.status, value, threshold, advice: o.noAnswer.advice });
  try {
    const result = await Promise.race([check({ signal: ac.signal, timeoutMs: o.timeoutMs }), timeout]);
    return result === 'timeout' ? [item(`no answer within ${limit}`, `answers within ${limit}`)] : result;
  } catch (err) {
    const expected = isOpsError(err) || typeof (err as { code?: unknown } | null | undefined)?.code === 'string';
    if (expected) o.logger.debug({ err, ...o.logFields }, o.logMessage);
    else o.logger.warn({ err, ...o.logFields }, o.logMessage);
    return [item(isOpsError(err) ? err.userMessage : errorMessage(err), o.noAnswer.threshold)];
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
}
