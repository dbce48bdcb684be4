// Callers that resume together take turns, one per turn of the event loop. Hundreds of /health
// share one health run and are all answered when it ends; resumed at once, their answers
// (rendering, the response_url post, the audit row) would run back to back while requests that
// arrived meanwhile wait for their ack. Between two turns Node reads the sockets again, so every
// request waiting to be acked is acked before the next answer goes out.

/** Returns `turn()`: resolves when it is this caller's turn (first come, first served). */
export function takeTurns(): () => Promise<void> {
  const waiting: (() => void)[] = [];
  let scheduled = false;
  const next = () => {
    const resume = waiting.shift();
    if (!resume) {
      scheduled = false;
      return;
    }
    resume();
    // After the resumed caller's first steps (queued behind them), and from inside an
    // immediate: the next caller runs on the next turn, after the sockets are read.
    queueMicrotask(() => setImmediate(next));
  };
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (!scheduled) {
        scheduled = true;
        setImmediate(next);
      }
    });
}
