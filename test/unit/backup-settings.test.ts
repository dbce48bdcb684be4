// Backup settings: defaults from the runbook, every problem named with what the setting is for.
import { describe, expect, it } from 'vitest';
import { BackupEnv, backupSecrets, DEFAULT_EXCLUDED_SCHEMAS, parseBackupSettings } from '../../src/backup/settings.js';
import { settingDoc } from '../../src/core/env-schema.js';
import { ConfigError } from '../../src/core/errors.js';

const fallback = { databaseUrl: 'postgres://admin:admin-pw@db:5432/postgres', supabaseUrl: 'https://ref.supabase.co', serviceRoleKey: 'service-role-key-0123456789abcdef' };

describe('parseBackupSettings', () => {
  it('defaults: local ./backups, 7/4/12 retention, RPO 24/48 h, the Supabase platform schemas left out and opsbot always', () => {
    const s = parseBackupSettings({}, fallback);
    expect(s.store).toEqual({ kind: 'local', dir: './backups' });
    expect(s.retention).toEqual({ daily: 7, weekly: 4, monthly: 12, safetyDays: 30 });
    expect(s.rpo).toEqual({ warnHours: 24, criticalHours: 48 });
    expect(s.databaseUrl).toBe(fallback.databaseUrl);
    expect(s.verifyUrl).toBeUndefined();
    expect(s.excludeSchemas).toEqual([...DEFAULT_EXCLUDED_SCHEMAS, 'opsbot']);
    expect(s.excludeSchemas).not.toContain('auth');
    expect(s.excludeSchemas).not.toContain('storage');
    expect(s.progressIntervalMs).toBe(30_000);
  });

  it('the Supabase store falls back to the project URL and service-role key; part size in MB', () => {
    const s = parseBackupSettings({ BACKUP_STORE: 'supabase', BACKUP_SUPABASE_PART_MB: '8' }, fallback);
    expect(s.store).toEqual({ kind: 'supabase', url: 'https://ref.supabase.co', key: fallback.serviceRoleKey, bucket: 'opsbot-backups', prefix: 'opsbot', partBytes: 8 * 1024 * 1024 });
    expect(backupSecrets(s)).toEqual(['admin-pw', fallback.serviceRoleKey]);
  });

  it('lists every problem with what the setting is for', () => {
    let err: unknown;
    try {
      parseBackupSettings({ BACKUP_STORE: 'ftp', BACKUP_KEEP_DAILY: '0', BACKUP_EXCLUDE_SCHEMAS: 'vault,pg_*', VERIFY_DATABASE_URL: 'mysql://x' }, fallback);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^BACKUP_STORE .* — Where backups are written/m);
    expect(problems).toMatch(/^BACKUP_STORE must be local or supabase — /m);
    expect(problems).toMatch(/^BACKUP_KEEP_DAILY must be a whole number from 1 to 366 — Retention: newest backups kept, one per day/m);
    expect(problems).toMatch(/^BACKUP_EXCLUDE_SCHEMAS each schema must be a plain name/m);
    expect(problems).toMatch(/^VERIFY_DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/m);
    expect(() => parseBackupSettings({ BACKUP_STORE: 'supabase' }, { ...fallback, serviceRoleKey: undefined })).toThrow(/BACKUP_SUPABASE_KEY is missing \(BACKUP_STORE=supabase\)/);
    expect(() => parseBackupSettings({ BACKUP_RPO_WARN_HOURS: '50' }, fallback)).toThrow(/BACKUP_RPO_WARN_HOURS \(50\) must not exceed BACKUP_RPO_CRITICAL_HOURS \(48\)/);
  });

  it('marks the settings holding credentials as secret, and documents each one', () => {
    const docs = Object.entries(BackupEnv.shape).map(([k, field]) => [k, settingDoc(field)] as const);
    const secret = docs.filter(([, d]) => d.secret).map(([k]) => k);
    expect(secret.sort()).toEqual(['BACKUP_DATABASE_URL', 'BACKUP_SUPABASE_KEY', 'VERIFY_DATABASE_URL']);
    for (const [k, d] of docs) expect(d.doc.length, k).toBeGreaterThan(20);
  });
});
