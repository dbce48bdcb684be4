// Where the backup tests find pg_dump, pg_restore and psql (test/support/pg-bin.ts): a pg_dump
// refuses a server of a newer major, so a wrong pick would make every backup test fail, and a
// missed one would skip them all. Each case builds folders of stand-in tools that print a
// version the way pg_dump --version does.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { candidateDirs, findPgBin } from '../support/pg-bin.js';

const root = mkdtempSync(path.join(tmpdir(), 'opsbot-pg-bin-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder of stand-in client tools; `versionLine` is what its pg_dump --version prints. */
function tools(dir: string, versionLine: string, names: readonly string[] = ['pg_dump', 'pg_restore', 'psql']): string {
  const bin = path.join(root, dir);
  mkdirSync(bin, { recursive: true });
  for (const name of names) writeFileSync(path.join(bin, name), `#!/bin/sh\necho '${name === 'pg_dump' ? versionLine : `${name} (PostgreSQL) 0`}'\n`, { mode: 0o755 });
  return bin;
}
const pgDump = (v: string) => `pg_dump (PostgreSQL) ${v}`;

const old14 = tools('path-a', pgDump('14.9 (Debian 14.9-1)'));
const new16 = tools('path-b', pgDump('16.2'));
const beta18 = tools('path-c', pgDump('18beta1'));
const noRestore = tools('path-no-restore', pgDump('17.0'), ['pg_dump', 'psql']);
const garbled = tools('path-garbled', 'pg_dump: command not found');
const notExecutable = tools('path-not-executable', pgDump('17.0'));
chmodSync(path.join(notExecutable, 'pg_dump'), 0o644);
const debianRoot = path.join(root, 'usr-lib-postgresql');
for (const v of ['9', '13', '17']) tools(path.join('usr-lib-postgresql', v, 'bin'), pgDump(`${v}.4`));
mkdirSync(path.join(debianRoot, 'notes'), { recursive: true });
const noDebian = path.join(root, 'no-such-root');
const PATH = (...dirs: string[]) => dirs.join(path.delimiter);

describe('findPgBin: the first folder whose tools can dump the server', () => {
  it('takes the first folder on PATH with a pg_dump of at least the server major, passing over older ones', () => {
    expect(findPgBin(15, { PATH: PATH(old14, new16) }, noDebian)).toEqual({ binDir: new16, version: '16.2', problem: undefined });
    // An older server: the first folder already fits.
    expect(findPgBin(14, { PATH: PATH(old14, new16) }, noDebian)).toMatchObject({ binDir: old14, version: '14.9' });
    // A pre-release version counts by its major.
    expect(findPgBin(18, { PATH: PATH(old14, new16, beta18) }, noDebian)).toMatchObject({ binDir: beta18, version: '18beta1' });
  });

  it('BACKUP_PG_BIN_DIR comes before PATH; when it is too old, PATH still counts', () => {
    expect(findPgBin(15, { BACKUP_PG_BIN_DIR: beta18, PATH: PATH(new16) }, noDebian)).toMatchObject({ binDir: beta18, version: '18beta1' });
    expect(findPgBin(15, { BACKUP_PG_BIN_DIR: old14, PATH: PATH(new16) }, noDebian)).toMatchObject({ binDir: new16, version: '16.2' });
  });

  it('passes over a folder missing pg_restore, one whose pg_dump prints no version and one whose pg_dump cannot run', () => {
    expect(findPgBin(15, { PATH: PATH(noRestore, garbled, notExecutable, new16) }, noDebian)).toMatchObject({ binDir: new16 });
  });

  it('finds the Debian layout /usr/lib/postgresql/<major>/bin off PATH, newest major first', () => {
    expect(candidateDirs({ PATH: '' }, debianRoot)).toEqual(['17', '13', '9'].map((v) => path.join(debianRoot, v, 'bin')));
    expect(findPgBin(15, { PATH: '' }, debianRoot)).toEqual({ binDir: path.join(debianRoot, '17', 'bin'), version: '17.4', problem: undefined });
    // PATH is asked first: a matching pg_dump there wins over a newer Debian one.
    expect(findPgBin(15, { PATH: PATH(new16) }, debianRoot)).toMatchObject({ binDir: new16 });
  });

  it('counts a folder once however it is reached (a symlink on PATH, a trailing slash)', () => {
    const link = path.join(root, 'link-to-b');
    symlinkSync(new16, link);
    expect(candidateDirs({ BACKUP_PG_BIN_DIR: `${new16}/`, PATH: PATH(link, new16, old14) }, noDebian)).toEqual([new16, old14]);
  });

  it('says why the backup tests cannot run: the version needed and every pg_dump it found', () => {
    const none = findPgBin(19, { BACKUP_PG_BIN_DIR: old14, PATH: PATH(new16) }, debianRoot);
    expect(none.binDir).toBeUndefined();
    expect(none.version).toBeUndefined();
    expect(none.problem).toBe(
      `no pg_dump matching server version 19 on PATH or BACKUP_PG_BIN_DIR; found only pg_dump 14.9 in ${old14}, 16.2 in ${new16}, ` +
        ['17', '13', '9'].map((v) => `${v}.4 in ${path.join(debianRoot, v, 'bin')}`).join(', '),
    );
    expect(findPgBin(15, { PATH: PATH(garbled) }, noDebian).problem).toBe('no pg_dump matching server version 15 on PATH or BACKUP_PG_BIN_DIR');
  });
});
