// `opsbot backup now|list|verify|prune [--json]` through the real CLI (the same declarations as
// /backup), with exit codes a script can act on (0 ok, 1 failed, 2 another job running, 3 bad usage).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_LOCK_KEY } from '../../src/backup/catalog.js';
import { runCli } from '../../src/app/cli/main.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { backupTools } from '../support/backup-tools.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const logger = pino({ level: 'silent' });
let db: TestDatabase;
let state: StateStore;
let dir: string;
let noDump: string | undefined;

/** Runs the real `opsbot backup …` (the declared CLI) against the test database and a local backup folder. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['backup', ...args], {
    env: { ...backupTools().env, DATABASE_URL: db.url, BACKUP_LOCAL_DIR: dir, VERIFY_DATABASE_URL: db.serverUrl, OPS_TIMEZONE: 'America/New_York', ...env },
    fetch: globalThis.fetch,
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
  });
  return { code, out, err };
}

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(`INSERT INTO public.organizations (name) VALUES ('Maple Motors'), ('Birch Autos')`);
  state = createStateStore({ url: db.url, logger, connectTimeoutMs: 5000 });
  dir = await mkdtemp(path.join(tmpdir(), 'opsbot-backup-cli-'));
  noDump = backupTools().problem;
});
afterAll(async () => {
  await state.close();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('opsbot backup', () => {
  it('now --json, list, verify latest: exit 0 with the facts', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const now = await cli(['now', '--json']);
    expect(now.err).toBe('');
    expect(now.code).toBe(0);
    const entry = JSON.parse(now.out) as { id: string; state: string; manifest: { tables: unknown[] } };
    expect(entry.state).toBe('succeeded');
    expect(entry.manifest.tables).toHaveLength(12);
    const list = await cli(['list']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`^Backups in ${dir}, newest first:\\n  \\[ok\\] ${entry.id} — \\d+ s ago · [\\d.]+ KiB · .* · 12 tables · not verified`));
    const verify = await cli(['verify', 'latest']);
    expect({ code: verify.code, err: verify.err }).toEqual({ code: 0, err: '' });
    expect(verify.out).toMatch(new RegExp(`^\\[ok\\] Backup ${entry.id} verified: restored in .*, 12 tables and 2 rows equal the manifest\\.`));
    const json = JSON.parse((await cli(['list', '5', '--json'])).out) as { id: string; verifyState: string }[];
    expect(json[0]).toMatchObject({ id: entry.id, verifyState: 'passed' });
  });

  it('a failed backup exits 1 with its reason', async () => {
    const r = await cli(['now'], { BACKUP_DATABASE_URL: 'postgres://opsbot:pw-not-shown@127.0.0.1:1/postgres' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^\[FAILED\] Backup \d{8}T\d{6}Z-[0-9a-f]{4} failed: Cannot connect to the database to back up/);
    expect(r.out).not.toContain('pw-not-shown');
  });

  it('exits 2 while another job holds the lock, saying who and since when', async () => {
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1::bigint)', [BACKUP_LOCK_KEY]);
      await db.pool.query(`INSERT INTO opsbot.backup_jobs (kind, started_by, started_at) VALUES ('verify', 'scheduler', now() - interval '3 minutes')`);
      const r = await cli(['now']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^opsbot backup now: A backup verification is already running: started by scheduler at .* \(3 min ago\)/);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });

  it('bad usage exits 3 with the terminal’s usage; restore is Slack-only (two approvers)', async () => {
    const bad = await cli(['verify', 'yesterday']);
    expect(bad.code).toBe(3);
    expect(bad.err).toMatch(/"yesterday" is not a backup id[\s\S]*Usage:\n {2}opsbot backup now/);
    const missing = await cli(['verify', '20200101T000000Z-0000']);
    expect(missing.code).toBe(3);
    expect(missing.err).toMatch(/There is no backup 20200101T000000Z-0000\. See `opsbot backup list`/);
    const restore = await cli(['restore', 'latest']);
    expect(restore.code).toBe(3);
    expect(restore.err).toMatch(/can only run from Slack .*: it needs a second person's approval/);
  });
});
