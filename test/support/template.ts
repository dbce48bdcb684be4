// Builds the migrated template database that every test file clones.
import pg from 'pg';
import { migrate } from '../../src/state/migrate.js';
import { fixtureSql } from './fixture-sql.js';


export function withDatabase(serverUrl: string, db: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${db}`;
  return u.toString();
}

export async function dropDatabase(serverUrl: string, db: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(db)} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

export async function buildTemplate(serverUrl: string): Promise<string> {
  const name = `opsbot_tpl_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const c = new pg.Client({ connectionString: withDatabase(serverUrl, name) });
  await c.connect();
  try {
    await c.query(fixtureSql('supabase'));
    await migrate(c);
  } finally {
    await c.end();
  }
  return name;
}
