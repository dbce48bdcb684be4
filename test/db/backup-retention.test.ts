// Retention over a generated history of 400 daily backups keeps
// exactly the newest 7 daily, 4 weekly and 12 monthly ones (days in OPS_TIMEZONE), deletes the
// rest's files with one audit row each, and never deletes the only verified backup; the /health
// backup items warn and turn critical at the RPO ages under a test clock.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupHealthItems } from '../../src/backup/health.js';
import { createBackupService, type BackupService } from '../../src/backup/service.js';
import { parseBackupSettings } from '../../src/backup/settings.js';
import { fixedClock } from '../../src/core/clock.js';
import { createHealthService } from '../../src/health/runner.js';
import { healthText } from '../../src/render/health-text.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { backupTools } from '../support/backup-tools.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const logger = pino({ level: 'silent' });
const TZ = 'America/New_York';
let db: TestDatabase;
let state: StateStore;
let dir: string;
let svc: BackupService;
// Noon in New York on the day of the newest backup (2026-02-04, a Wednesday).
const clock = fixedClock(Date.parse('2026-02-04T17:00:00Z'));

/** Local (New York) date of each kept regular backup, newest first. */
const EXPECTED_KEPT = [
  // daily: the newest 7 days
  '2026-02-04',
  '2026-02-03',
  '2026-02-02',
  '2026-02-01',
  '2026-01-31',
  '2026-01-30',
  '2026-01-29',
  // weekly (ISO weeks end on Sunday): this week's newest is 02-04, then Sundays 02-01, 01-25, 01-18
  '2026-01-25',
  '2026-01-18',
  // monthly: Feb (02-04) and Jan (01-31) are kept already; then the last day of each earlier month
  '2025-12-31',
  '2025-11-30',
  '2025-10-31',
  '2025-09-30',
  '2025-08-31',
  '2025-07-31',
  '2025-06-30',
  '2025-05-31',
  '2025-04-30',
  '2025-03-31',
];

const keptDates = async () =>
  (
    await db.pool.query<{ d: string }>(
      `SELECT to_char(started_at AT TIME ZONE 'America/New_York', 'YYYY-MM-DD') AS d FROM opsbot.backups
       WHERE state = 'succeeded' AND kind <> 'safety' ORDER BY started_at DESC`,
    )
  ).rows.map((r) => r.d);

beforeAll(async () => {
  db = await createTestDatabase();
  state = createStateStore({ url: db.url, logger, connectTimeoutMs: 5000 });
  dir = await mkdtemp(path.join(tmpdir(), 'opsbot-backup-ret-'));
  const settings = parseBackupSettings({ ...backupTools().env, BACKUP_LOCAL_DIR: dir }, { databaseUrl: db.url, supabaseUrl: undefined, serviceRoleKey: undefined });
  svc = createBackupService({ settings, state, clock, logger, timezone: TZ, searchPath: process.env.PATH });
  // 400 daily backups at 02:00 New York time, 2025-01-01 … 2026-02-04, each with its two files;
  // plus two safety backups (10 and 40 days old) and a failed attempt.
  const { rows } = await db.pool.query<{ id: string }>(`
    INSERT INTO opsbot.backups (id, kind, state, started_by, started_at, finished_at, duration_ms, store, object_key, parts, size_bytes, sha256, table_count, row_count, manifest)
    SELECT id, kind, 'succeeded', 'scheduler', ts, ts + interval '1 minute', 60000, 'local', id || '.dump', 1, 4, repeat('0', 64), 1, 1, '{}'::jsonb
    FROM (
      SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"') || '-0a0a' AS id, ts, 'scheduled' AS kind
      FROM (SELECT (d::date + time '02:00') AT TIME ZONE 'America/New_York' AS ts
            FROM generate_series(date '2025-01-01', date '2026-02-04', interval '1 day') d) days
      UNION ALL
      SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"') || '-5afe', ts, 'safety'
      FROM (VALUES (timestamptz '2026-01-25 15:00Z'), (timestamptz '2025-12-26 15:00Z')) s(ts)
    ) x
    RETURNING id`);
  expect(rows).toHaveLength(402);
  for (const r of rows) {
    writeFileSync(path.join(dir, `${r.id}.dump`), 'PGDMP');
    writeFileSync(path.join(dir, `${r.id}.manifest.json`), '{}');
  }
  await db.pool.query(
    `INSERT INTO opsbot.backups (id, kind, state, started_by, started_at, store, object_key, error)
     VALUES ('20250301T070500Z-fa11', 'scheduled', 'failed', 'scheduler', '2025-03-01 07:05Z', 'local', '20250301T070500Z-fa11.dump', 'pg_dump exited with code 1')`,
  );
});
afterAll(async () => {
  await state.close();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('retention over 400 days of daily backups', () => {
  it('keeps the newest 7 daily, 4 weekly and 12 monthly, and the only verified backup; deletes the rest with an audit row each', async () => {
    // The only verified backup is old: it must survive.
    await db.pool.query(`UPDATE opsbot.backups SET verify_state = 'passed', verified_at = started_at + interval '1 hour' WHERE id LIKE '20250615%'`);
    const r = await svc.prune('scheduler');
    expect(r.failed).toEqual([]);
    expect(await keptDates()).toEqual([...EXPECTED_KEPT.slice(0, 16), '2025-06-15', ...EXPECTED_KEPT.slice(16)]);
    expect(r.keptAsOnlyVerified).toMatch(/^20250615T060000Z-0a0a$/);
    // Safety backups: the 10-day-old one stays, the 40-day-old one goes.
    const safety = await db.pool.query(`SELECT id, state FROM opsbot.backups WHERE kind = 'safety' ORDER BY started_at`);
    expect(safety.rows.map((x: { state: string }) => x.state)).toEqual(['pruned', 'succeeded']);
    expect(r.kept).toHaveLength(EXPECTED_KEPT.length + 1 + 1);
    expect(r.pruned).toHaveLength(402 - r.kept.length);
    // Files: exactly the kept backups' dump and manifest remain.
    expect(readdirSync(dir).sort()).toEqual(r.kept.flatMap((id) => [`${id}.dump`, `${id}.manifest.json`]).sort());
    const audit = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM opsbot.audit_log WHERE action = 'backup.pruned' AND outcome = 'ok'`);
    expect(audit.rows[0]!.n).toBe(r.pruned.length);
    // The failed attempt is history, not a file: untouched.
    expect((await svc.find('20250301T070500Z-fa11')).state).toBe('failed');
  });

  it('once a newer backup is verified, the old verified one is no longer the only one and goes', async () => {
    await db.pool.query(`UPDATE opsbot.backups SET verify_state = 'passed', verified_at = now() WHERE id LIKE '20260203%'`);
    const r = await svc.prune('scheduler');
    expect(r.keptAsOnlyVerified).toBeNull();
    expect(r.pruned).toEqual(['20250615T060000Z-0a0a']);
    expect(await keptDates()).toEqual(EXPECTED_KEPT);
    expect(existsSync(path.join(dir, '20250615T060000Z-0a0a.dump'))).toBe(false);
    // Nothing more to do: running it again prunes nothing.
    expect((await svc.prune('scheduler')).pruned).toEqual([]);
  });
});

describe('/health backup items under a test clock (RPO 24 h)', () => {
  it('ok up to 24 h, warn above 24 h, critical above 48 h; never verified is critical', async () => {
    const c = fixedClock(Date.parse('2026-03-01T12:00:00Z'));
    const health = createHealthService({
      checks: [{ component: 'database', title: 'Database', run: () => backupHealthItems(svc.catalog, c) }],
      clock: c,
      timeoutMs: 5000,
      logger,
    });
    const at = async (hours: number) => {
      await db.pool.query(`DELETE FROM opsbot.backup_verifications`);
      await db.pool.query(`UPDATE opsbot.backups SET state = 'pruned' WHERE state = 'succeeded'`);
      await db.pool.query(
        `INSERT INTO opsbot.backups (id, kind, state, started_by, started_at, store, object_key, verify_state, verified_at)
         VALUES ($1, 'scheduled', 'succeeded', 'scheduler', $2, 'local', $1 || '.dump', $3, $2)`,
        [`20260301T0000${String(hours).padStart(2, '0')}Z-${Math.random().toString(16).slice(2, 6)}`, new Date(c.now() - hours * 3_600_000), hours === 1 ? 'passed' : null],
      );
      return (await health.run('database')).components[0]!.items;
    };
    const fresh = await at(1);
    expect(fresh.map((i) => [i.label, i.status, i.threshold])).toEqual([
      ['Last successful backup', 'ok', 'warn > 24 h, critical > 48 h (RPO 24 h)'],
      ['Last verified backup', 'ok', 'warn > 24 h, critical > 48 h (RPO 24 h)'],
    ]);
    expect(fresh[0]!.value).toMatch(/^1 h ago \(20260301T000001Z-/);
    const edge = await at(24);
    expect(edge[0]!.status).toBe('ok');
    const stale = await at(25);
    expect(stale[0]).toMatchObject({ status: 'warn', value: expect.stringMatching(/^25 h ago/) });
    expect(stale[0]!.advice).toMatch(/\/backup now/);
    // Not verified since: the verified item reports that as critical.
    expect(stale[1]).toMatchObject({ label: 'Last verified backup', status: 'critical', value: 'none yet' });
    const old = await at(49);
    expect(old[0]).toMatchObject({ status: 'critical', value: expect.stringMatching(/^2 d 1 h ago/) });
    // What /health prints.
    const text = healthText(await health.run('database'), TZ);
    expect(text).toMatch(/Last successful backup/);
    expect(text).toMatch(/2 d 1 h ago/);
  });
});
