// Proves a backup restorable: stream the stored file into `pg_restore` on a fresh scratch
// database (hashing it on the way), compare every table's exact row count and checksum with
// the manifest, drop the scratch database. Each check says what it compared and what differed,
// so "verify failed" always comes with which check failed and why. The scratch server may be a
// plain Postgres: what a Supabase-shaped archive needs and it lacks (platform schemas, API roles
// named by policies, extensions it does not have) is decided by scratch-plan.ts, and the restore
// check says what was left out.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { errorMessage, InputError, isOpsError } from '../core/errors.js';
import { formatCount } from '../core/format.js';
import { sql } from '../core/sql.js';
import { refuseTransactionPooler, toolConnection, withDatabase } from './conn.js';
import { listArchive, type LiveProgress } from './dump.js';
import { meter } from './meter.js';
import { connect, run, tableStats } from './pg-client.js';
import { exitReason, runTool, toolEnv, toolOutputFrom, type ToolJobEnv } from './pg-tools.js';
import { entriesToRender, planScratchRestore, skippedText, type ScratchPlan } from './scratch-plan.js';
import { fill, identifier, tableKey } from './sql-fill.js';
import type { StoredObject } from './store.js';
import type { BackupEntry, Manifest, TableMismatch, VerifyCheck, VerifyResult } from './types.js';

export interface VerifyEnv extends ToolJobEnv {
  verifyUrl: string | undefined;
}

/**
 * Forwards bytes to a child's stdin while it reads, then swallows the rest: the file is hashed
 * to the end even when pg_restore stops early on an error.
 */
export function tolerantSink(target: Writable): Writable {
  let dead = false;
  let pending: ((err?: Error | null) => void) | undefined;
  const release = () => {
    const p = pending;
    pending = undefined;
    p?.();
  };
  const die = () => {
    dead = true;
    release();
  };
  target.once('error', die);
  target.once('close', die);
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (dead) return cb();
      if (target.write(chunk)) return cb();
      pending = cb;
      target.once('drain', release);
    },
    final(cb) {
      if (!dead) target.end();
      cb();
    },
  });
}

export function storedObject(entry: BackupEntry): StoredObject {
  return { key: entry.objectKey, bytes: entry.sizeBytes ?? 0, parts: entry.parts ?? 1 };
}

function mismatchText(m: TableMismatch): string {
  if (m.actualRows === null) return `${m.table}: missing after the restore`;
  if (m.actualRows !== m.expectedRows) return `${m.table}: ${formatCount(m.actualRows)} rows restored, the manifest has ${formatCount(m.expectedRows)}`;
  return `${m.table}: same ${formatCount(m.actualRows)} rows, different content (checksum differs)`;
}

/** Compares the restored tables with the manifest, inside one read-only snapshot. */
async function compareTables(client: pg.Client, manifest: Manifest, progress: LiveProgress): Promise<{ mismatches: TableMismatch[]; rows: number }> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await run(client, 'backup/db/stat-settings');
    const keys = manifest.tables.map(tableKey);
    const present = new Set((await run<{ schema: string; name: string }>(client, 'backup/db/tables', [[], keys])).map((r) => tableKey(r)));
    const mismatches: TableMismatch[] = [];
    let rows = 0;
    for (const t of manifest.tables) {
      const key = tableKey(t);
      if (!present.has(key)) {
        mismatches.push({ table: key, expectedRows: t.rows, actualRows: null, checksumMatches: false });
      } else {
        const [got] = await tableStats(client, [{ ...t, method: t.method ?? 'text' }], { fallback: false });
        rows += got!.rows;
        if (got!.rows !== t.rows || got!.checksum !== t.checksum) {
          mismatches.push({ table: key, expectedRows: t.rows, actualRows: got!.rows, checksumMatches: got!.checksum === t.checksum });
        }
      }
      progress.tablesDone++;
    }
    return { mismatches, rows };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

/**
 * Lists the archive, reads the definitions that decide what the scratch server can hold, and
 * creates the schemas its extensions need. Undefined when the archive cannot be listed: the
 * restore then runs unfiltered and its failure says why.
 */
async function prepareScratch(env: VerifyEnv, entry: BackupEntry, scratchUrl: string, childEnv: Record<string, string>, dir: string): Promise<ScratchPlan | undefined> {
  const obj = storedObject(entry);
  const listed = await listArchive(env.tools, env.store, obj, childEnv);
  if (!listed.ok) return undefined;
  const toRender = entriesToRender(listed.toc.lines);
  let definitions = '';
  if (toRender.length) {
    const file = path.join(dir, 'decide.list');
    await writeFile(file, `${toRender.join('\n')}\n`, { mode: 0o600 });
    const r = await toolOutputFrom(env.tools.path('pg_restore'), ['--no-owner', '--no-privileges', `--use-list=${file}`, '--file=-'], childEnv, env.store.read(obj));
    if (r.code === 0 && !r.signal && !r.spawnError && !r.inputError) definitions = r.stdout;
  }
  const client = await connect(scratchUrl, 'opsbot/verify', 'the scratch database', env.connectTimeoutMs, env.logger);
  try {
    const [f] = await run<{ roles: string[]; extensions: string[]; schemas: string[]; superuser: boolean }>(client, 'backup/db/scratch-facts');
    const plan = planScratchRestore(listed.toc.lines, definitions, {
      roles: new Set(f?.roles ?? []),
      extensions: new Set(f?.extensions ?? []),
      schemas: new Set(f?.schemas ?? []),
      superuser: f?.superuser === true,
    });
    for (const schema of plan.createSchemas) await client.query(fill(sql('backup/db/scratch-schema'), { schema: identifier(schema) }));
    return plan;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A hint for a restore that failed on something the backup left out on purpose. */
function excludedHint(stderr: string, excluded: readonly string[] | undefined): string {
  const named = (excluded ?? []).filter((s) => new RegExp(`(schema "${s}"|\\b${s}\\.)`).test(stderr));
  if (!named.length) return '';
  return ` (${named.join(', ')} ${named.length === 1 ? 'is a schema' : 'are schemas'} that backups leave out, BACKUP_EXCLUDE_SCHEMAS; verify on a server that has ${named.length === 1 ? 'it' : 'them'}, such as the supabase/postgres image)`;
}

export async function runVerify(env: VerifyEnv, entry: BackupEntry, progress: LiveProgress): Promise<VerifyResult> {
  const manifest = entry.manifest;
  if (!manifest) throw new InputError(`Backup ${entry.id} has no manifest, so there is nothing to compare it with.`);
  if (!env.verifyUrl) {
    throw new InputError('Verification is off: set VERIFY_DATABASE_URL to a Postgres server of the same major version (ideally the supabase/postgres image) where I may create and drop a scratch database.');
  }
  refuseTransactionPooler(env.verifyUrl, 'VERIFY_DATABASE_URL');
  const startedAt = env.clock.now();
  const t0 = env.clock.monotonic();
  const scratch = `opsbot_verify_${randomBytes(5).toString('hex')}`;
  const admin = await connect(env.verifyUrl, 'opsbot/verify', 'the verify server (VERIFY_DATABASE_URL)', env.connectTimeoutMs, env.logger);
  progress.tablesTotal = manifest.tables.length;
  const dir = await mkdtemp(path.join(tmpdir(), 'opsbot-verify-'));
  try {
    await admin.query(fill(sql('backup/db/scratch-create'), { database: identifier(scratch) }));
    const scratchUrl = withDatabase(env.verifyUrl, scratch);
    const conn = toolConnection(scratchUrl);
    const childEnv = toolEnv(conn, 'opsbot/verify', env.tools.searchPath);
    const checks: VerifyCheck[] = [];

    progress.phase = 'restoring';
    const restoreStart = env.clock.monotonic();
    const plan = await prepareScratch(env, entry, scratchUrl, childEnv, dir);
    let useList: string[] = [];
    if (plan) {
      const file = path.join(dir, 'restore.list');
      await writeFile(file, `${plan.list.join('\n')}\n`, { mode: 0o600 });
      useList = [`--use-list=${file}`];
    }
    // 1 and 2: hash the stored file while pg_restore reads it. Owners, grants, security labels
    // (pgsodium), subscriptions and tablespaces belong to the production server, not to a copy.
    const restore = runTool(
      env.tools.path('pg_restore'),
      ['--exit-on-error', '--no-owner', '--no-privileges', '--no-security-labels', '--no-subscriptions', '--no-tablespaces', '--single-transaction', ...useList, `--dbname=${conn.url}`],
      childEnv,
      'pipe',
    );
    progress.pid = restore.child.pid;
    const m = meter((n) => {
      progress.bytes = n;
    });
    const readErr = await pipeline(env.store.read(storedObject(entry)), m.stream, tolerantSink(restore.child.stdin!)).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (readErr !== undefined) restore.child.kill('SIGKILL');
    const exit = await restore.exited;
    progress.pid = undefined;
    const restoreMs = env.clock.monotonic() - restoreStart;

    if (readErr !== undefined) {
      checks.push({ name: 'file', label: 'stored file', status: 'failed', detail: `could not read it back from ${env.store.location}: ${isOpsError(readErr) ? readErr.userMessage : errorMessage(readErr)}` });
    } else {
      const sha = m.sha256();
      const same = sha === manifest.sha256 && m.bytes() === manifest.sizeBytes;
      checks.push({
        name: 'file',
        label: 'stored file',
        status: same ? 'passed' : 'failed',
        detail: same
          ? `${formatCount(m.bytes())} bytes, SHA-256 ${sha.slice(0, 12)}… as recorded`
          : `SHA-256 is ${sha.slice(0, 12)}… (${formatCount(m.bytes())} bytes) but the manifest recorded ${manifest.sha256.slice(0, 12)}… (${formatCount(manifest.sizeBytes)} bytes): the file changed after the backup`,
      });
    }
    const restored = exit.code === 0 && !exit.signal && !exit.spawnError && readErr === undefined;
    checks.push({
      name: 'restore',
      label: 'pg_restore into a scratch database',
      status: restored ? 'passed' : 'failed',
      detail: restored
        ? `restored in ${Math.round(restoreMs)} ms${plan?.skipped.length ? `; ${skippedText(plan.skipped)}` : ''}`
        : env.redact(`${exitReason('pg_restore', exit, restore.stderr())}${excludedHint(restore.stderr(), manifest.excludedSchemas)}`),
    });

    // 3: every table, exact rows and checksum.
    let mismatches: TableMismatch[] = [];
    let rowsCompared = 0;
    if (restored) {
      progress.phase = 'comparing';
      const client = await connect(scratchUrl, 'opsbot/verify', 'the scratch database', env.connectTimeoutMs, env.logger);
      try {
        const r = await compareTables(client, manifest, progress);
        mismatches = r.mismatches;
        rowsCompared = r.rows;
      } finally {
        await client.end().catch(() => undefined);
      }
      checks.push({
        name: 'tables',
        label: 'row counts and checksums',
        status: mismatches.length ? 'failed' : 'passed',
        detail: mismatches.length
          ? `${mismatches.length} of ${manifest.tables.length} tables differ: ${mismatches.slice(0, 10).map(mismatchText).join('; ')}${mismatches.length > 10 ? '; …' : ''}`
          : `${manifest.tables.length} tables, ${formatCount(rowsCompared)} rows: every count and checksum equals the manifest`,
      });
    } else {
      checks.push({ name: 'tables', label: 'row counts and checksums', status: 'skipped', detail: 'not compared: the restore did not complete' });
    }
    const finishedAt = env.clock.now();
    return {
      backupId: entry.id,
      verdict: checks.every((c) => c.status === 'passed') ? 'passed' : 'failed',
      checks,
      mismatches,
      tablesCompared: restored ? manifest.tables.length : 0,
      rowsCompared,
      restoreMs: Math.round(restoreMs),
      skipped: (plan?.skipped ?? []).map((k) => ({ what: k.what, why: k.why })),
      scratchDatabase: scratch,
      durationMs: Math.round(env.clock.monotonic() - t0),
      startedAt,
      finishedAt,
    };
  } finally {
    await admin.query(fill(sql('backup/db/scratch-drop'), { database: identifier(scratch) })).catch((err: unknown) => {
      env.logger.warn({ err, database: scratch }, 'could not drop the scratch database');
    });
    await admin.end().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
