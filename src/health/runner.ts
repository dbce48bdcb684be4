// Runs the component checks in parallel, each with its own time limit, and reduces them to one
// report. A check that throws or does not answer in time becomes an item, never an exception.
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { runBounded } from './bounded-check.js';
import { type Component, componentStatus, type ComponentReport, type HealthCheck, type HealthNotice, type HealthReport, worst } from './types.js';

export interface HealthServiceDeps {
  checks: HealthCheck[];
  clock: Clock;
  timeoutMs: number;
  logger: Logger;
  /**
   * Notices shown first (lockdown active, …), in the header too; a plain string is its own
   * headline. A failure to read them is logged, not fatal.
   */
  notices?: () => Promise<readonly (string | HealthNotice)[]>;
}

/** Runs health checks; the one implementation behind /health and `opsbot health`. */
export interface HealthService {
  /** Runs every check, or only `component`; concurrent calls for the same scope share one run. */
  run(component?: Component): Promise<HealthReport>;
  /** Components this service can check. */
  components(): Component[];
}

const ADVICE_UNREACHABLE: Record<Component, string> = {
  frontend: 'Check the hosting status page and the latest deploy; roll back if the last deploy broke it.',
  database: 'Check the Supabase status page and dashboard (Database → Reports); confirm DATABASE_URL and network access.',
  edge: 'Check the edge function logs (`/logs summarize edge`) and the Supabase status page.',
  auth: 'Check Supabase Auth status and auth logs; sign-in is likely failing for users.',
  backups: 'The backup catalogue could not be read: check the state database (STATE_DATABASE_URL).',
};

export function createHealthService(deps: HealthServiceDeps): HealthService {
  const runOne = async (check: HealthCheck): Promise<ComponentReport> => {
    const started = deps.clock.monotonic();
    const items = await runBounded((ctx) => check.run(ctx), {
      timeoutMs: deps.timeoutMs,
      logger: deps.logger,
      logFields: { component: check.component },
      logMessage: 'health check failed',
      noAnswer: { label: 'Reachable', status: 'critical', advice: ADVICE_UNREACHABLE[check.component], threshold: 'reachable' },
    });
    return {
      component: check.component,
      title: check.title,
      status: componentStatus(items),
      durationMs: Math.round(deps.clock.monotonic() - started),
      items,
    };
  };

  // Concurrent requests for the same scope share one run: ten people typing /health in a war
  // room must not put ten times the diagnostic load on a database that is already struggling.
  const inflight = new Map<string, Promise<HealthReport>>();

  const runFresh = async (component?: Component): Promise<HealthReport> => {
    const started = deps.clock.monotonic();
    const startedAt = new Date(deps.clock.now()).toISOString();
    const checks = component ? deps.checks.filter((c) => c.component === component) : deps.checks;
    const [components, notices] = await Promise.all([
      Promise.all(checks.map(runOne)),
      deps.notices
        ? deps.notices().catch((err: unknown) => {
            // The state database being down is reported elsewhere; it must not break /health.
            deps.logger.debug({ err }, 'could not read health notices');
            return [];
          })
        : Promise.resolve([]),
    ]);
    const shown = notices.map((n) => (typeof n === 'string' ? { headline: n, text: n } : n));
    return {
      status: worst(components.map((c) => c.status)),
      ...(shown.length ? { notices: shown.map((n) => n.text), alert: [...new Set(shown.map((n) => n.headline))].join(' · ') } : {}),
      startedAt,
      durationMs: Math.round(deps.clock.monotonic() - started),
      components,
    };
  };

  return {
    components: () => deps.checks.map((c) => c.component),
    run(component) {
      const key = component ?? 'all';
      let p = inflight.get(key);
      if (!p) {
        p = runFresh(component).finally(() => inflight.delete(key));
        inflight.set(key, p);
      }
      return p;
    },
  };
}
