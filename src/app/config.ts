// The bot's configuration, composed from the settings each area declares (src/<area>/settings.ts).
// What stays here is what spans areas: which settings the bot and each command cannot run
// without, warning/critical pairs drawn from different areas, and the list of secret values.
// A failed start names every missing or invalid variable and what it is for, in one message.
import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { composeAreas, describeIssue, envValues, parseArea, settingDoc, type SettingDoc } from '../core/env-schema.js';
import { GeneralEnv, LocalEnv } from '../core/settings.js';
import { urlSecrets } from '../core/url-secrets.js';
import { ChartsEnv, toChartSettings, type ChartSettings } from '../charts/settings.js';
import { BackupEnv, backupSecrets, toBackupSettings, type BackupSettings } from '../backup/settings.js';
import { DatabaseEnv, toDatabaseSettings, type DatabaseConnectionSettings } from '../db/settings.js';
import { DiagnosticsEnv, toDiagnosticsSettings, type OwnDiagnosticsThresholds } from '../diagnostics/settings.js';
import { HealthEnv, toHealthThresholds, toPlatformThresholds, type PlatformThresholds } from '../health/settings.js';
import { HomeEnv, toHomeSettings, type HomeSettings } from '../home/settings.js';
import { OutageEnv, toOutageSettings, type OutageSettings } from '../health/outage-settings.js';
import type { HealthThresholds } from '../health/types.js';
import { IncidentEnv, toIncidentSettings, type IncidentSettings } from '../incidents/settings.js';
import { LockdownEnv, toLockdownSettings, type LockdownConfig } from '../lockdown/settings.js';
import { LogsEnv, LogsSummaryEnv, toLogsSettings, toLogsSummarySettings, type LogsConfig, type LogsSummarySettings } from '../logs/settings.js';
import { PlaybookEnv } from '../playbooks/settings.js';
import { SchedulerEnv, toSchedulerSettings, type SchedulerSettings } from '../scheduler/settings.js';
import { SlackEnv, toSlackSettings, type SlackAccessSettings, type SlackConnectionSettings } from '../slack/settings.js';
import { SecretsEnv, toSecretsSettings, type SecretsSettings } from '../secrets/settings.js';
import { projectRefOf, SupabaseEnv, toSupabaseSettings, type SupabaseProjectSettings } from '../supabase/settings.js';

/** Every area's settings, in the order the documentation lists them. */
export const SETTING_AREAS = [
  SlackEnv,
  DatabaseEnv,
  SupabaseEnv,
  HealthEnv,
  OutageEnv,
  DiagnosticsEnv,
  LogsEnv,
  PlaybookEnv,
  LockdownEnv,
  IncidentEnv,
  HomeEnv,
  SchedulerEnv,
  BackupEnv,
  SecretsEnv,
  ChartsEnv,
  GeneralEnv,
  LocalEnv,
] as const;

const EnvSchema = composeAreas(SETTING_AREAS);
type Env = z.infer<typeof EnvSchema>;

export type SettingName = Extract<keyof typeof EnvSchema.shape, string>;

/** What each environment variable is for, its default and example, read from the areas' schemas. */
export const SETTINGS = Object.fromEntries(
  Object.entries(EnvSchema.shape).map(([k, field]) => [k, settingDoc(field as z.ZodType)]),
) as Record<SettingName, SettingDoc>;

/** `bot` needs the Slack settings; `cli` runs without Slack (for when Slack itself is down). */
export type ConfigMode = 'bot' | 'cli';

/** A setting something cannot run without; a list means any one of them will do (the first is the usual one). */
export type Requirement = SettingName | readonly SettingName[];

/**
 * What the bot, and a CLI command that names no narrower list, cannot run without. Each CLI command
 * names its own list (src/app/cli/requirements.ts), so `opsbot db connections` needs only DATABASE_URL.
 */
export const FULL_REQUIREMENTS = ['DATABASE_URL', 'APP_URL', 'SUPABASE_URL', 'SUPABASE_ANON_KEY'] as const satisfies readonly Requirement[];

interface SlackRequirement {
  key: SettingName;
  /** Not needed when this one is set. */
  unless?: SettingName;
  /** When it is needed, as the error and the documentation say it. */
  when?: string;
  alternative?: string;
}

/** What only the bot needs: Slack credentials. The CLI runs without them, for when Slack is down. */
export const SLACK_REQUIREMENTS: readonly SlackRequirement[] = [
  { key: 'SLACK_BOT_TOKEN' },
  { key: 'SLACK_SIGNING_SECRET', unless: 'SLACK_APP_TOKEN', when: 'HTTP mode', alternative: 'set SLACK_APP_TOKEN for Socket Mode' },
];

/** Who cannot run without `key`, for the documentation: "bot", "bot (HTTP mode)", or undefined. */
export function requiredBy(key: SettingName): string | undefined {
  const slack = SLACK_REQUIREMENTS.find((r) => r.key === key);
  if (slack) return slack.when ? `bot (${slack.when})` : 'bot';
  const full = FULL_REQUIREMENTS.some((r) => (typeof r === 'string' ? r === key : (r as readonly string[])[0] === key));
  return full ? 'bot' : undefined;
}

/**
 * Threshold pairs that must be ordered (first ≤ second). Each value is parsed on its own, so a
 * misordered pair is listed together with unrelated missing settings rather than only after they
 * are fixed. Several pairs span the health and diagnostics areas, which is why they are kept here.
 */
export const ORDERED_PAIRS = [
  ['CONNECTIONS_WARN', 'CONNECTIONS_CRITICAL'],
  ['STORAGE_WARN_PCT', 'STORAGE_CRITICAL_PCT'],
  ['EDGE_LATENCY_WARN_MS', 'EDGE_LATENCY_CRITICAL_MS'],
  ['XID_AGE_WARN_PCT', 'XID_AGE_CRITICAL_PCT'],
  ['SEQUENCE_WARN_PCT', 'SEQUENCE_CRITICAL_PCT'],
  ['CACHE_HIT_CRITICAL_PCT', 'CACHE_HIT_WARN_PCT'],
  ['IDLE_IN_TRANSACTION_SECONDS', 'IDLE_IN_TRANSACTION_CRITICAL_SECONDS'],
  ['LONG_RUNNING_SECONDS', 'LONG_RUNNING_CRITICAL_SECONDS'],
  ['DB_CPU_WARN_PCT', 'DB_CPU_CRITICAL_PCT'],
  ['EDGE_ERROR_RATE_WARN_PCT', 'EDGE_ERROR_RATE_CRITICAL_PCT'],
  ['TLS_EXPIRY_CRITICAL_DAYS', 'TLS_EXPIRY_WARN_DAYS'],
] as const satisfies readonly (readonly [SettingName, SettingName])[];

/** What a setting is for; requirements arrive as plain names from command declarations, so an unknown one still reads well. */
function purpose(key: string): string {
  return Object.hasOwn(SETTINGS, key) ? ` — ${SETTINGS[key as SettingName].doc}` : '';
}

function requirementProblems(env: Record<string, string | undefined>, requires: readonly Requirement[]): string[] {
  const out: string[] = [];
  for (const r of requires) {
    const [first, ...alternatives] = typeof r === 'string' ? [r] : r;
    if (!first || [first, ...alternatives].some((k) => env[k] !== undefined)) continue;
    const or = alternatives.length ? ` (or set ${alternatives.join(' or ')})` : '';
    out.push(`${first} is missing${or}${purpose(first)}`);
  }
  return out;
}

/** Presence rules that depend on the mode; checked on the raw values so they are listed together with schema errors. */
function modeProblems(env: Record<string, string | undefined>, mode: ConfigMode): string[] {
  if (mode !== 'bot') return [];
  const out: string[] = [];
  for (const r of SLACK_REQUIREMENTS) {
    if (env[r.key] || (r.unless && env[r.unless])) continue;
    const why = r.when ? ` (required in ${r.when}${r.alternative ? `; or ${r.alternative}` : ''})` : '';
    out.push(`${r.key} is missing${why}${purpose(r.key)}`);
  }
  return out;
}

function orderProblems(env: Record<string, string | undefined>): string[] {
  const value = (k: SettingName): number | undefined => {
    const r = (EnvSchema.shape[k] as z.ZodType).safeParse(env[k]);
    return r.success && typeof r.data === 'number' ? r.data : undefined;
  };
  const out: string[] = [];
  for (const [wk, ck] of ORDERED_PAIRS) {
    const w = value(wk);
    const c = value(ck);
    if (w !== undefined && c !== undefined && w > c) out.push(`${wk} (${w}) must not exceed ${ck} (${c})`);
  }
  return out;
}

export type { HealthThresholds } from '../health/types.js';

export interface Config {
  slack: SlackConnectionSettings;
  // URLs and keys below are '' when the command that loaded the configuration does not use them
  // (see `requires` of loadConfig); the bot always has all of them.
  database: DatabaseConnectionSettings;
  appUrl: string;
  supabase: SupabaseProjectSettings & { edgeFunction: string };
  channels: SlackAccessSettings['channels'];
  roles: SlackAccessSettings['roles'];
  timezone: string;
  logLevel: Env['LOG_LEVEL'];
  playbooks: { approvalTtlMs: number; breakGlassEnabled: boolean; userExportRetentionMs: number };
  lockdown: LockdownConfig;
  incidents: IncidentSettings;
  home: HomeSettings;
  scheduler: SchedulerSettings;
  backup: BackupSettings;
  charts: ChartSettings;
  logs: LogsConfig;
  secretsList: SecretsSettings;
  /** Thresholds only /slowqueries and /db use (the shared ones are in `thresholds`). */
  diagnostics: OwnDiagnosticsThresholds;
  thresholds: HealthThresholds;
  /** Thresholds of the Supabase platform figures (host metrics, edge function logs, TLS expiry). */
  platform: PlatformThresholds;
  /** /health outage: the status page, the region, DNS. */
  outage: OutageSettings;
  /** Every secret value (including passwords inside database URLs), for redaction. */
  secrets: string[];
}

export { urlSecrets } from '../core/url-secrets.js';

/** Every secret value: the settings marked secret, passwords inside URLs, and the backup store's. */
function secretValues(e: Env, backup: BackupSettings): string[] {
  const secrets = new Set<string>();
  for (const [k, doc] of Object.entries(SETTINGS) as [SettingName, SettingDoc][]) {
    const v: unknown = e[k];
    if (doc.secret && typeof v === 'string' && v.length >= 4) secrets.add(v);
  }
  for (const u of [e.DATABASE_URL, e.DATABASE_ADMIN_URL, e.STATE_DATABASE_URL]) {
    for (const s of urlSecrets(u)) if (s.length >= 4) secrets.add(s);
  }
  for (const s of backupSecrets(backup)) if (s.length >= 4) secrets.add(s);
  // Longest first, so a secret containing another is replaced whole.
  return [...secrets].sort((a, b) => b.length - a.length);
}

/**
 * Parses the environment; throws ConfigError listing every problem. `requires` lists the settings
 * the caller cannot run without (default: everything the bot needs); a value that is set is
 * checked whether or not it is required.
 */
export function loadConfig(rawEnv: Record<string, string | undefined>, mode: ConfigMode = 'bot', requires: readonly Requirement[] = FULL_REQUIREMENTS): Config {
  const env = envValues(rawEnv, Object.keys(EnvSchema.shape));
  const parsed = EnvSchema.safeParse(env);
  const problems = [...requirementProblems(env, mode === 'bot' ? FULL_REQUIREMENTS : requires), ...modeProblems(env, mode)];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const line = describeIssue(issue, EnvSchema.shape, env);
      if (!problems.includes(line)) problems.push(line);
    }
  }
  problems.push(...orderProblems(env));
  // Settings whose rules span several values are checked by their area, into the same list.
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
  const slack = toSlackSettings(e);
  return {
    slack: slack.slack,
    database: toDatabaseSettings(e),
    appUrl: e.APP_URL ?? '',
    supabase: { ...toSupabaseSettings(e), edgeFunction: e.EDGE_FUNCTION_NAME },
    channels: slack.channels,
    roles: slack.roles,
    timezone: e.OPS_TIMEZONE,
    logLevel: e.LOG_LEVEL,
    playbooks: { approvalTtlMs: e.PLAYBOOK_APPROVAL_TTL_MINUTES * 60_000, breakGlassEnabled: e.BREAK_GLASS_ENABLED, userExportRetentionMs: e.USER_EXPORT_RETENTION_DAYS * 86_400_000 },
    lockdown: toLockdownSettings(e),
    incidents: toIncidentSettings(e, e.ALERTS_CHANNEL_ID),
    home: toHomeSettings(e),
    scheduler: toSchedulerSettings(e, e.ALERTS_CHANNEL_ID),
    backup,
    charts: toChartSettings(e),
    logs: toLogsSettings(e, projectRefOf(e.SUPABASE_URL)),
    secretsList: toSecretsSettings(e),
    diagnostics: toDiagnosticsSettings(e),
    thresholds: toHealthThresholds(e),
    platform: toPlatformThresholds(e),
    outage: toOutageSettings(e),
    secrets: secretValues(e, backup),
  };
}

/** Where /secrets reads the function secrets: the Management API settings of the logs area. */
export function secretsApi(c: Config): { apiUrl: string; accessToken: string | undefined; projectRef: string | undefined; timeoutMs: number } {
  return { apiUrl: c.logs.supabaseManagementApiUrl, accessToken: c.logs.supabaseAccessToken, projectRef: c.logs.supabaseProjectRef, timeoutMs: Math.max(15_000, c.thresholds.checkTimeoutMs) };
}

/** The part of the configuration `opsbot logs` uses. */
export interface LogsOnlyConfig {
  logLevel: Config['logLevel'];
  secrets: string[];
  logs: LogsSummarySettings;
}

const LogsOnlyEnv = LogsSummaryEnv.extend({ LOG_LEVEL: GeneralEnv.shape.LOG_LEVEL });

/**
 * Only the settings `opsbot logs` needs, so summarizing a file works on any laptop without the
 * database and Supabase settings. Throws ConfigError listing invalid ones.
 */
export function loadLogsSettings(rawEnv: Record<string, string | undefined>): LogsOnlyConfig {
  const e = parseArea(LogsOnlyEnv, rawEnv);
  return {
    logLevel: e.LOG_LEVEL,
    secrets: e.GEMINI_API_KEY ? [e.GEMINI_API_KEY] : [],
    logs: toLogsSummarySettings(e),
  };
}
