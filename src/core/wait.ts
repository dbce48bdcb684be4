// Waiting for something at most so long: a stop that must not hang on a dead database, a
// refusal's audit row, an image the Home tab would like to show. The timer never holds the
// process open, and is cleared as soon as the wait is over.

/** What waitAtMost resolves to when the time ran out first. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/** Resolves to `p`'s value, or TIMED_OUT after `ms` (≤ 0: at once); a rejection of `p` in time propagates. */
export async function waitAtMost<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const out = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(ms, 0));
    timer.unref();
  });
  try {
    return await Promise.race([p, out]);
  } finally {
    clearTimeout(timer);
  }
}
