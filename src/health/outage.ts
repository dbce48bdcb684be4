// /health outage (runbook "P0: Service Outage"): the Supabase status page, DNS of our hosts, a
// database connection with SELECT 1 and the front end, checked in parallel, each with its own
// time limit, then the next steps that follow from what failed and the runbook's failover steps.
// A check that throws or does not answer in time becomes an item, never an exception.
import type { Clock } from '../core/clock.js';
import { formatMs } from '../core/format.js';
import type { Logger } from '../core/log.js';
import { runBounded } from './bounded-check.js';
import type { TargetDb } from '../db/target.js';
import type { OutageCheck, OutageCheckKey, OutageCheckReport, OutageReport } from './outage-types.js';
import { componentStatus, type HealthCheck, worst } from './types.js';

export interface OutageServiceDeps {
  checks: readonly OutageCheck[];
  clock: Clock;
  /** Each check's own time limit (HEALTH_CHECK_TIMEOUT_MS). */
  timeoutMs: number;
  logger: Logger;
  /** Where the status page is, for the next steps (STATUS_PAGE_URL). */
  statusPageUrl: string;
}

/** Runs the outage checks; the one implementation behind /health outage and `opsbot health outage`. */
export interface OutageService {
  /** Runs every check; concurrent calls share one run. */
  run(): Promise<OutageReport>;
}

const UNREACHABLE: Record<OutageCheckKey, string> = {
  statuspage: 'Open the status page in a browser; the bot could not read it in time.',
  dns: 'Resolve the hosts from another network (`dig +short <host> @1.1.1.1`); the bot’s resolver did not answer in time.',
  database: 'Check the project in the Supabase dashboard (paused, restarting, disk full?) and DATABASE_URL; `/db connections` once it answers.',
  frontend: 'Check the hosting provider’s status and the latest deploy; roll back if the last deploy broke it.',
};

/** The database check of an outage: one connection, `SELECT 1`, timed. */
export function databasePingCheck(o: { db: TargetDb; clock: Clock }): OutageCheck {
  return {
    key: 'database',
    title: 'Database connection',
    async run(ctx) {
      const started = o.clock.monotonic();
      await o.db.readOnly('health-outage', (tx) => tx.query('queries/health/ping'), { statementTimeoutMs: ctx.timeoutMs });
      const ms = Math.round(o.clock.monotonic() - started);
      return [{ key: 'select1', label: 'SELECT 1', status: 'ok', value: `answered in ${formatMs(ms)}`, threshold: 'connects and answers', data: { ms } }];
    },
  };
}

/** A /health component check (e.g. the front end) as one of the outage checks. */
export function fromHealthCheck(key: OutageCheckKey, check: HealthCheck): OutageCheck {
  return { key, title: check.title, run: (ctx) => check.run(ctx) };
}

const failing = (r: OutageCheckReport | undefined) => r !== undefined && (r.status === 'critical' || r.status === 'unknown');
const bad = (r: OutageCheckReport | undefined) => r !== undefined && r.status !== 'ok';

/** What to do first, from which checks failed; the most likely cause first. */
export function outageNextSteps(checks: readonly OutageCheckReport[], statusPageUrl: string): string[] {
  const by = new Map(checks.map((c) => [c.key, c]));
  const page = by.get('statuspage');
  const dns = by.get('dns');
  const db = by.get('database');
  const fe = by.get('frontend');
  const steps: string[] = [];
  const platform = page !== undefined && page.items.some((i) => (i.key === 'incidents' || i.key === 'components') && i.status !== 'ok');
  if (platform) {
    steps.push(
      `Supabase reports a problem that touches us: link it in the incident channel (${statusPageUrl}), post a stakeholder update, open a P0 Supabase support ticket, and follow their updates before changing anything on our side.`,
    );
  }
  if (dns && dns.status === 'critical') steps.push('A host does not resolve: fix DNS first (provider records, registrar, NS); everything behind that name is down until it does.');
  if (failing(db) && !platform) {
    steps.push('The database does not answer while the status page shows nothing for us: check the project in the Supabase dashboard (paused? restarting? disk full and read-only?), then `/db connections` for an exhausted pool.');
  }
  if (failing(fe) && !failing(db) && !(dns && dns.status === 'critical')) {
    steps.push('Only the front end is down: check the hosting provider and the latest deploy; roll it back if it broke the app.');
  }
  if (page && failing(page) && !platform) steps.push(`The status page could not be read: open ${statusPageUrl} in a browser.`);
  if (steps.length === 0 && checks.some(bad)) steps.push('Some checks warn: read their advice above, and run `/health` for the edge function and auth.');
  if (steps.length === 0) {
    steps.push('Every outage check passes: the outage is elsewhere — run `/health` (edge function, auth), `/logs summarize edge`, and ask a user for the exact error and time.');
  }
  return steps;
}

/** The runbook's failover steps (P0: Service Outage, Supabase Platform Failure). */
export const FAILOVER_STEPS: readonly string[] = [
  'Declare or update the incident (`/incident`) and post a stakeholder update: what is down, since when, when the next update comes.',
  'Enable maintenance mode in the app, so users get a clear message instead of errors; for a Supabase platform failure, set up read-only mode until writes are safe again.',
  'Supabase platform failure: open a P0 support ticket with the project ref and the times, and follow the status page until it is resolved.',
  'A bad deploy or migration: roll back the front-end deploy; check `/db migrations` for one applied in the last 24 h.',
  'Data lost or corrupted: restore from the last verified backup (`/backup list`; RPO 24 h, RTO 4 h) after the cause is fixed.',
  'When service is back: turn maintenance mode off, confirm with `/health outage` and `/health`, resolve the incident, and write the postmortem.',
];

export function createOutageService(deps: OutageServiceDeps): OutageService {
  const runOne = async (check: OutageCheck): Promise<OutageCheckReport> => {
    const started = deps.clock.monotonic();
    const items = await runBounded((ctx) => check.run(ctx), {
      timeoutMs: deps.timeoutMs,
      logger: deps.logger,
      logFields: { check: check.key },
      logMessage: 'outage check failed',
      noAnswer: { label: 'Answer', status: check.key === 'statuspage' ? 'unknown' : 'critical', advice: UNREACHABLE[check.key], threshold: 'answers' },
    });
    return { key: check.key, title: check.title, status: componentStatus(items), durationMs: Math.round(deps.clock.monotonic() - started), items };
  };

  const runFresh = async (): Promise<OutageReport> => {
    const started = deps.clock.monotonic();
    const startedAt = new Date(deps.clock.now()).toISOString();
    const checks = await Promise.all(deps.checks.map(runOne));
    return {
      status: worst(checks.map((c) => c.status)),
      startedAt,
      durationMs: Math.round(deps.clock.monotonic() - started),
      checks,
      nextSteps: outageNextSteps(checks, deps.statusPageUrl),
      failover: [...FAILOVER_STEPS],
    };
  };

  // A war room typing /health outage at once shares one run.
  let inflight: Promise<OutageReport> | undefined;
  return {
    run() {
      inflight ??= runFresh().finally(() => (inflight = undefined));
      return inflight;
    },
  };
}
