// The backup service: one implementation behind /backup, the CLI, the scheduler and the
// restore playbook. Every job (backup, verify, restore, prune) holds the backup lock, so one
// runs at a time across replicas and a second request is told who started the running one and
// since when. A job whose process died is found and closed by the next one that takes the lock.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { errorMessage, InputError, isOpsError, OpsError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { createRedactor } from '../core/redact.js';
import { formatTime } from '../render/time.js';
import type { StateStore } from '../state/store.js';
import { createBackupCatalog, type BackupCatalog, type JobRecorder } from './catalog.js';
import { dumpKey, manifestKey, runDump, type LiveProgress } from './dump.js';
import { formatAge, who } from './format.js';
import { createLocalStore } from './local-store.js';
import { pgTools, type PgTools } from './pg-tools.js';
import { checkIntegrity, planRestore, runRestore } from './restore.js';
import { planRetention } from './retention.js';
import { backupSecrets, type BackupSettings } from './settings.js';
import { parseTableKey } from './sql-fill.js';
import type { BackupStore } from './store.js';
import { createSupabaseStore } from './supabase-store.js';
import type {
  BackupEntry,
  BackupKind,
  BackupProgress,
  JobKind,
  RestorePlan,
  RestoreResult,
  RetentionResult,
  RunningJob,
  VerifyResult,
} from './types.js';
import { runVerify } from './verify.js';

/** Called every BACKUP_PROGRESS_SECONDS while a job runs; failures are logged, never thrown into the job. */
export type ProgressListener = (p: BackupProgress) => void | Promise<void>;

/** What is running in this process right now. */
export interface LiveJob extends RunningJob {
  phase: LiveProgress['phase'];
  bytes: number;
  /** pid of the pg_dump / pg_restore currently running for it. */
  pid: number | undefined;
}

/**
 * The backups feature. `channel` on a job is the Slack channel it was started from: its audit
 * rows carry it, so a backup taken in an incident's war room lands on that incident's timeline.
 */
export interface BackupService {
  /** Settings in force (store, retention, RPO thresholds, …). */
  readonly settings: BackupSettings;
  /** The catalogue (also what /health reads). */
  readonly catalog: BackupCatalog;
  /** Where files go. */
  readonly store: BackupStore;
  /** Takes a backup now; resolves with the catalogue entry (succeeded or failed with its reason). Throws BusyError when a job runs. */
  backupNow(o: { actor: string; kind?: Exclude<BackupKind, 'safety'>; onProgress?: ProgressListener; channel?: string }): Promise<BackupEntry>;
  /** Catalogue entries, newest first (pruned ones left out). */
  list(limit?: number): Promise<BackupEntry[]>;
  /** The entry for an id or "latest" (newest succeeded whole-database backup); InputError when there is none. */
  find(idOrLatest: string): Promise<BackupEntry>;
  /** Restores a backup into a scratch database and compares it with its manifest; records the verdict. */
  verify(idOrLatest: string, o: { actor: string; onProgress?: ProgressListener; channel?: string }): Promise<VerifyResult>;
  /**
   * What a restore would replace (read-only); InputError when the request cannot be done,
   * including a backup not verified or whose verification failed unless `force`.
   */
  planRestore(idOrLatest: string, tables?: string[], o?: { force?: boolean }): Promise<RestorePlan>;
  /** Safety backup of the tables, then the restore in one verified transaction (refused from an unverified backup unless `force`). */
  restore(o: { backupId: string; tables: string[]; actor: string; approvedBy?: string[]; force?: boolean; onProgress?: ProgressListener; channel?: string }): Promise<RestoreResult>;
  /** Applies retention now. */
  prune(actor: string, channel?: string): Promise<RetentionResult>;
  /** The job this process runs now, if any. */
  current(): LiveJob | undefined;
}

export interface BackupServiceDeps {
  settings: BackupSettings;
  state: StateStore;
  clock: Clock;
  logger: Logger;
  /** OPS_TIMEZONE: retention days and times in messages. */
  timezone: string;
  /** Outbound HTTP for the Supabase store. */
  fetch?: typeof fetch;
  /** PATH of the bot's environment, to find the client tools when BACKUP_PG_BIN_DIR is unset. */
  searchPath?: string;
  /** A store other than the configured one (tests). */
  store?: BackupStore;
  /** Extra redaction (the bot's redactor); backup secrets are always redacted. */
  redact?: (text: string) => string;
  connectTimeoutMs?: number;
}

const KIND_TEXT: Record<JobKind, string> = {
  backup: 'A backup',
  verify: 'A backup verification',
  restore: 'A restore',
  prune: 'Backup retention',
};

/** Another backup job holds the lock. */
export class BusyError extends OpsError {
  readonly job: RunningJob | undefined;
  constructor(job: RunningJob | undefined, timezone: string, now: number) {
    super(
      'conflict',
      job
        ? `${KIND_TEXT[job.kind]} is already running${job.backupId ? ` (${job.backupId})` : ''}: started by ${who(job.startedBy)} at ${formatTime(job.startedAt, timezone)} (${formatAge(now - job.startedAt)} ago). One backup job runs at a time; nothing new was started. Its result is posted where it was started.`
        : 'Another backup job is running (on another replica). One backup job runs at a time; nothing new was started.',
    );
    this.job = job;
  }
}

/** Sortable id from the start time: 20260301T070000Z-3fa2. */
export function backupId(startedAt: number): string {
  return `${new Date(startedAt).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}-${randomBytes(2).toString('hex')}`;
}

export function buildStore(settings: BackupSettings, fetchImpl: typeof fetch | undefined): BackupStore {
  const s = settings.store;
  if (s.kind === 'local') return createLocalStore({ dir: s.dir });
  if (!fetchImpl) throw new Error('the Supabase backup store needs fetch');
  return createSupabaseStore({ url: `${s.url}`, key: s.key, bucket: s.bucket, prefix: s.prefix, partBytes: s.partBytes, fetch: fetchImpl });
}

export function createBackupService(deps: BackupServiceDeps): BackupService {
  const { settings, clock, logger } = deps;
  const catalog = createBackupCatalog(deps.state);
  const store = deps.store ?? buildStore(settings, deps.fetch);
  const tools: PgTools = pgTools(settings.pgBinDir, deps.searchPath);
  const redactor = createRedactor(backupSecrets(settings));
  const redact = (t: string) => redactor.redact(deps.redact ? deps.redact(t) : t);
  const connectTimeoutMs = deps.connectTimeoutMs ?? 10_000;
  const log = logger.child({ component: 'backup' });
  let live: { job: RunningJob; progress: LiveProgress; name(backupId: string): Promise<void> } | undefined;

  const audit = async (actor: string, action: string, outcome: string, detail: Record<string, unknown>, channel?: string) => {
    try {
      await deps.state.audit({ actor, action, target: '/backup', ...(channel ? { channel } : {}), outcome, detail });
    } catch (err) {
      log.warn({ err, action }, 'backup audit write failed');
    }
  };

  const env = {
    databaseUrl: settings.databaseUrl,
    excludeSchemas: settings.excludeSchemas,
    lockWaitTimeoutMs: settings.lockWaitTimeoutMs,
    restoreLockTimeoutMs: settings.restoreLockTimeoutMs,
    verifyUrl: settings.verifyUrl,
    connectTimeoutMs,
    tools,
    store,
    clock,
    logger: log,
    redact,
  };

  /** Runs `fn` holding the backup lock, with progress reports and a job row. */
  async function withJob<T>(
    kind: JobKind,
    actor: string,
    backup: string | null,
    onProgress: ProgressListener | undefined,
    fn: (progress: LiveProgress, jobs: JobRecorder) => Promise<{ value: T; outcome: string }>,
  ): Promise<T> {
    const r = await catalog.withLock(async (jobs) => {
      const now = clock.now();
      for (const s of await jobs.interruptStale(now)) {
        log.warn({ backupId: s.id }, 'backup interrupted by a restart; removing its files');
        // Files in a store that is no longer configured are out of reach; the log says which.
        if (s.store !== store.kind) continue;
        await store.cleanup(dumpKey(s.id)).catch((err: unknown) => log.warn({ err, backupId: s.id }, 'could not remove files of an interrupted backup'));
        await store.cleanup(manifestKey(s.id)).catch(() => undefined);
        await audit('opsbot', 'backup.failed', 'interrupted', { backupId: s.id });
      }
      const jobId = await jobs.start(kind, backup, actor, now);
      const progress: LiveProgress = { phase: 'starting', bytes: 0, tablesDone: 0, tablesTotal: 0 };
      const job: RunningJob = { kind, backupId: backup, startedBy: actor, startedAt: now };
      live = {
        job,
        progress,
        async name(id) {
          job.backupId = id;
          await jobs.setBackup(jobId, id).catch((err: unknown) => log.warn({ err }, 'could not name the backup of a job'));
        },
      };
      const t0 = clock.monotonic();
      const timer = onProgress
        ? setInterval(() => {
            const p: BackupProgress = {
              kind,
              backupId: job.backupId ?? '',
              phase: progress.phase,
              bytes: progress.bytes,
              elapsedMs: clock.monotonic() - t0,
              tablesDone: progress.tablesDone,
              tablesTotal: progress.tablesTotal,
            };
            Promise.resolve()
              .then(() => onProgress(p))
              .catch((err: unknown) => log.warn({ err }, 'progress report failed'));
          }, settings.progressIntervalMs)
        : undefined;
      timer?.unref();
      let outcome = 'failed';
      try {
        const res = await fn(progress, jobs);
        outcome = res.outcome;
        return res.value;
      } catch (err) {
        outcome = isOpsError(err) ? 'failed' : 'error';
        throw err;
      } finally {
        clearInterval(timer);
        live = undefined;
        await jobs.finish(jobId, clock.now(), outcome, job.backupId).catch((err: unknown) => log.warn({ err }, 'could not close the backup job row'));
      }
    });
    if (!r.ok) throw new BusyError(r.busy, deps.timezone, clock.now());
    return r.value;
  }

  /** One dump under the lock the caller holds. */
  async function doBackup(kind: BackupKind, actor: string, progress: LiveProgress, onlyTables?: string[], channel?: string): Promise<BackupEntry> {
    const startedAt = clock.now();
    const id = backupId(startedAt);
    if (live && !live.job.backupId) await live.name(id);
    await catalog.insertRunning({ id, kind, startedBy: actor, startedAt, store: store.kind, objectKey: dumpKey(id) });
    const t0 = clock.monotonic();
    const out = await runDump(env, {
      id,
      kind,
      startedBy: actor,
      startedAt,
      progress,
      ...(onlyTables ? { onlyTables: onlyTables.map(parseTableKey) } : {}),
    });
    const durationMs = clock.monotonic() - t0;
    if (out.ok) {
      const entry = await catalog.markSucceeded(id, { finishedAt: clock.now(), durationMs, manifest: out.manifest });
      log.info({ backupId: id, kind, bytes: out.manifest.sizeBytes, tables: out.manifest.tables.length, durationMs }, 'backup succeeded');
      await audit(actor, 'backup.created', 'ok', {
        backupId: id,
        kind,
        sizeBytes: out.manifest.sizeBytes,
        sha256: out.manifest.sha256,
        tables: out.manifest.tables.length,
        store: store.location,
      }, channel);
      return entry;
    }
    await catalog.markFailed(id, {
      finishedAt: clock.now(),
      durationMs,
      error: out.reason,
      ...(out.serverVersion ? { serverVersion: out.serverVersion } : {}),
      ...(out.clientVersion ? { clientVersion: out.clientVersion } : {}),
    });
    log.warn({ backupId: id, kind, reason: out.reason }, 'backup failed');
    await audit(actor, 'backup.failed', 'failed', { backupId: id, kind, reason: out.reason }, channel);
    return (await catalog.get(id))!;
  }

  async function doPrune(actor: string, channel?: string): Promise<RetentionResult> {
    const plan = planRetention(await catalog.succeeded(), { ...settings.retention, timezone: deps.timezone, now: clock.now() });
    const pruned: string[] = [];
    const failed: { id: string; reason: string }[] = [];
    const policy = `${settings.retention.daily} daily / ${settings.retention.weekly} weekly / ${settings.retention.monthly} monthly`;
    for (const e of plan.prune) {
      try {
        await store.remove({ key: e.objectKey, bytes: e.sizeBytes ?? 0, parts: e.parts ?? 1 });
        await store.remove({ key: manifestKey(e.id), bytes: 0, parts: 1 });
        if (await catalog.markPruned(e.id, clock.now())) {
          pruned.push(e.id);
          await audit(actor, 'backup.pruned', 'ok', { backupId: e.id, kind: e.kind, startedAt: new Date(e.startedAt).toISOString(), sizeBytes: e.sizeBytes, policy }, channel);
        }
      } catch (err) {
        const reason = isOpsError(err) ? err.userMessage : errorMessage(err);
        failed.push({ id: e.id, reason });
        log.warn({ err, backupId: e.id }, 'could not prune a backup');
      }
    }
    return { kept: plan.keep.map((e) => e.id), pruned, failed, keptAsOnlyVerified: plan.keptAsOnlyVerified?.id ?? null };
  }

  async function find(idOrLatest: string): Promise<BackupEntry> {
    const key = idOrLatest.trim();
    if (key === 'latest') {
      const e = await catalog.latest();
      if (!e) throw new InputError('There is no successful backup yet. Take one with `/backup now`.');
      return e;
    }
    const e = await catalog.get(key);
    if (!e) throw new InputError(`There is no backup ${key.slice(0, 40)}. See \`/backup list\` for the ids.`);
    return e;
  }

  const usable = (e: BackupEntry): BackupEntry => {
    if (e.state !== 'succeeded') {
      throw new InputError(`Backup ${e.id} ${e.state === 'failed' ? `failed (${e.error ?? 'no reason recorded'})` : `was ${e.state}`}; pick a succeeded one from \`/backup list\`.`);
    }
    return e;
  };

  // A restore replaces production rows: from a backup nobody proved restorable only when the
  // requester says so explicitly (force=yes), which the approvers then see in the request.
  const verified = (e: BackupEntry, force: boolean | undefined): BackupEntry => {
    if (e.verifyState === 'passed' || force) return e;
    const state =
      e.verifyState === 'failed'
        ? `failed its last verification (see \`/backup list\`), so it may not restore what you expect`
        : `has not been verified, so nobody has proved it restores`;
    throw new InputError(
      `Backup ${e.id} ${state}. Run \`/backup verify ${e.id}\` first, restore a verified backup, or add force=yes to request this restore anyway (the approvers will see that it was forced).`,
    );
  };

  return {
    settings,
    catalog,
    store,
    async backupNow(o) {
      const kind = o.kind ?? 'manual';
      return withJob('backup', o.actor, null, o.onProgress, async (progress) => {
        const entry = await doBackup(kind, o.actor, progress, undefined, o.channel);
        if (entry.state === 'succeeded') {
          const r = await doPrune('opsbot', o.channel).catch((err: unknown) => {
            log.warn({ err }, 'retention after a backup failed');
            return undefined;
          });
          if (r?.pruned.length) log.info({ pruned: r.pruned.length }, 'retention pruned old backups');
        }
        return { value: entry, outcome: entry.state };
      });
    },
    list: (limit = 20) => catalog.list(limit),
    find,
    async verify(idOrLatest, o) {
      return withJob('verify', o.actor, idOrLatest === 'latest' ? null : idOrLatest, o.onProgress, async (progress) => {
        const entry = usable(await find(idOrLatest));
        if (live && live.job.backupId !== entry.id) await live.name(entry.id);
        const result = await runVerify(env, entry, progress);
        await catalog.recordVerification(result, o.actor);
        await audit(o.actor, 'backup.verified', result.verdict, {
          backupId: entry.id,
          checks: result.checks.map((c) => ({ name: c.name, status: c.status, detail: c.detail })),
          skipped: result.skipped,
          restoreMs: result.restoreMs,
        }, o.channel);
        log.info({ backupId: entry.id, verdict: result.verdict, restoreMs: result.restoreMs }, 'backup verified');
        return { value: result, outcome: result.verdict };
      });
    },
    async planRestore(idOrLatest, tables, o) {
      const entry = usable(await find(idOrLatest));
      // What cannot be done at all (no such table) is said before what needs force.
      const plan = await planRestore(env, entry, tables);
      verified(entry, o?.force);
      return plan;
    },
    async restore(o) {
      return withJob('restore', o.actor, o.backupId, o.onProgress, async (progress) => {
        const t0 = clock.monotonic();
        const entry = verified(usable(await find(o.backupId)), o.force);
        // A file that changed since the backup is refused before anything else happens.
        progress.phase = 'checking';
        await checkIntegrity(env, entry, progress);
        progress.phase = 'safety-backup';
        const safety = await doBackup('safety', o.actor, progress, o.tables, o.channel);
        if (safety.state !== 'succeeded') {
          throw new OpsError('conflict', `The safety backup of the tables to be replaced failed, so nothing was restored: ${safety.error ?? 'no reason recorded'}`);
        }
        try {
          const { tables, notes } = await runRestore(env, entry, o.tables, progress);
          const result: RestoreResult = {
            backupId: entry.id,
            safetyBackupId: safety.id,
            tables,
            notes,
            rowsRestored: tables.reduce((s, t) => s + t.rowsAfter, 0),
            durationMs: Math.round(clock.monotonic() - t0),
          };
          await audit(o.actor, 'backup.restored', 'ok', { backupId: entry.id, safetyBackupId: safety.id, approvedBy: o.approvedBy ?? [], tables, notes, durationMs: result.durationMs }, o.channel);
          return { value: result, outcome: 'succeeded' };
        } catch (err) {
          await audit(o.actor, 'backup.restored', 'failed', { backupId: entry.id, safetyBackupId: safety.id, approvedBy: o.approvedBy ?? [], tables: o.tables, reason: isOpsError(err) ? err.userMessage : errorMessage(err) }, o.channel);
          throw err;
        }
      });
    },
    prune(actor, channel) {
      return withJob('prune', actor, null, undefined, async () => {
        const r = await doPrune(actor, channel);
        return { value: r, outcome: r.failed.length ? 'partial' : 'succeeded' };
      });
    },
    current() {
      if (!live) return undefined;
      return { ...live.job, phase: live.progress.phase, bytes: live.progress.bytes, pid: live.progress.pid };
    },
  };
}
