// /backup verify of a Supabase-shaped dump on a plain PostgreSQL server. The target (on the test
// server) has what a Supabase project has (test/support/fixtures/supabase-platform.sql): the
// extensions schema with pg_stat_statements, pgcrypto and uuid-ossp; the API roles anon,
// authenticated and service_role with grants, default privileges and RLS policies naming them;
// a publication; an event trigger whose function lives in `extensions`. The verify server is a
// second cluster started for this file with initdb: none of those roles, schemas or extensions.
// Verify must restore into it and pass, and say what it left out and why.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBackupService, type BackupService } from '../../src/backup/service.js';
import { parseBackupSettings } from '../../src/backup/settings.js';
import type { BackupEntry } from '../../src/backup/types.js';
import { systemClock } from '../../src/core/clock.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { backupTools } from '../support/backup-tools.js';
import { seedSupabaseShaped } from '../support/fixture-sql.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { findServerBin, startPlainCluster, type PlainCluster } from '../support/plain-cluster.js';

const logger = pino({ level: 'silent' });
const tools = backupTools();
let problem: string | undefined = tools.problem;
let db: TestDatabase;
let plain: PlainCluster | undefined;
let state: StateStore;
let dir: string;
let svc: BackupService;
let backup: BackupEntry | undefined;

async function onPlain<T extends pg.QueryResultRow>(sqlText: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: plain!.url });
  await c.connect();
  try {
    return (await c.query<T>(sqlText)).rows;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  await seedSupabaseShaped(db.pool);
  state = createStateStore({ url: db.url, logger, connectTimeoutMs: 5000 });
  dir = await mkdtemp(path.join(tmpdir(), 'opsbot-backup-plain-'));
  if (problem) return;
  const server = await findServerBin(inject('pgServerMajor'), { BACKUP_PG_BIN_DIR: process.env.BACKUP_PG_BIN_DIR, PATH: process.env.PATH });
  if (!server.binDir) {
    problem = server.problem;
    return;
  }
  plain = await startPlainCluster(server.binDir);
  const settings = parseBackupSettings(
    { ...tools.env, BACKUP_LOCAL_DIR: dir, VERIFY_DATABASE_URL: plain.url },
    { databaseUrl: db.url, supabaseUrl: undefined, serviceRoleKey: undefined },
  );
  svc = createBackupService({ settings, state, clock: systemClock, logger, timezone: 'UTC', searchPath: process.env.PATH });
  backup = await svc.backupNow({ actor: 'U0ONCALL' });
}, 180_000);
afterAll(async () => {
  await state?.close();
  await db?.drop();
  await plain?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('backup verify of a Supabase-shaped dump on a plain PostgreSQL server', () => {
  it('the verify server really is plain: no Supabase roles, schemas or extensions', async (ctx) => {
    if (problem) ctx.skip(problem);
    expect(await onPlain(`SELECT rolname FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role', 'authenticator', 'supabase_admin', 'supabase_storage_admin')`)).toEqual([]);
    expect(await onPlain(`SELECT nspname FROM pg_namespace WHERE nspname IN ('extensions', 'auth', 'storage')`)).toEqual([]);
    expect(await onPlain(`SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'`)).toEqual([]);
    // The target does have them, so the dump carries grants, policies and defaults naming them.
    expect((await db.pool.query(`SELECT 1 FROM pg_policy WHERE 'authenticated'::regrole = ANY (polroles)`)).rowCount).toBeGreaterThan(0);
  });

  it('restores into a scratch database there and passes: every table back with its rows', async (ctx) => {
    if (problem) ctx.skip(problem);
    expect(backup?.state, backup?.error ?? '').toBe('succeeded');
    expect(backup!.manifest!.excludedSchemas).toContain('extensions');
    const r = await svc.verify(backup!.id, { actor: 'U0ONCALL' });
    const detail = r.checks.map((c) => `${c.name}: ${c.detail}`).join('\n');
    expect(r.verdict, detail).toBe('passed');
    expect(r.checks.find((c) => c.name === 'restore')!.detail).not.toMatch(/does not exist/);
    expect(r.mismatches).toEqual([]);
    expect(r.tablesCompared).toBe(backup!.manifest!.tables.length);
    expect(backup!.manifest!.tables.map((t) => `${t.schema}.${t.name}`)).toEqual(expect.arrayContaining(['public.leads', 'public.api_keys', 'storage.objects', 'auth.users']));
    expect((await svc.find(backup!.id)).verifyState).toBe('passed');
    // The scratch database is gone from the verify server afterwards.
    expect(await onPlain(`SELECT datname FROM pg_database WHERE datname = '${r.scratchDatabase}'`)).toEqual([]);
  });

  it('says what it left out and why: each policy naming a role the server lacks, and the event trigger', async (ctx) => {
    if (problem) ctx.skip(problem);
    const r = await svc.verify(backup!.id, { actor: 'U0ONCALL' });
    expect(r.verdict).toBe('passed');
    const missing = (what: string, role: string) => ({ what, why: `it names role ${role} that the verify server does not have` });
    expect(r.skipped).toEqual(
      expect.arrayContaining([
        missing(`policy "Members read their organization's leads" on public.leads`, 'authenticated'),
        missing('policy "Service role manages leads" on public.leads', 'service_role'),
        missing('policy "Owners read their objects" on storage.objects', 'authenticated'),
        { what: 'event trigger pgrst_ddl_watch', why: 'it runs extensions.pgrst_ddl_watch(), which lives in a schema backups leave out' },
      ]),
    );
    expect(r.skipped.map((s) => s.what)).toContain('policy "Nobody anonymous" on public.interactions');
    // The restore check's own line lists them, so `/backup verify` shows it in Slack.
    const restore = r.checks.find((c) => c.name === 'restore')!.detail;
    expect(restore).toMatch(new RegExp(`^restored in \\d+ ms; left out ${r.skipped.length} items the scratch server cannot hold: `));
    expect(restore).toContain('policy "Service role manages leads" on public.leads (it names role service_role that the verify server does not have)');
  });
});
