// restore-backup never replaces rows the approvers did not see. Its scope is the named tables,
// as they were at the preview, from the backup pinned then. Swapped: a newer backup that becomes
// "latest" after the preview is not the one restored; rows of a restored table changed before
// approval (same count) stop the run. Added before approval: rows written to a restored table
// stop the run, nothing changes; rows of other tables are never touched. Added during the run:
// a write that waits behind the restore's lock lands after it and is kept.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { restoreBackupPlaybook } from '../../playbooks/restore-backup.js';
import { createBackupService, type BackupService } from '../../src/backup/service.js';
import { parseBackupSettings } from '../../src/backup/settings.js';
import type { BackupEntry } from '../../src/backup/types.js';
import { systemClock } from '../../src/core/clock.js';
import type { PlaybookRequest } from '../../src/playbooks/request.js';
import type { Playbook } from '../../src/playbooks/types.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { backupTools } from '../support/backup-tools.js';
import { engineHarness, type EngineHarness } from '../support/playbooks.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const logger = pino({ level: 'silent' });
const tools = backupTools();
let db: TestDatabase;
let state: StateStore;
let dir: string;
let svc: BackupService;
let h: EngineHarness;

const n = async (sqlText: string, params: unknown[] = []) => Number((await db.pool.query<{ n: string }>(sqlText, params)).rows[0]!.n);
const content = async (table: string) =>
  (await db.pool.query<{ h: string | null }>(`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${table} t`)).rows[0]!.h;
const leadNames = async () => (await db.pool.query<{ first_name: string }>('SELECT first_name FROM public.leads ORDER BY first_name')).rows.map((r) => r.first_name);

beforeAll(async () => {
  db = await createTestDatabase();
  state = createStateStore({ url: db.url, logger, connectTimeoutMs: 5000 });
  dir = await mkdtemp(path.join(tmpdir(), 'opsbot-restore-scope-'));
  // The restore's lock waits long enough for the test to queue a write behind it.
  const settings = parseBackupSettings(
    { ...tools.env, BACKUP_LOCAL_DIR: dir, VERIFY_DATABASE_URL: db.serverUrl, BACKUP_RESTORE_LOCK_TIMEOUT_MS: '30000' },
    { databaseUrl: db.url, supabaseUrl: undefined, serviceRoleKey: undefined },
  );
  svc = createBackupService({ settings, state, clock: systemClock, logger, timezone: 'UTC', searchPath: process.env.PATH });
  h = engineHarness(db.url, { registry: [restoreBackupPlaybook(svc, 'UTC')] as unknown as readonly Playbook<unknown>[] });
});
afterAll(async () => {
  await h.close();
  await state.close();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.pool.query(`
    DELETE FROM public.interactions; DELETE FROM public.quotes; DELETE FROM public.leads; DELETE FROM public.organizations;
    INSERT INTO public.organizations (name) VALUES ('Scope Motors');
    INSERT INTO public.leads (organization_id, first_name) SELECT id, 'Lead ' || g FROM public.organizations, generate_series(1, 10) g;
    INSERT INTO public.interactions (organization_id, lead_id, content) SELECT organization_id, id, 'call' FROM public.leads;
  `);
});

/** A verified backup of the current state (restores need one without force). */
async function verifiedBackup(): Promise<BackupEntry> {
  const b = await svc.backupNow({ actor: 'U0ONCALL' });
  expect(b.state, b.error ?? '').toBe('succeeded');
  expect((await svc.verify(b.id, { actor: 'U0ONCALL' })).verdict).toBe('passed');
  return b;
}
const ask = async (rawParams: Record<string, string>) => (await h.engine.request({ playbookId: 'restore-backup', rawParams, requestedBy: 'U0REQ', channel: 'C0OPS' })).request;
async function approveTwice(id: string): Promise<PlaybookRequest> {
  expect((await h.engine.approve(id, 'U0APPROVER1')).kind).toBe('recorded');
  const second = await h.engine.approve(id, 'U0APPROVER2');
  if (second.kind !== 'started') throw new Error(`expected the run to start, got ${second.kind}`);
  return second.done;
}
const addLead = (name: string) => db.pool.query(`INSERT INTO public.leads (organization_id, first_name) SELECT id, $1 FROM public.organizations`, [name]);

describe('restore-backup (the named tables as previewed, from the pinned backup)', () => {
  it('swapped: a newer backup that becomes latest after the preview is not restored; the pinned one is', async (ctx) => {
    if (tools.problem) ctx.skip(tools.problem);
    const pinned = await verifiedBackup();
    await db.pool.query(`DELETE FROM public.leads WHERE first_name = 'Lead 1'`);
    const req = await ask({ backup: 'latest', tables: 'leads' });
    expect(req.preview.pinned).toMatchObject({ backupId: pinned.id });
    // Someone takes (and verifies) a newer backup before the approval: "latest" now names it.
    const newer = await verifiedBackup();
    expect(newer.id).not.toBe(pinned.id);
    const done = await approveTwice(req.id);
    expect(done.error ?? done.state).toBe('succeeded');
    expect((done.result as { detail?: { backupId?: string } }).detail?.backupId).toBe(pinned.id);
    expect(await leadNames()).toContain('Lead 1');
  });

  it('swapped: rows of the restored table changed before approval, same count (one edited, one replaced): stops, nothing changes', async (ctx) => {
    if (tools.problem) ctx.skip(tools.problem);
    const backup = await verifiedBackup();
    await db.pool.query(`DELETE FROM public.leads WHERE first_name = 'Lead 1'`);
    const req = await ask({ backup: backup.id, tables: 'leads' });
    expect(req.preview.items).toContain('public.leads: 9 rows now → 10 from the backup');
    // The count stays 9: one lead replaced by another, one edited.
    await db.pool.query(`DELETE FROM public.interactions WHERE lead_id IN (SELECT id FROM public.leads WHERE first_name = 'Lead 2'); DELETE FROM public.leads WHERE first_name = 'Lead 2'`);
    await addLead('Walk-in');
    await db.pool.query(`UPDATE public.leads SET status = 'contacted' WHERE first_name = 'Lead 3'`);
    const before = await content('public.leads');
    const done = await approveTwice(req.id);
    expect(done.state).toBe('stopped');
    expect(done.error).toMatch(/^the scope changed after the preview: public\.leads still has 9 rows, but not the ones it had when it was previewed \(rows written, changed or deleted since\)\. .*Nothing was changed; request it again/);
    expect(done.rowsAffected).toBe(0);
    expect(await content('public.leads')).toBe(before);
  });

  it('added before approval: rows written to a restored table stop the run, nothing changes; rows of other tables never change', async (ctx) => {
    if (tools.problem) ctx.skip(tools.problem);
    const backup = await verifiedBackup();
    const req = await ask({ backup: backup.id, tables: 'interactions' });
    // After the preview: a new interaction (nobody approved replacing it) and a new lead.
    await db.pool.query(`INSERT INTO public.interactions (organization_id, content) SELECT id, 'written after the preview' FROM public.organizations`);
    await addLead('Late lead');
    const before = { interactions: await content('public.interactions'), leads: await content('public.leads') };
    const done = await approveTwice(req.id);
    expect(done.state).toBe('stopped');
    expect(done.error).toMatch(/^the scope changed after the preview: public\.interactions has 11 rows now, 10 when it was previewed/);
    expect(await content('public.interactions')).toBe(before.interactions);

    // Requested again (the new interaction now in the preview): it is replaced as approved; the
    // lead written after the backup, in a table not named, stays.
    const again = await ask({ backup: backup.id, tables: 'interactions' });
    expect(again.preview.items).toContain('public.interactions: 11 rows now → 10 from the backup');
    const restored = await approveTwice(again.id);
    expect(restored.error ?? restored.state).toBe('succeeded');
    expect(await n(`SELECT count(*) AS n FROM public.interactions WHERE content = 'written after the preview'`)).toBe(0);
    expect(await content('public.leads')).toBe(before.leads);
  });

  it('added during the run: a write queued behind the restore’s lock lands after it and is kept', async (ctx) => {
    if (tools.problem) ctx.skip(tools.problem);
    const backup = await verifiedBackup();
    await db.pool.query(`DELETE FROM public.leads WHERE first_name = 'Lead 1'`);
    const req = await ask({ backup: backup.id, tables: 'leads' });
    // A reader holds the table, so the restore's exclusive lock waits; a write then queues behind it.
    const reader: pg.PoolClient = await db.pool.connect();
    let released = false;
    const waiting = (app: string) =>
      n(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE $1 AND wait_event_type = 'Lock'`, [app]);
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM public.leads');
      const run = approveTwice(req.id);
      await expect.poll(() => waiting('opsbot/restore%'), { timeout: 60_000, interval: 50 }).toBe(1);
      const writer = db.pool.query(`SET application_name = 'scope-writer'; INSERT INTO public.leads (organization_id, first_name) SELECT id, 'During the run' FROM public.organizations`);
      await expect.poll(() => waiting('scope-writer'), { timeout: 20_000, interval: 50 }).toBe(1);
      await reader.query('COMMIT');
      released = true;
      const done = await run;
      await writer;
      expect(done.error ?? done.state).toBe('succeeded');
      // The backup's ten leads, plus the one written during the run, after the restore.
      expect(await leadNames()).toEqual([...Array.from({ length: 10 }, (_, i) => `Lead ${i + 1}`), 'During the run'].sort());
    } finally {
      if (!released) await reader.query('ROLLBACK').catch(() => undefined);
      reader.release();
    }
  });
});
