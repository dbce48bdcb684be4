// One zod schema for every setting. Each setting carries what it is for, so a failed start
// names every missing or invalid variable and explains it, in one message.
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { SCHEDULER_SETTINGS, toSchedulerSettings, type SchedulerSettings } from '../scheduler/settings.js';
import { BACKUP_SETTINGS, backupSecrets, toBackupSettings, type BackupSettings } from '../backup/settings.js';
import { urlSecrets } from '../core/url-secrets.js';
import type { HealthThresholds } from '../health/types.js';

const idList = z
  .string()
  .trim()
  .transform((s) => (s === '' ? [] : s.split(',').map((x) => x.trim()).filter(Boolean)))
  .pipe(z.array(z.string().regex(/^[A-Z0-9]+$/, 'each id must be a Slack id such as U012ABCDEF')));

const pgUrl = z
  .string()
  .trim()
  .refine((s) => /^postgres(ql)?:\/\//.test(s) && URL.canParse(s), 'must be a postgres:// or postgresql:// URL');

const httpUrl = z
  .string()
  .trim()
  .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'must be an http(s):// URL');

/** true/false, 1/0 or yes/no. */
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], 'must be true/false, 1/0 or yes/no')
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

// Numbers say their whole rule whichever part failed, e.g. "must be a whole number from 1 to 3".
const int = (min: number, max: number) => {
  const rule = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: rule }).int(rule).min(min, rule).max(max, rule);
};
const num = (min: number, max: number) => {
  const rule = `must be a number from ${min} to ${max}`;
  return z.coerce.number({ error: rule }).min(min, rule).max(max, rule);
};

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as America/New_York');

// Supabase API keys come in two generations: JWTs (eyJ….….…, role in the payload) and the newer
// prefixed keys (sb_publishable_…, sb_secret_…). A key of the wrong kind is refused by name, so a
// secret key pasted as the anon key (it would be sent to the public edge function) never starts.
const JWT = /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function jwtRole(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { role?: unknown };
    return typeof payload.role === 'string' ? payload.role : undefined;
  } catch {
    return undefined;
  }
}

const supabaseKey = (kind: 'publishable' | 'secret', jwtRoleName: 'anon' | 'service_role', rule: string) =>
  z
    .string()
    .trim()
    .superRefine((s, ctx) => {
      const other = kind === 'publishable' ? 'sb_secret_' : 'sb_publishable_';
      if (s.startsWith(other)) {
        ctx.addIssue({ code: 'custom', message: `${rule}; this is an ${other}… key` });
        return;
      }
      const prefixed = new RegExp(`^sb_${kind}_[A-Za-z0-9_-]{10,}$`).test(s);
      const jwt = JWT.test(s);
      if (!prefixed && !jwt) {
        ctx.addIssue({ code: 'custom', message: rule });
        return;
      }
      const role = jwt ? jwtRole(s) : undefined;
      if (role !== undefined && role !== jwtRoleName) ctx.addIssue({ code: 'custom', message: `${rule}; this JWT is for the role "${role}"` });
    });

interface Setting {
  schema: z.ZodType;
  doc: string;
  /** Values of secret settings are redacted from every log line, message and error. */
  secret?: boolean;
  /** Shown in .env.example and README; absent means required (or derived). */
  example?: string;
}

/** Every environment variable the bot reads. README and .env.example are checked against it. */
export const SETTINGS = {
  SLACK_BOT_TOKEN: {
    schema: z.string().regex(/^xox[bp]-/, 'must be a bot token starting with xoxb- (or a user token xoxp-)').optional(),
    doc: 'Bot token (OAuth & Permissions → Bot User OAuth Token), used for every Slack Web API call. Required to run the bot, not the CLI',
    secret: true,
    example: 'xoxb-…',
  },
  SLACK_SIGNING_SECRET: {
    schema: z.string().min(8, 'must be the app signing secret (Basic Information → App Credentials), at least 8 characters').optional(),
    doc: 'Signing secret (Basic Information → App Credentials); verifies HTTP requests. Required unless SLACK_APP_TOKEN is set',
    secret: true,
    example: '…',
  },
  SLACK_APP_TOKEN: {
    schema: z.string().regex(/^xapp-/, 'must be an app-level token starting with xapp-').optional(),
    doc: 'App-level token with connections:write; when set the bot uses Socket Mode (no public URL needed)',
    secret: true,
    example: '',
  },
  SLACK_API_URL: {
    schema: httpUrl.default('https://slack.com/api/'),
    doc: 'Slack Web API base URL, for GovSlack-style hosts or a local stand-in',
    example: 'https://slack.com/api/',
  },
  PORT: {
    schema: int(0, 65535).default(3000),
    doc: 'HTTP port for /slack/events (HTTP mode) and /healthz',
    example: '3000',
  },
  DATABASE_URL: {
    // Required by the bot and by the CLI commands that use it (src/app/cli/requirements.ts).
    schema: pgUrl.optional(),
    doc: 'Target Supabase Postgres (direct or session-mode connection, not the transaction pooler); diagnostics run read-only',
    secret: true,
    example: 'postgres://opsbot_ro:password@db.<ref>.supabase.co:5432/postgres',
  },
  DATABASE_ADMIN_URL: {
    schema: pgUrl.optional(),
    doc: 'Connection used by playbooks that write; defaults to DATABASE_URL',
    secret: true,
    example: '',
  },
  STATE_DATABASE_URL: {
    schema: pgUrl.optional(),
    doc: "The bot's own state (schema opsbot): audit, approvals, runs. Defaults to DATABASE_URL; use a separate database in production so the bot keeps its memory while the target is down",
    secret: true,
    example: '',
  },
  APP_URL: {
    schema: httpUrl.optional(),
    doc: 'Public URL of the AutoRepAi front end, checked with HEAD by /health frontend',
    example: 'https://app.autorepai.example',
  },
  SUPABASE_URL: {
    schema: httpUrl.optional(),
    doc: 'Supabase project URL, e.g. https://<ref>.supabase.co (Auth health, edge function probe)',
    example: 'https://<ref>.supabase.co',
  },
  SUPABASE_ANON_KEY: {
    schema: supabaseKey('publishable', 'anon', 'must be the project anon key (a JWT or sb_publishable_… key)').optional(),
    doc: 'Supabase anon key, sent as apikey to /auth/v1/health and to the edge function probe',
    secret: true,
    example: 'eyJ…',
  },
  SUPABASE_SERVICE_ROLE_KEY: {
    schema: supabaseKey('secret', 'service_role', 'must be the service_role key (a JWT or sb_secret_… key)').optional(),
    doc: 'Supabase service_role key for Auth admin calls made by approved playbooks (optional until those are used)',
    secret: true,
    example: '',
  },
  EDGE_FUNCTION_NAME: {
    schema: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be an edge function slug such as ai-chat').default('ai-chat'),
    doc: 'Edge function probed by /health edge with a test chat message',
    example: 'ai-chat',
  },
  ALERTS_CHANNEL_ID: {
    schema: z.string().regex(/^[CG][A-Z0-9]+$/, 'must be a channel id such as C012ABCDEF').optional(),
    doc: 'Channel for alerts, announcements and break-glass notices',
    example: '',
  },
  ALLOWED_CHANNEL_IDS: {
    schema: idList.default([]),
    doc: 'Comma-separated channel ids (exact, case-sensitive) where every command and button works, read-only, on-call and approver alike; approvals count only on the request message in its own channel; empty allows every channel',
    example: '',
  },
  ONCALL_USERGROUP_ID: {
    schema: z.string().regex(/^S[A-Z0-9]+$/, 'must be a user group id such as S012ABCDEF').optional(),
    doc: 'Slack user group of on-call responders (diagnostics, requesting playbooks)',
    example: '',
  },
  APPROVER_USERGROUP_ID: {
    schema: z.string().regex(/^S[A-Z0-9]+$/, 'must be a user group id such as S012ABCDEF').optional(),
    doc: 'Slack user group of approvers for destructive playbooks',
    example: '',
  },
  ONCALL_USER_IDS: {
    schema: idList.default([]),
    doc: 'Comma-separated user ids that are on-call in addition to the user group',
    example: '',
  },
  APPROVER_USER_IDS: {
    schema: idList.default([]),
    doc: 'Comma-separated user ids that are approvers in addition to the user group',
    example: '',
  },
  ROLE_CACHE_TTL_SECONDS: {
    schema: int(0, 86_400).default(300),
    doc: 'How long user-group membership is cached',
    example: '300',
  },
  OPS_TIMEZONE: {
    schema: timezone.default('America/New_York'),
    doc: 'IANA time zone for times shown to people and for schedules',
    example: 'America/New_York',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'must be one of fatal, error, warn, info, debug, trace, silent').default('info'),
    doc: 'pino log level',
    example: 'info',
  },
  HEALTH_CHECK_TIMEOUT_MS: {
    schema: int(100, 60_000).default(5000),
    doc: 'Time limit of each /health check',
    example: '5000',
  },
  DB_STATEMENT_TIMEOUT_MS: {
    schema: int(100, 600_000).default(5000),
    doc: 'statement_timeout of diagnostic queries on the target database',
    example: '5000',
  },
  DB_LOCK_TIMEOUT_MS: {
    schema: int(10, 60_000).default(500),
    doc: 'lock_timeout of diagnostic queries, so they never queue behind DDL',
    example: '500',
  },
  DB_POOL_MAX: {
    schema: int(1, 3).default(3),
    doc: 'Connections the bot may hold on the target database (at most 3)',
    example: '3',
  },
  CONNECTIONS_WARN: {
    schema: int(1, 100_000).default(40),
    doc: 'Active connections at or above which /health warns (runbook: warning > 40)',
    example: '40',
  },
  CONNECTIONS_CRITICAL: {
    schema: int(1, 100_000).default(50),
    doc: 'Active connections at or above which /health is critical (runbook: < 50)',
    example: '50',
  },
  CONNECTIONS_CRITICAL_PCT: {
    schema: num(1, 100).default(80),
    doc: 'Share of max_connections in use at or above which /health is critical',
    example: '80',
  },
  DB_STORAGE_LIMIT_BYTES: {
    schema: int(1, Number.MAX_SAFE_INTEGER).default(8 * 1024 ** 3),
    doc: 'Storage limit the database size is compared with (runbook: 8 GB)',
    example: String(8 * 1024 ** 3),
  },
  STORAGE_WARN_PCT: { schema: num(1, 100).default(80), doc: 'Database size share of the limit that warns', example: '80' },
  STORAGE_CRITICAL_PCT: { schema: num(1, 100).default(90), doc: 'Database size share of the limit that is critical', example: '90' },
  CACHE_HIT_WARN_PCT: { schema: num(0, 100).default(99), doc: 'Cache hit ratio below which /health warns', example: '99' },
  LONG_RUNNING_SECONDS: {
    schema: int(1, 86_400).default(60),
    doc: 'Statements running longer than this are counted as long-running',
    example: '60',
  },
  IDLE_IN_TRANSACTION_SECONDS: {
    schema: int(1, 86_400).default(60),
    doc: 'Sessions idle in transaction longer than this are counted (they hold locks and block vacuum)',
    example: '60',
  },
  XID_AGE_WARN_PCT: {
    schema: num(1, 100).default(50),
    doc: 'Transaction-ID age, as a share of the 2^31 wraparound horizon, that warns',
    example: '50',
  },
  XID_AGE_CRITICAL_PCT: {
    schema: num(1, 100).default(75),
    doc: 'Transaction-ID age share of the wraparound horizon that is critical',
    example: '75',
  },
  FRONTEND_LATENCY_WARN_MS: { schema: int(1, 60_000).default(2000), doc: 'Front-end response time that warns', example: '2000' },
  EDGE_LATENCY_WARN_MS: { schema: int(1, 60_000).default(2000), doc: 'Edge function probe latency that warns (runbook: P95 < 2 s)', example: '2000' },
  EDGE_LATENCY_CRITICAL_MS: {
    schema: int(1, 60_000).default(3000),
    doc: 'Edge function probe latency that is critical (runbook: warning > 3 s)',
    example: '3000',
  },
  IDLE_CONNECTION_SECONDS: {
    schema: int(1, 604_800).default(3600),
    doc: 'Idle connections older than this are listed as possibly leaked by /db connections',
    example: '3600',
  },
  IDLE_IN_TRANSACTION_CRITICAL_SECONDS: {
    schema: int(1, 86_400).default(600),
    doc: 'Sessions idle in transaction longer than this are critical in /db connections',
    example: '600',
  },
  LONG_RUNNING_CRITICAL_SECONDS: {
    schema: int(1, 604_800).default(1800),
    doc: 'Statements running longer than this are critical in /db long',
    example: '1800',
  },
  LOCK_WAIT_CRITICAL_SECONDS: {
    schema: int(1, 86_400).default(120),
    doc: 'Lock waits longer than this are critical in /db locks',
    example: '120',
  },
  SLOW_QUERY_MEAN_MS: {
    schema: num(1, 600_000).default(100),
    doc: 'Mean time per call that flags a statement in /slowqueries (runbook: query P95 < 100 ms)',
    example: '100',
  },
  SLOW_QUERY_HOG_PCT: {
    schema: num(1, 100).default(20),
    doc: 'Share of all statement time that flags a "resource hog" in /slowqueries',
    example: '20',
  },
  SLOW_QUERY_HOG_MIN_TOTAL_MS: {
    schema: num(0, 1e12).default(1000),
    doc: 'Time a statement must have used before it can be called a hog',
    example: '1000',
  },
  DEAD_TUPLES_WARN: {
    schema: int(1, Number.MAX_SAFE_INTEGER).default(1000),
    doc: 'Dead tuples that flag a table in /db tables (runbook: > 1000)',
    example: '1000',
  },
  UNUSED_INDEX_MIN_BYTES: {
    schema: int(0, Number.MAX_SAFE_INTEGER).default(1_048_576),
    doc: 'Smallest unused index listed by /db indexes',
    example: '1048576',
  },
  SEQ_SCAN_MIN_ROWS: {
    schema: int(1, Number.MAX_SAFE_INTEGER).default(10_000),
    doc: 'Tables with at least this many rows are checked for sequential-scan reads',
    example: '10000',
  },
  SEQ_SCAN_INDEX_USE_PCT: {
    schema: num(0, 100).default(95),
    doc: 'Index-scan share below which a large table counts as read by sequential scans',
    example: '95',
  },
  CACHE_HIT_CRITICAL_PCT: {
    schema: num(0, 100).default(95),
    doc: 'Cache hit ratio below which /db cache is critical',
    example: '95',
  },
  CACHE_MIN_BLOCKS: {
    schema: int(0, Number.MAX_SAFE_INTEGER).default(10_000),
    doc: 'Blocks read before /db cache judges a hit ratio',
    example: '10000',
  },
  SEQUENCE_WARN_PCT: {
    schema: num(1, 100).default(90),
    doc: 'Sequence usage of its type range that warns in /db wraparound',
    example: '90',
  },
  SEQUENCE_CRITICAL_PCT: {
    schema: num(1, 100).default(98),
    doc: 'Sequence usage that is critical in /db wraparound',
    example: '98',
  },
  GEMINI_API_KEY: {
    schema: z.string().trim().regex(/^\S{20,}$/, 'must be a Gemini API key (from Google AI Studio, at least 20 characters, no spaces)').optional(),
    doc: 'Gemini API key for /logs summaries; without it every summary is the offline one (clearly labelled)',
    secret: true,
    example: '',
  },
  GEMINI_MODEL: {
    schema: z.string().trim().regex(/^[a-z0-9][a-z0-9.-]{1,80}$/, 'must be a model name such as gemini-2.5-flash').default('gemini-2.5-flash'),
    doc: 'Gemini model for log summaries',
    example: 'gemini-2.5-flash',
  },
  GEMINI_BASE_URL: {
    schema: httpUrl.optional(),
    doc: 'Proxy or gateway in front of the Gemini API',
    example: '',
  },
  GEMINI_TIMEOUT_MS: {
    schema: int(1000, 300_000).default(30_000),
    doc: 'Overall deadline of one summary, retries included',
    example: '30000',
  },
  GEMINI_MAX_ATTEMPTS: {
    schema: int(1, 10).default(3),
    doc: 'Attempts per summary (retries only on 408/429/5xx)',
    example: '3',
  },
  LOGS_TOKEN_BUDGET: {
    schema: int(1000, 1_000_000).default(30_000),
    doc: 'Estimated input tokens a summary prompt may use',
    example: '30000',
  },
  LOGS_REDACT_IPS: {
    schema: flag(true),
    doc: 'Replace IP addresses in logs before they leave the process',
    example: 'true',
  },
  LOGS_WORKER_THREADS: {
    schema: int(0, 16).optional(),
    doc: 'Worker threads that parse and redact big log files (0 = none; default one per CPU core, at most 4, none on a single core)',
    example: '',
  },
  SUPABASE_ACCESS_TOKEN: {
    schema: z.string().trim().regex(/^\S{20,}$/, 'must be a Supabase access token (a personal access token sbp_…), at least 20 characters, no spaces').optional(),
    doc: 'Supabase Management API token (analytics:read) for /logs summarize edge|postgres|auth',
    secret: true,
    example: '',
  },
  SUPABASE_PROJECT_REF: {
    schema: z.string().regex(/^[a-z0-9]{10,40}$/, 'must be the project ref, e.g. abcdefghijklmnopqrst').optional(),
    doc: 'Supabase project ref; derived from SUPABASE_URL when unset',
    example: '',
  },
  SUPABASE_LOGS_ENDPOINT: {
    schema: z.string().regex(/^\/v1\/projects\/\{ref\}\/[a-z0-9/._-]+$/, 'must be a Management API path containing {ref}').default('/v1/projects/{ref}/analytics/endpoints/logs.all'),
    doc: 'Management API logs endpoint (use …/endpoints/logs for the ClickHouse dialect)',
    example: '/v1/projects/{ref}/analytics/endpoints/logs.all',
  },
  PLAYBOOK_APPROVAL_TTL_MINUTES: {
    schema: int(1, 1440).default(15),
    doc: 'How long a playbook request waits for approval before it expires',
    example: '15',
  },
  BREAK_GLASS_ENABLED: {
    schema: flag(false),
    doc: 'Lets a lone responder self-approve a lockdown with a typed reason (announced in ALERTS_CHANNEL_ID and audited)',
    example: 'false',
  },
  LOCKDOWN_EVIDENCE_DIR: {
    schema: z.string().trim().min(1, 'must be a folder path').optional(),
    doc: 'Folder where lockdown evidence is also written as a JSON file (besides the state store)',
    example: '',
  },
  LOCKDOWN_REMINDER_REPEAT_HOURS: {
    schema: num(0.25, 168).default(6),
    doc: 'How often an open breach-notification deadline (24 h, 72 h) is posted again until marked done',
    example: '6',
  },
  FAILED_LOGINS_PER_MINUTE_WARN: {
    schema: num(0, 1_000_000).default(10),
    doc: 'Failed sign-ins per minute (averaged over the last hour and at peak minute) that warn',
    example: '10',
  },
  // Scheduled work (maintenance windows, alerts, reminders): defined next to the scheduler.
  ...SCHEDULER_SETTINGS,
  // Backups: defined next to the backup service.
  ...BACKUP_SETTINGS,
} satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;

const schemaShape = Object.fromEntries(Object.entries(SETTINGS).map(([k, v]) => [k, v.schema])) as {
  [K in SettingName]: (typeof SETTINGS)[K]['schema'];
};

/** `bot` needs the Slack settings; `cli` runs without Slack (for when Slack itself is down). */
export type ConfigMode = 'bot' | 'cli';

/** A setting something cannot run without; a list means any one of them will do (the first is the usual one). */
export type Requirement = SettingName | readonly SettingName[];

/**
 * What the bot, and a CLI command that names no narrower list, cannot run without. Each CLI command
 * names its own list (src/app/cli/requirements.ts), so `opsbot db connections` needs only DATABASE_URL.
 */
export const FULL_REQUIREMENTS = ['DATABASE_URL', 'APP_URL', 'SUPABASE_URL', 'SUPABASE_ANON_KEY'] as const satisfies readonly Requirement[];

const EnvSchema = z.object(schemaShape);

function requirementProblems(env: Record<string, string | undefined>, requires: readonly Requirement[]): string[] {
  const out: string[] = [];
  for (const r of requires) {
    const [first, ...alternatives] = typeof r === 'string' ? [r] : r;
    if (!first || [first, ...alternatives].some((k) => env[k] !== undefined)) continue;
    const or = alternatives.length ? ` (or set ${alternatives.join(' or ')})` : '';
    out.push(`${first} is missing${or} — ${(SETTINGS[first] as Setting).doc}`);
  }
  return out;
}

/** Presence rules that depend on the mode; checked on the raw values so they are listed together with schema errors. */
function modeProblems(env: Record<string, string | undefined>, mode: ConfigMode): string[] {
  if (mode !== 'bot') return [];
  const out: string[] = [];
  if (!env.SLACK_BOT_TOKEN) out.push(`SLACK_BOT_TOKEN is missing — ${SETTINGS.SLACK_BOT_TOKEN.doc}`);
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    out.push(`SLACK_SIGNING_SECRET is missing (required in HTTP mode; or set SLACK_APP_TOKEN for Socket Mode) — ${SETTINGS.SLACK_SIGNING_SECRET.doc}`);
  }
  return out;
}

/**
 * Threshold pairs that must be ordered. Each value is parsed on its own, so a misordered pair is
 * listed together with unrelated missing settings rather than only after they are fixed.
 */
function orderProblems(env: Record<string, string | undefined>): string[] {
  const pairs: [SettingName, SettingName][] = [
    ['CONNECTIONS_WARN', 'CONNECTIONS_CRITICAL'],
    ['STORAGE_WARN_PCT', 'STORAGE_CRITICAL_PCT'],
    ['EDGE_LATENCY_WARN_MS', 'EDGE_LATENCY_CRITICAL_MS'],
    ['XID_AGE_WARN_PCT', 'XID_AGE_CRITICAL_PCT'],
    ['SEQUENCE_WARN_PCT', 'SEQUENCE_CRITICAL_PCT'],
    ['CACHE_HIT_CRITICAL_PCT', 'CACHE_HIT_WARN_PCT'],
    ['IDLE_IN_TRANSACTION_SECONDS', 'IDLE_IN_TRANSACTION_CRITICAL_SECONDS'],
    ['LONG_RUNNING_SECONDS', 'LONG_RUNNING_CRITICAL_SECONDS'],
  ];
  const value = (k: SettingName): number | undefined => {
    const r = (SETTINGS[k] as Setting).schema.safeParse(env[k]);
    return r.success && typeof r.data === 'number' ? r.data : undefined;
  };
  const out: string[] = [];
  for (const [wk, ck] of pairs) {
    const w = value(wk);
    const c = value(ck);
    if (w !== undefined && c !== undefined && w > c) out.push(`${wk} (${w}) must not exceed ${ck} (${c})`);
  }
  return out;
}

type Env = z.infer<typeof EnvSchema>;

export type { HealthThresholds } from '../health/types.js';


export interface Config {
  slack: {
    /** Empty in CLI mode. */
    botToken: string;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string;
    port: number;
  };
  // URLs and keys below are '' when the command that loaded the configuration does not use them
  // (see `requires` of loadConfig); the bot always has all of them.
  database: {
    url: string;
    adminUrl: string;
    stateUrl: string;
    statementTimeoutMs: number;
    lockTimeoutMs: number;
    poolMax: number;
  };
  appUrl: string;
  supabase: { url: string; anonKey: string; serviceRoleKey: string | undefined; edgeFunction: string };
  channels: { alerts: string | undefined; allowed: string[] };
  roles: {
    oncallGroup: string | undefined;
    approverGroup: string | undefined;
    oncallUsers: string[];
    approverUsers: string[];
    cacheTtlMs: number;
  };
  timezone: string;
  logLevel: Env['LOG_LEVEL'];
  playbooks: { approvalTtlMs: number; breakGlassEnabled: boolean };
  lockdown: { evidenceDir: string | undefined; reminderRepeatMs: number };
  scheduler: SchedulerSettings;
  backup: BackupSettings;
  logs: {
    geminiApiKey: string | undefined;
    geminiModel: string;
    geminiBaseUrl: string | undefined;
    geminiTimeoutMs: number;
    geminiMaxAttempts: number;
    tokenBudget: number;
    redactIps: boolean;
    /** Worker threads for big log files; undefined = one per core, at most 4. */
    workerThreads: number | undefined;
    supabaseAccessToken: string | undefined;
    supabaseProjectRef: string | undefined;
    supabaseLogsEndpoint: string;
  };
  /** Thresholds only /slowqueries and /db use (the shared ones are in `thresholds`). */
  diagnostics: {
    idleConnectionSeconds: number;
    idleInTransactionCriticalSeconds: number;
    longRunningCriticalSeconds: number;
    lockWaitCriticalSeconds: number;
    slowQueryMeanMs: number;
    slowQueryHogPct: number;
    slowQueryHogMinTotalMs: number;
    deadTuplesWarn: number;
    unusedIndexMinBytes: number;
    seqScanMinRows: number;
    seqScanIndexUsePct: number;
    cacheHitCriticalPct: number;
    cacheMinBlocks: number;
    sequenceWarnPct: number;
    sequenceCriticalPct: number;
  };
  thresholds: HealthThresholds;
  /** Every secret value (including passwords inside database URLs), for redaction. */
  secrets: string[];
}

function describeIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const key = String(issue.path[0] ?? '');
  const setting = (SETTINGS as Record<string, Setting>)[key];
  const missing = env[key] === undefined || env[key] === '';
  const problem =
    missing && issue.code === 'invalid_type' ? 'is missing' : issue.message.replace(/^Invalid input: /, '');
  return setting ? `${key} ${problem} — ${setting.doc}` : `${key || '(settings)'} ${problem}`;
}

export { urlSecrets } from '../core/url-secrets.js';

/**
 * Parses the environment; throws ConfigError listing every problem. `requires` lists the settings
 * the caller cannot run without (default: everything the bot needs); a value that is set is
 * checked whether or not it is required.
 */
export function loadConfig(rawEnv: Record<string, string | undefined>, mode: ConfigMode = 'bot', requires: readonly Requirement[] = FULL_REQUIREMENTS): Config {
  // Treat empty strings as unset so `.env` templates with blank optional lines work.
  const env = Object.fromEntries(
    Object.keys(SETTINGS).map((k) => [k, rawEnv[k] === '' ? undefined : rawEnv[k]]),
  );
  const parsed = EnvSchema.safeParse(env);
  const problems = [...requirementProblems(env, mode === 'bot' ? FULL_REQUIREMENTS : requires), ...modeProblems(env, mode)];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const line = describeIssue(issue, env);
      if (!problems.includes(line)) problems.push(line);
    }
  }
  problems.push(...orderProblems(env));
  // Settings whose rules span several values are checked by their feature, into the same list.
  let backup: BackupSettings | undefined;
  if (parsed.success) {
    try {
      backup = toBackupSettings(parsed.data, {
        databaseUrl: parsed.data.DATABASE_ADMIN_URL ?? parsed.data.DATABASE_URL ?? '',
        supabaseUrl: parsed.data.SUPABASE_URL,
        serviceRoleKey: parsed.data.SUPABASE_SERVICE_ROLE_KEY,
      });
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length > 0 || !parsed.success || !backup) throw new ConfigError(problems);
  const e = parsed.data;
  const secretKeys = (Object.keys(SETTINGS) as SettingName[]).filter(
    (k) => (SETTINGS[k] as Setting).secret === true,
  );
  const secrets = new Set<string>();
  for (const k of secretKeys) {
    const v = e[k];
    if (typeof v === 'string' && v.length >= 4) secrets.add(v);
  }
  for (const u of [e.DATABASE_URL, e.DATABASE_ADMIN_URL, e.STATE_DATABASE_URL]) {
    for (const s of urlSecrets(u)) if (s.length >= 4) secrets.add(s);
  }
  for (const s of backupSecrets(backup)) if (s.length >= 4) secrets.add(s);
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN ?? '',
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      port: e.PORT,
    },
    database: {
      url: e.DATABASE_URL ?? '',
      adminUrl: e.DATABASE_ADMIN_URL ?? e.DATABASE_URL ?? '',
      stateUrl: e.STATE_DATABASE_URL ?? e.DATABASE_URL ?? '',
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      lockTimeoutMs: e.DB_LOCK_TIMEOUT_MS,
      poolMax: e.DB_POOL_MAX,
    },
    appUrl: e.APP_URL ?? '',
    supabase: {
      url: (e.SUPABASE_URL ?? '').replace(/\/+$/, ''),
      anonKey: e.SUPABASE_ANON_KEY ?? '',
      serviceRoleKey: e.SUPABASE_SERVICE_ROLE_KEY,
      edgeFunction: e.EDGE_FUNCTION_NAME,
    },
    channels: { alerts: e.ALERTS_CHANNEL_ID, allowed: e.ALLOWED_CHANNEL_IDS },
    roles: {
      oncallGroup: e.ONCALL_USERGROUP_ID,
      approverGroup: e.APPROVER_USERGROUP_ID,
      oncallUsers: e.ONCALL_USER_IDS,
      approverUsers: e.APPROVER_USER_IDS,
      cacheTtlMs: e.ROLE_CACHE_TTL_SECONDS * 1000,
    },
    timezone: e.OPS_TIMEZONE,
    logLevel: e.LOG_LEVEL,
    playbooks: { approvalTtlMs: e.PLAYBOOK_APPROVAL_TTL_MINUTES * 60_000, breakGlassEnabled: e.BREAK_GLASS_ENABLED },
    lockdown: { evidenceDir: e.LOCKDOWN_EVIDENCE_DIR, reminderRepeatMs: e.LOCKDOWN_REMINDER_REPEAT_HOURS * 3_600_000 },
    scheduler: toSchedulerSettings(e, e.ALERTS_CHANNEL_ID),
    backup,
    logs: {
      geminiApiKey: e.GEMINI_API_KEY,
      geminiModel: e.GEMINI_MODEL,
      geminiBaseUrl: e.GEMINI_BASE_URL,
      geminiTimeoutMs: e.GEMINI_TIMEOUT_MS,
      geminiMaxAttempts: e.GEMINI_MAX_ATTEMPTS,
      tokenBudget: e.LOGS_TOKEN_BUDGET,
      redactIps: e.LOGS_REDACT_IPS,
      workerThreads: e.LOGS_WORKER_THREADS,
      supabaseAccessToken: e.SUPABASE_ACCESS_TOKEN,
      // https://<ref>.supabase.co → <ref>
      supabaseProjectRef: e.SUPABASE_PROJECT_REF ?? /^https:\/\/([a-z0-9]+)\.supabase\.co/.exec(e.SUPABASE_URL ?? '')?.[1],
      supabaseLogsEndpoint: e.SUPABASE_LOGS_ENDPOINT,
    },
    diagnostics: {
      idleConnectionSeconds: e.IDLE_CONNECTION_SECONDS,
      idleInTransactionCriticalSeconds: e.IDLE_IN_TRANSACTION_CRITICAL_SECONDS,
      longRunningCriticalSeconds: e.LONG_RUNNING_CRITICAL_SECONDS,
      lockWaitCriticalSeconds: e.LOCK_WAIT_CRITICAL_SECONDS,
      slowQueryMeanMs: e.SLOW_QUERY_MEAN_MS,
      slowQueryHogPct: e.SLOW_QUERY_HOG_PCT,
      slowQueryHogMinTotalMs: e.SLOW_QUERY_HOG_MIN_TOTAL_MS,
      deadTuplesWarn: e.DEAD_TUPLES_WARN,
      unusedIndexMinBytes: e.UNUSED_INDEX_MIN_BYTES,
      seqScanMinRows: e.SEQ_SCAN_MIN_ROWS,
      seqScanIndexUsePct: e.SEQ_SCAN_INDEX_USE_PCT,
      cacheHitCriticalPct: e.CACHE_HIT_CRITICAL_PCT,
      cacheMinBlocks: e.CACHE_MIN_BLOCKS,
      sequenceWarnPct: e.SEQUENCE_WARN_PCT,
      sequenceCriticalPct: e.SEQUENCE_CRITICAL_PCT,
    },
    thresholds: {
      checkTimeoutMs: e.HEALTH_CHECK_TIMEOUT_MS,
      connectionsWarn: e.CONNECTIONS_WARN,
      connectionsCritical: e.CONNECTIONS_CRITICAL,
      connectionsCriticalPct: e.CONNECTIONS_CRITICAL_PCT,
      storageLimitBytes: e.DB_STORAGE_LIMIT_BYTES,
      storageWarnPct: e.STORAGE_WARN_PCT,
      storageCriticalPct: e.STORAGE_CRITICAL_PCT,
      cacheHitWarnPct: e.CACHE_HIT_WARN_PCT,
      longRunningSeconds: e.LONG_RUNNING_SECONDS,
      idleInTransactionSeconds: e.IDLE_IN_TRANSACTION_SECONDS,
      xidAgeWarnPct: e.XID_AGE_WARN_PCT,
      xidAgeCriticalPct: e.XID_AGE_CRITICAL_PCT,
      frontendLatencyWarnMs: e.FRONTEND_LATENCY_WARN_MS,
      edgeLatencyWarnMs: e.EDGE_LATENCY_WARN_MS,
      edgeLatencyCriticalMs: e.EDGE_LATENCY_CRITICAL_MS,
      failedLoginsPerMinuteWarn: e.FAILED_LOGINS_PER_MINUTE_WARN,
    },
    secrets: [...secrets].sort((a, b) => b.length - a.length),
  };
}

const LOGS_KEYS = [
  'GEMINI_API_KEY',
  'GEMINI_MODEL',
  'GEMINI_BASE_URL',
  'GEMINI_TIMEOUT_MS',
  'GEMINI_MAX_ATTEMPTS',
  'LOGS_TOKEN_BUDGET',
  'LOGS_REDACT_IPS',
  'LOGS_WORKER_THREADS',
  'LOG_LEVEL',
] as const satisfies readonly SettingName[];

/**
 * Only the settings `opsbot logs` needs, so summarizing a file works on any laptop without the
 * database and Supabase settings. Throws ConfigError listing invalid ones.
 */
export function loadLogsSettings(rawEnv: Record<string, string | undefined>): Pick<Config, 'logLevel' | 'secrets'> & {
  logs: Pick<Config['logs'], 'geminiApiKey' | 'geminiModel' | 'geminiBaseUrl' | 'geminiTimeoutMs' | 'geminiMaxAttempts' | 'tokenBudget' | 'redactIps' | 'workerThreads'>;
} {
  const shape = Object.fromEntries(LOGS_KEYS.map((k) => [k, SETTINGS[k].schema])) as { [K in (typeof LOGS_KEYS)[number]]: (typeof SETTINGS)[K]['schema'] };
  const env = Object.fromEntries(LOGS_KEYS.map((k) => [k, rawEnv[k] === '' ? undefined : rawEnv[k]]));
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => describeIssue(i, env)));
  const e = parsed.data;
  return {
    logLevel: e.LOG_LEVEL,
    secrets: e.GEMINI_API_KEY ? [e.GEMINI_API_KEY] : [],
    logs: {
      geminiApiKey: e.GEMINI_API_KEY,
      geminiModel: e.GEMINI_MODEL,
      geminiBaseUrl: e.GEMINI_BASE_URL,
      geminiTimeoutMs: e.GEMINI_TIMEOUT_MS,
      geminiMaxAttempts: e.GEMINI_MAX_ATTEMPTS,
      tokenBudget: e.LOGS_TOKEN_BUDGET,
      redactIps: e.LOGS_REDACT_IPS,
      workerThreads: e.LOGS_WORKER_THREADS,
    },
  };
}
