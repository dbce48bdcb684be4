// One backup: pg_dump -Fc streamed into the store, SHA-256 and size taken on the way, exact
// row counts and checksums taken in the very snapshot pg_dump reads (a REPEATABLE READ
// transaction exports it, pg_dump --snapshot imports it, the same transaction counts), then
// `pg_restore --list` over what the store now holds. Any failure — client older than the
// server, database unreachable, store full, pg_dump killed, upload refused — removes whatever
// was written and returns the reason; nothing here throws past the caller.
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { classifyPgError } from '../db/target.js';
import { errorMessage, isOpsError } from '../core/errors.js';
import { refuseTransactionPooler, toolConnection } from './conn.js';
import { meter } from './meter.js';
import { connect, run, tableStats } from './pg-client.js';
import {
  exitReason,
  parseToc,
  parseToolVersion,
  runTool,
  serverMajor,
  toolEnv,
  toolOutput,
  toolOutputFrom,
  type PgTools,
  type Toc,
  type ToolRun,
  type ToolJobEnv,
  type ToolVersion,
} from './pg-tools.js';
import { tableKey, type TableRef } from './sql-fill.js';
import { putText, type BackupStore, type StoredObject, type StoreUpload } from './store.js';
import type { BackupKind, ChecksumMethod, Manifest, Phase } from './types.js';

/** What a running job exposes for progress reports (mutated as it goes). */
export interface LiveProgress {
  phase: Phase;
  bytes: number;
  tablesDone: number;
  tablesTotal: number;
  /** pid of the client tool currently running. */
  pid?: number;
}

export interface DumpEnv extends ToolJobEnv {
  databaseUrl: string;
  excludeSchemas: string[];
  lockWaitTimeoutMs: number;
}

export interface DumpInput {
  id: string;
  kind: BackupKind;
  startedBy: string;
  startedAt: number;
  /** Only these tables (a safety backup before a restore); all tables when absent. */
  onlyTables?: TableRef[];
  progress: LiveProgress;
}

export type DumpOutcome =
  | { ok: true; manifest: Manifest }
  | { ok: false; reason: string; serverVersion?: string; clientVersion?: string };

/** A failure whose message is the reason shown to people. */
class DumpFailure extends Error {}

function fail(reason: string): never {
  throw new DumpFailure(reason);
}

export const dumpKey = (id: string) => `${id}.dump`;
export const manifestKey = (id: string) => `${id}.manifest.json`;

/** pg_dump's --table takes a pattern; double quotes make each part literal. */
function tablePattern(t: TableRef): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return `${q(t.schema)}.${q(t.name)}`;
}

function storeFailure(err: unknown, store: BackupStore): string {
  if (isOpsError(err)) return err.userMessage;
  const code = (err as { code?: string }).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return `The backup store is full (${store.location}: no space left on device).`;
  return `Writing the backup to ${store.location} failed: ${errorMessage(err)}.`;
}

/** `pg_restore --list` over the stored object: proves the archive's table of contents reads back. */
export async function listArchive(tools: PgTools, store: BackupStore, obj: StoredObject, env: Record<string, string>): Promise<{ ok: true; toc: Toc } | { ok: false; reason: string }> {
  const r = await toolOutputFrom(tools.path('pg_restore'), ['--list'], env, store.read(obj));
  if (r.inputError) return { ok: false, reason: `reading the stored file back failed: ${isOpsError(r.inputError) ? r.inputError.userMessage : r.inputError.message}` };
  if (r.code !== 0 || r.signal || r.spawnError) return { ok: false, reason: `pg_restore --list could not read the stored file: ${exitReason('pg_restore', r, r.stderr)}` };
  return { ok: true, toc: parseToc(r.stdout) };
}

/** The client's version, from `pg_dump --version`. */
async function clientVersionOf(pgDump: string, childEnv: Record<string, string>): Promise<ToolVersion> {
  const v = await toolOutput(pgDump, ['--version'], childEnv);
  const client = parseToolVersion(v.stdout);
  if (!client) fail(`Could not tell the version of ${pgDump}: ${v.code === 0 ? v.stdout.trim() : exitReason('pg_dump', v, v.stderr)}.`);
  return client;
}

export async function runDump(env: DumpEnv, input: DumpInput): Promise<DumpOutcome> {
  const { store, clock } = env;
  const { progress } = input;
  const t0 = clock.monotonic();
  let clientVersion: string | undefined;
  let serverVersion: string | undefined;
  let snap: pg.Client | undefined;
  let dump: ToolRun | undefined;
  let upload: StoreUpload | undefined;
  let stored: StoredObject | undefined;
  let manifestStored: StoredObject | undefined;
  try {
    refuseTransactionPooler(env.databaseUrl, 'BACKUP_DATABASE_URL');
    const conn = toolConnection(env.databaseUrl);
    const childEnv = toolEnv(conn, 'opsbot/backup', env.tools.searchPath);
    const pgDump = env.tools.path('pg_dump');
    const client = await clientVersionOf(pgDump, childEnv);
    clientVersion = client.version;

    snap = await connect(env.databaseUrl, 'opsbot/backup', 'the database to back up (BACKUP_DATABASE_URL)', env.connectTimeoutMs, env.logger);
    const info = (await run<{ version: string; version_num: number; database: string }>(snap, 'backup/db/server-info'))[0]!;
    serverVersion = info.version;
    const major = serverMajor(Number(info.version_num));
    if (client.major < major) {
      fail(
        `pg_dump ${client.version} is older than the server (PostgreSQL ${info.version}); pg_dump cannot dump a newer server. Install the PostgreSQL ${major} client tools (or newer) and point BACKUP_PG_BIN_DIR at them. Nothing was written.`,
      );
    }

    await snap.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await run(snap, 'backup/db/stat-settings');
    const snapshot = String((await run(snap, 'backup/db/snapshot-export'))[0]?.snapshot);
    const only = input.onlyTables?.map(tableKey) ?? null;
    const tables = (await run<{ schema: string; name: string; by_value: boolean }>(snap, 'backup/db/tables', [env.excludeSchemas, only])).map((r) => {
      const method: ChecksumMethod = r.by_value ? 'record' : 'text';
      return { schema: r.schema, name: r.name, method };
    });
    if (only) {
      const found = new Set(tables.map(tableKey));
      const missing = only.filter((t) => !found.has(t));
      if (missing.length) fail(`No such table to back up: ${missing.join(', ')}.`);
    }
    progress.tablesTotal = tables.length;

    const args = [
      '--format=custom',
      '--no-password',
      `--snapshot=${snapshot}`,
      `--lock-wait-timeout=${env.lockWaitTimeoutMs}`,
      ...env.excludeSchemas.map((s) => `--exclude-schema=${s}`),
      ...(input.onlyTables ?? []).map((t) => `--table=${tablePattern(t)}`),
      `--dbname=${conn.url}`,
    ];
    progress.phase = 'dumping';
    const tDump = clock.monotonic();
    dump = runTool(pgDump, args, childEnv);
    progress.pid = dump.child.pid;
    try {
      upload = store.begin(dumpKey(input.id), 'application/octet-stream');
    } catch (err) {
      fail(storeFailure(err, store));
    }
    const m = meter((n) => {
      progress.bytes = n;
    });
    const running = dump;
    // Settles with the error (or undefined) rather than rejecting: it is awaited only later.
    const piped = pipeline(running.child.stdout, m.stream, upload.stream).then(
      () => undefined,
      (err: unknown) => err,
    );
    // A store that fails (full disk, refused upload) must stop pg_dump, or it blocks on the pipe.
    void piped.then((err) => {
      if (err !== undefined && running.child.exitCode === null) running.child.kill('SIGTERM');
    });

    const tCount = clock.monotonic();
    const counting = tableStats(snap, tables, {
      fallback: true,
      onTable: (n) => {
        progress.tablesDone = n;
      },
    }).then(
      (stats) => ({ stats }),
      (err: unknown) => ({ err }),
    );
    // A pg_dump that dies while the tables are counted fails the backup now, not after the count.
    const first = await Promise.race([counting, running.exited.then((exit) => ({ exit }))]);
    if ('exit' in first && (first.exit.code !== 0 || first.exit.signal || first.exit.spawnError)) {
      // A store failure stops pg_dump itself: then the store's reason is the real one.
      const pipeErr = await piped;
      fail(pipeErr !== undefined ? storeFailure(pipeErr, store) : `${exitReason('pg_dump', first.exit, env.redact(running.stderr()))}.`);
    }
    const counted = await counting;
    if ('err' in counted) fail(`Counting rows in the snapshot failed: ${classifyPgError(counted.err).message}.`);
    const stats = counted.stats;
    const countMs = clock.monotonic() - tCount;
    // pg_dump writes its first byte only after it read the catalog under the imported snapshot;
    // until then the exporting transaction must stay open. It pins no more than pg_dump itself.
    await Promise.race([m.firstByte, running.exited]);
    await snap.query('COMMIT');
    await snap.end();
    snap = undefined;

    const exit = await running.exited;
    const pipeErr = await piped;
    const dumpMs = clock.monotonic() - tDump;
    if (pipeErr !== undefined) fail(storeFailure(pipeErr, store));
    if (exit.code !== 0 || exit.signal || exit.spawnError) fail(`${exitReason('pg_dump', exit, env.redact(running.stderr()))}.`);
    progress.pid = undefined;
    progress.phase = 'checking';
    stored = await upload.commit().catch((err: unknown) => fail(storeFailure(err, store)));
    upload = undefined;

    const tCheck = clock.monotonic();
    const listed = await listArchive(env.tools, store, stored, childEnv);
    if (!listed.ok) fail(`${env.redact(listed.reason)}.`);
    const toc = listed.toc;
    const inToc = new Set(toc.tableData);
    const missing = stats.filter((t) => !inToc.has(tableKey(t))).map(tableKey);
    if (missing.length) fail(`pg_restore --list read the stored file, but it holds no data for ${missing.join(', ')}.`);

    const manifest: Manifest = {
      format: 'opsbot-backup/1',
      id: input.id,
      kind: input.kind,
      startedBy: input.startedBy,
      startedAt: new Date(input.startedAt).toISOString(),
      finishedAt: new Date(clock.now()).toISOString(),
      durationMs: Math.round(clock.monotonic() - t0),
      store: store.kind,
      objectKey: stored.key,
      parts: stored.parts,
      sizeBytes: stored.bytes,
      sha256: m.sha256(),
      source: { host: conn.host, port: conn.port, database: info.database },
      serverVersion: info.version,
      serverVersionNum: Number(info.version_num),
      clientVersion: client.version,
      excludedSchemas: env.excludeSchemas,
      ...(only ? { onlyTables: only } : {}),
      tables: stats,
      toc: { entries: toc.entries, tableData: toc.tableData.length },
      timings: { dumpMs: Math.round(dumpMs), countMs: Math.round(countMs), checkMs: Math.round(clock.monotonic() - tCheck) },
    };
    if (m.bytes() !== stored.bytes) fail(`The store holds ${stored.bytes} bytes but pg_dump wrote ${m.bytes()}.`);
    manifestStored = await putText(store, manifestKey(input.id), `${JSON.stringify(manifest, null, 2)}\n`, 'application/json').catch((err: unknown) =>
      fail(storeFailure(err, store)),
    );
    return { ok: true, manifest };
  } catch (err) {
    let reason: string;
    if (err instanceof DumpFailure) reason = err.message;
    else if (isOpsError(err)) reason = err.userMessage;
    else {
      env.logger.error({ err, backupId: input.id }, 'backup failed unexpectedly');
      reason = `Unexpected error: ${errorMessage(err)}.`;
    }
    const leftovers = await cleanUp(env, { dump, snap, upload, stored, manifestStored });
    if (leftovers) reason += ` ${leftovers}`;
    return { ok: false, reason: env.redact(reason), ...(serverVersion ? { serverVersion } : {}), ...(clientVersion ? { clientVersion } : {}) };
  }
}

/** Stops what runs and removes what was written; returns a sentence when something is left. */
async function cleanUp(
  env: DumpEnv,
  s: { dump?: ToolRun; snap?: pg.Client; upload?: StoreUpload; stored?: StoredObject; manifestStored?: StoredObject },
): Promise<string | undefined> {
  if (s.dump && s.dump.child.exitCode === null && s.dump.child.signalCode === null) s.dump.child.kill('SIGKILL');
  if (s.dump) await s.dump.exited;
  if (s.snap) {
    // Closing the connection ends the snapshot transaction; a ROLLBACK would queue behind a
    // count that may still be running.
    await s.snap.end().catch(() => undefined);
  }
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      env.logger.warn({ err }, 'could not remove a failed backup file');
      problems.push(`${what}: ${isOpsError(err) ? err.userMessage : errorMessage(err)}`);
    }
  };
  if (s.upload) await attempt('the partial file', () => s.upload!.abort());
  if (s.stored) await attempt('the stored file', () => env.store.remove(s.stored!));
  if (s.manifestStored) await attempt('the manifest', () => env.store.remove(s.manifestStored!));
  return problems.length ? `Could not remove ${problems.join('; ')} — delete it by hand from ${env.store.location}.` : undefined;
}
