// SQL file names are checked by the compiler: src/core/sql-names.ts lists every file under sql/,
// and sql(), the target, admin and state-store query functions and the backup helper accept only
// those names. A statement renamed or deleted without its callers then fails `tsc`, not a
// command in the middle of an incident.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listSqlNames, NAMES_FILE, SQL_ROOT, sqlNamesSource } from '../../scripts/sql-names.js';
import { fillSql, sql } from '../../src/core/sql.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory inside the checkout (so imports of src/ and node_modules resolve), removed afterwards. */
function tempDir(prefix: string): string {
  mkdirSync(path.join(root, '.tmp'), { recursive: true });
  const dir = mkdtempSync(path.join(root, '.tmp', prefix));
  scratch.push(dir);
  return dir;
}

describe('the generated list of SQL file names', () => {
  it('is current: src/core/sql-names.ts is exactly what scripts/sql-names.ts makes of sql/ now', () => {
    // When this fails: run `node scripts/sql-names.ts` (npm run build does it) and commit the result.
    expect(readFileSync(NAMES_FILE, 'utf8')).toBe(sqlNamesSource(listSqlNames()));
  });

  it('names every kind of SQL file: queries, playbook steps, state, migrations, test-only and {{placeholder}} files', () => {
    const names = listSqlNames();
    for (const n of ['queries/slowqueries/statements', 'backup/db/table-stat', 'state/audit-insert', 'migrations/001_audit_log', 'test/sleep', 'roles']) {
      expect(names).toContain(n);
    }
    // Every listed name loads.
    for (const n of names) expect(sql(n as Parameters<typeof sql>[0]).length).toBeGreaterThan(0);
  });

  it('follows a renamed file and refuses names sql() would refuse', () => {
    const dir = tempDir('sql-names-');
    mkdirSync(path.join(dir, 'queries', 'health'), { recursive: true });
    writeFileSync(path.join(dir, 'queries', 'health', 'ping.sql'), 'SELECT 1');
    writeFileSync(path.join(dir, 'queries', 'health', 'notes.txt'), 'not SQL');
    const before = sqlNamesSource(listSqlNames(dir));
    expect(before).toContain("| 'queries/health/ping';");

    rmSync(path.join(dir, 'queries', 'health', 'ping.sql'));
    writeFileSync(path.join(dir, 'queries', 'health', 'pong.sql'), 'SELECT 1');
    const after = sqlNamesSource(listSqlNames(dir));
    expect(after).not.toBe(before);
    expect(after).toContain("'queries/health/pong'");
    expect(after).not.toContain('ping');

    writeFileSync(path.join(dir, 'queries', 'health', 'Bad Name.sql'), 'SELECT 1');
    expect(() => listSqlNames(dir)).toThrow(/rename: sql\/queries\/health\/Bad Name\.sql/);
  });

  it('the script runs under Node as it is (the prebuild step) and reports the committed file current', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'sql-names.ts'), '--check'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(SQL_ROOT).toBe(path.join(root, 'sql'));
  });
});

describe('a missing SQL file name', () => {
  it('fails to compile wherever a name is passed, and the same calls with real names compile', () => {
    const dir = tempDir('sql-typecheck-');
    const rel = (p: string) => path.relative(dir, path.join(root, p)).split(path.sep).join('/');
    const header = [
      `import { sql, type SqlNameIn } from '${rel('src/core/sql.js')}';`,
      `import type { ReadOnlyTx } from '${rel('src/db/target.js')}';`,
      `import type { AdminDb, AdminQuery } from '${rel('src/db/admin.js')}';`,
      `import type { StateStore } from '${rel('src/state/store.js')}';`,
      `import { run } from '${rel('src/backup/pg-client.js')}';`,
      `import type pg from 'pg';`,
      'export async function f(tx: ReadOnlyTx, admin: AdminDb, q: AdminQuery, state: StateStore, client: pg.Client): Promise<void> {',
    ];
    // One call per line, so each error can be matched to its line.
    const calls = (name: (real: string) => string) => [
      `  sql(${name("'queries/health/ping'")});`,
      `  await tx.query(${name("'queries/health/ping'")});`,
      `  await tx.section(${name("'queries/slowqueries/statements'")}, [], { fragments: {} });`,
      `  await admin.standalone('p', ${name("'playbooks/vacuum-analyze/vacuum'")}, {});`,
      `  await q(${name("'state/audit-insert'")});`,
      `  await state.query(${name("'state/audit-insert'")});`,
      `  await state.transaction((t) => t(${name("'state/audit-insert'")}));`,
      `  await run(client, ${name("'backup/db/tables'")});`,
      `  const inAlerts: SqlNameIn<'alerts'> = ${name("'alert-get'")}; void inAlerts;`,
    ];
    const good = [...header, ...calls((real) => real), '}', ''];
    const bad = [...header, ...calls((real) => real.replace(/'$/, "-renamed'")), '}', ''];
    writeFileSync(path.join(dir, 'good.ts'), good.join('\n'));
    writeFileSync(path.join(dir, 'bad.ts'), bad.join('\n'));
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: rel('tsconfig.json'), compilerOptions: { noEmit: true, incremental: false }, include: ['good.ts', 'bad.ts'] }),
    );

    let out = '';
    try {
      execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(dir, 'tsconfig.json'), '--pretty', 'false'], {
        cwd: dir,
        encoding: 'utf8',
      });
    } catch (err) {
      out = String((err as { stdout?: string }).stdout);
    }
    const errorLines = (file: string) =>
      [...out.matchAll(new RegExp(`^${file}\\((\\d+),\\d+\\): error (TS\\d+)`, 'gm'))].map((m) => ({ line: Number(m[1]), code: m[2] }));
    // The real names compile: the check is about the names, not a broken import.
    expect(errorLines('good.ts')).toEqual([]);
    const expected = calls((r) => r).map((_c, i) => header.length + i + 1);
    expect(errorLines('bad.ts').map((e) => e.line)).toEqual(expected);
    expect(out).toMatch(/'"queries\/health\/ping-renamed"' is not assignable to (parameter of )?type 'SqlName'/);
  }, 60_000);
});

describe('fillSql', () => {
  it('fills every placeholder with its fragment and refuses to run one left unfilled', () => {
    expect(fillSql('SELECT {{a}} FROM t WHERE {{b}} AND {{a}} > 0', { a: 's.x', b: 'true' })).toBe('SELECT s.x FROM t WHERE true AND s.x > 0');
    expect(() => fillSql('SELECT {{a}}, {{c}}', { a: '1' })).toThrow(/missing SQL fragment \{\{c\}\}/);
  });
});
