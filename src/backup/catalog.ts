// The backups catalogue in the state store (opsbot.backups, backup_verifications, backup_jobs):
// what exists, what failed and why, what was verified, and who holds the backup lock.
import { OpsError } from '../core/errors.js';
import type { StateQuery, StateStore } from '../state/store.js';
import type { BackupEntry, BackupKind, JobKind, Manifest, RunningJob, VerifyResult } from './types.js';

/** Arbitrary constant in this feature's range: the advisory lock of backup jobs. */
export const BACKUP_LOCK_KEY = 7_346_221_030;

const ms = (v: unknown): number | null => (v instanceof Date ? v.getTime() : typeof v === 'string' || typeof v === 'number' ? new Date(v).getTime() : null);
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function rowToEntry(r: Record<string, unknown>): BackupEntry {
  return {
    id: String(r.id),
    kind: r.kind as BackupKind,
    state: r.state as BackupEntry['state'],
    startedBy: String(r.started_by),
    startedAt: ms(r.started_at) ?? 0,
    finishedAt: ms(r.finished_at),
    durationMs: num(r.duration_ms),
    store: String(r.store),
    objectKey: String(r.object_key),
    parts: num(r.parts),
    sizeBytes: num(r.size_bytes),
    sha256: str(r.sha256),
    serverVersion: str(r.server_version),
    clientVersion: str(r.client_version),
    tableCount: num(r.table_count),
    rowCount: num(r.row_count),
    manifest: (r.manifest as Manifest | null | undefined) ?? null,
    error: str(r.error),
    verifyState: (r.verify_state as BackupEntry['verifyState'] | null | undefined) ?? null,
    verifiedAt: ms(r.verified_at),
    prunedAt: ms(r.pruned_at),
  };
}

/** What a succeeded backup records. */
export interface SucceededFields {
  finishedAt: number;
  durationMs: number;
  manifest: Manifest;
}

/** Read and write access to the backups catalogue. */
export interface BackupCatalog {
  /** Records a starting backup; throws a conflict OpsError when another one is running. */
  insertRunning(e: { id: string; kind: BackupKind; startedBy: string; startedAt: number; store: string; objectKey: string }): Promise<void>;
  /** Marks a running backup succeeded with its manifest. */
  markSucceeded(id: string, f: SucceededFields): Promise<BackupEntry>;
  /** Marks a running backup failed with the reason. */
  markFailed(id: string, f: { finishedAt: number; durationMs: number; error: string; serverVersion?: string; clientVersion?: string }): Promise<void>;
  /** One entry, or undefined. */
  get(id: string): Promise<BackupEntry | undefined>;
  /** The newest succeeded backup of these kinds (default: whole-database ones), optionally only verified ones. */
  latest(opts?: { kinds?: BackupKind[]; verified?: boolean }): Promise<BackupEntry | undefined>;
  /** Newest first. */
  list(limit: number, includePruned?: boolean): Promise<BackupEntry[]>;
  /** Every succeeded backup, newest first (retention input). */
  succeeded(): Promise<BackupEntry[]>;
  /** Marks a backup pruned; false when it was no longer succeeded. */
  markPruned(id: string, at: number): Promise<boolean>;
  /** Stores a verification and the backup's latest verdict, in one transaction. */
  recordVerification(r: VerifyResult, actor: string): Promise<void>;
  /**
   * Runs `fn` while holding the backup lock (a transaction-level advisory lock on the state
   * database, so a dead process never leaves it held). Returns `{ busy }` with the job holding
   * it when it is taken.
   */
  withLock<T>(fn: (jobs: JobRecorder) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; busy: RunningJob | undefined }>;
  /** The job holding the lock now, if any. */
  runningJob(): Promise<RunningJob | undefined>;
}

/** Bookkeeping available while the lock is held. */
export interface JobRecorder {
  /** Records the job now holding the lock; returns its id. */
  start(kind: JobKind, backupId: string | null, startedBy: string, at: number): Promise<number>;
  /** Records which backup the job works on. */
  setBackup(id: number, backupId: string): Promise<void>;
  /** Closes it with an outcome. */
  finish(id: number, at: number, outcome: string, backupId?: string | null): Promise<void>;
  /** Closes jobs and backups left open by a process that died; returns the leftover backups. */
  interruptStale(at: number): Promise<{ id: string; store: string; objectKey: string }[]>;
}

function toJob(r: Record<string, unknown> | undefined): RunningJob | undefined {
  if (!r) return undefined;
  return { kind: r.kind as JobKind, backupId: str(r.backup_id), startedBy: String(r.started_by), startedAt: ms(r.started_at) ?? 0 };
}

export function createBackupCatalog(state: StateStore): BackupCatalog {
  const at = (t: number) => new Date(t);
  const recorder = (q: StateQuery): JobRecorder => ({
    async start(kind, backupId, startedBy, t) {
      const rows = await q<{ id: string }>('backup/catalog/job-start', [kind, backupId, startedBy, at(t)]);
      return Number(rows[0]?.id);
    },
    async setBackup(id, backupId) {
      await q('backup/catalog/job-set-backup', [id, backupId]);
    },
    async finish(id, t, outcome, backupId) {
      await q('backup/catalog/job-finish', [id, at(t), outcome, backupId ?? null]);
    },
    async interruptStale(t) {
      await q('backup/catalog/jobs-interrupt', [at(t)]);
      const rows = await q('backup/catalog/backups-interrupt', [at(t), 'interrupted: the bot stopped while this backup was running; its files were removed']);
      return rows.map((r) => ({ id: String(r.id), store: String(r.store), objectKey: String(r.object_key) }));
    },
  });

  return {
    async insertRunning(e) {
      try {
        await state.query('backup/catalog/backup-insert', [e.id, e.kind, e.startedBy, at(e.startedAt), e.store, e.objectKey]);
      } catch (err) {
        if ((err as { code?: string }).code === '23505') throw new OpsError('conflict', 'Another backup is already running.');
        throw err;
      }
    },
    async markSucceeded(id, f) {
      const m = f.manifest;
      const rows = await state.query('backup/catalog/backup-succeed', [
        id,
        at(f.finishedAt),
        Math.round(f.durationMs),
        m.parts,
        m.sizeBytes,
        m.sha256,
        m.serverVersion,
        m.clientVersion,
        m.tables.length,
        m.tables.reduce((s, t) => s + t.rows, 0),
        JSON.stringify(m),
      ]);
      if (!rows[0]) throw new Error(`backup ${id} was not running when it finished`);
      return rowToEntry(rows[0]);
    },
    async markFailed(id, f) {
      await state.query('backup/catalog/backup-fail', [id, at(f.finishedAt), Math.round(f.durationMs), f.error, f.serverVersion ?? null, f.clientVersion ?? null]);
    },
    async get(id) {
      const rows = await state.query('backup/catalog/backup-get', [id]);
      return rows[0] ? rowToEntry(rows[0]) : undefined;
    },
    async latest(opts = {}) {
      const rows = await state.query('backup/catalog/backup-latest', [opts.kinds ?? ['manual', 'scheduled'], opts.verified ?? false]);
      return rows[0] ? rowToEntry(rows[0]) : undefined;
    },
    async list(limit, includePruned = false) {
      return (await state.query('backup/catalog/backups-list', [limit, includePruned])).map(rowToEntry);
    },
    async succeeded() {
      return (await state.query('backup/catalog/backups-succeeded')).map(rowToEntry);
    },
    async markPruned(id, t) {
      return (await state.query('backup/catalog/backup-prune', [id, at(t)])).length > 0;
    },
    async recordVerification(r, actor) {
      await state.transaction(async (q) => {
        await q('backup/catalog/verification-insert', [
          r.backupId,
          actor,
          at(r.startedAt),
          at(r.finishedAt),
          r.verdict,
          Math.round(r.restoreMs),
          JSON.stringify({ checks: r.checks, mismatches: r.mismatches, tablesCompared: r.tablesCompared, rowsCompared: r.rowsCompared, skipped: r.skipped }),
        ]);
        await q('backup/catalog/backup-set-verify', [r.backupId, r.verdict, at(r.finishedAt)]);
      });
    },
    async withLock(fn) {
      return state.transaction(async (q) => {
        const rows = await q<{ locked: boolean }>('backup/catalog/lock-try', [BACKUP_LOCK_KEY]);
        if (!rows[0]?.locked) {
          // Through another connection: the holder's job row was committed when it started.
          const running = await state.query('backup/catalog/job-running');
          return { ok: false as const, busy: toJob(running[0]) };
        }
        return { ok: true as const, value: await fn(recorder((name, params) => state.query(name, params))) };
      });
    },
    async runningJob() {
      return toJob((await state.query('backup/catalog/job-running'))[0]);
    },
  };
}
