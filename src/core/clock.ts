// The only place that reads the wall clock. Everything else receives a Clock so expiry,
// statistics age and schedules can be tested with a fixed or advancing time.

/** Source of the current time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** High-resolution monotonic milliseconds, for measuring durations. */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/** A clock for tests: starts at `start` and moves only when told to. */
export function fixedClock(start: number): Clock & { advance(ms: number): void; set(ms: number): void } {
  let current = start;
  let mono = 0;
  return {
    now: () => current,
    monotonic: () => mono,
    advance(ms: number) {
      current += ms;
      mono += ms;
    },
    set(ms: number) {
      mono += ms - current;
      current = ms;
    },
  };
}
