import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../src/state/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe('state migrations', () => {
  it('are recorded in the template and re-running applies nothing', async () => {
    const client = await db.pool.connect();
    try {
      const result = await migrate(client);
      expect(result.applied).toEqual([]);
      expect(result.alreadyApplied).toBe(listMigrations().length);
    } finally {
      client.release();
    }
  });

  it('with nothing to apply take no lock: a start is not held up by a replica that is migrating', async () => {
    const other = await db.pool.connect();
    const client = await db.pool.connect();
    try {
      await other.query('SELECT pg_advisory_lock(7346221001)');
      const outcome = await Promise.race([migrate(client).then((r) => r.applied.length), new Promise((r) => setTimeout(() => r('waited for the lock'), 5000))]);
      expect(outcome).toBe(0);
    } finally {
      await other.query('SELECT pg_advisory_unlock(7346221001)');
      other.release();
      client.release();
    }
  });

  it('apply from scratch on an empty database, each recorded with its checksum', async () => {
    const admin = new pg.Client({ connectionString: db.serverUrl });
    await admin.connect();
    const name = `${db.name}_empty`;
    await admin.query(`CREATE DATABASE ${name}`);
    const c = new pg.Client({ connectionString: db.url.replace(db.name, name) });
    await c.connect();
    try {
      const result = await migrate(c);
      expect(result.applied.map((m) => m.version)).toEqual(listMigrations().map((m) => m.version));
      const { rows } = await c.query('SELECT version, checksum FROM opsbot.schema_migrations ORDER BY version');
      expect(rows.map((r: { checksum: string }) => r.checksum)).toEqual(listMigrations().map((m) => m.checksum));
    } finally {
      await c.end();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('refuse to start when an applied migration was edited', async () => {
    const client = await db.pool.connect();
    try {
      const edited = listMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'changed' } : m));
      await expect(migrate(client, edited)).rejects.toThrow(/changed after it was applied/);
    } finally {
      client.release();
    }
  });

  it('roll back a failing migration completely', async () => {
    const client = await db.pool.connect();
    try {
      const bad = [...listMigrations(), { version: 999, name: 'bad', checksum: 'x', text: 'CREATE TABLE opsbot.half_done (id int); SELECT 1/0;' }];
      await expect(migrate(client, bad)).rejects.toThrow(/999_bad failed and was rolled back/);
      const { rows } = await client.query(`SELECT to_regclass('opsbot.half_done') AS t, (SELECT count(*) FROM opsbot.schema_migrations WHERE version = 999)::int AS n`);
      expect(rows[0]).toEqual({ t: null, n: 0 });
    } finally {
      client.release();
    }
  });

  it('make the audit log append-only', async () => {
    await db.pool.query(`INSERT INTO opsbot.audit_log (actor, action, outcome) VALUES ('U1', 'command', 'ok')`);
    await expect(db.pool.query(`UPDATE opsbot.audit_log SET outcome = 'x'`)).rejects.toThrow(/append-only/);
    await expect(db.pool.query(`DELETE FROM opsbot.audit_log`)).rejects.toThrow(/append-only/);
    await expect(db.pool.query(`TRUNCATE opsbot.audit_log`)).rejects.toThrow(/append-only/);
  });
});
