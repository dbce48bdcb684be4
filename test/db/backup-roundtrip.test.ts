// Backup → verify on the Supabase-shaped fixture with data in every
// table; counts and checksums taken in the dump's own snapshot; a changed byte in the stored
// file fails the verification and says which check failed.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../src/backup/local-store.js';
import { createBackupService, type BackupService } from '../../src/backup/service.js';
import { parseBackupSettings } from '../../src/backup/settings.js';
import type { BackupStore } from '../../src/backup/store.js';
import { systemClock } from '../../src/core/clock.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { backupTools } from '../support/backup-tools.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const logger = pino({ level: 'silent' });
let db: TestDatabase;
let state: StateStore;
let dir: string;
let svc: BackupService;
let noDump: string | undefined;

const FIXTURE_TABLES = [
  'auth.audit_log_entries',
  'auth.refresh_tokens',
  'auth.sessions',
  'auth.users',
  'public.integrations',
  'public.interactions',
  'public.leads',
  'public.organizations',
  'public.profiles',
  'public.quotes',
  'public.user_roles',
  'public.vehicles',
];

/** Data in every fixture table, including awkward values (NULLs, jsonb, numeric, inet, enums, timestamps). */
async function seed(pool: TestDatabase['pool']): Promise<void> {
  await pool.query(`
    INSERT INTO auth.users (id, email, created_at, raw_app_meta_data, phone)
      SELECT gen_random_uuid(), 'u' || g || '@maple.test', now() - g * interval '1 hour', '{"provider":"email"}', CASE WHEN g % 3 = 0 THEN NULL ELSE '+1555' || g END
      FROM generate_series(1, 50) g;
    INSERT INTO auth.sessions (id, user_id, aal, ip, refreshed_at) SELECT gen_random_uuid(), id, 'aal1', '10.0.0.1', now()::timestamp FROM auth.users;
    INSERT INTO auth.refresh_tokens (token, user_id, session_id, revoked) SELECT md5(s.id::text), s.user_id::text, s.id, false FROM auth.sessions s;
    INSERT INTO auth.audit_log_entries (id, payload, created_at) SELECT gen_random_uuid(), json_build_object('action', 'login', 'n', g), now() FROM generate_series(1, 30) g;
    INSERT INTO public.organizations (name) VALUES ('Maple Motors'), ('Birch Autos');
    INSERT INTO public.profiles (id, organization_id, full_name, email)
      SELECT u.id, (SELECT id FROM public.organizations ORDER BY name LIMIT 1), 'User ' || u.email, u.email FROM auth.users u;
    INSERT INTO public.user_roles (user_id, organization_id, role) SELECT p.id, p.organization_id, 'sales' FROM public.profiles p;
    INSERT INTO public.leads (organization_id, first_name, email) SELECT o.id, 'Lead ' || g, 'lead' || g || '@example.com' FROM public.organizations o, generate_series(1, 40) g;
    INSERT INTO public.vehicles (organization_id, vin, make, model, year, price)
      SELECT o.id, md5(o.id::text || g), 'Ford', 'F-150', 2020 + g % 5, 30000.25 + g FROM public.organizations o, generate_series(1, 10) g;
    INSERT INTO public.quotes (organization_id, lead_id, vehicle_id, amount)
      SELECT l.organization_id, l.id, (SELECT v.id FROM public.vehicles v WHERE v.organization_id = l.organization_id ORDER BY v.vin LIMIT 1), 25000.50 FROM public.leads l;
    INSERT INTO public.interactions (organization_id, lead_id, content, created_at)
      SELECT l.organization_id, l.id, 'Asked about trade-in ' || g, now() - g * interval '1 day' FROM public.leads l, generate_series(1, 3) g;
    INSERT INTO public.integrations (organization_id, provider, config) SELECT id, 'twilio', '{"from": "+15550100"}' FROM public.organizations;
  `);
}

/** Why pg_dump cannot dump this server (client older than server), or undefined when it can. */
async function dumpProblem(_pool: TestDatabase['pool']): Promise<string | undefined> {
  return Promise.resolve(backupTools().problem);
}

/** Holds the dump stream after its first chunk until released (a long-running dump, on demand). */
function gatedStore(inner: BackupStore) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let reached!: () => void;
  const held = new Promise<void>((r) => (reached = r));
  const store: BackupStore = {
    ...inner,
    begin(key, contentType) {
      const up = inner.begin(key, contentType);
      if (!key.endsWith('.dump')) return up;
      const stream = new Writable({
        write(chunk: Buffer, _enc, cb) {
          reached();
          void gate.then(() => up.stream.write(chunk, cb));
        },
        final(cb) {
          up.stream.end(cb);
        },
      });
      up.stream.on('error', (err) => stream.destroy(err));
      return { stream, commit: () => up.commit(), abort: async () => (stream.destroy(), up.abort()) };
    },
  };
  return { store, release, held };
}

function service(store?: BackupStore): BackupService {
  const settings = parseBackupSettings(
    { ...backupTools().env, BACKUP_LOCAL_DIR: dir, VERIFY_DATABASE_URL: db.serverUrl, BACKUP_PROGRESS_SECONDS: '1' },
    { databaseUrl: db.url, supabaseUrl: undefined, serviceRoleKey: undefined },
  );
  return createBackupService({ settings, state, clock: systemClock, logger, timezone: 'America/New_York', searchPath: process.env.PATH, ...(store ? { store } : {}) });
}

const count = async (table: string) => Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

beforeAll(async () => {
  db = await createTestDatabase();
  await seed(db.pool);
  state = createStateStore({ url: db.url, logger, connectTimeoutMs: 5000 });
  dir = await mkdtemp(path.join(tmpdir(), 'opsbot-backup-rt-'));
  svc = service();
  noDump = await dumpProblem(db.pool);
});
afterAll(async () => {
  await state.close();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('backup → verify round trip', () => {
  let id: string;

  it('backs up every table with exact counts, a SHA-256 of the stored file and a manifest next to it', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const entry = await svc.backupNow({ actor: 'U0ONCALL' });
    expect(entry.error).toBeNull();
    expect(entry.state).toBe('succeeded');
    id = entry.id;
    const m = entry.manifest!;
    expect(m.tables.map((t) => `${t.schema}.${t.name}`)).toEqual(FIXTURE_TABLES);
    for (const t of m.tables) {
      expect(t.rows, `${t.schema}.${t.name}`).toBe(await count(`${t.schema}.${t.name}`));
      expect(t.rows, `${t.schema}.${t.name} has data`).toBeGreaterThan(0);
    }
    // The bot's own schema is never in a backup.
    expect(m.tables.some((t) => t.schema === 'opsbot')).toBe(false);
    const file = path.join(dir, `${id}.dump`);
    const bytes = readFileSync(file);
    expect(bytes.length).toBe(entry.sizeBytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256);
    expect(bytes.subarray(0, 5).toString()).toBe('PGDMP');
    expect(JSON.parse(readFileSync(path.join(dir, `${id}.manifest.json`), 'utf8'))).toMatchObject({ id, sha256: entry.sha256, tables: m.tables });
    expect(m.serverVersion).toMatch(/^\d+/);
    expect(m.clientVersion).toMatch(/^\d+/);
    expect(m.toc.tableData).toBe(FIXTURE_TABLES.length);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('verifies it: scratch restore, every count and checksum equal, scratch database dropped, verdict recorded', async (ctx) => {
    if (noDump || !id) ctx.skip(noDump ?? 'no backup');
    const r = await svc.verify('latest', { actor: 'U0ONCALL' });
    expect(r.backupId).toBe(id);
    expect(r.checks.map((c) => [c.name, c.status])).toEqual([
      ['file', 'passed'],
      ['restore', 'passed'],
      ['tables', 'passed'],
    ]);
    expect(r.verdict).toBe('passed');
    expect(r.tablesCompared).toBe(FIXTURE_TABLES.length);
    expect(r.mismatches).toEqual([]);
    // Its own scratch database only: other files verify backups on this server at the same time.
    expect(r.scratchDatabase).toMatch(/^opsbot_verify_[0-9a-f]{10}$/);
    const { rows } = await db.pool.query('SELECT datname FROM pg_database WHERE datname = $1', [r.scratchDatabase]);
    expect(rows).toEqual([]);
    const entry = await svc.find(id);
    expect(entry.verifyState).toBe('passed');
    const audit = await state.query('state/audit-recent', [5, 'backup.verified']);
    expect(audit[0]).toMatchObject({ actor: 'U0ONCALL', outcome: 'passed' });
  });

  it('a changed byte in the stored file fails verification and names the check', async (ctx) => {
    if (noDump || !id) ctx.skip(noDump ?? 'no backup');
    const file = path.join(dir, `${id}.dump`);
    const original = readFileSync(file);
    const changed = Buffer.from(original);
    const at = Math.floor(changed.length * 0.6);
    changed[at] = changed[at]! ^ 0xff;
    writeFileSync(file, changed);
    try {
      const r = await svc.verify(id, { actor: 'U0ONCALL' });
      expect(r.verdict).toBe('failed');
      const file = r.checks.find((c) => c.name === 'file')!;
      expect(file.status).toBe('failed');
      expect(file.detail).toMatch(/SHA-256 is .* but the manifest recorded .*: the file changed after the backup/);
      expect((await svc.find(id)).verifyState).toBe('failed');
      // Its own scratch database only: other files verify backups on this server at the same time.
    expect(r.scratchDatabase).toMatch(/^opsbot_verify_[0-9a-f]{10}$/);
    const { rows } = await db.pool.query('SELECT datname FROM pg_database WHERE datname = $1', [r.scratchDatabase]);
      expect(rows).toEqual([]);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('counts rows in the snapshot pg_dump reads: rows committed during the dump are in neither', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const gated = gatedStore(createLocalStore({ dir }));
    const slow = service(gated.store);
    const running = slow.backupNow({ actor: 'U0ONCALL' });
    await gated.held;
    // pg_dump has written its first byte, so its snapshot is fixed: these rows come too late.
    await db.pool.query(`INSERT INTO public.interactions (organization_id, content) SELECT id, 'late' FROM public.organizations`);
    const before = await count('public.interactions');
    gated.release();
    const entry = await running;
    expect(entry.state).toBe('succeeded');
    const manifestRows = entry.manifest!.tables.find((t) => t.name === 'interactions')!.rows;
    expect(manifestRows).toBe(before - 2);
    const r = await slow.verify(entry.id, { actor: 'U0ONCALL' });
    expect(r.verdict).toBe('passed');
    expect(existsSync(path.join(dir, `${entry.id}.dump`))).toBe(true);
  });
});
