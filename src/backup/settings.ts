// Settings of /backup, shaped like SETTINGS in src/app/config.ts ({ schema, doc, example, secret })
// so the lead can merge them into it. Defaults follow the runbook: daily backups (RPO 24 h),
// a monthly restore test, retention 7 daily / 4 weekly / 12 monthly.
import { z } from 'zod';
import { urlSecrets } from '../core/url-secrets.js';
import { ConfigError } from '../core/errors.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const pgUrl = z
  .string()
  .trim()
  .refine((s) => /^postgres(ql)?:\/\//.test(s) && URL.canParse(s), 'must be a postgres:// or postgresql:// URL');

const httpUrl = z
  .string()
  .trim()
  .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'must be an http(s):// URL');

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
const schemaList = (fallback: string) =>
  z
  .string()
  .trim()
  .default(fallback)
  .transform((s) => (s === '' ? [] : s.split(',').map((x) => x.trim()).filter(Boolean)))
  .pipe(z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'each schema must be a plain name such as vault')));

interface Setting {
  schema: z.ZodType;
  doc: string;
  secret?: boolean;
  example?: string;
}

/** Every environment variable /backup reads. */
export const BACKUP_SETTINGS = {
  BACKUP_STORE: {
    schema: z.enum(['local', 'supabase']).default('local'),
    doc: 'Where backups are written: local (a directory) or supabase (a private Supabase Storage bucket; prefer another project than the one backed up)',
    example: 'local',
  },
  BACKUP_LOCAL_DIR: {
    schema: z.string().trim().min(1).default('./backups'),
    doc: 'Directory of the local backup store (created if missing); put it on a different disk than the database',
    example: './backups',
  },
  BACKUP_SUPABASE_URL: {
    schema: httpUrl.optional(),
    doc: 'Supabase project URL whose Storage holds the backups; defaults to SUPABASE_URL',
    example: '',
  },
  BACKUP_SUPABASE_KEY: {
    schema: z.string().min(20, 'must be a service_role (secret) key').optional(),
    doc: 'Service-role key for the backup bucket; defaults to SUPABASE_SERVICE_ROLE_KEY',
    secret: true,
    example: '',
  },
  BACKUP_SUPABASE_BUCKET: {
    schema: z.string().trim().regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, 'must be a bucket name such as opsbot-backups').default('opsbot-backups'),
    doc: 'Private Supabase Storage bucket for backups (must exist)',
    example: 'opsbot-backups',
  },
  BACKUP_SUPABASE_PREFIX: {
    schema: z.string().trim().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a folder name such as opsbot').default('opsbot'),
    doc: 'Folder inside the bucket',
    example: 'opsbot',
  },
  BACKUP_SUPABASE_PART_MB: {
    schema: int(1, 5000).default(6),
    doc: 'Backups larger than this are uploaded as parts of this size (Supabase: standard uploads suit files up to 6 MB; the project file size limit applies per part)',
    example: '6',
  },
  BACKUP_DATABASE_URL: {
    schema: pgUrl.optional(),
    doc: 'Connection pg_dump reads from and restores write to (direct or session mode, never the transaction pooler; needs to read every table, e.g. pg_read_all_data); defaults to DATABASE_ADMIN_URL, then DATABASE_URL',
    secret: true,
    example: '',
  },
  VERIFY_DATABASE_URL: {
    schema: pgUrl.optional(),
    doc: 'Postgres server (same major version as the target, ideally the supabase/postgres image) where /backup verify creates and drops a scratch database; verify is off when unset',
    secret: true,
    example: '',
  },
  BACKUP_PG_BIN_DIR: {
    schema: z.string().trim().optional(),
    doc: 'Directory with pg_dump, pg_restore and psql of at least the server major version (Supabase runs 15 or 17); found on PATH when unset',
    example: '',
  },
  BACKUP_EXCLUDE_SCHEMAS: {
    schema: schemaList(DEFAULT_EXCLUDED_SCHEMAS.join(',')),
    doc: 'Comma-separated schemas left out of backups (default: the Supabase platform schemas; auth and storage are kept); opsbot is always left out',
    example: DEFAULT_EXCLUDED_SCHEMAS.join(','),
  },
  BACKUP_LOCK_WAIT_TIMEOUT_MS: {
    schema: int(100, 600_000).default(5000),
    doc: 'pg_dump --lock-wait-timeout: fail fast instead of queueing behind a migration (and blocking everyone behind it)',
    example: '5000',
  },
  BACKUP_RESTORE_LOCK_TIMEOUT_MS: {
    schema: int(100, 600_000).default(5000),
    doc: 'How long a restore waits for the exclusive lock on the tables it replaces before giving up without changing anything',
    example: '5000',
  },
  BACKUP_KEEP_DAILY: { schema: int(1, 366).default(7), doc: 'Retention: newest backups kept, one per day', example: '7' },
  BACKUP_KEEP_WEEKLY: { schema: int(0, 520).default(4), doc: 'Retention: newest backups kept, one per ISO week', example: '4' },
  BACKUP_KEEP_MONTHLY: { schema: int(0, 1200).default(12), doc: 'Retention: newest backups kept, one per month', example: '12' },
  BACKUP_KEEP_SAFETY_DAYS: {
    schema: int(1, 3650).default(30),
    doc: 'Safety backups taken before a restore are kept this many days',
    example: '30',
  },
  BACKUP_RPO_WARN_HOURS: {
    schema: int(1, 24 * 365).default(24),
    doc: 'Age of the last successful / verified backup above which /health warns (runbook: RPO 24 h)',
    example: '24',
  },
  BACKUP_RPO_CRITICAL_HOURS: {
    schema: int(1, 24 * 365).default(48),
    doc: 'Age of the last successful / verified backup above which /health is critical',
    example: '48',
  },
  BACKUP_PROGRESS_SECONDS: {
    schema: int(1, 3600).default(30),
    doc: 'How often a running backup, verify or restore posts its progress in the thread',
    example: '30',
  },
} satisfies Record<string, Setting>;

export type BackupSettingName = keyof typeof BACKUP_SETTINGS;

const schemaShape = Object.fromEntries(Object.entries(BACKUP_SETTINGS).map(([k, v]) => [k, v.schema])) as {
  [K in BackupSettingName]: (typeof BACKUP_SETTINGS)[K]['schema'];
};
const BackupEnvSchema = z.object(schemaShape);

/** The parsed values of BACKUP_SETTINGS (what the lead's merged config schema yields). */
export type BackupEnv = z.infer<typeof BackupEnvSchema>;

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
    if (!url) problems.push(`BACKUP_SUPABASE_URL is missing (BACKUP_STORE=supabase) — ${BACKUP_SETTINGS.BACKUP_SUPABASE_URL.doc}`);
    if (!key) problems.push(`BACKUP_SUPABASE_KEY is missing (BACKUP_STORE=supabase) — ${BACKUP_SETTINGS.BACKUP_SUPABASE_KEY.doc}`);
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

/**
 * Parses the backup variables from a raw environment record (empty strings count as unset)
 * and maps them; throws ConfigError listing every problem with what the setting is for.
 */
export function parseBackupSettings(rawEnv: Record<string, string | undefined>, fallback: BackupFallbacks): BackupSettings {
  const env = Object.fromEntries(Object.keys(BACKUP_SETTINGS).map((k) => [k, rawEnv[k] === '' ? undefined : rawEnv[k]]));
  const parsed = BackupEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? '') as BackupSettingName;
        const setting = BACKUP_SETTINGS[key] as Setting | undefined;
        return `${key} ${issue.message.replace(/^Invalid input: /, '')}${setting ? ` — ${setting.doc}` : ''}`;
      }),
    );
  }
  return toBackupSettings(parsed.data, fallback);
}

/** Secret values of the backup settings (keys and URL passwords), for the redactor. */
export function backupSecrets(s: BackupSettings): string[] {
  const out = [...urlSecrets(s.databaseUrl), ...urlSecrets(s.verifyUrl)];
  if (s.store.kind === 'supabase' && s.store.key.length >= 4) out.push(s.store.key);
  return [...new Set(out)];
}
