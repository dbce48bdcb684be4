// Settings of /logs: the model that summarizes, how much of a log it may read, redaction, the
// worker threads that parse big files, and the Supabase Management API logs source.
import { z } from 'zod';
import { flag, httpUrl, int, setting, settingsArea } from '../core/env-schema.js';

export const LogsEnv = settingsArea('Logs', 'Log summaries: the model, the prompt budget, redaction and where Supabase logs are read from.', {
  GEMINI_API_KEY: setting(z.string().trim().regex(/^\S{20,}$/, 'must be a Gemini API key (from Google AI Studio, at least 20 characters, no spaces)'), {
    doc: 'Gemini API key for /logs summaries; without it every summary is the offline one (clearly labelled)',
    secret: true,
    example: 'AIza…',
  }),
  GEMINI_MODEL: setting(z.string().trim().regex(/^[a-z0-9][a-z0-9.-]{1,80}$/, 'must be a model name such as gemini-2.5-flash'), {
    doc: 'Gemini model for log summaries',
    default: 'gemini-2.5-flash',
  }),
  GEMINI_BASE_URL: setting(httpUrl(), {
    doc: 'Proxy or gateway in front of the Gemini API',
    example: 'https://gemini-proxy.internal/',
  }),
  GEMINI_TIMEOUT_MS: setting(int(1000, 300_000), {
    doc: 'Overall deadline of one summary, retries included',
    default: '30000',
  }),
  GEMINI_MAX_ATTEMPTS: setting(int(1, 10), {
    doc: 'Attempts per summary (retries only on 408/429/5xx)',
    default: '3',
  }),
  LOGS_TOKEN_BUDGET: setting(int(1000, 1_000_000), {
    doc: 'Estimated input tokens a summary prompt may use',
    default: '30000',
  }),
  LOGS_REDACT_IPS: setting(flag(), {
    doc: 'Replace IP addresses in logs before they leave the process',
    default: 'true',
  }),
  LOGS_WORKER_THREADS: setting(int(0, 16), {
    doc: 'Worker threads that parse and redact big log files (0 = none; default one per CPU core, at most 4, none on a single core)',
    example: '2',
  }),
  SUPABASE_ACCESS_TOKEN: setting(z.string().trim().regex(/^\S{20,}$/, 'must be a Supabase access token (a personal access token sbp_…), at least 20 characters, no spaces'), {
    doc: 'Supabase Management API token (analytics:read) for /logs summarize edge|postgres|auth',
    secret: true,
    example: 'sbp_…',
  }),
  SUPABASE_PROJECT_REF: setting(z.string().regex(/^[a-z0-9]{10,40}$/, 'must be the project ref, e.g. abcdefghijklmnopqrst'), {
    doc: 'Supabase project ref; derived from SUPABASE_URL when unset',
    example: 'abcdefghijklmnopqrst',
  }),
  SUPABASE_LOGS_ENDPOINT: setting(z.string().regex(/^\/v1\/projects\/\{ref\}\/[a-z0-9/._-]+$/, 'must be a Management API path containing {ref}'), {
    doc: 'Management API logs endpoint (use …/endpoints/logs for the ClickHouse dialect)',
    default: '/v1/projects/{ref}/analytics/endpoints/logs.all',
  }),
  SUPABASE_MANAGEMENT_API_URL: setting(httpUrl(), {
    doc: 'Supabase Management API base URL the logs are read from, for a proxy or a local stand-in',
    default: 'https://api.supabase.com',
  }),
});

export type LogsEnv = z.infer<typeof LogsEnv>;

/** The settings the summarizer and the analyzer use, which `opsbot logs` needs on its own. */
export interface LogsSummarySettings {
  geminiApiKey: string | undefined;
  geminiModel: string;
  geminiBaseUrl: string | undefined;
  geminiTimeoutMs: number;
  geminiMaxAttempts: number;
  tokenBudget: number;
  redactIps: boolean;
  /** Worker threads for big log files; undefined = one per core, at most 4. */
  workerThreads: number | undefined;
}

/** All of /logs, including the Supabase logs source. */
export interface LogsConfig extends LogsSummarySettings {
  supabaseAccessToken: string | undefined;
  supabaseProjectRef: string | undefined;
  supabaseLogsEndpoint: string;
  /** Management API base URL, without a trailing slash. */
  supabaseManagementApiUrl: string;
}

/** The variables `opsbot logs` reads: it summarizes a file with no database or Supabase settings. */
export const LogsSummaryEnv = LogsEnv.pick({
  GEMINI_API_KEY: true,
  GEMINI_MODEL: true,
  GEMINI_BASE_URL: true,
  GEMINI_TIMEOUT_MS: true,
  GEMINI_MAX_ATTEMPTS: true,
  LOGS_TOKEN_BUDGET: true,
  LOGS_REDACT_IPS: true,
  LOGS_WORKER_THREADS: true,
});

export type LogsSummaryEnv = z.infer<typeof LogsSummaryEnv>;

export function toLogsSummarySettings(e: LogsSummaryEnv): LogsSummarySettings {
  return {
    geminiApiKey: e.GEMINI_API_KEY,
    geminiModel: e.GEMINI_MODEL,
    geminiBaseUrl: e.GEMINI_BASE_URL,
    geminiTimeoutMs: e.GEMINI_TIMEOUT_MS,
    geminiMaxAttempts: e.GEMINI_MAX_ATTEMPTS,
    tokenBudget: e.LOGS_TOKEN_BUDGET,
    redactIps: e.LOGS_REDACT_IPS,
    workerThreads: e.LOGS_WORKER_THREADS,
  };
}

/** `projectRefFallback` is the ref in SUPABASE_URL, used when SUPABASE_PROJECT_REF is unset. */
export function toLogsSettings(e: LogsEnv, projectRefFallback: string | undefined): LogsConfig {
  return {
    ...toLogsSummarySettings(e),
    supabaseAccessToken: e.SUPABASE_ACCESS_TOKEN,
    supabaseProjectRef: e.SUPABASE_PROJECT_REF ?? projectRefFallback,
    supabaseLogsEndpoint: e.SUPABASE_LOGS_ENDPOINT,
    supabaseManagementApiUrl: e.SUPABASE_MANAGEMENT_API_URL.replace(/\/+$/, ''),
  };
}
