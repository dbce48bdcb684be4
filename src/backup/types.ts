// Backup data: catalogue entries, manifests, verification verdicts, progress. Services return
// these; renderers (Slack, terminal, JSON) only format them.

export type BackupKind = 'manual' | 'scheduled' | 'safety';
export type BackupState = 'running' | 'succeeded' | 'failed' | 'pruned';
export type VerifyState = 'passed' | 'failed';
export type JobKind = 'backup' | 'verify' | 'restore' | 'prune';

/** How rows were hashed for a table's checksum (see ROW_HASH in pg-client.ts). */
export type ChecksumMethod = 'record' | 'text';

/** Exact content of one table at the snapshot. */
export interface TableStat {
  schema: string;
  name: string;
  rows: number;
  /** Order-independent sum of per-row hashes (decimal text); equal content gives equal sums. */
  checksum: string;
  method: ChecksumMethod;
}

/** What a backup contains and how to check it; stored in the catalogue and next to the dump. */
export interface Manifest {
  format: 'opsbot-backup/1';
  id: string;
  kind: BackupKind;
  startedBy: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  store: string;
  objectKey: string;
  parts: number;
  sizeBytes: number;
  sha256: string;
  /** Where it was taken from (no user, no password). */
  source: { host: string; port: string; database: string };
  serverVersion: string;
  serverVersionNum: number;
  clientVersion: string;
  excludedSchemas: string[];
  /** Only these tables (safety backups); absent for a whole-database backup. */
  onlyTables?: string[];
  tables: TableStat[];
  /** What `pg_restore --list` read back from the stored file. */
  toc: { entries: number; tableData: number };
  /** Where the time went: pg_dump to the store, counting in the snapshot (concurrent), pg_restore --list. */
  timings: { dumpMs: number; countMs: number; checkMs: number };
}

/** One row of the catalogue. */
export interface BackupEntry {
  id: string;
  kind: BackupKind;
  state: BackupState;
  startedBy: string;
  startedAt: number;
  finishedAt: number | null;
  durationMs: number | null;
  store: string;
  objectKey: string;
  parts: number | null;
  sizeBytes: number | null;
  sha256: string | null;
  serverVersion: string | null;
  clientVersion: string | null;
  tableCount: number | null;
  rowCount: number | null;
  manifest: Manifest | null;
  /** Why it failed, for people. */
  error: string | null;
  verifyState: VerifyState | null;
  verifiedAt: number | null;
  prunedAt: number | null;
}

export type CheckStatus = 'passed' | 'failed' | 'skipped';

/** One check of a verification; `detail` says what was compared and what differed. */
export interface VerifyCheck {
  name: 'file' | 'restore' | 'tables';
  label: string;
  status: CheckStatus;
  detail: string;
}

/** A table whose restored content differs from the manifest. */
export interface TableMismatch {
  table: string;
  expectedRows: number;
  actualRows: number | null;
  checksumMatches: boolean;
}

export interface VerifyResult {
  backupId: string;
  verdict: VerifyState;
  checks: VerifyCheck[];
  mismatches: TableMismatch[];
  tablesCompared: number;
  rowsCompared: number;
  /** How long the scratch restore took (an RTO estimate). */
  restoreMs: number;
  /** Archive entries the scratch server could not hold and the restore left out, with why. */
  skipped: { what: string; why: string }[];
  /** The scratch database restored into (dropped before the result is returned). */
  scratchDatabase: string;
  durationMs: number;
  startedAt: number;
  finishedAt: number;
}

/** A job holding the backup lock, as told to someone asking for another. */
export interface RunningJob {
  kind: JobKind;
  backupId: string | null;
  startedBy: string;
  startedAt: number;
}

export type Phase = 'starting' | 'dumping' | 'checking' | 'downloading' | 'restoring' | 'comparing' | 'safety-backup';

/** Progress of a long job, reported every BACKUP_PROGRESS_SECONDS. */
export interface BackupProgress {
  kind: JobKind;
  backupId: string;
  phase: Phase;
  /** Bytes written (backup) or read (verify, restore) so far. */
  bytes: number;
  elapsedMs: number;
  /** Tables counted / compared so far. */
  tablesDone: number;
  tablesTotal: number;
}

/** The tables a restore replaces (only those asked for), with current and backed-up row counts. */
export interface RestorePlan {
  backupId: string;
  backupStartedAt: number;
  verifyState: VerifyState | null;
  sha256: string;
  /** Tables asked for. */
  requested: string[];
  /**
   * Rows of other tables that reference a restored table, per foreign key. They are not
   * changed; a restored-table row they point at that the backup lacks is kept.
   */
  referencing: { table: string; references: string; constraint: string; rows: number }[];
  /** Foreign keys from restored tables to tables not restored: a backup row whose parent is gone stops the restore. */
  parents: { table: string; references: string; constraint: string }[];
  /** `currentDigest`: which row versions the table holds now (tableFingerprints), so a run can tell its rows changed since the preview. */
  tables: { table: string; currentRows: number; currentDigest: string; backupRows: number }[];
}

export interface RestoreResult {
  backupId: string;
  safetyBackupId: string;
  /** `kept`: rows not in the backup, kept because rows of other tables reference them. */
  tables: { table: string; rowsBefore: number; rowsAfter: number; expected: number; kept: number }[];
  /** Tables whose count matches but whose content checksum differs (e.g. a column added since). */
  notes: string[];
  rowsRestored: number;
  durationMs: number;
}

export interface RetentionResult {
  kept: string[];
  pruned: string[];
  /** Prunes that failed (the entry stays; retried next time). */
  failed: { id: string; reason: string }[];
  /** A backup kept only because it is the newest verified one. */
  keptAsOnlyVerified: string | null;
}
