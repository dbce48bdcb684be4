// sql/roles.sql applies cleanly on the Supabase-shaped schema and gives the read-only role
// what /health needs and nothing it must not have.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
const suffix = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  db = await createTestDatabase();
  // Roles are server-wide: rename them per run so parallel runs do not collide.
  const text = readFileSync(path.resolve(import.meta.dirname, '..', '..', 'sql', 'roles.sql'), 'utf8')
    .replace(/opsbot_ro\b/g, `opsbot_ro_${suffix}`)
    .replace(/opsbot_rw\b/g, `opsbot_rw_${suffix}`);
  await db.pool.query(text);
});
afterAll(async () => {
  await db.pool.query(`DROP OWNED BY opsbot_ro_${suffix}, opsbot_rw_${suffix}; DROP ROLE opsbot_ro_${suffix}; DROP ROLE opsbot_rw_${suffix};`);
  await db.drop();
});

function as(role: string, password: string): pg.Client {
  const u = new URL(db.url);
  u.username = role;
  u.password = password;
  return new pg.Client({ connectionString: u.toString() });
}

describe('sql/roles.sql', () => {
  it('the read-only role can read activity and auth audit entries but cannot write', async () => {
    const c = as(`opsbot_ro_${suffix}`, 'change-me');
    await c.connect();
    try {
      await expect(c.query('SELECT count(*) FROM pg_stat_activity')).resolves.toBeDefined();
      await expect(c.query('SELECT count(*) FROM auth.audit_log_entries')).resolves.toBeDefined();
      await expect(c.query('DELETE FROM auth.sessions')).rejects.toThrow(/permission denied|read-only/);
      await expect(c.query(`INSERT INTO public.organizations (name) VALUES ('x')`)).rejects.toThrow(/permission denied|read-only/);
    } finally {
      await c.end();
    }
  });

  it('the write role may delete sessions but cannot drop tables or change organizations', async () => {
    const c = as(`opsbot_rw_${suffix}`, 'change-me-too');
    await c.connect();
    try {
      await expect(c.query('DELETE FROM auth.sessions WHERE false')).resolves.toBeDefined();
      await expect(c.query('DROP TABLE public.leads')).rejects.toThrow(/must be owner|permission denied/);
      await expect(c.query(`UPDATE public.organizations SET name = 'x'`)).rejects.toThrow(/permission denied/);
    } finally {
      await c.end();
    }
  });
});
