// Services whose code is loaded on their first call rather than at start: what an idle bot never
// runs (the log analyzer, the postmortem writer) then costs neither start-up time nor memory. Only
// services made of async methods can wait for their module this way, and the types hold to that.

/** The method names of `T`, each of which must return a promise. */
export type AsyncMethods<T> = { [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? true : never };

/**
 * `T` built by `load` on the first call of any of `methods` (listed so that the object has exactly
 * the service's methods, nothing a caller could mistake for a promise). A load that fails is
 * retried on the next call.
 */
export function lazyService<T extends object>(load: () => Promise<T>, methods: AsyncMethods<T>): T {
  let loading: Promise<T> | undefined;
  const service = () =>
    (loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    }));
  const out: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of Object.keys(methods)) {
    out[name] = async (...args) => {
      const s = (await service()) as Record<string, (...a: unknown[]) => Promise<unknown>>;
      return s[name]!(...args);
    };
  }
  return out as T;
}

/** A value computed on first use and kept (a model client, an options object). */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
