// Restoring tables of a backup into the target database. The plan says exactly which tables
// are replaced (the ones asked for plus every table referencing them, which would otherwise
// be left pointing at replaced rows) and how many rows each has now and in the backup. The run
// is one transaction — psql --single-transaction reading: TRUNCATE of those tables, the data
// from `pg_restore --data-only`, then a check that each table holds exactly the manifest's
// rows and checksum — so it either completes verified or changes nothing.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errorMessage, InputError, isOpsError, OpsError } from '../errors.js';
import { sql } from '../sql.js';
import { toolConnection } from './conn.js';
import { listArchive, type LiveProgress } from './dump.js';
import { meter } from './meter.js';
import { connect, ROW_HASH, run, tableCounts } from './pg-client.js';
import { exitReason, runTool, toolEnv, toolError, type ToolJobEnv } from './pg-tools.js';
import { fill, integer, literal, qualified, tableKey } from './sql-fill.js';
import type { BackupEntry, RestorePlan, TableStat } from './types.js';
import { storedObject, tolerantSink } from './verify.js';

export interface RestoreEnv extends ToolJobEnv {
  databaseUrl: string;
  restoreLockTimeoutMs: number;
}

const TARGET = 'the target database (BACKUP_DATABASE_URL)';

function manifestOf(entry: BackupEntry) {
  if (entry.state !== 'succeeded' || !entry.manifest) {
    throw new InputError(`Backup ${entry.id} is ${entry.state}; only a succeeded backup can be restored. See \`/backup list\`.`);
  }
  return entry.manifest;
}

function list(keys: string[], max = 15): string {
  return keys.length > max ? `${keys.slice(0, max).join(', ')} and ${keys.length - max} more` : keys.join(', ');
}

/** Which tables a restore replaces, with their current and backed-up row counts (read-only). */
export async function planRestore(env: RestoreEnv, entry: BackupEntry, requested: string[] | undefined): Promise<RestorePlan> {
  const manifest = manifestOf(entry);
  const inBackup = new Map(manifest.tables.map((t) => [tableKey(t), t]));
  const wanted = requested?.length ? [...new Set(requested)] : [...inBackup.keys()];
  const notInBackup = wanted.filter((k) => !inBackup.has(k));
  if (notInBackup.length) {
    throw new InputError(`Backup ${entry.id} has no table ${list(notInBackup)}. It holds: ${list([...inBackup.keys()])}.`);
  }
  const client = await connect(env.databaseUrl, 'opsbot/restore-preview', TARGET, env.connectTimeoutMs, env.logger);
  try {
    await client.query('BEGIN READ ONLY');
    const closure = await run<{ schema: string; name: string; requested: boolean }>(client, 'backup/db/fk-closure', [wanted]);
    const onTarget = new Set(closure.map(tableKey));
    const absent = wanted.filter((k) => !onTarget.has(k));
    if (absent.length) {
      throw new InputError(`${list(absent)} does not exist in the target database. A restore replaces the rows of existing tables; recreate the table first.`);
    }
    const added = closure.filter((r) => !r.requested).map(tableKey);
    const cannot = added.filter((k) => !inBackup.has(k));
    if (cannot.length) {
      throw new InputError(
        `${list(cannot)} reference${cannot.length === 1 ? 's' : ''} the tables to restore but ${cannot.length === 1 ? 'is' : 'are'} not in backup ${entry.id}, so they cannot be replaced together. Restore from a whole-database backup.`,
      );
    }
    const tables = closure.map((r) => ({ schema: r.schema, name: r.name }));
    const counts = await tableCounts(client, tables);
    await client.query('COMMIT');
    return {
      backupId: entry.id,
      backupStartedAt: entry.startedAt,
      verifyState: entry.verifyState,
      sha256: manifest.sha256,
      requested: wanted,
      addedForForeignKeys: added,
      tables: tables.map((t) => ({ table: tableKey(t), currentRows: counts.get(tableKey(t)) ?? 0, backupRows: inBackup.get(tableKey(t))!.rows })),
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Reads the whole stored file and compares its SHA-256 with the manifest before anything is touched. */
export async function checkIntegrity(env: RestoreEnv, entry: BackupEntry, progress: LiveProgress): Promise<void> {
  const manifest = manifestOf(entry);
  const m = meter((n) => {
    progress.bytes = n;
  });
  const drain = new Writable({ write: (_c, _e, cb) => cb() });
  try {
    await pipeline(env.store.read(storedObject(entry)), m.stream, drain);
  } catch (err) {
    throw new OpsError('upstream_unavailable', `Could not read backup ${entry.id} from ${env.store.location}: ${isOpsError(err) ? err.userMessage : errorMessage(err)}. Nothing was restored.`);
  }
  if (m.sha256() !== manifest.sha256 || m.bytes() !== manifest.sizeBytes) {
    throw new OpsError(
      'conflict',
      `The stored file of backup ${entry.id} changed since it was taken (SHA-256 ${m.sha256().slice(0, 12)}… instead of ${manifest.sha256.slice(0, 12)}…). Nothing was restored; restore another backup.`,
    );
  }
}

export interface TableOutcome {
  table: string;
  rowsBefore: number;
  rowsAfter: number;
  expected: number;
}

export interface RestoreOutcome {
  tables: TableOutcome[];
  /** Warnings from the in-transaction check (content checksum differs, count equal). */
  notes: string[];
}

/**
 * Replaces the rows of `tableKeys` with the backup's, in one verified transaction. The caller
 * has checked the file's integrity (checkIntegrity) and taken the safety backup.
 */
export async function runRestore(env: RestoreEnv, entry: BackupEntry, tableKeys: string[], progress: LiveProgress): Promise<RestoreOutcome> {
  const manifest = manifestOf(entry);
  const inBackup = new Map(manifest.tables.map((t) => [tableKey(t), t]));
  const tables: TableStat[] = tableKeys.map((k) => {
    const t = inBackup.get(k);
    if (!t) throw new InputError(`Backup ${entry.id} has no table ${k}.`);
    return t;
  });
  progress.tablesTotal = tables.length;
  progress.phase = 'checking';
  const conn = toolConnection(env.databaseUrl);
  const childEnv = toolEnv(conn, 'opsbot/restore', env.tools.searchPath);
  const obj = storedObject(entry);
  const listed = await listArchive(env.tools, env.store, obj, childEnv);
  if (!listed.ok) throw new OpsError('upstream_unavailable', `${env.redact(listed.reason)}. Nothing was restored.`);

  const client = await connect(env.databaseUrl, 'opsbot/restore', TARGET, env.connectTimeoutMs, env.logger);
  const dir = await mkdtemp(path.join(tmpdir(), 'opsbot-restore-'));
  try {
    const sequences = new Set((await run<{ schema: string; name: string }>(client, 'backup/db/owned-sequences', [tableKeys])).map(tableKey));
    const wanted = new Set(tableKeys);
    // Keep archive order: pg_restore reads the stream front to back.
    const entries = listed.toc.lines.filter((line) => {
      const m = /^\d+; \d+ \d+ (TABLE DATA|SEQUENCE SET) (\S+) (.+) \S+$/.exec(line);
      if (!m) return false;
      const key = `${m[2]}.${m[3]}`;
      return m[1] === 'TABLE DATA' ? wanted.has(key) : sequences.has(key);
    });
    const inArchive = new Set(entries.map((l) => / TABLE DATA (\S+) (.+) \S+$/.exec(l)).filter(Boolean).map((m) => `${m![1]}.${m![2]}`));
    const noData = tableKeys.filter((k) => !inArchive.has(k));
    if (noData.length) throw new OpsError('conflict', `The archive of backup ${entry.id} holds no data for ${list(noData)}. Nothing was restored.`);
    const listFile = path.join(dir, 'restore.list');
    await writeFile(listFile, `${entries.join('\n')}\n`, { mode: 0o600 });
    const before = await tableCounts(client, tables);

    const prelude = fill(sql('backup/restore/prelude'), {
      tables: tables.map(qualified).join(', '),
      lock_timeout_ms: integer(env.restoreLockTimeoutMs),
    });
    const checks = [
      sql('backup/restore/check-settings'),
      ...tables.map((t) =>
        fill(sql('backup/restore/check'), {
          table: qualified(t),
          table_literal: literal(tableKey(t)),
          row_hash: ROW_HASH[t.method],
          rows: integer(t.rows),
          checksum: integer(t.checksum),
        }),
      ),
    ].join('\n');

    progress.phase = 'restoring';
    progress.bytes = 0;
    const psql = runTool(env.tools.path('psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-f', '-', `--dbname=${conn.url}`], childEnv, 'pipe');
    // Query results (set_config rows from the script) are not needed, but must be drained.
    psql.child.stdout.resume();
    const pgRestore = runTool(env.tools.path('pg_restore'), ['--data-only', `--use-list=${listFile}`, '--file=-'], childEnv, 'pipe');
    progress.pid = pgRestore.child.pid;
    psql.child.stdin!.write(`${prelude}\n`);
    pgRestore.child.stdout.pipe(psql.child.stdin!, { end: false });
    const m = meter((n) => {
      progress.bytes = n;
    });
    const readErr = await pipeline(env.store.read(obj), m.stream, tolerantSink(pgRestore.child.stdin!)).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (readErr !== undefined) pgRestore.child.kill('SIGKILL');
    const rExit = await pgRestore.exited;
    const restoredOk = readErr === undefined && rExit.code === 0 && !rExit.signal && !rExit.spawnError;
    // Only a complete data stream may reach COMMIT: otherwise psql dies before its input ends,
    // and the server rolls the transaction back.
    if (restoredOk) psql.child.stdin!.end(`${checks}\n`);
    else psql.child.kill('SIGKILL');
    const pExit = await psql.exited;
    progress.pid = undefined;
    if (!restoredOk) {
      const why = readErr !== undefined ? `reading the backup failed: ${errorMessage(readErr)}` : exitReason('pg_restore', rExit, pgRestore.stderr());
      throw new OpsError('upstream_unavailable', `The restore was rolled back, nothing changed: ${env.redact(why)}.`);
    }
    if (pExit.code !== 0 || pExit.signal) {
      const said = toolError(psql.stderr()) || exitReason('psql', pExit, psql.stderr());
      throw new OpsError('conflict', `The restore was rolled back, nothing changed: ${env.redact(said)}`);
    }
    progress.phase = 'comparing';
    const after = await tableCounts(client, tables);
    const notes = [...psql.stderr().matchAll(/opsbot restore note: (.*)/g)].map((m) => m[1]!.trim());
    return {
      tables: tables.map((t) => ({
        table: tableKey(t),
        rowsBefore: before.get(tableKey(t)) ?? 0,
        rowsAfter: after.get(tableKey(t)) ?? 0,
        expected: t.rows,
      })),
      notes,
    };
  } finally {
    await client.end().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
