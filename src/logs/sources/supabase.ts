// Supabase logs through the Management API. Two dialects, because Supabase is replacing
// `analytics/endpoints/logs.all` (BigQuery-style SQL, one table per source) with
// `analytics/endpoints/logs` (ClickHouse SQL over one `logs` table): the endpoint path is a
// setting and the dialect follows from it. Windows are at most 24 h (an API rule).
import type { Clock } from '../../core/clock.js';
import { InputError, UpstreamError } from '../../core/errors.js';
import { RETRY_BUDGETS, retryingFetch, type Sleep } from '../../core/retry.js';
import { z } from 'zod';
import { recordFromJson } from '../parse-input.js';
import type { LogRecord } from '../types.js';

export type SupabaseLogKind = 'edge' | 'postgres' | 'auth';
export type SupabaseLogDialect = 'bigquery' | 'clickhouse';

export const SUPABASE_LOG_TABLES: Readonly<Record<SupabaseLogKind, readonly string[]>> = {
  // HTTP requests to functions (status, duration) and what the functions printed.
  edge: ['function_edge_logs', 'function_logs'],
  postgres: ['postgres_logs'],
  auth: ['auth_logs'],
};

export const DEFAULT_LOGS_ENDPOINT = '/v1/projects/{ref}/analytics/endpoints/logs.all';
export const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface SupabaseLogSourceOptions {
  /** Personal access token with analytics:read (SUPABASE_ACCESS_TOKEN). */
  accessToken: string;
  /** Project ref, the <ref> of https://<ref>.supabase.co (SUPABASE_PROJECT_REF). */
  projectRef: string;
  fetch: typeof fetch;
  clock: Clock;
  /** Management API base (default https://api.supabase.com). */
  apiUrl?: string;
  /** Path with {ref}; SUPABASE_LOGS_ENDPOINT. A path ending in logs.all uses the BigQuery dialect. */
  endpointPath?: string;
  /** Column naming the source table in the ClickHouse `logs` table (default `source`). */
  sourceColumn?: string;
  /** Rows per request (default 1000) and in total (default 20,000). */
  pageSize?: number;
  maxRows?: number;
  /** Time for one page, its retries included (default 15 s). */
  timeoutMs?: number;
  /** Waits between attempts (tests: at once). */
  sleep?: Sleep;
}

export interface SupabaseLogQuery {
  kind: SupabaseLogKind;
  /** Window length ending now (or at `until`), at most 24 h. */
  sinceMs: number;
  until?: number;
}

export interface SupabaseLogBatch {
  records: LogRecord[];
  window: { start: number; end: number };
  /** True when maxRows stopped the paging: the summary should say it saw a sample. */
  truncated: boolean;
}

/** Reads one kind of Supabase logs for a time window. */
export interface SupabaseLogSource {
  /** Fetches the window's rows (oldest first), paging up to maxRows. */
  fetchLogs(query: SupabaseLogQuery): Promise<SupabaseLogBatch>;
}

// Lenient: only the fields we read; rows are handed to the JSON record parser as they are.
const LogsResponse = z.object({
  result: z.array(z.record(z.string(), z.unknown())).nullish(),
  error: z.unknown().optional(),
});

export function dialectOf(endpointPath: string): SupabaseLogDialect {
  return /logs\.all\/?$/.test(endpointPath) ? 'bigquery' : 'clickhouse';
}

function errorText(error: unknown): string | undefined {
  if (error === null || error === undefined || error === '') return undefined;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && 'message' in error && typeof error.message === 'string') return error.message;
  return JSON.stringify(error).slice(0, 300);
}

export function buildLogsSql(dialect: SupabaseLogDialect, table: string, limit: number, offset: number, sourceColumn = 'source'): string {
  // Table names come from SUPABASE_LOG_TABLES only, never from user input.
  if (dialect === 'bigquery') return `select id, timestamp, event_message, metadata from ${table} order by timestamp asc limit ${limit} offset ${offset}`;
  return `select id, timestamp, event_message, severity_text, log_attributes from logs where ${sourceColumn} = '${table}' order by timestamp asc limit ${limit} offset ${offset}`;
}

export function createSupabaseLogSource(opts: SupabaseLogSourceOptions): SupabaseLogSource {
  const apiUrl = (opts.apiUrl ?? 'https://api.supabase.com').replace(/\/$/, '');
  const endpointPath = opts.endpointPath ?? DEFAULT_LOGS_ENDPOINT;
  const dialect = dialectOf(endpointPath);
  const pageSize = opts.pageSize ?? 1000;
  const maxRows = opts.maxRows ?? 20_000;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  if (!/^[a-z0-9]{10,40}$/.test(opts.projectRef)) throw new InputError('SUPABASE_PROJECT_REF must be the project ref, the <ref> in https://<ref>.supabase.co');
  // A couple of tries on network errors, 408, 429 (Retry-After honoured) and 5xx, all within the page's time.
  const send = retryingFetch(opts.fetch, { ...RETRY_BUDGETS.managementApi, deadlineMs: timeoutMs }, { clock: opts.clock, ...(opts.sleep ? { sleep: opts.sleep } : {}) });

  const page = async (table: string, start: number, end: number, offset: number): Promise<Record<string, unknown>[]> => {
    const url = new URL(apiUrl + endpointPath.replace('{ref}', opts.projectRef));
    url.searchParams.set('sql', buildLogsSql(dialect, table, pageSize, offset, opts.sourceColumn));
    url.searchParams.set('iso_timestamp_start', new Date(start).toISOString());
    url.searchParams.set('iso_timestamp_end', new Date(end).toISOString());
    let res: Response;
    try {
      res = await send(url, { headers: { authorization: `Bearer ${opts.accessToken}`, accept: 'application/json' } });
    } catch (err) {
      throw new UpstreamError('The Supabase Management API could not be reached; try again, or check https://status.supabase.com.', { cause: err });
    }
    if (res.status === 401 || res.status === 403) {
      throw new UpstreamError(`Supabase refused the logs request (HTTP ${res.status}): check SUPABASE_ACCESS_TOKEN (it needs analytics:read) and SUPABASE_PROJECT_REF.`);
    }
    if (res.status === 404) throw new UpstreamError(`Supabase has no logs endpoint at ${endpointPath} (HTTP 404): check SUPABASE_LOGS_ENDPOINT.`);
    if (res.status === 429) throw new UpstreamError('Supabase rate-limited the logs request (HTTP 429); try again in a minute.');
    if (!res.ok) throw new UpstreamError(`Supabase answered HTTP ${res.status} to the logs request; try again shortly.`);
    const body = LogsResponse.safeParse(await res.json().catch(() => undefined));
    if (!body.success) throw new UpstreamError('Supabase returned a logs response we could not read.');
    const problem = errorText(body.data.error);
    if (problem) throw new UpstreamError(`Supabase rejected the logs query: ${problem.slice(0, 300)}`);
    return body.data.result ?? [];
  };

  return {
    async fetchLogs(query) {
      if (!(query.sinceMs > 0) || query.sinceMs > MAX_WINDOW_MS) throw new InputError('The log window must be longer than 0 and at most 24 h (e.g. `since 30m`, `since 6h`).');
      const end = query.until ?? opts.clock.now();
      const start = end - query.sinceMs;
      const rows: Record<string, unknown>[] = [];
      let truncated = false;
      for (const table of SUPABASE_LOG_TABLES[query.kind]) {
        for (let offset = 0; ; offset += pageSize) {
          if (rows.length >= maxRows) {
            truncated = true;
            break;
          }
          const batch = await page(table, start, end, offset);
          rows.push(...batch.slice(0, maxRows - rows.length));
          if (batch.length < pageSize) break;
        }
      }
      const records = rows.map((row, i) => recordFromJson(row, i + 1));
      // Several tables are merged by time; rows without a time keep their order at the end.
      records.sort((a, b) => (a.timestamp ?? Infinity) - (b.timestamp ?? Infinity));
      records.forEach((r, i) => (r.lineNo = i + 1));
      return { records, window: { start, end }, truncated };
    },
  };
}
