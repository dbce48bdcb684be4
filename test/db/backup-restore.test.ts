// Restoring a backup into the target after rows were deleted brings them
// back; it cannot run without two distinct approvers, neither the requester; the safety backup
// of what it overwrote exists afterwards. Also: a restore that would not hold the backup's rows
// rolls back and changes nothing; a changed file is refused before anything happens.
// Only the named tables change — rows written after the backup into tables
// that reference them survive, and so do the rows they reference; a backup row whose parent is
// gone stops the restore; sequences are never rewound; an unverified or failed-verify backup
// needs force=yes, which the request shows.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreBackupPlaybook } from '../../playbooks/restore-backup.js';
import { createBackupService, type BackupService } from '../../src/backup/service.js';
import { parseBackupSettings } from '../../src/backup/settings.js';
import { systemClock } from '../../src/core/clock.js';
import type { PlaybookRequest } from '../../src/playbooks/request.js';
import { requestMessage } from '../../src/playbooks/render.js';
import type { Playbook } from '../../src/playbooks/types.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { engineHarness, type EngineHarness } from '../support/playbooks.js';
import { backupTools } from '../support/backup-tools.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const logger = pino({ level: 'silent' });
let db: TestDatabase;
let state: StateStore;
let dir: string;
let svc: BackupService;
let h: EngineHarness;
let noDump: string | undefined;

async function dumpProblem(_pool: TestDatabase['pool']): Promise<string | undefined> {
  return Promise.resolve(backupTools().problem);
}

const count = async (table: string) => Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
/** Content of a table, order-independent, for "exactly the same rows" assertions. */
const content = async (table: string) =>
  (await db.pool.query<{ h: string | null }>(`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${table} t`)).rows[0]!.h;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(`
    INSERT INTO auth.users (id, email) SELECT gen_random_uuid(), 'u' || g || '@maple.test' FROM generate_series(1, 10) g;
    INSERT INTO public.organizations (name) VALUES ('Maple Motors');
    INSERT INTO public.profiles (id, organization_id, email) SELECT u.id, o.id, u.email FROM auth.users u, public.organizations o;
    INSERT INTO public.leads (organization_id, first_name, email) SELECT o.id, 'Lead ' || g, 'lead' || g || '@example.com' FROM public.organizations o, generate_series(1, 60) g;
    INSERT INTO public.quotes (organization_id, lead_id, amount) SELECT organization_id, id, 19999.99 FROM public.leads;
    INSERT INTO public.interactions (organization_id, lead_id, content) SELECT l.organization_id, l.id, 'call ' || g FROM public.leads l, generate_series(1, 2) g;
  `);
  state = createStateStore({ url: db.url, logger, connectTimeoutMs: 5000 });
  dir = await mkdtemp(path.join(tmpdir(), 'opsbot-backup-restore-'));
  const settings = parseBackupSettings({ ...backupTools().env, BACKUP_LOCAL_DIR: dir, VERIFY_DATABASE_URL: db.serverUrl }, { databaseUrl: db.url, supabaseUrl: undefined, serviceRoleKey: undefined });
  svc = createBackupService({ settings, state, clock: systemClock, logger, timezone: 'America/New_York', searchPath: process.env.PATH });
  h = engineHarness(db.url, { registry: [restoreBackupPlaybook(svc, 'America/New_York')] as unknown as readonly Playbook<unknown>[] });
  noDump = await dumpProblem(db.pool);
});
afterAll(async () => {
  await h.close();
  await state.close();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

async function approveTwice(requestId: string): Promise<PlaybookRequest> {
  const first = await h.engine.approve(requestId, 'U0APPROVER1');
  expect(first.kind).toBe('recorded');
  const second = await h.engine.approve(requestId, 'U0APPROVER2');
  if (second.kind !== 'started') throw new Error(`expected the run to start, got ${second.kind}`);
  return second.done;
}

describe('restore-backup playbook', () => {
  it('brings deleted rows back, only after two approvers other than the requester, with a safety backup of what it replaced', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const backup = await svc.backupNow({ actor: 'U0ONCALL' });
    expect(backup.state).toBe('succeeded');
    expect((await svc.verify(backup.id, { actor: 'U0ONCALL' })).verdict).toBe('passed');
    const original = { leads: await content('public.leads'), quotes: await content('public.quotes'), interactions: await content('public.interactions') };

    // The incident: leads deleted (their quotes and interactions go with them, ON DELETE CASCADE).
    await db.pool.query(`DELETE FROM public.leads WHERE first_name LIKE 'Lead 1%'`);
    const afterDelete = await count('public.leads');
    expect(afterDelete).toBe(49);

    // The cascade took quotes and interactions too, so all three are named.
    const { request } = await h.engine.request({ playbookId: 'restore-backup', rawParams: { backup: 'latest', tables: 'leads,quotes,interactions' }, requestedBy: 'U0REQ', channel: 'C0OPS' });
    expect(request.risk).toBe('destructive');
    expect(request.approvalsRequired).toBe(2);
    // The preview names exactly the tables replaced.
    expect(request.preview.keys).toEqual(['public.interactions', 'public.leads', 'public.quotes']);
    expect(request.preview.pinned).toMatchObject({ backupId: backup.id, force: 'no' });
    expect(request.preview.items).toContain('public.leads: 49 rows now → 60 from the backup');
    expect(request.preview.items).toContain('public.quotes: 49 rows now → 60 from the backup');
    expect(request.preview.summary).toMatch(/^Replace 3 table\(s\) with backup \d{8}T\d{6}Z-[0-9a-f]{4} \(taken .*, verified\): 196 rows now → 240\. Only these tables change\. A safety backup/);

    // The requester cannot approve; one approver is not enough; the same approver twice counts once.
    expect((await h.engine.approve(request.id, 'U0REQ')).kind).toBe('own_request');
    expect((await h.engine.approve(request.id, 'U0APPROVER1')).kind).toBe('recorded');
    expect((await h.engine.approve(request.id, 'U0APPROVER1')).kind).toBe('already_approved');
    expect(await count('public.leads')).toBe(afterDelete);
    const pending = await h.engine.get(request.id);
    expect(pending?.state).toBe('pending');

    const outcome = await h.engine.approve(request.id, 'U0APPROVER2');
    if (outcome.kind !== 'started') throw new Error(`expected the run to start, got ${outcome.kind}`);
    const done = await outcome.done;
    expect(done.error).toBeNull();
    expect(done.state).toBe('succeeded');
    expect(done.approvers.sort()).toEqual(['U0APPROVER1', 'U0APPROVER2']);

    // The rows are back, exactly.
    expect(await count('public.leads')).toBe(60);
    expect(await content('public.leads')).toBe(original.leads);
    expect(await content('public.quotes')).toBe(original.quotes);
    expect(await content('public.interactions')).toBe(original.interactions);
    expect(done.rowsAffected).toBe(60 + 60 + 120);

    // The safety backup holds what the restore replaced (the post-delete state), and its file exists.
    const safetyId = (done.result as { detail?: { safetyBackupId?: string } }).detail?.safetyBackupId;
    expect(safetyId).toBeDefined();
    const safety = await svc.find(safetyId!);
    expect(safety).toMatchObject({ kind: 'safety', state: 'succeeded' });
    expect(safety.manifest?.onlyTables).toEqual(['public.interactions', 'public.leads', 'public.quotes']);
    expect(safety.manifest?.tables.find((t) => t.name === 'leads')?.rows).toBe(49);
    expect(existsSync(path.join(dir, safety.objectKey))).toBe(true);
    const audit = await state.query('state/audit-recent', [1, 'backup.restored']);
    expect(audit[0]).toMatchObject({ actor: 'U0REQ', outcome: 'ok' });
  });

  it('a restore that would not hold the backup’s rows is rolled back: the target is left as it was', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const backup = await svc.backupNow({ actor: 'U0ONCALL' });
    await db.pool.query(`DELETE FROM public.interactions WHERE content = 'call 2'`);
    const before = await content('public.interactions');
    // A trigger that fires even in replica mode and drops some rows: the copy comes out short.
    await db.pool.query(`
      CREATE FUNCTION public.drop_some() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.content = 'call 1' THEN RETURN NULL; END IF; RETURN NEW; END $$;
      CREATE TRIGGER drop_some BEFORE INSERT ON public.interactions FOR EACH ROW EXECUTE FUNCTION public.drop_some();
      ALTER TABLE public.interactions ENABLE ALWAYS TRIGGER drop_some;
    `);
    try {
      const { request } = await h.engine.request({ playbookId: 'restore-backup', rawParams: { backup: backup.id, tables: 'public.interactions', force: 'yes' }, requestedBy: 'U0REQ' });
      const done = await approveTwice(request.id);
      expect(done.state).toBe('failed');
      expect(done.error).toMatch(/^The restore was rolled back, nothing changed: .*opsbot restore check failed for public\.interactions: 60 rows after the restore, the backup has 120/);
      expect(await content('public.interactions')).toBe(before);
    } finally {
      await db.pool.query(`DROP TRIGGER drop_some ON public.interactions; DROP FUNCTION public.drop_some()`);
    }
  });

  it('a stored file that changed since the backup is refused before the safety backup or any change', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const backup = await svc.backupNow({ actor: 'U0ONCALL' });
    await db.pool.query(`DELETE FROM public.quotes WHERE amount > 0 AND lead_id IN (SELECT id FROM public.leads WHERE first_name = 'Lead 2')`);
    const before = await content('public.quotes');
    const file = path.join(dir, backup.objectKey);
    const bytes = readFileSync(file);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0x01;
    writeFileSync(file, bytes);
    const safetyBefore = Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM opsbot.backups WHERE kind = 'safety'`)).rows[0]!.n);
    const { request } = await h.engine.request({ playbookId: 'restore-backup', rawParams: { backup: backup.id, tables: 'quotes', force: 'yes' }, requestedBy: 'U0REQ' });
    const done = await approveTwice(request.id);
    expect(done.state).toBe('failed');
    expect(done.error).toMatch(/^The stored file of backup .* changed since it was taken \(SHA-256 .*\)\. Nothing was restored/);
    expect(await content('public.quotes')).toBe(before);
    const safetyAfter = Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM opsbot.backups WHERE kind = 'safety'`)).rows[0]!.n);
    expect(safetyAfter).toBe(safetyBefore);
  });

  it('refuses, before anyone is asked, tables the backup does not have or that do not exist', async () => {
    const err = await h.engine
      .request({ playbookId: 'restore-backup', rawParams: { backup: 'latest', tables: 'public.nope' }, requestedBy: 'U0REQ' })
      .catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(noDump ? /no successful backup yet/ : /has no table public\.nope\. It holds: auth\.audit_log_entries, /);
    const bad = await h.engine.request({ playbookId: 'restore-backup', rawParams: { backup: 'yesterday' }, requestedBy: 'U0REQ' }).catch((e: unknown) => e as Error);
    expect((bad as Error).message).toMatch(/`backup`: expected a backup id from `\/backup list`, or latest \(got "yesterday"\)/);
  });
});

/** A backup of the current state, verified (restores need a verified backup without force). */
async function verifiedBackup() {
  const b = await svc.backupNow({ actor: 'U0ONCALL' });
  expect(b.state, b.error ?? '').toBe('succeeded');
  expect((await svc.verify(b.id, { actor: 'U0ONCALL' })).verdict).toBe('passed');
  return b;
}

describe('restoring one table changes only that table', () => {
  it('restoring leads leaves quotes and interactions written after the backup as they are, and keeps the leads they reference', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const backup = await verifiedBackup();
    const leadsInBackup = await count('public.leads');
    // After the backup: a lead edited, a walk-in lead with a quote and interactions, more quotes
    // and interactions on old leads, and a lead nobody references.
    await db.pool.query(`
      UPDATE public.leads SET status = 'lost' WHERE first_name = 'Lead 3';
      INSERT INTO public.leads (organization_id, first_name) SELECT id, 'Walk-in' FROM public.organizations;
      INSERT INTO public.leads (organization_id, first_name) SELECT id, 'Nobody refers' FROM public.organizations;
      INSERT INTO public.quotes (organization_id, lead_id, amount) SELECT organization_id, id, 31000 FROM public.leads WHERE first_name IN ('Walk-in', 'Lead 4');
      INSERT INTO public.interactions (organization_id, lead_id, content) SELECT organization_id, id, 'after the backup' FROM public.leads WHERE first_name IN ('Walk-in', 'Lead 5', 'Lead 6');
    `);
    const others = { quotes: await content('public.quotes'), interactions: await content('public.interactions') };
    const referencing = {
      quotes: Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM public.quotes`)).rows[0]!.n),
      interactions: Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM public.interactions WHERE lead_id IS NOT NULL`)).rows[0]!.n),
    };

    const { request } = await h.engine.request({ playbookId: 'restore-backup', rawParams: { backup: backup.id, tables: 'leads' }, requestedBy: 'U0REQ', channel: 'C0OPS' });
    expect(request.preview.keys).toEqual(['public.leads']);
    expect(request.preview.summary).toMatch(/^Replace 1 table\(s\) with backup .*, verified\): .* Only these tables change; 2 other table\(s\) reference them and keep all their rows\./);
    expect(request.preview.items).toEqual([
      `public.leads: ${leadsInBackup + 2} rows now → ${leadsInBackup} from the backup`,
      `public.interactions is not changed: ${referencing.interactions} of its rows reference public.leads (interactions_lead_id_fkey); a public.leads row they reference that the backup lacks is kept, not deleted`,
      `public.quotes is not changed: ${referencing.quotes} of its rows reference public.leads (quotes_lead_id_fkey); a public.leads row they reference that the backup lacks is kept, not deleted`,
      'public.leads references auth.users (leads_assigned_to_fkey), which is not restored: a backup row whose auth.users row is gone stops the restore, nothing changes',
      'public.leads references public.organizations (leads_organization_id_fkey), which is not restored: a backup row whose public.organizations row is gone stops the restore, nothing changes',
    ]);
    const done = await approveTwice(request.id);
    expect(done.error).toBeNull();
    expect(done.state).toBe('succeeded');

    // The other tables are exactly as they were, every row still pointing at its lead.
    expect(await content('public.quotes')).toBe(others.quotes);
    expect(await content('public.interactions')).toBe(others.interactions);
    // Leads: the backup's rows (the edit undone), plus the walk-in the new rows reference; the
    // unreferenced new lead is gone.
    expect(await count('public.leads')).toBe(leadsInBackup + 1);
    const names = (await db.pool.query<{ first_name: string; status: string }>(`SELECT first_name, status FROM public.leads WHERE first_name IN ('Lead 3', 'Walk-in', 'Nobody refers') ORDER BY 1`)).rows;
    expect(names).toEqual([
      { first_name: 'Lead 3', status: 'new' },
      { first_name: 'Walk-in', status: 'new' },
    ]);
    expect(String((done.result as { summary?: string }).summary)).toMatch(/; kept newer rows that other tables reference: 1 in public\.leads$/);
    // The safety backup holds only the named table.
    const safetyId = (done.result as { detail?: { safetyBackupId?: string } }).detail?.safetyBackupId;
    expect((await svc.find(safetyId!)).manifest?.onlyTables).toEqual(['public.leads']);
  });

  it('a backup row whose parent row is gone stops the restore; nothing changes', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    await db.pool.query(`
      INSERT INTO public.organizations (name) VALUES ('Closed Dealer');
      INSERT INTO public.leads (organization_id, first_name) SELECT id, 'Closed lead' FROM public.organizations WHERE name = 'Closed Dealer';
    `);
    const backup = await verifiedBackup();
    await db.pool.query(`
      DELETE FROM public.leads WHERE first_name = 'Closed lead';
      DELETE FROM public.organizations WHERE name = 'Closed Dealer';
    `);
    const before = await content('public.leads');
    const { request } = await h.engine.request({ playbookId: 'restore-backup', rawParams: { backup: backup.id, tables: 'public.leads' }, requestedBy: 'U0REQ' });
    const done = await approveTwice(request.id);
    expect(done.state).toBe('failed');
    expect(done.error).toMatch(
      /^The restore was rolled back, nothing changed: .*opsbot restore check failed: 1 row\(s\) of public\.leads would reference rows of public\.organizations that do not exist \(foreign key leads_organization_id_fkey\)/,
    );
    expect(await content('public.leads')).toBe(before);
  });

  it('a restored table’s sequence is never rewound: ids handed out after the backup are not handed out again', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const backup = await verifiedBackup();
    await db.pool.query(`INSERT INTO public.interactions (organization_id, content) SELECT id, 'written after the backup' FROM public.organizations, generate_series(1, 5)`);
    const maxBefore = Number((await db.pool.query<{ n: string }>(`SELECT max(id) AS n FROM public.interactions`)).rows[0]!.n);
    const { request } = await h.engine.request({ playbookId: 'restore-backup', rawParams: { backup: backup.id, tables: 'interactions' }, requestedBy: 'U0REQ' });
    const done = await approveTwice(request.id);
    expect(done.error).toBeNull();
    expect(Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM public.interactions WHERE content = 'written after the backup'`)).rows[0]!.n)).toBe(0);
    const next = Number((await db.pool.query<{ id: string }>(`INSERT INTO public.interactions (organization_id, content) SELECT id, 'next' FROM public.organizations LIMIT 1 RETURNING id`)).rows[0]!.id);
    expect(next).toBeGreaterThan(maxBefore);
  });

  it('an unverified or failed-verify backup is refused without force=yes; with it, the request says FORCED to the approvers', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const requests = async () => Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM opsbot.playbook_requests`)).rows[0]!.n);
    const unverified = await svc.backupNow({ actor: 'U0ONCALL' });
    const n0 = await requests();
    const refused = await h.engine.request({ playbookId: 'restore-backup', rawParams: { backup: unverified.id, tables: 'leads' }, requestedBy: 'U0REQ' }).catch((e: unknown) => e as Error);
    expect((refused as Error).message).toMatch(new RegExp(`^Backup ${unverified.id} has not been verified, so nobody has proved it restores\\. Run \`/backup verify ${unverified.id}\` first, .* or add force=yes to request this restore anyway \\(the approvers will see that it was forced\\)\\.`));
    expect(await requests()).toBe(n0);
    // The service refuses too, whoever calls it.
    await expect(svc.restore({ backupId: unverified.id, tables: ['public.leads'], actor: 'U0REQ' })).rejects.toThrow(/has not been verified/);

    const forced = await h.engine.request({ playbookId: 'restore-backup', rawParams: { backup: unverified.id, tables: 'leads', force: 'yes' }, requestedBy: 'U0REQ', channel: 'C0OPS' });
    expect(forced.request.preview.summary).toMatch(new RegExp(`^FORCED \\(force=yes\\): backup ${unverified.id} HAS NOT BEEN VERIFIED; the requester asked to restore it anyway\\. Replace 1 table`));
    const msg = requestMessage(forced.request, h.engine.find('restore-backup'), 'UTC');
    expect(JSON.stringify(msg.blocks)).toContain('FORCED (force=yes)');
    expect(JSON.stringify(msg.blocks)).toContain('force');

    // A backup whose verification failed (its file changed) is refused the same way.
    const file = path.join(dir, unverified.objectKey);
    const bytes = readFileSync(file);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0x01;
    writeFileSync(file, bytes);
    expect((await svc.verify(unverified.id, { actor: 'U0ONCALL' })).verdict).toBe('failed');
    const failed = await h.engine.request({ playbookId: 'restore-backup', rawParams: { backup: unverified.id, tables: 'leads' }, requestedBy: 'U0REQ' }).catch((e: unknown) => e as Error);
    expect((failed as Error).message).toMatch(/failed its last verification .* add force=yes/);
    const forcedFailed = await h.engine.request({ playbookId: 'restore-backup', rawParams: { backup: unverified.id, tables: 'leads', force: 'yes' }, requestedBy: 'U0REQ' });
    expect(forcedFailed.request.preview.summary).toMatch(/^FORCED \(force=yes\): backup \S+ FAILED its verification;/);
  });
});
