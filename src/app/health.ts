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
import { createDbMetricsSource } from '../health/db-metrics.js';
import { createEdgeMetricsSource } from '../health/edge-metrics.js';
import { createAuthConfigSource } from '../health/auth-config.js';
import { type CertificateReader, tlsCertificateReader } from '../health/tls.js';
import type { AlertSources } from '../alerts/rules.js';
import type { Sleep } from '../core/retry.js';
import { allNotices, readOnlyNotice } from '../health/read-only.js';
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
  /** Reads the front end's TLS certificate (default node:tls). */
  tls?: CertificateReader;
  /** Waits between two metrics scrapes on a cold start (default a timer). */
  sleep?: Sleep;
}

/** The Management API settings the edge metrics and auth config need, when all are set. */
function managementApi(config: Config): { accessToken: string; projectRef: string; apiUrl: string } | undefined {
  const { supabaseAccessToken: accessToken, supabaseProjectRef: projectRef, supabaseManagementApiUrl: apiUrl } = config.logs;
  return accessToken && projectRef ? { accessToken, projectRef, apiUrl } : undefined;
}

/** Which optional health sources the configuration connects; the alert rules without one are unavailable. */
export function alertSourcesFor(config: Config): AlertSources {
  return { dbMetrics: Boolean(config.supabase.serviceRoleKey && config.supabase.metricsUrl), edgeMetrics: managementApi(config) !== undefined };
}

export function buildHealthService({ config, db, fetch, clock, logger, notices, backups, tls, sleep }: HealthBuildDeps): HealthService {
  const t = config.thresholds;
  const p = config.platform;
  const api = managementApi(config);
  const sources = alertSourcesFor(config);
  // One source per service: the metrics source keeps the previous scrape CPU % is computed from.
  const host = sources.dbMetrics
    ? createDbMetricsSource({ url: config.supabase.metricsUrl, serviceRoleKey: config.supabase.serviceRoleKey!, fetch, clock, ...(sleep ? { sleep } : {}) })
    : undefined;
  return createHealthService({
    clock,
    logger,
    timeoutMs: t.checkTimeoutMs,
    // Read-only mode of the target is shown first like a lockdown, after it (issue 15).
    notices: allNotices([...(notices ? [notices] : []), readOnlyNotice(db)], (err) => logger.debug({ err }, 'could not read one of the health notices')),
    checks: [
      frontendCheck({
        appUrl: config.appUrl,
        fetch,
        clock,
        latencyWarnMs: t.frontendLatencyWarnMs,
        tls: { reader: tls ?? tlsCertificateReader(), thresholds: { warnDays: p.tlsExpiryWarnDays, criticalDays: p.tlsExpiryCriticalDays } },
      }),
      databaseCheck({
        db,
        clock,
        thresholds: t,
        ...(host
          ? {
              host: {
                source: host,
                thresholds: {
                  cpuWarnPct: p.dbCpuWarnPct,
                  cpuCriticalPct: p.dbCpuCriticalPct,
                  memoryWarnPct: p.dbMemoryWarnPct,
                  storageWarnPct: t.storageWarnPct,
                  storageCriticalPct: t.storageCriticalPct,
                },
              },
            }
          : {}),
      }),
      edgeCheck({
        supabaseUrl: config.supabase.url,
        anonKey: config.supabase.anonKey,
        functionName: config.supabase.edgeFunction,
        fetch,
        clock,
        latencyWarnMs: t.edgeLatencyWarnMs,
        latencyCriticalMs: t.edgeLatencyCriticalMs,
        ...(api
          ? {
              metrics: {
                source: createEdgeMetricsSource({ ...api, endpointPath: config.logs.supabaseLogsEndpoint, fetch, clock, windowMs: p.edgeMetricsWindowMs }),
                thresholds: {
                  errorRateWarnPct: p.edgeErrorRateWarnPct,
                  errorRateCriticalPct: p.edgeErrorRateCriticalPct,
                  latencyWarnMs: t.edgeLatencyWarnMs,
                  latencyCriticalMs: t.edgeLatencyCriticalMs,
                  windowMs: p.edgeMetricsWindowMs,
                },
              },
            }
          : {}),
      }),
      authCheck({
        supabaseUrl: config.supabase.url,
        anonKey: config.supabase.anonKey,
        fetch,
        clock,
        db,
        failedLoginsPerMinuteWarn: t.failedLoginsPerMinuteWarn,
        ...(api ? { config: { source: createAuthConfigSource({ ...api, fetch, clock }), appUrl: config.appUrl } } : {}),
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
