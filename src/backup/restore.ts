// Restoring tables of a backup into the target database. Only the tables asked for change.
// Rows of other tables that reference them stay as they are: a restored-table row they point
// at that the backup does not have (written after the backup) is kept, and the preview says so
// for each referencing table. The run is one transaction — psql --single-transaction reading:
// locks, the referenced rows set aside, the tables emptied, the data from `pg_restore
// --data-only`, the set-aside rows the backup lacks put back, sequences never rewound, then
// checks that each table holds exactly the manifest's rows and checksum (plus what was kept)
// and that no foreign key touching them points at nothing — so it either completes verified or
// changes nothing.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { errorMessage, InputError, isOpsError, OpsError } from '../core/errors.js';
import { sql } from '../core/sql.js';
import { toolConnection } from './conn.js';
import { listArchive, type LiveProgress } from './dump.js';
import { meter } from './meter.js';
import { connect, ROW_HASH, run, tableCounts, tableFingerprints } from './pg-client.js';
import { exitReason, runTool, toolEnv, toolError, type ToolJobEnv } from './pg-tools.js';
import { fill, identifier, integer, literal, parseTableKey, qualified, tableKey, type TableRef } from './sql-fill.js';
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

/** A foreign key touching a restored table (sql/backup/db/fk-edges.sql). */
interface FkEdge {
  constraint: string;
  child: TableRef;
  parent: TableRef;
  childColumns: string[];
  parentColumns: string[];
}

async function fkEdges(client: pg.ClientBase, tables: string[]): Promise<FkEdge[]> {
  const rows = await run<{ constraint: string; child_schema: string; child_name: string; parent_schema: string; parent_name: string; child_columns: string[]; parent_columns: string[] }>(
    client,
    'backup/db/fk-edges',
    [tables],
  );
  return rows.map((r) => ({
    constraint: r.constraint,
    child: { schema: r.child_schema, name: r.child_name },
    parent: { schema: r.parent_schema, name: r.parent_name },
    childColumns: r.child_columns,
    parentColumns: r.parent_columns,
  }));
}

const col = (alias: string, name: string) => `${alias}.${identifier(name)}`;
const notNull = (alias: string, cols: string[]) => cols.map((c) => `${col(alias, c)} IS NOT NULL`).join(' AND ');
const matches = (a: string, aCols: string[], b: string, bCols: string[]) => aCols.map((c, i) => `${col(a, c)} = ${col(b, bCols[i]!)}`).join(' AND ');

/**
 * What a restore of `requested` does (read-only): only those tables are replaced. Rows of other
 * tables that reference them are listed with what happens to them (they are not changed, and a
 * row they point at that the backup lacks is kept); foreign keys from the restored tables to
 * others are listed too (a backup row whose parent is gone stops the restore).
 */
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
    const onTarget = new Set((await run<{ schema: string; name: string }>(client, 'backup/db/tables', [[], wanted])).map(tableKey));
    const absent = wanted.filter((k) => !onTarget.has(k));
    if (absent.length) {
      throw new InputError(`${list(absent)} does not exist in the target database. A restore replaces the rows of existing tables; recreate the table first.`);
    }
    const set = new Set(wanted);
    const edges = await fkEdges(client, wanted);
    const referencing: RestorePlan['referencing'] = [];
    for (const e of edges.filter((x) => set.has(tableKey(x.parent)) && !set.has(tableKey(x.child)))) {
      const { rows } = await client.query<{ n: string }>(fill(sql('backup/db/fk-referencing-rows'), { child: qualified(e.child), not_null: notNull('c', e.childColumns) }));
      referencing.push({ table: tableKey(e.child), references: tableKey(e.parent), constraint: e.constraint, rows: Number(rows[0]?.n ?? 0) });
    }
    const parents = edges
      .filter((x) => set.has(tableKey(x.child)) && !set.has(tableKey(x.parent)))
      .map((e) => ({ table: tableKey(e.child), references: tableKey(e.parent), constraint: e.constraint }));
    const tables = wanted.sort().map(parseTableKey);
    const now = await tableFingerprints(client, tables);
    await client.query('COMMIT');
    return {
      backupId: entry.id,
      backupStartedAt: entry.startedAt,
      verifyState: entry.verifyState,
      sha256: manifest.sha256,
      requested: wanted,
      referencing,
      parents,
      tables: tables.map((t) => ({
        table: tableKey(t),
        currentRows: now.get(tableKey(t))?.rows ?? 0,
        currentDigest: now.get(tableKey(t))?.digest ?? '0',
        backupRows: inBackup.get(tableKey(t))!.rows,
      })),
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
  /** Rows not in the backup kept because rows of other tables reference them. */
  kept: number;
}

export interface RestoreOutcome {
  tables: TableOutcome[];
  /** Warnings from the in-transaction check (content checksum differs, count equal). */
  notes: string[];
}

/** The psql script around the data: what runs before it (locks, set-aside rows) and after it (put back, checks). */
async function restoreScript(client: pg.ClientBase, env: RestoreEnv, tables: TableStat[], sequences: string[]): Promise<{ before: string; after: string }> {
  const set = new Set(tables.map(tableKey));
  const edges = await fkEdges(client, [...set]);
  const outside = [...new Set(edges.filter((e) => set.has(tableKey(e.parent)) && !set.has(tableKey(e.child))).map((e) => tableKey(e.child)))];
  const before = [
    fill(sql('backup/restore/prelude'), { tables: tables.map(qualified).join(', '), lock_timeout_ms: integer(env.restoreLockTimeoutMs) }),
    ...(outside.length ? [fill(sql('backup/restore/lock-referencing'), { tables: outside.map((k) => qualified(parseTableKey(k))).join(', ') })] : []),
    fill(sql('backup/restore/sequences-before'), { sequences: `ARRAY[${sequences.map((k) => literal(qualified(parseTableKey(k)))).join(', ')}]::text[]` }),
  ];
  const after: string[] = [sql('backup/restore/sequences-after')];
  for (const [i, t] of tables.entries()) {
    const keep = identifier(`opsbot_keep_${i}`);
    const incoming = edges.filter((e) => tableKey(e.parent) === tableKey(t) && !set.has(tableKey(e.child)));
    const referenced = incoming.length
      ? incoming.map((e) => `EXISTS (SELECT 1 FROM ${qualified(e.child)} AS c WHERE ${matches('c', e.childColumns, 't', e.parentColumns)})`).join(' OR ')
      : 'false';
    const inBackup = incoming.length
      ? incoming.map((e) => `EXISTS (SELECT 1 FROM ${qualified(t)} AS x WHERE ${matches('x', e.parentColumns, 'k', e.parentColumns)})`).join(' OR ')
      : 'false';
    const columns = (await run<{ name: string }>(client, 'backup/db/insertable-columns', [t.schema, t.name])).map((c) => identifier(c.name)).join(', ');
    before.push(fill(sql('backup/restore/keep'), { keep, table: qualified(t), referenced }));
    after.push(fill(sql('backup/restore/keep-back'), { keep, table: qualified(t), in_backup: inBackup, columns }));
  }
  after.push(sql('backup/restore/check-settings'));
  for (const [i, t] of tables.entries()) {
    after.push(
      fill(sql('backup/restore/check'), {
        table: qualified(t),
        keep: identifier(`opsbot_keep_${i}`),
        table_literal: literal(tableKey(t)),
        row_hash: ROW_HASH[t.method],
        rows: integer(t.rows),
        checksum: integer(t.checksum),
      }),
    );
  }
  for (const e of edges) {
    after.push(
      fill(sql('backup/restore/check-fk'), {
        child: qualified(e.child),
        parent: qualified(e.parent),
        not_null: notNull('c', e.childColumns),
        join: matches('p', e.parentColumns, 'c', e.childColumns),
        child_literal: literal(tableKey(e.child)),
        parent_literal: literal(tableKey(e.parent)),
        constraint_literal: literal(e.constraint),
      }),
    );
  }
  return { before: before.join('\n'), after: after.join('\n') };
}

/**
 * Replaces the rows of `tableKeys` with the backup's, in one verified transaction; no other
 * table changes. The caller has checked the file's integrity (checkIntegrity) and taken the
 * safety backup.
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
    const owned = (await run<{ schema: string; name: string }>(client, 'backup/db/owned-sequences', [tableKeys])).map(tableKey);
    const sequences = new Set(owned);
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
    const script = await restoreScript(client, env, tables, owned);
    const prelude = script.before;
    const checks = script.after;

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
      tables: tables.map((t) => {
        const rowsAfter = after.get(tableKey(t)) ?? 0;
        return { table: tableKey(t), rowsBefore: before.get(tableKey(t)) ?? 0, rowsAfter, expected: t.rows, kept: Math.max(0, rowsAfter - t.rows) };
      }),
      notes,
    };
  } finally {
    await client.end().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
