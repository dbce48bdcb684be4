// Next and past runs of a cron expression from any instant, computed by croner (which takes the
// instant to count from, so a test clock and the start-up catch-up can use it). Day fields are
// ANDed (`0 2 1-7 * 0` is the first Sunday, as `0 2 * * 0#1`), `#`, `L` and `W` are croner's.
// DST is croner's rule: a fixed time (one minute and one hour, e.g. `30 2 * * *`) that falls in the
// spring-forward gap runs at the first valid time after it; one in the fall-back overlap runs once,
// at its first occurrence. Interval schedules (`*/15 * * * *`) skip the gap.
import { Cron } from 'croner';

/** A compiled cron expression in one time zone. */
export interface CronSchedule {
  readonly expression: string;
  readonly timezone: string;
  /** True when the schedule fires at this instant (to the second). */
  matches(ms: number): boolean;
  /** The first `count` runs strictly after `fromMs`. */
  next(fromMs: number, count: number): number[];
  /** Every run in (fromExclusive, toInclusive], oldest first, at most `limit`. */
  between(fromExclusive: number, toInclusive: number, limit?: number): number[];
}

function build(expression: string, timezone: string): Cron {
  return new Cron(expression, { timezone, domAndDow: true, mode: '5-part', paused: true });
}

/** Why an expression is not usable as a schedule, or undefined when it is. */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return 'must have 5 fields (minute hour day-of-month month day-of-week), e.g. "0 10 * * 1"';
  try {
    build(expression, 'UTC').stop();
    return undefined;
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).replace(/^CronPattern:\s*/i, '');
    // croner says "day" and "dayOfWeek"; people write cron fields as below.
    const field = /for (minute|hour|day|month|dayOfWeek):/.exec(message)?.[1];
    const named = { minute: 'minute', hour: 'hour', day: 'day-of-month', month: 'month', dayOfWeek: 'day-of-week' } as const;
    return field ? `has an invalid ${named[field as keyof typeof named]} field: ${expression.trim().split(/\s+/)[Object.keys(named).indexOf(field)]}` : `is not a valid cron expression: ${message}`;
  }
}

export function compileCron(expression: string, timezone: string): CronSchedule {
  const problem = cronProblem(expression);
  if (problem) throw new Error(`cron expression "${expression}" ${problem}`);
  const job = build(expression, timezone);
  // croner counts from whole seconds; our instants are milliseconds.
  const after = (ms: number): number | undefined => job.nextRun(new Date(ms))?.getTime();
  return {
    expression,
    timezone,
    matches: (ms) => job.match(new Date(ms - (ms % 1000))),
    next(fromMs, count) {
      const out: number[] = [];
      let from = fromMs;
      while (out.length < count) {
        const t = after(from);
        if (t === undefined) break;
        out.push(t);
        from = t;
      }
      return out;
    },
    between(fromExclusive, toInclusive, limit = 10_000) {
      const out: number[] = [];
      let from = fromExclusive;
      while (out.length < limit) {
        const t = after(from);
        if (t === undefined || t > toInclusive) break;
        out.push(t);
        from = t;
      }
      return out;
    },
  };
}
