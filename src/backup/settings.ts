// Settings of /backup. Defaults follow the runbook: daily backups (RPO 24 h), a monthly restore
// test, retention 7 daily / 4 weekly / 12 monthly.
import { z } from 'zod';
import { urlSecrets } from '../core/url-secrets.js';
import { ConfigError } from '../core/errors.js';
import { httpUrl, int, parseArea, pgUrl, setting, settingDoc, settingsArea } from '../core/env-schema.js';

/**
 * Platform-managed Supabase schemas (the Supabase CLI's internal list) minus `auth` and
 * `storage`, which hold users and object metadata and so belong in a backup. The bot's own
 * schema `opsbot` is always excluded: restoring it would rewind approvals and the audit log.
 */
export const DEFAULT_EXCLUDED_SCHEMAS = [
  '_analytics',
  '_realtime',
  '_supavisor',
  'cron',
  'dbdev',
  'etl',
  'extensions',
  'graphql',
  'graphql_public',
  'net',
  'pgbouncer',
  'pgmq',
  'pgsodium',
  'pgsodium_masks',
  'pgtle',
  'realtime',
  'repack',
  'supabase_functions',
  'supabase_migrations',
  'tiger',
  'tiger_data',
  'topology',
  'vault',
] as const;

/** Schemas never dumped, whatever the setting says. */
export const ALWAYS_EXCLUDED_SCHEMAS = ['opsbot'] as const;

// Plain identifiers only: pg_dump reads --exclude-schema as a pattern, and these characters
// are literal in both pg_dump's pattern syntax and our catalog query.
const schemaList = z
  .string()
  .trim()
  .transform((s) => (s === '' ? [] : s.split(',').map((x) => x.trim()).filter(Boolean)))
  .pipe(z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'each schema must be a plain name such as vault')));

/** Every environment variable /backup reads. */
export const BackupEnv = settingsArea('Backup', 'Backups, restore tests and retention: where dumps go, what they leave out, and how old the last good one may be.', {
  BACKUP_STORE: setting(z.enum(['local', 'supabase'], 'must be local or supabase'), {
    doc: 'Where backups are written: local (a directory) or supabase (a private Supabase Storage bucket; prefer another project than the one backed up)',
    default: 'local',
  }),
  BACKUP_LOCAL_DIR: setting(z.string().trim().min(1, 'must be a directory path'), {
    doc: 'Directory of the local backup store (created if missing); put it on a different disk than the database',
    default: './backups',
  }),
  BACKUP_SUPABASE_URL: setting(httpUrl(), {
    doc: 'Supabase project URL whose Storage holds the backups; defaults to SUPABASE_URL',
    example: 'https://tsrqponmlkjihgfedcba.supabase.co',
  }),
  BACKUP_SUPABASE_KEY: setting(z.string().min(20, 'must be a service_role (secret) key'), {
    doc: 'Service-role key for the backup bucket; defaults to SUPABASE_SERVICE_ROLE_KEY',
    secret: true,
    example: 'sb_secret_…',
  }),
  BACKUP_SUPABASE_BUCKET: setting(z.string().trim().regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, 'must be a bucket name such as opsbot-backups'), {
    doc: 'Private Supabase Storage bucket for backups (must exist)',
    default: 'opsbot-backups',
  }),
  BACKUP_SUPABASE_PREFIX: setting(z.string().trim().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a folder name such as opsbot'), {
    doc: 'Folder inside the bucket',
    default: 'opsbot',
  }),
  BACKUP_SUPABASE_PART_MB: setting(int(1, 5000), {
    doc: 'Backups larger than this are uploaded as parts of this size (Supabase: standard uploads suit files up to 6 MB; the project file size limit applies per part)',
    default: '6',
  }),
  BACKUP_DATABASE_URL: setting(pgUrl(), {
    doc: 'Connection pg_dump reads from and restores write to (direct or session mode, never the transaction pooler; needs to read every table, e.g. pg_read_all_data); defaults to DATABASE_ADMIN_URL, then DATABASE_URL',
    secret: true,
    example: 'postgres://opsbot_backup:password@db.<ref>.supabase.co:5432/postgres',
  }),
  VERIFY_DATABASE_URL: setting(pgUrl(), {
    doc: 'Postgres server (same major version as the target, ideally the supabase/postgres image) where /backup verify creates and drops a scratch database; verify is off when unset',
    secret: true,
    example: 'postgres://postgres:password@scratch.internal:5432/postgres',
  }),
  BACKUP_PG_BIN_DIR: setting(z.string().trim(), {
    doc: 'Directory with pg_dump, pg_restore and psql of at least the server major version (Supabase runs 15 or 17); found on PATH when unset',
    example: '/usr/lib/postgresql/17/bin',
  }),
  BACKUP_EXCLUDE_SCHEMAS: setting(schemaList, {
    doc: 'Comma-separated schemas left out of backups (default: the Supabase platform schemas; auth and storage are kept); opsbot is always left out',
    default: DEFAULT_EXCLUDED_SCHEMAS.join(','),
  }),
  BACKUP_LOCK_WAIT_TIMEOUT_MS: setting(int(100, 600_000), {
    doc: 'pg_dump --lock-wait-timeout: fail fast instead of queueing behind a migration (and blocking everyone behind it)',
    default: '5000',
  }),
  BACKUP_RESTORE_LOCK_TIMEOUT_MS: setting(int(100, 600_000), {
    doc: 'How long a restore waits for the exclusive lock on the tables it replaces before giving up without changing anything',
    default: '5000',
  }),
  BACKUP_KEEP_DAILY: setting(int(1, 366), { doc: 'Retention: newest backups kept, one per day', default: '7' }),
  BACKUP_KEEP_WEEKLY: setting(int(0, 520), { doc: 'Retention: newest backups kept, one per ISO week', default: '4' }),
  BACKUP_KEEP_MONTHLY: setting(int(0, 1200), { doc: 'Retention: newest backups kept, one per month', default: '12' }),
  BACKUP_KEEP_SAFETY_DAYS: setting(int(1, 3650), {
    doc: 'Safety backups taken before a restore are kept this many days',
    default: '30',
  }),
  BACKUP_RPO_WARN_HOURS: setting(int(1, 24 * 365), {
    doc: 'Age of the last successful / verified backup above which /health warns (runbook: RPO 24 h)',
    default: '24',
  }),
  BACKUP_RPO_CRITICAL_HOURS: setting(int(1, 24 * 365), {
    doc: 'Age of the last successful / verified backup above which /health is critical',
    default: '48',
  }),
  BACKUP_PROGRESS_SECONDS: setting(int(1, 3600), {
    doc: 'How often a running backup, verify or restore posts its progress in the thread',
    default: '30',
  }),
});

export type BackupSettingName = keyof typeof BackupEnv.shape;

/** The parsed values of the backup variables. */
export type BackupEnv = z.infer<typeof BackupEnv>;

export type StoreSettings =
  | { kind: 'local'; dir: string }
  | { kind: 'supabase'; url: string; key: string; bucket: string; prefix: string; partBytes: number };

/** Settings as the backup service uses them. */
export interface BackupSettings {
  store: StoreSettings;
  /** pg_dump source and restore target. */
  databaseUrl: string;
  /** Server for scratch restores; undefined turns verify off. */
  verifyUrl: string | undefined;
  pgBinDir: string | undefined;
  excludeSchemas: string[];
  lockWaitTimeoutMs: number;
  restoreLockTimeoutMs: number;
  retention: { daily: number; weekly: number; monthly: number; safetyDays: number };
  rpo: { warnHours: number; criticalHours: number };
  progressIntervalMs: number;
}

/** Values from the main configuration the backup settings fall back to. */
export interface BackupFallbacks {
  /** DATABASE_ADMIN_URL (which itself defaults to DATABASE_URL). */
  databaseUrl: string;
  /** SUPABASE_URL. */
  supabaseUrl: string | undefined;
  /** SUPABASE_SERVICE_ROLE_KEY. */
  serviceRoleKey: string | undefined;
}

/** Maps parsed values to the service's settings; throws ConfigError naming what is missing. */
export function toBackupSettings(e: BackupEnv, fallback: BackupFallbacks): BackupSettings {
  const problems: string[] = [];
  let store: StoreSettings = { kind: 'local', dir: e.BACKUP_LOCAL_DIR };
  if (e.BACKUP_STORE === 'supabase') {
    const url = e.BACKUP_SUPABASE_URL ?? fallback.supabaseUrl;
    const key = e.BACKUP_SUPABASE_KEY ?? fallback.serviceRoleKey;
    if (!url) problems.push(`BACKUP_SUPABASE_URL is missing (BACKUP_STORE=supabase) — ${settingDoc(BackupEnv.shape.BACKUP_SUPABASE_URL).doc}`);
    if (!key) problems.push(`BACKUP_SUPABASE_KEY is missing (BACKUP_STORE=supabase) — ${settingDoc(BackupEnv.shape.BACKUP_SUPABASE_KEY).doc}`);
    store = {
      kind: 'supabase',
      url: (url ?? '').replace(/\/+$/, ''),
      key: key ?? '',
      bucket: e.BACKUP_SUPABASE_BUCKET,
      prefix: e.BACKUP_SUPABASE_PREFIX,
      partBytes: e.BACKUP_SUPABASE_PART_MB * 1024 * 1024,
    };
  }
  if (e.BACKUP_RPO_WARN_HOURS > e.BACKUP_RPO_CRITICAL_HOURS) {
    problems.push(`BACKUP_RPO_WARN_HOURS (${e.BACKUP_RPO_WARN_HOURS}) must not exceed BACKUP_RPO_CRITICAL_HOURS (${e.BACKUP_RPO_CRITICAL_HOURS})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    store,
    databaseUrl: e.BACKUP_DATABASE_URL ?? fallback.databaseUrl,
    verifyUrl: e.VERIFY_DATABASE_URL,
    pgBinDir: e.BACKUP_PG_BIN_DIR === '' ? undefined : e.BACKUP_PG_BIN_DIR,
    excludeSchemas: [...new Set([...e.BACKUP_EXCLUDE_SCHEMAS, ...ALWAYS_EXCLUDED_SCHEMAS])],
    lockWaitTimeoutMs: e.BACKUP_LOCK_WAIT_TIMEOUT_MS,
    restoreLockTimeoutMs: e.BACKUP_RESTORE_LOCK_TIMEOUT_MS,
    retention: {
      daily: e.BACKUP_KEEP_DAILY,
      weekly: e.BACKUP_KEEP_WEEKLY,
      monthly: e.BACKUP_KEEP_MONTHLY,
      safetyDays: e.BACKUP_KEEP_SAFETY_DAYS,
    },
    rpo: { warnHours: e.BACKUP_RPO_WARN_HOURS, criticalHours: e.BACKUP_RPO_CRITICAL_HOURS },
    progressIntervalMs: e.BACKUP_PROGRESS_SECONDS * 1000,
  };
}

/** Parses the backup variables on their own; throws ConfigError listing every problem with what the setting is for. */
export function parseBackupSettings(rawEnv: Record<string, string | undefined>, fallback: BackupFallbacks): BackupSettings {
  return toBackupSettings(parseArea(BackupEnv, rawEnv), fallback);
}

/** Secret values of the backup settings (keys and URL passwords), for the redactor. */
export function backupSecrets(s: BackupSettings): string[] {
  const out = [...urlSecrets(s.databaseUrl), ...urlSecrets(s.verifyUrl)];
  if (s.store.kind === 'supabase' && s.store.key.length >= 4) out.push(s.store.key);
  return [...new Set(out)];
}
