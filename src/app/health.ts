// Assembles the health service from configuration; used by the bot and by the CLI so both run
// exactly the same checks.
import type { Clock } from '../core/clock.js';
import type { Config } from './config.js';
import { createTargetDb, type TargetDb } from '../db/target.js';
import type { Logger } from '../core/log.js';
import { authCheck } from '../health/auth.js';
import { databaseCheck } from '../health/database.js';
import { edgeCheck } from '../health/edge.js';
import { frontendCheck } from '../health/frontend.js';
import { createHealthService, type HealthService, type HealthServiceDeps } from '../health/runner.js';
import { backupHealthItems } from '../backup/health.js';
import type { BackupService } from '../backup/service.js';
import { dnsCheck, outageHosts, systemResolver, type DnsResolverFactory } from '../health/dns.js';
import { createOutageService, databasePingCheck, fromHealthCheck, type OutageService } from '../health/outage.js';
import { statusPageCheck } from '../health/statuspage.js';

export interface HealthBuildDeps {
  config: Config;
  db: TargetDb;
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  /** Situations to show first, in the header too (e.g. an open lockdown). */
  notices?: HealthServiceDeps['notices'];
  /** The backup catalogue, for "last successful / last verified backup" (RPO). */
  backups?: Pick<BackupService, 'catalog'>;
}

export function buildHealthService({ config, db, fetch, clock, logger, notices, backups }: HealthBuildDeps): HealthService {
  const t = config.thresholds;
  return createHealthService({
    clock,
    logger,
    timeoutMs: t.checkTimeoutMs,
    ...(notices ? { notices } : {}),
    checks: [
      frontendCheck({ appUrl: config.appUrl, fetch, clock, latencyWarnMs: t.frontendLatencyWarnMs }),
      databaseCheck({ db, clock, thresholds: t }),
      edgeCheck({
        supabaseUrl: config.supabase.url,
        anonKey: config.supabase.anonKey,
        functionName: config.supabase.edgeFunction,
        fetch,
        clock,
        latencyWarnMs: t.edgeLatencyWarnMs,
        latencyCriticalMs: t.edgeLatencyCriticalMs,
      }),
      authCheck({
        supabaseUrl: config.supabase.url,
        anonKey: config.supabase.anonKey,
        fetch,
        clock,
        db,
        failedLoginsPerMinuteWarn: t.failedLoginsPerMinuteWarn,
      }),
      ...(backups
        ? [{ component: 'backups' as const, title: 'Backups', run: () => backupHealthItems(backups.catalog, clock, config.backup.rpo) }]
        : []),
    ],
  });
}

/** The target database pool as configured (read-only diagnostics). */
export function buildTargetDb(config: Config, logger: Logger, clock: Clock): TargetDb {
  return createTargetDb({
    url: config.database.url,
    poolMax: config.database.poolMax,
    statementTimeoutMs: config.database.statementTimeoutMs,
    lockTimeoutMs: config.database.lockTimeoutMs,
    connectTimeoutMs: config.thresholds.checkTimeoutMs,
    logger,
    monotonic: () => clock.monotonic(),
  });
}

/** /health outage: status page, DNS, SELECT 1 and the front end, from the same settings. */
export function buildOutageService(o: Pick<HealthBuildDeps, 'config' | 'db' | 'fetch' | 'clock' | 'logger'> & { resolver?: DnsResolverFactory }): OutageService {
  const { config, db, fetch, clock, logger } = o;
  const t = config.thresholds;
  return createOutageService({
    clock,
    logger,
    timeoutMs: t.checkTimeoutMs,
    statusPageUrl: config.outage.statusPageUrl,
    checks: [
      statusPageCheck({ baseUrl: config.outage.statusPageUrl, region: config.outage.region, fetch, clock }),
      dnsCheck({
        hosts: outageHosts({ app: config.appUrl, supabase: config.supabase.url, database: config.database.url }),
        resolver: o.resolver ?? systemResolver,
        clock,
        slowMs: config.outage.dnsSlowMs,
      }),
      databasePingCheck({ db, clock }),
      fromHealthCheck('frontend', frontendCheck({ appUrl: config.appUrl, fetch, clock, latencyWarnMs: t.frontendLatencyWarnMs })),
    ],
  });
}
