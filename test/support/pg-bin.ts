// Finds PostgreSQL client tools (pg_dump, pg_restore, psql) that can dump the test server: a
// pg_dump refuses a server of a newer major version, so the backup tests need one of at least
// the server's major. Looked for in BACKUP_PG_BIN_DIR, on PATH, then in the Debian layout
// /usr/lib/postgresql/<major>/bin (which keeps several versions side by side off PATH).
import { execFileSync } from 'node:child_process';
import { readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { executable, parseToolVersion, type ToolVersion } from '../../src/backup/pg-tools.js';

export interface PgBin {
  /** Directory holding pg_dump, pg_restore and psql of a usable version; undefined when none was found. */
  binDir: string | undefined;
  /** e.g. "18.1" of the pg_dump found. */
  version: string | undefined;
  /** Why the backup tests cannot run here (the skip reason), when binDir is undefined. */
  problem: string | undefined;
}

const TOOLS = ['pg_dump', 'pg_restore', 'psql'] as const;

function versionOf(pgDump: string): ToolVersion | undefined {
  try {
    return parseToolVersion(execFileSync(pgDump, ['--version'], { encoding: 'utf8', timeout: 10_000 }));
  } catch {
    return undefined;
  }
}

/** Candidate directories, most explicit first; Debian's versioned ones newest first. */
export function candidateDirs(env: { BACKUP_PG_BIN_DIR?: string | undefined; PATH?: string | undefined }, debianRoot = '/usr/lib/postgresql'): string[] {
  let debian: string[] = [];
  try {
    debian = readdirSync(debianRoot)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => path.join(debianRoot, v, 'bin'));
  } catch {
    debian = [];
  }
  const fromPath = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  // /bin and /usr/bin are one folder on merged-/usr systems: count each real folder once.
  const real = (d: string) => {
    try {
      return realpathSync(d);
    } catch {
      return path.resolve(d);
    }
  };
  return [...new Set([...(env.BACKUP_PG_BIN_DIR ? [env.BACKUP_PG_BIN_DIR] : []), ...fromPath, ...debian].map(real))];
}

/** The first directory with all three tools whose pg_dump is at least `serverMajor`. */
export function findPgBin(serverMajor: number, env: { BACKUP_PG_BIN_DIR?: string | undefined; PATH?: string | undefined }, debianRoot?: string): PgBin {
  const seen: string[] = [];
  for (const dir of candidateDirs(env, debianRoot)) {
    if (!TOOLS.every((t) => executable(path.join(dir, t)))) continue;
    const v = versionOf(path.join(dir, 'pg_dump'));
    if (!v) continue;
    if (v.major >= serverMajor) return { binDir: dir, version: v.version, problem: undefined };
    seen.push(`${v.version} in ${dir}`);
  }
  return {
    binDir: undefined,
    version: undefined,
    problem: `no pg_dump matching server version ${serverMajor} on PATH or BACKUP_PG_BIN_DIR${seen.length ? `; found only pg_dump ${seen.join(', ')}` : ''}`,
  };
}
