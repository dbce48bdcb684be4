// A fresh database per test file, cloned from the migrated template built in global-setup.
import pg from 'pg';
import { inject } from 'vitest';
import { dropDatabase, withDatabase } from './template.js';

export interface TestDatabase {
  name: string;
  url: string;
  /** URL of the server's maintenance database (for CREATE/DROP DATABASE). */
  serverUrl: string;
  kind: 'env' | 'local' | 'embedded';
  pool: pg.Pool;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('pgServerUrl');
  const template = inject('pgTemplateDb');
  const name = `opsbot_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // Cloning needs the template free of other sessions; retry briefly if another file is cloning.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`);
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== '55006' || attempt > 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  pool.on('error', () => undefined);
  return {
    name,
    url,
    serverUrl,
    kind: inject('pgServerKind'),
    pool,
    async drop() {
      await pool.end();
      await dropDatabase(serverUrl, name);
    },
  };
}
