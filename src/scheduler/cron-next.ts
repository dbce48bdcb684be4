// Next and past runs of a cron expression from any instant. node-cron's own getNextRuns() always
// counts from the real "now", which neither a test clock nor the startup catch-up can use. So the
// candidates (hour × minute on each local day) are enumerated here, and node-cron itself decides
// whether each one matches: its day-of-month AND day-of-week semantics, `#`, `L` and `W` are
// therefore exactly the library's. DST follows node-cron too: a local time in the spring-forward
// gap does not run that day; one in the fall-back overlap runs once, at its first occurrence.
import cron from 'node-cron';
import { type LocalDate, localParts, localToUtc, nextDate, offsetMs, weekday } from './zoned-time.js';

/** A compiled cron expression in one time zone. */
export interface CronSchedule {
  readonly expression: string;
  readonly timezone: string;
  /** True when node-cron would fire at this instant (to the second). */
  matches(ms: number): boolean;
  /** The first `count` runs strictly after `fromMs`. */
  next(fromMs: number, count: number): number[];
  /** Every run in (fromExclusive, toInclusive], oldest first, at most `limit`. */
  between(fromExclusive: number, toInclusive: number, limit?: number): number[];
}

// Expressions that never fire (e.g. 30 February) must not spin forever.
const MAX_DAYS = 366 * 8;
const DAY_MS = 86_400_000;
const SKIP_MARGIN_MS = 3 * 3_600_000;

/** Why an expression is not usable as a schedule, or undefined when it is. */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return 'must have 5 fields (minute hour day-of-month month day-of-week), e.g. "0 10 * * 1"';
  const v = cron.validateDetailed(expression);
  if (!v.valid) return v.errors.map((e) => e.message).join('; ') || 'is not a valid cron expression';
  return undefined;
}

/**
 * A quick pre-check of the day fields that only ever says "no" when node-cron would too, so most
 * days skip the time-zone conversion. Tokens it does not know (L, W, …) let every day through to
 * node-cron's own matcher.
 */
function cheapDayFilter(dom: (number | string)[], dow: (number | string)[]): (d: LocalDate) => boolean {
  const domAll = dom.length >= 31 && dom.every((x) => typeof x === 'number');
  const domNumbers = dom.filter((x): x is number => typeof x === 'number');
  const domSet = domNumbers.length === dom.length ? new Set(domNumbers) : undefined;
  let dowCheck: ((d: LocalDate) => boolean) | undefined;
  if (dow.every((x) => typeof x === 'number' || /^[0-7]#[1-5]$/.test(x))) {
    const plain = new Set(dow.filter((x): x is number => typeof x === 'number').map((x) => x % 7));
    const nth = dow.filter((x): x is string => typeof x === 'string').map((x) => ({ wd: Number(x[0]) % 7, n: Number(x[2]) }));
    dowCheck = (d) => {
      const wd = weekday(d);
      return plain.has(wd) || nth.some((t) => t.wd === wd && Math.ceil(d.day / 7) === t.n);
    };
  }
  return (d) => (domAll || !domSet || domSet.has(d.day)) && (!dowCheck || dowCheck(d));
}

export function compileCron(expression: string, timezone: string): CronSchedule {
  const problem = cronProblem(expression);
  if (problem) throw new Error(`cron expression "${expression}" ${problem}`);
  const fields = cron.parse(expression);
  // A stopped task is only used for its matcher; it is never started, so it schedules nothing.
  const task = cron.createTask(expression, () => undefined, { timezone, name: `opsbot-matcher:${expression}` });
  const matcher = (ms: number): boolean => task.match(new Date(ms));
  // Release the registry entry node-cron keeps for every task; match() works without it.
  void task.destroy();
  const hours = [...fields.hour].sort((a, b) => a - b);
  const minutes = [...fields.minute].sort((a, b) => a - b);
  const seconds = [...fields.second].sort((a, b) => a - b);
  const months = new Set(fields.month);
  const dayFilter = cheapDayFilter(fields.dayOfMonth, fields.dayOfWeek);

  const scan = (fromExclusive: number, accept: (ms: number) => boolean, until = Infinity): void => {
    // Near `fromExclusive` the zone's offset is about offset0 (DST moves it by an hour or so).
    const offset0 = offsetMs(fromExclusive, timezone);
    const start = localParts(fromExclusive, timezone);
    // Start one local day early: the day boundary in UTC and local time differ.
    let day: LocalDate = { year: start.year, month: start.month, day: start.day };
    day = { ...day, day: day.day - 1 };
    const d0 = new Date(Date.UTC(day.year, day.month - 1, day.day));
    day = { year: d0.getUTCFullYear(), month: d0.getUTCMonth() + 1, day: d0.getUTCDate() };
    for (let i = 0; i < MAX_DAYS; i++, day = nextDate(day)) {
      // Every instant of a local day lies within a day of its UTC midnight.
      if (Date.UTC(day.year, day.month - 1, day.day) - DAY_MS > until) return;
      if (!months.has(day.month) || !dayFilter(day)) continue;
      for (const hour of hours) {
        for (const minute of minutes) {
          for (const second of seconds) {
            // Cheap bound first: candidates well before the start need no time-zone conversion.
            const naive = Date.UTC(day.year, day.month - 1, day.day, hour, minute, second);
            if (naive - offset0 + SKIP_MARGIN_MS < fromExclusive) continue;
            const ms = localToUtc({ ...day, hour, minute, second }, timezone);
            if (ms === undefined || ms <= fromExclusive || !matcher(ms)) continue;
            if (!accept(ms)) return;
          }
        }
      }
    }
  };

  return {
    expression,
    timezone,
    matches: matcher,
    next(fromMs, count) {
      const out: number[] = [];
      if (count <= 0) return out;
      scan(fromMs, (ms) => {
        out.push(ms);
        return out.length < count;
      });
      return out;
    },
    between(fromExclusive, toInclusive, limit = 10_000) {
      const out: number[] = [];
      if (toInclusive <= fromExclusive) return out;
      scan(
        fromExclusive,
        (ms) => {
          if (ms > toInclusive) return false;
          out.push(ms);
          return out.length < limit;
        },
        toInclusive,
      );
      return out;
    },
  };
}
