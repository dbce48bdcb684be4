// Backups in a Supabase Storage bucket, through @supabase/supabase-js with an injected fetch
// answered by a strict fake of the Storage API: large backups go up in parts with the content
// type set, come back part by part for verification, and an upload error fails the backup with
// its reason and leaves nothing in the bucket.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackupService, type BackupService } from '../../src/backup/service.js';
import { parseBackupSettings } from '../../src/backup/settings.js';
import { createSupabaseStore } from '../../src/backup/supabase-store.js';
import { systemClock } from '../../src/core/clock.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { backupTools } from '../support/backup-tools.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { FakeHttp, jsonResponse, type RecordedCall } from '../support/slack.js';

const logger = pino({ level: 'silent' });
const SUPABASE = 'https://backups.supabase.test';
const KEY = 'service-role-SECRET-backup-key-0123456789';
const BUCKET = 'opsbot-backups';
const PART = 64 * 1024;
let db: TestDatabase;
let state: StateStore;
let noDump: string | undefined;

interface Upload {
  path: string;
  size: number;
  contentType: string;
  upsert: string;
}

// A bucket answers reads, deletes and listings whenever the store asks; not every test makes the store ask.
const BUCKET_API = { optional: 'part of the emulated bucket; used by the tests that read back, list or clean up' };

/** A Storage bucket behind FakeHttp: strict about anything else, records every upload. */
class FakeBucket {
  readonly http = new FakeHttp();
  readonly objects = new Map<string, { body: Buffer; contentType: string }>();
  readonly uploads: Upload[] = [];
  readonly deleted: string[] = [];
  /** Return a status to fail an upload of `path` (attempt counts from 1). */
  failUpload: (path: string, attempt: number) => number | undefined = () => undefined;
  private body: Buffer | undefined;
  private attempts = new Map<string, number>();

  constructor() {
    const base = `${SUPABASE}/storage/v1/object`;
    this.http
      .on((c) => {
        if (c.method !== 'POST' || !c.url.startsWith(`${base}/${BUCKET}/`)) return undefined;
        const path = decodeURIComponent(c.url.slice(`${base}/${BUCKET}/`.length));
        const attempt = (this.attempts.get(path) ?? 0) + 1;
        this.attempts.set(path, attempt);
        const status = this.failUpload(path, attempt);
        if (status) return jsonResponse({ statusCode: String(status), error: 'failed', message: status === 413 ? 'Payload too large' : 'Internal Server Error' }, status);
        this.uploads.push({ path, size: this.body?.length ?? -1, contentType: c.headers['content-type'] ?? '', upsert: c.headers['x-upsert'] ?? '' });
        this.objects.set(path, { body: this.body ?? Buffer.alloc(0), contentType: c.headers['content-type'] ?? '' });
        return jsonResponse({ Id: path, Key: `${BUCKET}/${path}` });
      })
      .on((c) => {
        if (c.method !== 'GET' || !c.url.startsWith(`${base}/${BUCKET}/`)) return undefined;
        const obj = this.objects.get(decodeURIComponent(c.url.slice(`${base}/${BUCKET}/`.length)));
        return obj ? new Response(obj.body, { status: 200, headers: { 'content-type': obj.contentType } }) : jsonResponse({ statusCode: '404', error: 'not_found', message: 'Object not found' }, 400);
      }, BUCKET_API)
      .on((c) => {
        if (c.method !== 'DELETE' || c.url !== `${base}/${BUCKET}`) return undefined;
        const { prefixes } = c.json as { prefixes: string[] };
        for (const p of prefixes) {
          if (this.objects.delete(p)) this.deleted.push(p);
        }
        return jsonResponse(prefixes.map((name) => ({ name })));
      }, BUCKET_API)
      .on((c) => {
        if (c.method !== 'POST' || c.url !== `${base}/list/${BUCKET}`) return undefined;
        const { prefix, search } = c.json as { prefix: string; search: string };
        const names = [...this.objects.keys()].filter((k) => k.startsWith(`${prefix}/`)).map((k) => k.slice(prefix.length + 1)).filter((n) => n.includes(search));
        return jsonResponse(names.map((name) => ({ name, id: name })));
      }, BUCKET_API);
  }

  readonly fetch: typeof fetch = async (input, init) => {
    // FakeHttp records binary bodies as a placeholder; keep the bytes for the bucket.
    this.body = init?.body instanceof Uint8Array ? Buffer.from(init.body) : undefined;
    return this.http.fetch(input, init);
  };

  authorized(c: RecordedCall): boolean {
    return c.headers.authorization === `Bearer ${KEY}` && c.headers.apikey === KEY;
  }
}

function service(bucket: FakeBucket): BackupService {
  const settings = parseBackupSettings(
    { ...backupTools().env, BACKUP_STORE: 'supabase', BACKUP_SUPABASE_URL: SUPABASE, BACKUP_SUPABASE_KEY: KEY, VERIFY_DATABASE_URL: db.serverUrl },
    { databaseUrl: db.url, supabaseUrl: undefined, serviceRoleKey: undefined },
  );
  // Tiny parts so the fixture dump needs several; no pauses between retries in tests.
  const store = createSupabaseStore({ url: SUPABASE, key: KEY, bucket: BUCKET, prefix: 'opsbot', partBytes: PART, fetch: bucket.fetch, attempts: 3, sleep: () => Promise.resolve() });
  return createBackupService({ settings, state, clock: systemClock, logger, timezone: 'America/New_York', searchPath: process.env.PATH, store });
}

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(`INSERT INTO public.organizations (name) VALUES ('Maple Motors')`);
  // About 600 KB of incompressible text: the dump needs several 64 KB parts.
  await db.pool.query(
    `INSERT INTO public.interactions (organization_id, content)
     SELECT o.id, (SELECT string_agg(md5(g::text || i::text || random()::text), '') FROM generate_series(1, 6) i)
     FROM public.organizations o, generate_series(1, 3000) g`,
  );
  state = createStateStore({ url: db.url, logger, connectTimeoutMs: 5000 });
  noDump = backupTools().problem;
});
afterAll(async () => {
  await state.close();
  await db.drop();
});

describe('Supabase Storage backup store (mocked HTTP)', () => {
  it('uploads a large backup in parts with the content type set, and verifies it by reading the parts back', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const bucket = new FakeBucket();
    const svc = service(bucket);
    const entry = await svc.backupNow({ actor: 'U0ONCALL' });
    expect(entry.error).toBeNull();
    expect(entry.state).toBe('succeeded');
    expect(entry.parts).toBeGreaterThan(3);
    const parts = bucket.uploads.filter((u) => u.path.startsWith(`opsbot/${entry.id}.dump.part-`));
    expect(parts.map((u) => u.path)).toEqual(Array.from({ length: entry.parts! }, (_, i) => `opsbot/${entry.id}.dump.part-${String(i + 1).padStart(5, '0')}`));
    // Every part but the last is exactly one part long; none is larger: memory is bounded by the part size.
    expect(parts.slice(0, -1).every((u) => u.size === PART)).toBe(true);
    expect(parts.reduce((s, u) => s + u.size, 0)).toBe(entry.sizeBytes);
    expect(new Set(parts.map((u) => u.contentType))).toEqual(new Set(['application/octet-stream']));
    const manifest = bucket.uploads.find((u) => u.path === `opsbot/${entry.id}.manifest.json`);
    expect(manifest?.contentType).toBe('application/json');
    expect(JSON.parse(bucket.objects.get(`opsbot/${entry.id}.manifest.json`)!.body.toString())).toMatchObject({ id: entry.id, sha256: entry.sha256, parts: entry.parts, store: 'supabase' });
    expect(bucket.http.calls.every((c) => bucket.authorized(c))).toBe(true);

    const r = await svc.verify(entry.id, { actor: 'U0ONCALL' });
    expect(r.checks.map((c) => c.status)).toEqual(['passed', 'passed', 'passed']);
    expect(r.verdict).toBe('passed');
    expect(bucket.http.unmatched).toEqual([]);
  });

  it('a server error is retried: the part goes up on its next attempt and the backup succeeds', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const bucket = new FakeBucket();
    bucket.failUpload = (path, attempt) => (path.endsWith('.part-00002') && attempt === 1 ? 503 : undefined);
    const entry = await service(bucket).backupNow({ actor: 'U0ONCALL' });
    expect(entry.state).toBe('succeeded');
    const tries = bucket.http.calls.filter((c) => c.method === 'POST' && c.url.endsWith(`${entry.id}.dump.part-00002`));
    expect(tries).toHaveLength(2);
  });

  it('an upload error that persists fails the backup with the reason; the uploaded parts are deleted', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const bucket = new FakeBucket();
    bucket.failUpload = (path) => (path.endsWith('.part-00003') ? 500 : undefined);
    const svc = service(bucket);
    const entry = await svc.backupNow({ actor: 'U0ONCALL' });
    expect(entry.state).toBe('failed');
    expect(entry.error).toMatch(/^Supabase Storage refused part 3 of the backup \(500: Internal Server Error, after 3 attempts\)\. Check that bucket opsbot-backups exists/);
    expect(bucket.deleted.sort()).toEqual([`opsbot/${entry.id}.dump.part-00001`, `opsbot/${entry.id}.dump.part-00002`]);
    expect([...bucket.objects.keys()]).toEqual([]);
    expect(entry.error).not.toContain(KEY);
    // Never listed as good: "latest" is not this one.
    expect((await svc.find('latest').catch(() => undefined))?.id).not.toBe(entry.id);
    expect((await svc.list()).find((e) => e.id === entry.id)?.state).toBe('failed');
  });

  it('a refused upload (413, over the project file size limit) is not retried and says what to check', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const bucket = new FakeBucket();
    bucket.failUpload = () => 413;
    const entry = await service(bucket).backupNow({ actor: 'U0ONCALL' });
    expect(entry.state).toBe('failed');
    expect(entry.error).toMatch(/^Supabase Storage refused part 1 of the backup \(413: Payload too large\)\. .*file size limit allows parts of 64\.0 KiB/);
    expect(bucket.http.calls.filter((c) => c.method === 'POST' && c.url.includes('.part-'))).toHaveLength(1);
    expect([...bucket.objects.keys()]).toEqual([]);
  });

  it('parts left in the bucket by a backup cut short by a crash are deleted by the next job', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const bucket = new FakeBucket();
    await db.pool.query(
      `INSERT INTO opsbot.backups (id, kind, state, started_by, started_at, store, object_key)
       VALUES ('20200101T000000Z-dead', 'scheduled', 'running', 'scheduler', now() - interval '1 hour', 'supabase', '20200101T000000Z-dead.dump')`,
    );
    for (const n of ['00001', '00002']) bucket.objects.set(`opsbot/20200101T000000Z-dead.dump.part-${n}`, { body: Buffer.from('half'), contentType: 'application/octet-stream' });
    const svc = service(bucket);
    const entry = await svc.backupNow({ actor: 'U0ONCALL' });
    expect(entry.state).toBe('succeeded');
    expect(bucket.deleted.filter((p) => p.includes('dead')).sort()).toEqual(['opsbot/20200101T000000Z-dead.dump.part-00001', 'opsbot/20200101T000000Z-dead.dump.part-00002']);
    expect((await svc.find('20200101T000000Z-dead')).state).toBe('failed');
    expect(bucket.http.unmatched).toEqual([]);
  });
});
