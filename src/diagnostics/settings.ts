// Defaults of every threshold the diagnostics use, with where each comes from. The lead maps
// them to settings in src/app/config.ts; until then the service takes them as options.

/** Thresholds of /slowqueries and /db; every field has a default in DEFAULT_DIAGNOSTICS_THRESHOLDS. */
export interface DiagnosticsThresholds {
  /** Client connections that warn (runbook: warning > 40). */
  connectionsWarn: number;
  /** Client connections that are critical (runbook: < 50). */
  connectionsCritical: number;
  /** Share of max_connections in use that is critical. */
  connectionsCriticalPct: number;
  /** Idle connections older than this are listed as possibly leaked (issue: idle > 1 h). */
  idleConnectionSeconds: number;
  /** Idle-in-transaction sessions older than this warn (they hold locks and pin the xmin horizon). */
  idleInTransactionSeconds: number;
  /** Idle-in-transaction sessions older than this are critical. */
  idleInTransactionCriticalSeconds: number;
  /** Default threshold of `/db long` (issue: 60 s). */
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
  /** Sequence usage of its column type's range that warns (issue: 90 %). */
  sequenceWarnPct: number;
  /** Sequence usage that is critical. */
  sequenceCriticalPct: number;
}

export const DEFAULT_DIAGNOSTICS_THRESHOLDS: DiagnosticsThresholds = {
  connectionsWarn: 40,
  connectionsCritical: 50,
  connectionsCriticalPct: 80,
  idleConnectionSeconds: 3600,
  idleInTransactionSeconds: 60,
  idleInTransactionCriticalSeconds: 600,
  longRunningSeconds: 60,
  longRunningCriticalSeconds: 1800,
  lockWaitCriticalSeconds: 120,
  slowQueryMeanMs: 100,
  slowQueryHogPct: 20,
  slowQueryHogMinTotalMs: 1000,
  deadTuplesWarn: 1000,
  unusedIndexMinBytes: 1024 * 1024,
  seqScanMinRows: 10_000,
  seqScanIndexUsePct: 95,
  cacheHitWarnPct: 99,
  cacheHitCriticalPct: 95,
  cacheMinBlocks: 10_000,
  xidAgeWarnPct: 50,
  xidAgeCriticalPct: 75,
  sequenceWarnPct: 90,
  sequenceCriticalPct: 98,
};

/** Rows listed per section unless the command asks for a number. */
export const DEFAULT_LIST_LIMIT = 20;
/** Statements /slowqueries shows by default, and at most. */
export const DEFAULT_SLOW_LIMIT = 10;
export const MAX_LIMIT = 50;
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
