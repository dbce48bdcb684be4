// Settings of /slowqueries and /db: the thresholds only they use, each with where its default
// comes from. The thresholds /health also judges by (connections, idle in transaction, long
// running, cache hit warning, transaction-ID age) are the health settings, so the two never disagree.
import type { z } from 'zod';
import { int, num, setting, settingsArea } from '../core/env-schema.js';
import { DEFAULT_HEALTH_THRESHOLDS } from '../health/settings.js';
import type { HealthThresholds } from '../health/types.js';

export const DiagnosticsEnv = settingsArea('Diagnostics', 'Thresholds of /slowqueries and /db beyond the ones they share with /health.', {
  IDLE_CONNECTION_SECONDS: setting(int(1, 604_800), {
    doc: 'Idle connections older than this are listed as possibly leaked by /db connections',
    default: '3600',
  }),
  IDLE_IN_TRANSACTION_CRITICAL_SECONDS: setting(int(1, 86_400), {
    doc: 'Sessions idle in transaction longer than this are critical in /db connections',
    default: '600',
  }),
  // pganalyze/Supabase guidance: 30 min.
  LONG_RUNNING_CRITICAL_SECONDS: setting(int(1, 604_800), {
    doc: 'Statements running longer than this are critical in /db long',
    default: '1800',
  }),
  // The Supabase CLI report rule: 2 min.
  LOCK_WAIT_CRITICAL_SECONDS: setting(int(1, 86_400), {
    doc: 'Lock waits longer than this are critical in /db locks',
    default: '120',
  }),
  SLOW_QUERY_MEAN_MS: setting(num(1, 600_000), {
    doc: 'Mean time per call that flags a statement in /slowqueries (runbook: query P95 < 100 ms)',
    default: '100',
  }),
  SLOW_QUERY_HOG_PCT: setting(num(1, 100), {
    doc: 'Share of all statement time that flags a "resource hog" in /slowqueries',
    default: '20',
  }),
  // A quiet database is not a problem, however its time is shared.
  SLOW_QUERY_HOG_MIN_TOTAL_MS: setting(num(0, 1e12), {
    doc: 'Time a statement must have used before it can be called a hog',
    default: '1000',
  }),
  DEAD_TUPLES_WARN: setting(int(1, Number.MAX_SAFE_INTEGER), {
    doc: 'Dead tuples that flag a table in /db tables (runbook: > 1000)',
    default: '1000',
  }),
  // pg-extras diagnose: 1 MB.
  UNUSED_INDEX_MIN_BYTES: setting(int(0, Number.MAX_SAFE_INTEGER), {
    doc: 'Smallest unused index listed by /db indexes',
    default: '1048576',
  }),
  // PgHero: 10,000 rows and 95 %.
  SEQ_SCAN_MIN_ROWS: setting(int(1, Number.MAX_SAFE_INTEGER), {
    doc: 'Tables with at least this many rows are checked for sequential-scan reads',
    default: '10000',
  }),
  SEQ_SCAN_INDEX_USE_PCT: setting(num(0, 100), {
    doc: 'Index-scan share below which a large table counts as read by sequential scans',
    default: '95',
  }),
  // Supabase guidance: 95 %.
  CACHE_HIT_CRITICAL_PCT: setting(num(0, 100), {
    doc: 'Cache hit ratio below which /db cache is critical',
    default: '95',
  }),
  CACHE_MIN_BLOCKS: setting(int(0, Number.MAX_SAFE_INTEGER), {
    doc: 'Blocks read before /db cache judges a hit ratio',
    default: '10000',
  }),
  SEQUENCE_WARN_PCT: setting(num(1, 100), {
    doc: 'Sequence usage of its type range that warns in /db wraparound',
    default: '90',
  }),
  SEQUENCE_CRITICAL_PCT: setting(num(1, 100), {
    doc: 'Sequence usage that is critical in /db wraparound',
    default: '98',
  }),
});

export type DiagnosticsEnv = z.infer<typeof DiagnosticsEnv>;

/** The thresholds that have settings of their own (the rest come from /health's). */
export type OwnDiagnosticsThresholds = Omit<DiagnosticsThresholds, keyof SharedWithHealth>;
type SharedWithHealth = Pick<
  DiagnosticsThresholds,
  'connectionsWarn' | 'connectionsCritical' | 'connectionsCriticalPct' | 'idleInTransactionSeconds' | 'longRunningSeconds' | 'cacheHitWarnPct' | 'xidAgeWarnPct' | 'xidAgeCriticalPct'
>;

/** Maps parsed values to the thresholds only /slowqueries and /db use. */
export function toDiagnosticsSettings(e: DiagnosticsEnv): OwnDiagnosticsThresholds {
  return {
    idleConnectionSeconds: e.IDLE_CONNECTION_SECONDS,
    idleInTransactionCriticalSeconds: e.IDLE_IN_TRANSACTION_CRITICAL_SECONDS,
    longRunningCriticalSeconds: e.LONG_RUNNING_CRITICAL_SECONDS,
    lockWaitCriticalSeconds: e.LOCK_WAIT_CRITICAL_SECONDS,
    slowQueryMeanMs: e.SLOW_QUERY_MEAN_MS,
    slowQueryHogPct: e.SLOW_QUERY_HOG_PCT,
    slowQueryHogMinTotalMs: e.SLOW_QUERY_HOG_MIN_TOTAL_MS,
    deadTuplesWarn: e.DEAD_TUPLES_WARN,
    unusedIndexMinBytes: e.UNUSED_INDEX_MIN_BYTES,
    seqScanMinRows: e.SEQ_SCAN_MIN_ROWS,
    seqScanIndexUsePct: e.SEQ_SCAN_INDEX_USE_PCT,
    cacheHitCriticalPct: e.CACHE_HIT_CRITICAL_PCT,
    cacheMinBlocks: e.CACHE_MIN_BLOCKS,
    sequenceWarnPct: e.SEQUENCE_WARN_PCT,
    sequenceCriticalPct: e.SEQUENCE_CRITICAL_PCT,
  };
}

/** The diagnostics thresholds /health also judges by, taken from its settings. */
export function sharedWithHealth(t: HealthThresholds): SharedWithHealth {
  return {
    connectionsWarn: t.connectionsWarn,
    connectionsCritical: t.connectionsCritical,
    connectionsCriticalPct: t.connectionsCriticalPct,
    idleInTransactionSeconds: t.idleInTransactionSeconds,
    longRunningSeconds: t.longRunningSeconds,
    cacheHitWarnPct: t.cacheHitWarnPct,
    xidAgeWarnPct: t.xidAgeWarnPct,
    xidAgeCriticalPct: t.xidAgeCriticalPct,
  };
}

/** Thresholds of /slowqueries and /db; every field has a default in DEFAULT_DIAGNOSTICS_THRESHOLDS. */
export interface DiagnosticsThresholds {
  /** Client connections that warn (runbook: warning > 40). */
  connectionsWarn: number;
  /** Client connections that are critical (runbook: < 50). */
  connectionsCritical: number;
  /** Share of max_connections in use that is critical. */
  connectionsCriticalPct: number;
  /** Idle connections older than this are listed as possibly leaked, 1 h by default. */
  idleConnectionSeconds: number;
  /** Idle-in-transaction sessions older than this warn (they hold locks and pin the xmin horizon). */
  idleInTransactionSeconds: number;
  /** Idle-in-transaction sessions older than this are critical. */
  idleInTransactionCriticalSeconds: number;
  /** Default threshold of `/db long`. */
  longRunningSeconds: number;
  /** Statements running longer than this are critical (pganalyze/Supabase guidance: 30 min). */
  longRunningCriticalSeconds: number;
  /** Lock waits longer than this are critical (Supabase CLI report rule: 2 min). */
  lockWaitCriticalSeconds: number;
  /** Mean time per call that flags a statement (runbook: query P95 < 100 ms). */
  slowQueryMeanMs: number;
  /** Share of the database's total statement time that flags a "resource hog". */
  slowQueryHogPct: number;
  /** A statement must have used at least this much time to be called a hog (a quiet database is not a problem). */
  slowQueryHogMinTotalMs: number;
  /** Dead tuples that flag a table (runbook: > 1000). */
  deadTuplesWarn: number;
  /** Unused indexes smaller than this are not listed (pg-extras diagnose: 1 MB). */
  unusedIndexMinBytes: number;
  /** Tables with at least this many rows are checked for sequential-scan reads (PgHero: 10,000). */
  seqScanMinRows: number;
  /** Share of index scans below which a large table counts as read by sequential scans (PgHero: 95 %). */
  seqScanIndexUsePct: number;
  /** Cache hit ratio below which /db cache warns (PgHero, runbook: 99 %). */
  cacheHitWarnPct: number;
  /** Cache hit ratio below which /db cache is critical (Supabase guidance: 95 %). */
  cacheHitCriticalPct: number;
  /** Blocks (hit + read) needed before a hit ratio is judged; below it the ratio says nothing. */
  cacheMinBlocks: number;
  /** Transaction-ID age share of 2^31 that warns. */
  xidAgeWarnPct: number;
  /** Transaction-ID age share of 2^31 that is critical. */
  xidAgeCriticalPct: number;
  /** Sequence usage of its column type's range that warns. */
  sequenceWarnPct: number;
  /** Sequence usage that is critical. */
  sequenceCriticalPct: number;
}

/** Every threshold at its default: the settings' defaults, for the CLI and tests. */
export const DEFAULT_DIAGNOSTICS_THRESHOLDS: DiagnosticsThresholds = {
  ...sharedWithHealth(DEFAULT_HEALTH_THRESHOLDS),
  ...toDiagnosticsSettings(DiagnosticsEnv.parse({})),
};

/** Rows listed per section unless the command asks for a number. */
export const DEFAULT_LIST_LIMIT = 20;
/** Statements /slowqueries shows by default, and at most. */
export const DEFAULT_SLOW_LIMIT = 10;
// Beyond what a message holds: a long list goes as files (handlers/diagnostic-files.ts).
export const MAX_LIMIT = 500;
/** Characters of query text shown per statement or session (after redaction). */
export const QUERY_TEXT_MAX = 300;

/**
 * Schemas managed by Supabase, as LIKE patterns (the Supabase CLI's InternalSchemas list).
 * Index advice skips them: since April 2025 users cannot create or drop indexes in auth,
 * storage or realtime. Table sizes and vacuum keep them, because auth.audit_log_entries and
 * storage.objects are often the biggest tables.
 */
export const INTERNAL_SCHEMAS: readonly string[] = [
  'information_schema',
  'pg\\_%',
  '\\_analytics',
  '\\_realtime',
  '\\_supavisor',
  'auth',
  'etl',
  'extensions',
  'pgbouncer',
  'realtime',
  'storage',
  'supabase\\_functions',
  'supabase\\_migrations',
  'cron',
  'dbdev',
  'graphql',
  'graphql\\_public',
  'net',
  'pgmq',
  'pgsodium',
  'pgsodium\\_masks',
  'pgtle',
  'repack',
  'tiger',
  'tiger\\_data',
  'timescaledb\\_%',
  '\\_timescaledb\\_%',
  'topology',
  'vault',
];

/** Runbook procedures a section may point to; they arrive with the approval engine. */
export const PLAYBOOKS = ['kill-idle-connections', 'terminate-backend', 'vacuum-analyze', 'create-recommended-indexes'] as const;
export type PlaybookId = (typeof PLAYBOOKS)[number];
