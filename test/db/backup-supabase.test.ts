// /backup verify on a Supabase-shaped database. The target has what a
// Supabase project has (test/support/fixtures/supabase-platform.sql): pg_stat_statements,
// pgcrypto and uuid-ossp in schema `extensions`, the API roles with grants and default
// privileges, RLS policies naming them, a publication and an event trigger whose function lives
// in `extensions`. Backups leave `extensions` out, so before the fix pg_restore stopped at
// `schema "extensions" does not exist` and no such backup could ever be verified. A policy
// naming a role the verify server lacks (made here by dropping the role after the backup) is
// left out and reported, not fatal. A real restore into the target (which has those roles)
// replaces rows only: its policies, grants and RLS stay as they were.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackupService, type BackupService } from '../../src/backup/service.js';
import { parseBackupSettings } from '../../src/backup/settings.js';
import type { BackupEntry } from '../../src/backup/types.js';
import { systemClock } from '../../src/core/clock.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { backupTools } from '../support/backup-tools.js';
import { seedSupabaseShaped } from '../support/fixture-sql.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const logger = pino({ level: 'silent' });
const tools = backupTools();
let db: TestDatabase;
let state: StateStore;
let dir: string;
let svc: BackupService;
let backup: BackupEntry | undefined;
// A role only this file knows, gone from the server by the time the backup is verified.
const gone = `opsbot_gone_${Math.random().toString(36).slice(2, 8)}`;

const one = async <T>(text: string): Promise<T> => (await db.pool.query(text)).rows[0] as T;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedSupabaseShaped(db.pool);
  await db.pool.query(`CREATE ROLE ${gone} NOLOGIN`);
  await db.pool.query(`CREATE POLICY "Auditors read quotes" ON public.quotes FOR SELECT TO ${gone}, authenticated USING (true)`);
  state = createStateStore({ url: db.url, logger, connectTimeoutMs: 5000 });
  dir = await mkdtemp(path.join(tmpdir(), 'opsbot-backup-supabase-'));
  const settings = parseBackupSettings(
    { ...tools.env, BACKUP_LOCAL_DIR: dir, VERIFY_DATABASE_URL: db.serverUrl },
    { databaseUrl: db.url, supabaseUrl: undefined, serviceRoleKey: undefined },
  );
  svc = createBackupService({ settings, state, clock: systemClock, logger, timezone: 'UTC', searchPath: process.env.PATH });
  if (!tools.problem) backup = await svc.backupNow({ actor: 'U0ONCALL' });
  // The verify server no longer has the role the policy names, like a plain server lacks anon.
  await db.pool.query(`DROP POLICY "Auditors read quotes" ON public.quotes`);
  await db.pool.query(`DROP ROLE ${gone}`);
});
afterAll(async () => {
  await state.close();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('backup verify on a Supabase-shaped database', () => {
  it('restores into a scratch database with the extensions schema it lacked, and passes', async (ctx) => {
    if (tools.problem) ctx.skip(tools.problem);
    expect(backup?.state, backup?.error ?? '').toBe('succeeded');
    expect(backup!.manifest!.excludedSchemas).toContain('extensions');
    const r = await svc.verify(backup!.id, { actor: 'U0ONCALL' });
    const restore = r.checks.find((c) => c.name === 'restore')!;
    expect(restore.detail).not.toMatch(/does not exist/);
    expect(r.verdict, r.checks.map((c) => `${c.name}: ${c.detail}`).join('\n')).toBe('passed');
    // Every table came back with its rows, the ones whose defaults call extensions.* too.
    expect(r.mismatches).toEqual([]);
    expect(r.tablesCompared).toBe(backup!.manifest!.tables.length);
    expect(backup!.manifest!.tables.map((t) => `${t.schema}.${t.name}`)).toEqual(expect.arrayContaining(['public.api_keys', 'storage.objects', 'storage.buckets']));
    expect((await svc.find(backup!.id)).verifyState).toBe('passed');
  });

  it('says what it left out and why: the policy naming a missing role, the event trigger whose function was not backed up', async (ctx) => {
    if (tools.problem) ctx.skip(tools.problem);
    const r = await svc.verify(backup!.id, { actor: 'U0ONCALL' });
    expect(r.verdict).toBe('passed');
    expect(r.skipped).toEqual(
      expect.arrayContaining([
        { what: 'policy "Auditors read quotes" on public.quotes', why: `it names role ${gone} that the verify server does not have` },
        { what: 'event trigger pgrst_ddl_watch', why: 'it runs extensions.pgrst_ddl_watch(), which lives in a schema backups leave out' },
      ]),
    );
    // Policies naming roles the server has are restored, not skipped.
    expect(r.skipped.map((s) => s.what).join('\n')).not.toMatch(/Members read|Service role manages|Owners read|Nobody anonymous/);
    expect(r.checks.find((c) => c.name === 'restore')!.detail).toMatch(/^restored in \d+ ms; left out 2 items the scratch server cannot hold: policy "Auditors read quotes" on public\.quotes \(it names role opsbot_gone_\w+ that the verify server does not have\); event trigger pgrst_ddl_watch/);
    // The verdict and what was left out are in the catalogue's verification record.
    const row = await one<{ checks: { skipped: unknown[] } }>(`SELECT checks FROM opsbot.backup_verifications WHERE backup_id = '${backup!.id}' ORDER BY id DESC LIMIT 1`);
    expect(row.checks.skipped).toHaveLength(2);
  });

  it('a real restore into the Supabase-shaped target changes rows only: policies, grants and RLS stay', async (ctx) => {
    if (tools.problem) ctx.skip(tools.problem);
    const acl = `SELECT c.relacl::text AS acl, c.relrowsecurity AS rls, (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies FROM pg_class c WHERE c.oid = 'public.leads'::regclass`;
    const before = await one<{ acl: string; rls: boolean; policies: string }>(acl);
    expect(before.rls).toBe(true);
    expect(before.acl).toMatch(/authenticated=/);
    await db.pool.query(`DELETE FROM public.leads WHERE first_name IN ('Lead 1', 'Lead 2')`);
    const r = await svc.restore({ backupId: backup!.id, tables: ['public.leads'], actor: 'U0REQ', approvedBy: ['U0A', 'U0B'] });
    expect(r.tables).toEqual([expect.objectContaining({ table: 'public.leads', rowsBefore: 18, rowsAfter: 20, expected: 20 })]);
    expect(await one(acl)).toEqual(before);
  });
});
