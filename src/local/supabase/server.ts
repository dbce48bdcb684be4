// The simulated Supabase project and AutoRepAi front end of the local workspace, on one HTTP
// server of 127.0.0.1: the app (APP_URL), GoTrue's /auth/v1/health and the Auth admin users
// API (bans written to auth.users of the seeded target), the ai-chat edge function (its AI
// gateway answering as the world says: normally, 429 or 402), the Management API logs
// endpoints (both dialects, generated logs) and its auth config, the Prometheus metrics endpoint
// of the database host, and a Statuspage-shaped status page. It checks the
// keys as Supabase does, so the bot's adapters meet the same refusals a wrong key would get.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { sql } from '../../core/sql.js';
import { bigQueryRow, clickHouseRow, logsFor } from './logs.js';
import { advance, busyShare, type HostCounters, metricsText, startCounters } from './metrics.js';
import { addEvents, type LogEvent, type LogTable, type SimulatedWorld } from './world.js';

export interface SupabaseKeys {
  anonKey: string;
  serviceRoleKey: string;
  /** Management API personal access token. */
  accessToken: string;
}

export interface SimulatedSupabaseOptions {
  world: SimulatedWorld;
  keys: SupabaseKeys;
  projectRef: string;
  functionName: string;
  /** The seeded target database the Auth admin API writes to. */
  targetUrl: string;
  clock: Clock;
  logger: Logger;
}

export interface SimulatedSupabase {
  /** http://127.0.0.1:<port>, once listening. */
  url: string;
  /** SUPABASE_URL: the project. */
  supabaseUrl: string;
  /** APP_URL: the front end. */
  appUrl: string;
  /** SUPABASE_MANAGEMENT_API_URL. */
  managementApiUrl: string;
  /** The status page (Statuspage's /api/v2/status.json shape). */
  statusUrl: string;
  /** STATUS_PAGE_URL: the status page's base, under which /api/v2/summary.json answers. */
  statusPageUrl: string;
  requestListener(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

/** The region the simulated project runs in (SUPABASE_REGION of the local workspace). */
export const LOCAL_REGION = 'us-east-1';

const LOG_TABLES: ReadonlySet<string> = new Set<LogTable>(['function_edge_logs', 'function_logs', 'postgres_logs', 'auth_logs']);
const MAX_BODY = 64 * 1024;
const MAX_PAGE = 10_000;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json', ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
}

/** GoTrue's Go durations ("876000h", "24h30m", "none") as a Postgres interval, or undefined. */
export function goDurationToInterval(d: string): string | undefined {
  if (d === 'none') return 'none';
  const parts = [...d.matchAll(/(\d+)(h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== d) return undefined;
  const unit = { h: 'hours', m: 'minutes', s: 'seconds' } as const;
  return parts.map((p) => `${p[1]} ${unit[p[2] as 'h' | 'm' | 's']}`).join(' ');
}

/** The table, limit and offset of a logs query as the bot writes it (src/logs/sources/supabase.ts). */
export function parseLogsSql(text: string): { table: string; limit: number; offset: number } | undefined {
  const table = /\bfrom\s+([a-z_]+)\b(?:\s+where\s+[a-z_]+\s*=\s*'([a-z_]+)')?/i.exec(text);
  const limit = /\blimit\s+(\d+)/i.exec(text);
  const offset = /\boffset\s+(\d+)/i.exec(text);
  const name = table?.[1] === 'logs' ? table[2] : table?.[1];
  if (!name || !limit) return undefined;
  return { table: name, limit: Math.min(MAX_PAGE, Number(limit[1])), offset: offset ? Number(offset[1]) : 0 };
}

const APP_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AutoRepAi</title></head>
<body><h1>AutoRepAi</h1><p>Dealership AI platform (local workspace stand-in of the front end).</p></body></html>`;

function userJson(row: Record<string, unknown>): Record<string, unknown> {
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
  return {
    id: row.id,
    aud: row.aud,
    role: row.role,
    email: row.email,
    banned_until: iso(row.banned_until) ?? null,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    last_sign_in_at: iso(row.last_sign_in_at) ?? null,
    app_metadata: row.raw_app_meta_data ?? {},
    user_metadata: row.raw_user_meta_data ?? {},
    identities: [],
  };
}

export function createSimulatedSupabase(o: SimulatedSupabaseOptions): SimulatedSupabase & { listen(port?: number): Promise<void> } {
  const { world, keys } = o;
  const pool = new pg.Pool({ connectionString: o.targetUrl, max: 2, idleTimeoutMillis: 1000, application_name: 'gotrue', connectionTimeoutMillis: 3000 });
  pool.on('error', () => undefined);
  let server: Server | undefined;
  let base = '';

  const authAdmin = async (req: IncomingMessage, res: ServerResponse, userId: string) => {
    if (bearer(req) !== keys.serviceRoleKey || req.headers.apikey !== keys.serviceRoleKey) {
      send(res, 401, { code: 401, error_code: 'no_authorization', msg: 'This endpoint requires a valid service_role key' });
      return;
    }
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(userId)) {
      send(res, 404, { code: 404, error_code: 'user_not_found', msg: 'User not found' });
      return;
    }
    try {
      let rows: Record<string, unknown>[];
      if (req.method === 'GET') {
        rows = (await pool.query<Record<string, unknown>>(sql('local/supabase/get-user'), [userId])).rows;
      } else {
        let body: { ban_duration?: unknown };
        try {
          body = JSON.parse(await readBody(req)) as { ban_duration?: unknown };
        } catch {
          send(res, 400, { code: 400, error_code: 'bad_json', msg: 'Could not parse request body as JSON' });
          return;
        }
        const interval = typeof body.ban_duration === 'string' ? goDurationToInterval(body.ban_duration) : undefined;
        if (body.ban_duration !== undefined && interval === undefined) {
          send(res, 400, { code: 400, error_code: 'validation_failed', msg: 'invalid format for ban duration' });
          return;
        }
        rows = interval
          ? (await pool.query<Record<string, unknown>>(sql('local/supabase/set-ban'), [userId, interval])).rows
          : (await pool.query<Record<string, unknown>>(sql('local/supabase/get-user'), [userId])).rows;
      }
      if (!rows[0]) send(res, 404, { code: 404, error_code: 'user_not_found', msg: 'User not found' });
      else send(res, 200, userJson(rows[0]));
    } catch (err) {
      o.logger.warn({ err }, 'simulated auth admin could not reach the target database');
      send(res, 500, { code: 500, error_code: 'unexpected_failure', msg: 'Database error updating user' });
    }
  };

  // Each call is logged as Supabase would: its function_edge_logs row, and on a 402 or 429 the
  // function's own console line, so the edge metrics of /health see what the probe and drills caused.
  const logInvocation = (status: number, started: number) => {
    const at = o.clock.now();
    const url = `https://${o.projectRef}.supabase.co/functions/v1/${o.functionName}`;
    const events: LogEvent[] = [
      {
        table: 'function_edge_logs',
        at,
        message: `POST | ${status} | ${url}`,
        level: status >= 500 ? 'error' : 'info',
        metadata: { function_id: 'fn_ai_chat', execution_time_ms: Math.max(1, at - started), request: [{ method: 'POST', url }], response: [{ status_code: status }] },
      },
    ];
    if (status === 402) events.push({ table: 'function_logs', at, level: 'error', message: 'AI gateway error 402: Payment required, please add credits to your workspace.', metadata: { function_id: 'fn_ai_chat', event_type: 'Log', level: 'error' } });
    if (status === 429) events.push({ table: 'function_logs', at, level: 'warning', message: 'AI gateway error 429: Rate limits exceeded', metadata: { function_id: 'fn_ai_chat', event_type: 'Log', level: 'warning' } });
    addEvents(world, events);
  };

  const aiChat = async (req: IncomingMessage, res: ServerResponse) => {
    await readBody(req).catch(() => '');
    if (bearer(req) !== keys.anonKey && bearer(req) !== keys.serviceRoleKey) {
      send(res, 401, { code: 401, message: 'Invalid JWT' });
      return;
    }
    const started = o.clock.now();
    if (world.gatewayDelayMs > 0) await new Promise((r) => setTimeout(r, world.gatewayDelayMs));
    const status = world.gateway === 'rate_limited' ? 429 : world.gateway === 'no_credits' ? 402 : 200;
    world.aiCalls.set(status, (world.aiCalls.get(status) ?? 0) + 1);
    logInvocation(status, started);
    if (status === 429) send(res, 429, { error: 'Rate limits exceeded, please try again later.' });
    else if (status === 402) send(res, 402, { error: 'Payment required, please add funds to your Lovable AI workspace.' });
    else send(res, 200, { reply: 'OK. AutoRepAi assistant is online.', model: 'google/gemini-2.5-flash' });
  };

  const logs = (req: IncomingMessage, res: ServerResponse, url: URL, dialect: 'bigquery' | 'clickhouse') => {
    if (bearer(req) !== keys.accessToken) {
      send(res, 401, { message: 'Unauthorized' });
      return;
    }
    const q = parseLogsSql(url.searchParams.get('sql') ?? '');
    const start = Date.parse(url.searchParams.get('iso_timestamp_start') ?? '');
    const end = Date.parse(url.searchParams.get('iso_timestamp_end') ?? '');
    if (!q || !LOG_TABLES.has(q.table)) {
      send(res, 200, { result: null, error: { message: `Table not found or query not understood: ${(url.searchParams.get('sql') ?? '').slice(0, 80)}` } });
      return;
    }
    if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start || end - start > 24 * 3_600_000) {
      send(res, 400, { message: 'iso_timestamp_start and iso_timestamp_end must give a window of at most 24 hours' });
      return;
    }
    const all = logsFor(world, { table: q.table as LogTable, start, end: Math.min(end, o.clock.now()), projectRef: o.projectRef, functionName: o.functionName });
    const page = all.slice(q.offset, q.offset + q.limit).map((e, i) => (dialect === 'bigquery' ? bigQueryRow(e, q.offset + i) : clickHouseRow(e, q.offset + i)));
    send(res, 200, { result: page, error: null });
  };

  let counters: HostCounters | undefined;
  const metrics = async (req: IncomingMessage, res: ServerResponse) => {
    const basic = req.headers.authorization?.startsWith('Basic ') ? Buffer.from(req.headers.authorization.slice(6), 'base64').toString('utf8') : '';
    if (basic !== `service_role:${keys.serviceRoleKey}`) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Basic realm="metrics"' });
      res.end('Unauthorized\n');
      return;
    }
    // Statements running on the seeded target make the host busy; an unreachable target reads as idle.
    const active = await pool
      .query<{ active: number }>(sql('local/supabase/active-backends'))
      .then((r) => r.rows[0]?.active ?? 0)
      .catch(() => 0);
    const now = o.clock.now();
    counters ??= startCounters(world.host, now);
    advance(counters, now, busyShare(world.host, active));
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(metricsText(world.host, counters, o.projectRef));
  };

  const authConfig = (req: IncomingMessage, res: ServerResponse) => {
    if (bearer(req) !== keys.accessToken) {
      send(res, 401, { message: 'Unauthorized' });
      return;
    }
    const app = `${base}/app/`;
    send(res, 200, {
      site_url: world.authSiteUrl ?? app,
      uri_allow_list: `${base}/app/**,http://localhost:5173/**`,
      mailer_autoconfirm: false,
      external_email_enabled: true,
      disable_signup: false,
      jwt_exp: 3600,
      mailer_otp_exp: 3600,
      rate_limit_email_sent: 30,
    });
  };

  // The project's function secrets, shaped as GET /v1/projects/{ref}/secrets answers: name and
  // value. Values are random per start (nothing real), so the bot's value-dropping is exercised.
  const functionSecrets = ['LOVABLE_API_KEY', 'SUPABASE_URL', 'SUPABASE_ANON_KEY', 'SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_DB_URL'].map((name) => ({
    name,
    value: randomBytes(24).toString('base64url'),
  }));
  const secretsList = (req: IncomingMessage, res: ServerResponse) => {
    if (bearer(req) !== keys.accessToken) send(res, 401, { message: 'Unauthorized' });
    else send(res, 200, functionSecrets);
  };

  const page = () => ({ id: 'local', name: 'Supabase (local workspace)', url: `${base}/status`, updated_at: new Date(o.clock.now()).toISOString() });
  const pageStatus = () => {
    const down = [!world.authUp && 'Auth', world.gateway !== 'ok' && 'Edge Functions'].filter(Boolean);
    return down.length ? { indicator: 'minor', description: `Degraded: ${down.join(', ')}` } : { indicator: 'none', description: 'All Systems Operational' };
  };
  const status = (res: ServerResponse) => send(res, 200, { page: page(), status: pageStatus() });
  // Statuspage's summary: the page status, every component (as the world has them) and no
  // incidents of Supabase's own — the drills break our project, not the platform.
  const summary = (res: ServerResponse) => {
    const at = new Date(o.clock.now()).toISOString();
    const component = (id: string, name: string, up: boolean, downAs = 'major_outage') => ({ id, name, status: up ? 'operational' : downAs, group: false, group_id: null, updated_at: at });
    send(res, 200, {
      page: page(),
      status: pageStatus(),
      components: [
        component('api', 'API Gateway', true),
        component('auth', 'Auth', world.authUp),
        component('db', 'Database', true),
        component('edge', 'Edge Functions', world.gateway === 'ok', 'degraded_performance'),
        component('storage', 'Storage', true),
        component('region', `AWS ${LOCAL_REGION}`, true),
      ],
      incidents: [],
      scheduled_maintenances: [],
    });
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const p = url.pathname;
    const m = req.method ?? 'GET';
    if ((m === 'GET' || m === 'HEAD') && (p === '/app' || p === '/app/')) {
      if (!world.frontendUp) send(res, 503, '<h1>503 Service Unavailable</h1>');
      else send(res, 200, APP_PAGE);
      return;
    }
    if (m === 'GET' && p === '/auth/v1/health') {
      if (req.headers.apikey !== keys.anonKey && req.headers.apikey !== keys.serviceRoleKey) send(res, 401, { message: 'No API key found in request' });
      else if (!world.authUp) send(res, 503, { code: 503, msg: 'upstream connect error or disconnect/reset before headers' });
      else send(res, 200, { version: 'v2.180.0', name: 'GoTrue', description: 'GoTrue is a user registration and authentication API' });
      return;
    }
    if (m === 'POST' && p === '/auth/v1/recover') {
      // GoTrue answers 200 {} whether or not the address has an account (no enumeration); the
      // local workspace sends no mail, it logs that one would have gone out.
      if (req.headers.apikey !== keys.anonKey && req.headers.apikey !== keys.serviceRoleKey) send(res, 401, { message: 'No API key found in request' });
      else if (!world.authUp) send(res, 503, { code: 503, msg: 'upstream connect error or disconnect/reset before headers' });
      else {
        const body = JSON.parse((await readBody(req)) || '{}') as { email?: unknown };
        if (typeof body.email !== 'string' || !body.email.includes('@')) send(res, 400, { code: 400, error_code: 'validation_failed', msg: 'Unable to validate email address: invalid format' });
        else {
          o.logger.info({ route: 'recover' }, 'simulated supabase: password-reset email would be sent');
          send(res, 200, {});
        }
      }
      return;
    }
    const admin = /^\/auth\/v1\/admin\/users\/([^/]+)$/.exec(p);
    if (admin && (m === 'PUT' || m === 'GET')) return authAdmin(req, res, decodeURIComponent(admin[1]!));
    const fn = /^\/functions\/v1\/([a-z0-9_-]+)$/.exec(p);
    if (fn && m === 'POST') {
      if (fn[1] !== o.functionName) send(res, 404, { code: 'NOT_FOUND', message: 'Requested function was not found' });
      else await aiChat(req, res);
      return;
    }
    const logsPath = /^\/v1\/projects\/([a-z0-9]+)\/analytics\/endpoints\/(logs\.all|logs)$/.exec(p);
    if (logsPath && m === 'GET') {
      if (logsPath[1] !== o.projectRef) send(res, 404, { message: 'Project not found' });
      else logs(req, res, url, logsPath[2] === 'logs.all' ? 'bigquery' : 'clickhouse');
      return;
    }
    if (m === 'GET' && p === '/customer/v1/privileged/metrics') return metrics(req, res);
    const authConfigPath = /^\/v1\/projects\/([a-z0-9]+)\/config\/auth$/.exec(p);
    if (authConfigPath && m === 'GET') {
      if (authConfigPath[1] !== o.projectRef) send(res, 404, { message: 'Project not found' });
      else authConfig(req, res);
      return;
    }
    const secretsPath = /^\/v1\/projects\/([a-z0-9]+)\/secrets$/.exec(p);
    if (secretsPath && m === 'GET') {
      if (secretsPath[1] !== o.projectRef) send(res, 404, { message: 'Project not found' });
      else secretsList(req, res);
      return;
    }
    if (m === 'GET' && p === '/status/api/v2/status.json') return status(res);
    if (m === 'GET' && p === '/status/api/v2/summary.json') return summary(res);
    send(res, 404, { message: `no route ${m} ${p.slice(0, 80)}` });
  };

  const requestListener = (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((err: unknown) => {
      o.logger.warn({ err }, 'simulated supabase request failed');
      if (!res.headersSent) send(res, 500, { message: 'internal error' });
      else res.end();
    });
  };

  const api: SimulatedSupabase & { listen(port?: number): Promise<void> } = {
    get url() {
      return base;
    },
    get supabaseUrl() {
      return base;
    },
    get appUrl() {
      return `${base}/app/`;
    },
    get managementApiUrl() {
      return base;
    },
    get statusUrl() {
      return `${base}/status/api/v2/status.json`;
    },
    get statusPageUrl() {
      return `${base}/status`;
    },
    requestListener,
    async listen(port = 0) {
      server = createServer(requestListener);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, '127.0.0.1', () => resolve());
      });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((r) => server!.close(() => r()));
      }
      await pool.end().catch(() => undefined);
    },
  };
  return api;
}
