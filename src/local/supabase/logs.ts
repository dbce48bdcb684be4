// Generated Supabase logs for the simulated Management API: a background of edge, function,
// Postgres and auth lines in the shapes Supabase returns them (event_message + nested metadata
// for the logs.all dialect, severity_text + flat log_attributes for the ClickHouse one), the
// same for the same minute every time it is asked (hashes of the minute, not randomness),
// with the occasional error and a busier hour every few hours; plus the events drills add.
import { createHash } from 'node:crypto';
import type { LogEvent, LogTable, SimulatedWorld } from './world.js';

const MINUTE = 60_000;

/** Lines per minute of the background, per table. */
const PER_MINUTE: Record<LogTable, number> = { function_edge_logs: 6, function_logs: 4, postgres_logs: 5, auth_logs: 4 };

function unit(...parts: (string | number)[]): number {
  const h = createHash('md5').update(parts.join('|')).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000;
}

function pick<T>(list: readonly T[], r: number): T {
  return list[Math.min(list.length - 1, Math.floor(r * list.length))]!;
}

const IPS = ['203.0.113.7', '198.51.100.23', '192.0.2.44', '203.0.113.90', '198.51.100.141'];
const PATHS = ['/token', '/user', '/logout', '/verify', '/recover'];
const USERS = ['alex.nguyen12@dealer13.example', 'sam.smith7@dealer8.example', 'jordan.roy44@dealer45.example', 'casey.lee3@dealer4.example'];

function edgeLine(ref: string, fn: string, at: number, r: number, busy: boolean): LogEvent {
  const status = r < (busy ? 0.06 : 0.008) ? 500 : r < 0.02 ? 401 : 200;
  const ms = Math.round(350 + unit('ms', at) * (busy ? 2600 : 900));
  return {
    table: 'function_edge_logs',
    at,
    message: `POST | ${status} | https://${ref}.supabase.co/functions/v1/${fn}`,
    level: status >= 500 ? 'error' : 'info',
    metadata: {
      function_id: 'fn_ai_chat',
      execution_time_ms: ms,
      request: [{ method: 'POST', url: `https://${ref}.supabase.co/functions/v1/${fn}`, headers: [{ user_agent: 'AutoRepAi-Web/3.14' }] }],
      response: [{ status_code: status, headers: [{ content_type: 'application/json' }] }],
    },
  };
}

function functionLine(at: number, r: number, busy: boolean): LogEvent {
  const lines: readonly [LogEvent['level'], string][] = [
    ['info', `Chat request for dealership ${1 + Math.floor(r * 48)} (${Math.floor(unit('msgs', at) * 12) + 1} messages)`],
    ['info', `Gemini answered in ${Math.round(300 + unit('g', at) * 1400)} ms`],
    ['info', `Inventory lookup returned ${Math.floor(unit('inv', at) * 40)} vehicles`],
    ['warning', `Slow inventory query: ${Math.round(800 + unit('slow', at) * 2000)} ms`],
  ];
  if (r < (busy ? 0.08 : 0.01)) {
    return { table: 'function_logs', at, level: 'error', message: 'Error calling AI gateway: upstream request timeout after 30000 ms', metadata: { function_id: 'fn_ai_chat', event_type: 'Log', level: 'error' } };
  }
  const [level, message] = pick(lines, unit('fl', at, r));
  return { table: 'function_logs', at, level, message, metadata: { function_id: 'fn_ai_chat', event_type: 'Log', level } };
}

function postgresLine(at: number, r: number, busy: boolean): LogEvent {
  const lines: readonly [LogEvent['level'], string, string][] = [
    ['log', 'LOG', 'connection received: host=10.0.1.17 port=54122'],
    ['log', 'LOG', 'connection authorized: user=authenticator database=postgres application_name=PostgREST 12.2.3'],
    ['log', 'LOG', `checkpoint complete: wrote ${Math.floor(unit('ck', at) * 900)} buffers (${(unit('ckp', at) * 5).toFixed(1)}%); write=${(unit('w', at) * 30).toFixed(3)} s`],
    ['log', 'LOG', `automatic vacuum of table "postgres.public.interactions": index scans: 1, pages: ${Math.floor(unit('v', at) * 4000)} removed`],
    ['log', 'LOG', `duration: ${(100 + unit('d', at) * 900).toFixed(3)} ms  statement: SELECT * FROM public.leads WHERE organization_id = $1 ORDER BY created_at DESC`],
  ];
  if (r < (busy ? 0.05 : 0.006)) {
    return { table: 'postgres_logs', at, level: 'error', message: 'canceling statement due to statement timeout', metadata: { parsed: [{ error_severity: 'ERROR', sql_state_code: '57014', user_name: 'authenticator' }] } };
  }
  const [level, severity, message] = pick(lines, unit('pl', at, r));
  return { table: 'postgres_logs', at, level, message, metadata: { parsed: [{ error_severity: severity, user_name: 'authenticator', database_name: 'postgres' }] } };
}

function authLine(at: number, r: number): LogEvent {
  const failed = r < 0.03;
  const path = failed ? '/token' : pick(PATHS, unit('ap', at));
  const status = failed ? 400 : 200;
  const inner = {
    component: 'api',
    ...(failed ? { error: 'invalid_credentials' } : {}),
    level: 'info',
    method: path === '/user' ? 'GET' : 'POST',
    msg: failed ? 'request completed' : pick(['request completed', 'Login', 'token refreshed'], unit('am', at)),
    path,
    remote_addr: pick(IPS, unit('ip', at)),
    status,
    time: new Date(at).toISOString(),
  };
  return { table: 'auth_logs', at, level: 'info', message: JSON.stringify(inner), metadata: { level: 'info', status, path, msg: inner.msg } };
}

export interface LogWindow {
  table: LogTable;
  start: number;
  end: number;
  projectRef: string;
  functionName: string;
}

/** Every line of one table in [start, end), oldest first: the background and the drills' events. */
export function logsFor(world: SimulatedWorld, w: LogWindow): LogEvent[] {
  const out: LogEvent[] = [];
  const first = Math.floor(w.start / MINUTE) * MINUTE;
  for (let minute = first; minute < w.end; minute += MINUTE) {
    // A busier hour every six hours: more traffic, more errors, slower functions (a spike to find).
    const busy = Math.floor(minute / (6 * 60 * MINUTE)) !== Math.floor((minute + 60 * MINUTE) / (6 * 60 * MINUTE));
    const n = PER_MINUTE[w.table] * (busy ? 3 : 1);
    for (let i = 0; i < n; i++) {
      const at = minute + Math.floor(unit('at', w.table, minute, i) * MINUTE);
      if (at < w.start || at >= w.end) continue;
      const r = unit('r', w.table, minute, i);
      if (w.table === 'function_edge_logs') out.push(edgeLine(w.projectRef, w.functionName, at, r, busy));
      else if (w.table === 'function_logs') out.push(functionLine(at, r, busy));
      else if (w.table === 'postgres_logs') out.push(postgresLine(at, r, busy));
      else out.push(authLine(at, r));
    }
  }
  for (const e of world.events) if (e.table === w.table && e.at >= w.start && e.at < w.end) out.push(e);
  return out.sort((a, b) => a.at - b.at);
}

/** A row of the logs.all (BigQuery) dialect: timestamp in microseconds, metadata as a list. */
export function bigQueryRow(e: LogEvent, i: number): Record<string, unknown> {
  return { id: rowId(e, i), timestamp: e.at * 1000, event_message: e.message, metadata: [{ ...e.metadata, level: e.metadata.level ?? e.level }] };
}

/** A row of the ClickHouse dialect: flat dotted attributes, severity_text. */
export function clickHouseRow(e: LogEvent, i: number): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  const flatten = (prefix: string, v: unknown) => {
    if (Array.isArray(v)) v.forEach((x) => flatten(prefix, x));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) flatten(prefix ? `${prefix}.${k}` : k, x);
    else attributes[prefix] = v;
  };
  flatten('', e.metadata);
  return { id: rowId(e, i), timestamp: new Date(e.at).toISOString(), event_message: e.message, severity_text: e.level.toUpperCase(), log_attributes: attributes };
}

function rowId(e: LogEvent, i: number): string {
  return createHash('md5').update(`${e.table}|${e.at}|${i}|${e.message}`).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
}

export { USERS as SAMPLE_AUTH_USERS };
