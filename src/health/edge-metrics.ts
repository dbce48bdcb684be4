// Edge function metrics from the Management API logs endpoint the bot already reads for /logs
// (src/logs/sources/supabase.ts; same endpoint setting and dialects, but its own narrow query): the `function_edge_logs` rows of a short window (one per
// invocation, with its status and execution time) counted per function, and the functions'
// own `function_logs` searched for AI credit warnings. We read rows and compute here rather than
// use the `functions.combined-stats` analytics endpoint because that one takes a function id
// (not the slug people know), answers one function per call and buckets its latency, while the
// rows give exact counts, every function at once, the 429s and 402s by status, and work with both
// log dialects and the same token scope (analytics:read) /logs already needs.
import type { Clock } from '../core/clock.js';
import { UpstreamError } from '../core/errors.js';
import type { Sleep } from '../core/retry.js';
import { z } from 'zod';
import { describeFetchError } from './frontend.js';
import { probe } from './probe.js';
import type { CheckContext } from './types.js';

/** One function's figures over the window. */
export interface FunctionStats {
  name: string;
  invocations: number;
  /** 5xx answers. */
  errors: number;
  errorRatePct: number;
  /** P95 of execution time (nearest rank), when any invocation reported one. */
  p95Ms?: number;
  /** 429 answers: the AI gateway's (or the platform's) rate limit. */
  rateLimited: number;
  /** 402 answers: AI credits used up. */
  paymentRequired: number;
}

export interface EdgeMetrics {
  window: { start: number; end: number };
  /** Busiest first. */
  functions: FunctionStats[];
  /** Every function together. */
  total: FunctionStats;
  /** function_logs lines that speak of credits or payment (the AI gateway's low-credit warnings). */
  creditWarnings: number;
  creditExample?: string;
  /** True when the row cap stopped the reading: the figures are of the oldest part of the window. */
  truncated: boolean;
}

export type EdgeMetricsFailure = 'refused' | 'not_found' | 'rate_limited' | 'http' | 'unreachable' | 'query';

export class EdgeMetricsError extends UpstreamError {
  constructor(
    readonly failure: EdgeMetricsFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Reads the edge functions' figures for the configured window ending now. */
export interface EdgeMetricsSource {
  /** Reads and counts the window's logs; throws EdgeMetricsError. */
  read(ctx: CheckContext): Promise<EdgeMetrics>;
}

export interface EdgeMetricsSourceOptions {
  /** SUPABASE_ACCESS_TOKEN (analytics:read). */
  accessToken: string;
  projectRef: string;
  /** SUPABASE_MANAGEMENT_API_URL. */
  apiUrl: string;
  /** SUPABASE_LOGS_ENDPOINT; the dialect follows from it. */
  endpointPath: string;
  fetch: typeof fetch;
  clock: Clock;
  /** EDGE_METRICS_WINDOW_MINUTES, in ms (at most 24 h, the API's limit). */
  windowMs: number;
  sleep?: Sleep;
  /** Rows per request (default 1000) and per table in total (default 10,000). */
  pageSize?: number;
  maxRows?: number;
}

/** `…/logs.all` speaks BigQuery SQL (one table per source); `…/logs` speaks ClickHouse over one `logs` table. */
export function logsDialect(endpointPath: string): 'bigquery' | 'clickhouse' {
  return /logs\.all\/?$/.test(endpointPath) ? 'bigquery' : 'clickhouse';
}

/** One page of a log table, oldest first, with only the columns the counts read. Tables are ours, never user input. */
export function metricsLogsSql(dialect: 'bigquery' | 'clickhouse', table: 'function_edge_logs' | 'function_logs', limit: number, offset: number): string {
  if (dialect === 'bigquery') return `select timestamp, event_message, metadata from ${table} order by timestamp asc limit ${limit} offset ${offset}`;
  return `select timestamp, event_message, log_attributes from logs where source = '${table}' order by timestamp asc limit ${limit} offset ${offset}`;
}

const LogsResponse = z.object({ result: z.array(z.record(z.string(), z.unknown())).nullish(), error: z.unknown().optional() });

/** Words of the AI gateway's low-credit warnings and 402 answers, as the function logs them. */
const CREDIT_WORDS = /\bcredits?\b|payment required|\b402\b/i;

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
const obj = (v: unknown): Record<string, unknown> | undefined => {
  const x = first(v);
  return x !== null && typeof x === 'object' ? (x as Record<string, unknown>) : undefined;
};
const numberOf = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};

/** Status, execution time and function slug of one function_edge_logs row, in either dialect. */
export function edgeRow(row: Record<string, unknown>): { name: string; status?: number; ms?: number } {
  const meta = obj(row.metadata);
  const attrs = obj(row.log_attributes) ?? {};
  const message = typeof row.event_message === 'string' ? row.event_message : '';
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const url = text(obj(meta?.request)?.url) ?? text(attrs['request.url']) ?? text(attrs['request.path']) ?? message;
  const name = /\/functions\/v1\/([A-Za-z0-9_-]+)/.exec(url)?.[1] ?? text(meta?.function_id) ?? text(attrs.function_id) ?? 'unknown';
  const status = numberOf(obj(meta?.response)?.status_code) ?? numberOf(attrs['response.status_code']) ?? numberOf(/^\s*[A-Z]+\s*\|\s*(\d{3})\s*\|/.exec(message)?.[1]);
  const ms = numberOf(meta?.execution_time_ms) ?? numberOf(attrs.execution_time_ms);
  return { name, ...(status !== undefined ? { status } : {}), ...(ms !== undefined ? { ms } : {}) };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function stats(name: string, rows: readonly { status?: number; ms?: number }[]): FunctionStats {
  const durations = rows.map((r) => r.ms).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  const errors = rows.filter((r) => (r.status ?? 0) >= 500).length;
  const p95 = percentile(durations, 95);
  return {
    name,
    invocations: rows.length,
    errors,
    errorRatePct: rows.length ? (errors / rows.length) * 100 : 0,
    ...(p95 !== undefined ? { p95Ms: p95 } : {}),
    rateLimited: rows.filter((r) => r.status === 429).length,
    paymentRequired: rows.filter((r) => r.status === 402).length,
  };
}

/** Counts function_edge_logs and function_logs rows into the window's figures. */
export function edgeMetricsOf(edgeRows: readonly Record<string, unknown>[], functionRows: readonly Record<string, unknown>[], window: EdgeMetrics['window'], truncated: boolean): EdgeMetrics {
  const parsed = edgeRows.map(edgeRow);
  const byName = new Map<string, typeof parsed>();
  for (const r of parsed) {
    const list = byName.get(r.name);
    if (list) list.push(r);
    else byName.set(r.name, [r]);
  }
  const functions = [...byName].map(([n, rows]) => stats(n, rows)).sort((a, b) => b.invocations - a.invocations || a.name.localeCompare(b.name));
  const credit = functionRows.map((r) => (typeof r.event_message === 'string' ? r.event_message : '')).filter((m) => CREDIT_WORDS.test(m));
  return {
    window,
    functions,
    total: stats('all', parsed),
    creditWarnings: credit.length,
    ...(credit[0] ? { creditExample: credit[0].slice(0, 200) } : {}),
    truncated,
  };
}

export function createEdgeMetricsSource(o: EdgeMetricsSourceOptions): EdgeMetricsSource {
  const dialect = logsDialect(o.endpointPath);
  const pageSize = o.pageSize ?? 1000;
  const maxRows = o.maxRows ?? 10_000;
  const windowMs = Math.min(o.windowMs, 24 * 3_600_000);

  const page = async (ctx: CheckContext, table: 'function_edge_logs' | 'function_logs', start: number, end: number, offset: number): Promise<Record<string, unknown>[]> => {
    const url = new URL(o.apiUrl.replace(/\/+$/, '') + o.endpointPath.replace('{ref}', o.projectRef));
    url.searchParams.set('sql', metricsLogsSql(dialect, table, pageSize, offset));
    url.searchParams.set('iso_timestamp_start', new Date(start).toISOString());
    url.searchParams.set('iso_timestamp_end', new Date(end).toISOString());
    let res: Response;
    let body: string;
    try {
      ({ res, body } = await probe(o, ctx, url.toString(), { headers: { authorization: `Bearer ${o.accessToken}`, accept: 'application/json' } }, true));
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      throw new EdgeMetricsError('unreachable', `The Supabase Management API did not answer (${describeFetchError(err)}).`, { cause: err });
    }
    if (res.status === 401 || res.status === 403) {
      throw new EdgeMetricsError('refused', `The Management API refused the logs request (HTTP ${res.status}): check SUPABASE_ACCESS_TOKEN (analytics:read) and SUPABASE_PROJECT_REF.`);
    }
    if (res.status === 404) throw new EdgeMetricsError('not_found', `No logs endpoint at ${o.endpointPath} for this project (HTTP 404): check SUPABASE_PROJECT_REF and SUPABASE_LOGS_ENDPOINT.`);
    if (res.status === 429) throw new EdgeMetricsError('rate_limited', 'The Management API is rate limiting the logs requests (HTTP 429); the next check will try again.');
    if (!res.ok) throw new EdgeMetricsError('http', `The Management API answered HTTP ${res.status} to the logs request; the next check will try again.`);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const parsed = LogsResponse.safeParse(json);
    if (!parsed.success) throw new EdgeMetricsError('query', 'The Management API answered the logs request with something that is not a logs result.');
    const e = parsed.data.error;
    if (e !== undefined && e !== null && e !== '') {
      const text = typeof e === 'string' ? e : typeof e === 'object' && 'message' in e && typeof e.message === 'string' ? e.message : JSON.stringify(e);
      throw new EdgeMetricsError('query', `The logs endpoint rejected the query: ${text.slice(0, 200)}`);
    }
    return parsed.data.result ?? [];
  };

  const table = async (ctx: CheckContext, name: 'function_edge_logs' | 'function_logs', start: number, end: number): Promise<{ rows: Record<string, unknown>[]; truncated: boolean }> => {
    const rows: Record<string, unknown>[] = [];
    for (let offset = 0; ; offset += pageSize) {
      if (rows.length >= maxRows) return { rows, truncated: true };
      const batch = await page(ctx, name, start, end, offset);
      rows.push(...batch.slice(0, maxRows - rows.length));
      if (batch.length < pageSize) return { rows, truncated: false };
    }
  };

  return {
    async read(ctx) {
      const end = o.clock.now();
      const start = end - windowMs;
      const [edge, fn] = await Promise.all([table(ctx, 'function_edge_logs', start, end), table(ctx, 'function_logs', start, end)]);
      return edgeMetricsOf(edge.rows, fn.rows, { start, end }, edge.truncated || fn.truncated);
    },
  };
}
