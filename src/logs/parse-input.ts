// Turns one input line — plain text or a JSON object — into a LogRecord: the free-text message
// that is mined for templates, a level and a time when the line has them. JSON shapes covered:
// Supabase log rows (event_message, timestamp in µs, metadata arrays, severity_text,
// log_attributes), GoTrue/pino/bunyan (msg, level, time), and the usual message/level/@timestamp.
import type { LogLevel, LogRecord } from './types.js';

const NOT_BLANK = /\S/;
/** True for an empty line or one of only whitespace: such a line (or message) is skipped. */
export const isBlank = (s: string): boolean => !NOT_BLANK.test(s);

/** Longest message kept; longer lines are cut so one huge line cannot stall the pipeline. */
export const MAX_MESSAGE_CHARS = 8192;

const LEVEL_WORDS: Record<string, LogLevel> = {
  trace: 'debug',
  debug: 'debug',
  v: 'debug',
  d: 'debug',
  verbose: 'debug',
  debug1: 'debug',
  debug2: 'debug',
  info: 'info',
  information: 'info',
  informational: 'info',
  log: 'info',
  notice: 'info',
  i: 'info',
  warn: 'warn',
  warning: 'warn',
  w: 'warn',
  error: 'error',
  err: 'error',
  e: 'error',
  severe: 'error',
  fatal: 'fatal',
  panic: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  f: 'fatal',
};

// A Map, not the object: a level field holding "constructor" must not find Object's.
const LEVEL_MAP: ReadonlyMap<string, LogLevel> = new Map(Object.entries(LEVEL_WORDS));

/** Maps a level name (any case) or a pino/bunyan number to our levels. */
export function normalizeLevel(value: unknown): LogLevel | undefined {
  if (typeof value === 'number') {
    if (value >= 60) return 'fatal';
    if (value >= 50) return 'error';
    if (value >= 40) return 'warn';
    if (value >= 30) return 'info';
    if (value >= 10) return 'debug';
    return undefined;
  }
  if (typeof value !== 'string') return undefined;
  return LEVEL_MAP.get(value) ?? LEVEL_MAP.get(value.trim().toLowerCase());
}

/** Epoch milliseconds from a number in s, ms, µs or ns (by magnitude) or a date string. */
export function toEpochMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    if (value < 1e11) return Math.round(value * 1000); // seconds
    if (value < 1e14) return Math.round(value); // milliseconds
    if (value < 1e17) return Math.round(value / 1000); // microseconds (Supabase)
    return Math.round(value / 1e6); // nanoseconds
  }
  if (typeof value === 'string' && value !== '') {
    if (/^\d+(\.\d+)?$/.test(value)) return toEpochMs(Number(value));
    return parseDateText(value);
  }
  return undefined;
}

// "2024-05-01 10:00:00.123456" has no zone: logs of servers are UTC unless they say otherwise.
// "2024-05-01 10:00:00.123456 UTC", "2024-05-01T10:00:00,123+02:00": parsed by hand, because
// Date.parse after string surgery costs more than the rest of reading a line.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s?(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;

// Consecutive lines mostly share their second: remember the last "YYYY-MM-DD HH:MM:SS" read.
// Only values read by DATE_TIME are remembered, so the shortcut gives exactly what a full read
// would, whichever line came before (worker threads each see different previous lines).
let memoKey = '';
let memoRest = '';
let memoValue: number | undefined;

function parseDateText(text: string): number | undefined {
  const prefix = text.length > 19 ? text.slice(0, 19) : text;
  const rest = text.length > 19 ? text.slice(19) : '';
  if (prefix === memoKey && memoValue !== undefined) {
    if (rest === memoRest) return memoValue;
    // Same second, other fraction: only the milliseconds differ when the zone is the same.
    const f = /^[.,](\d+)(.*)$/.exec(rest);
    const g = /^[.,](\d+)(.*)$/.exec(memoRest);
    if (f && g && f[2] === g[2]) return memoValue - Number(g[1]!.slice(0, 3).padEnd(3, '0')) + Number(f[1]!.slice(0, 3).padEnd(3, '0'));
  }
  const fromPattern = parseDateTime(text);
  memoKey = prefix;
  memoRest = rest;
  memoValue = fromPattern;
  if (fromPattern !== undefined) return fromPattern;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function parseDateTime(text: string): number | undefined {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  let t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), ms);
  const zone = m[8];
  if (zone && zone[0] !== 'Z' && zone[0] !== 'U' && zone[0] !== 'G') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0)) * 60_000;
  }
  return Number.isNaN(t) ? undefined : t;
}

const SYSLOG_TIME = /^(?:[A-Z][a-z]{2},?\s+)?[A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:\s+\d{4})?\s+/;
const SYSLOG_HEADER = /^[\w.@/-]+\s+[\w./()-]+(?:\[\d+\])?:\s+/;

// Leading timestamps, in the forms servers commonly print. Group 1 is parseable with a year.
const LEADING_TIME: readonly RegExp[] = [
  /^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:\s?(?:Z|UTC|GMT|[+-]\d{2}:?\d{2}))?)\]?,?\s+/,
  /^\[?(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}(?:[.,]\d+)?)\]?,?\s+/,
  // 17/06/09 20:10:40 and 03-17 16:13:38.811: no certain year or order, stripped but not read.
  /^\d{2}[/-]\d{2}(?:[/-]\d{2,4})? \d{2}:\d{2}:\d{2}(?:[.,]\d+)?,?\s+/,
  SYSLOG_TIME,
  // "[10.30 16:49:06]", "[2022-11-20 10:00:00,123: INFO/MainProcess]"
  /^\[[^\]]{0,40}\d{1,2}:\d{2}:\d{2}[^\]]{0,40}\]\s*/,
  /^(\d{13}|\d{10}(?:\.\d+)?)\s+/,
];

const LEADING_LEVEL = /^\[?([A-Za-z]{3,11})\]?:?\s+/;

function fromText(text: string, lineNo: number): LogRecord {
  let rest = text;
  let timestamp: number | undefined;
  let timed = false;
  for (const re of LEADING_TIME) {
    const m = re.exec(rest);
    if (!m) continue;
    if (m[1] !== undefined) timestamp = toEpochMs(m[1].replace('/', '-').replace('/', '-'));
    rest = rest.slice(m[0].length);
    // RFC 3164 syslog: "Jun 14 15:16:01 host program[pid]: message".
    if (re === SYSLOG_TIME) rest = rest.replace(SYSLOG_HEADER, '');
    timed = true;
    break;
  }
  if (!timed) rest = stripFieldHeader(rest);
  rest = rest.replace(LEADING_PID, '');
  // "2015-07-29 17:41:44,747 - INFO  [main] - message": a dash or bar separates header fields.
  if (rest.charCodeAt(0) === 45 || rest.charCodeAt(0) === 124) rest = rest.replace(LEADING_SEPARATOR, '');
  let level: LogLevel | undefined;
  let headerLevel = false;
  let tagged = false;
  const lm = LEADING_LEVEL.exec(rest);
  if (lm) {
    level = normalizeLevel(lm[1]);
    // Only a level written as one (INFO, [warn], ERROR:, or a column "Info    " right after the
    // time) is stripped, not a word such as "Log" or "Error" that opens a message.
    const word = lm[1]!;
    const written = word === word.toUpperCase() || lm[0].startsWith('[') || lm[0].includes(':') || (timed && FULL_LEVEL.test(word) && lm[0].endsWith('  '));
    if (level && written) {
      rest = rest.slice(lm[0].length);
      headerLevel = true;
    } else level = undefined;
  }
  if (!level) {
    // "app.worker - INFO - message", "[main] WARN - message": an upper-case level between
    // separators, a few fields in, ends the header whatever the fields before it are.
    const sm = SEPARATED_LEVEL.exec(rest.length > 160 ? rest.slice(0, 160) : rest);
    if (sm) {
      level = normalizeLevel(sm[1]);
      rest = rest.slice(sm[0].length);
    }
  }
  if (!level) {
    // "081109 203615 148 INFO dfs.DataNode: message", "1702 2395 D Tag: message": header
    // fields (numbers, ids, upper-case codes) and then a level.
    const fl = fieldsThenLevel(rest);
    if (fl) {
      level = fl.level;
      rest = rest.slice(fl.end);
      headerLevel = true;
      tagged = fl.tagged;
    }
  }
  if (!level) {
    // "[pid] user@db ERROR:  message" (Postgres), "app.module WARNING: message": what precedes
    // an upper-case level and a colon is a header; the message is what follows.
    const head = rest.length > 120 ? rest.slice(0, 120) : rest;
    const hm = HEADER_LEVEL.exec(head);
    if (hm && countSpaces(head, hm.index) <= 4) {
      level = normalizeLevel(hm[2]) ?? 'unknown';
      rest = rest.slice(hm.index + hm[0].length);
    }
  }
  if (headerLevel) rest = stripSource(rest, tagged);
  if (timed || headerLevel) rest = stripDashedSource(rest, !timed);
  // A line that is only a header keeps its text: it still counts, with its level.
  if (isBlank(rest)) rest = text;
  level ??= levelFromWords(rest);
  // One shape for every record (absent values are undefined): spreads would cost an object per line.
  return { lineNo, message: clip(rest), level: level ?? 'unknown', timestamp, detail: undefined };
}

const SEPARATED_LEVEL = /^(?:\S+\s+){0,3}?(?:[-|]\s+)?\[?(INFO|WARN|WARNING|ERROR|DEBUG|TRACE|FATAL|CRITICAL|NOTICE|SEVERE)\]?\s+(?:--\s*:|[-|]+)\s+/;
const FULL_LEVEL = /^(?:Info|Information|Notice|Warn|Warning|Error|Debug|Trace|Fatal|Critical|Severe)$/;
const FIELD_LEVEL = /^(?:INFO|WARN|WARNING|ERROR|DEBUG|TRACE|FATAL|SEVERE|NOTICE|CRITICAL|Info|Warning|Error|Debug|Fatal|Notice|Critical)$/;
const SHORT_LEVEL = /^[VDIWEF]$/;

// A header of at least two fields before the level: each field holds a digit ("081109",
// "R02-M1-N0", "2005.06.03"), is an upper-case code ("RAS", "KERNEL") or a dash; at least one
// holds a digit.
// A one-letter level ("D") counts only after numbers and before a "Tag:".
function fieldsThenLevel(text: string): { level: LogLevel; end: number; tagged: boolean } | undefined {
  let at = 0;
  let digits = false;
  let numbersOnly = true;
  for (let field = 0; field < 9; field++) {
    while (text.charCodeAt(at) === 32) at++;
    let end = text.indexOf(' ', at);
    if (end < 0) return undefined;
    const token = text.slice(at, end);
    if (field > 1 && digits) {
      const short = SHORT_LEVEL.test(token) && numbersOnly;
      if (FIELD_LEVEL.test(token) || short) {
        while (text.charCodeAt(end) === 32) end++;
        if (short && !/^\S+:\s/.test(text.slice(end, end + 80))) return undefined;
        return { level: normalizeLevel(token) ?? 'unknown', end, tagged: short };
      }
    }
    const hasDigit = /\d/.test(token);
    if (!hasDigit && token !== '-' && !/^[A-Z][A-Z_]+$/.test(token)) return undefined;
    if (!/^\d+$/.test(token)) numbersOnly = false;
    digits ||= hasDigit;
    at = end;
  }
  return undefined;
}

// After a header's level: the logger's source, which is not part of the message —
// "[main] org.apache.Foo: ", "executor.Executor: ", "[thread:Class@774] - ",
// "nova.wsgi.server [req-… - - -] ", and after an Android one-letter level "WindowManager: ".
// A name that reads as an error type ("TypeError:", "java.io.IOException:") or a host
// ("db.example.com:") is the message's own first word and stays.
function stripSource(text: string, tagged: boolean): string {
  let rest = skipBrackets(text);
  const m = SOURCE.exec(rest);
  if (m && !ERROR_NAME.test(m[1]!)) {
    const name = m[1]!;
    const colon = m[2] === ':';
    const dotted = /[.$]/.test(name);
    const className = dotted && (/[.$][A-Z][\w$]*$/.test(name) || /^[A-Z]/.test(name));
    const source = colon ? className || (tagged && !dotted) : dotted && rest.charCodeAt(m[0].length) === 91;
    if (source) rest = skipBrackets(rest.slice(m[0].length));
  }
  return rest.replace(LEADING_SEPARATOR, '');
}

// "chrome.exe - message", "svchost.exe *64 - message", "2022-08-01 04:00:01,123
// CompactionTask.java:255 - message": after the header's time or level, a source (a name with a
// dot, colon or slash, and maybe one more field) and a lone dash end the header. `untimed`: the
// time may still come first (it followed the level).
function stripDashedSource(text: string, untimed: boolean): string {
  let rest = text;
  if (untimed) {
    const m = LEADING_TIME[0]!.exec(rest);
    if (m) rest = rest.slice(m[0].length);
  }
  const d = DASHED_SOURCE.exec(rest.length > 120 ? rest.slice(0, 120) : rest);
  if (d) return rest.slice(d[0].length);
  return rest === text ? text : rest;
}
const DASHED_SOURCE = /^[^\s-][^\s]*[.:$/\\][^\s]*(?:\s+\S+)?\s+-\s+(?=\S)/;

const ERROR_NAME = /(?:Error|Exception|Warning|Fault)$/;
const SOURCE = /^([A-Za-z_$][\w$.\-/]*?)(:?)\s+/;

// What the message is about, not who logs it: "[client 10.0.0.1]", "[instance: 6f1c…]" (a
// lower-case name and one value), where a thread ("[main]", "[IPC Server handler 3 on 62270]")
// or a request context ("[req-… - - -]") is the header's.
const CONTEXT = /^\[[a-z]+:? [^\s\]]*\d[^\s\]]*\]$/;

// Skips "[…] " groups (nested brackets allowed) at the start of a text, up to a context group.
function skipBrackets(text: string): string {
  let rest = text;
  while (rest.charCodeAt(0) === 91) {
    let depth = 0;
    let end = -1;
    for (let i = 0; i < rest.length && i < 300; i++) {
      const c = rest.charCodeAt(i);
      if (c === 91) depth++;
      else if (c === 93 && --depth === 0) {
        end = i;
        break;
      }
    }
    if (end < 0 || rest.charCodeAt(end + 1) !== 32 || CONTEXT.test(rest.slice(0, end + 1))) break;
    rest = rest.slice(end + 1).trimStart();
  }
  return rest;
}

// Headers that do not open with a time: "- 1131566461 2005.11.09 dn228 Nov 9 12:01:01
// dn228/dn228 crond[2915]: message" (a syslog time after some fields) and
// "20171223-22:15:29:606|Step_LSC|30002312|message" (fields joined by bars).
function stripFieldHeader(text: string): string {
  const bars = PIPE_HEADER.exec(text);
  if (bars) return text.slice(bars[0].length);
  const head = text.length > 120 ? text.slice(0, 120) : text;
  const m = EMBEDDED_SYSLOG.exec(head);
  if (!m || !/\d/.test(m[1]!)) return text;
  // Only when the syslog time is followed by its own "host program[pid]: ".
  const after = text.slice(m[0].length);
  const h = SYSLOG_HEADER.exec(after);
  return h ? after.slice(h[0].length) : text;
}

// The first field is a time or a number ("20171223-22:15:29:606|"); "v1.2|v1.3|…" is a message.
const PIPE_HEADER = /^(?=\d)(?:[^|\s]+\|){2,6}/;
// The fields before the syslog time open with a dash, a number or an upper-case code.
const EMBEDDED_SYSLOG = /^((?:-|\d\S*|[A-Z][A-Z_]+)\s+(?:\S+\s+){0,5}?)[A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}\s+/;

const LEADING_PID = /^\[\d+\]:?\s+/;
const LEADING_SEPARATOR = /^[-|]\s+(?=[A-Za-z[])/;
const HEADER_LEVEL = /(^|\s)(DEBUG\d?|INFO|LOG|NOTICE|WARNING|WARN|ERROR|FATAL|PANIC|CRITICAL|DETAIL|HINT|STATEMENT|CONTEXT|QUERY):\s+/;

// Words before position `end` (a header has at most four: pid, user@db, host, module).
function countSpaces(s: string, end: number): number {
  let n = 0;
  for (let i = 1; i < end; i++) if (s.charCodeAt(i) === 32 && s.charCodeAt(i - 1) !== 32) n++;
  return n;
}

// A level printed later in the line, as in Postgres' "[123] ERROR:  …" or "level=error".
const INNER_LEVEL = /(?:^|[\s[(|])(?:level=)?(DEBUG\d?|INFO|LOG|NOTICE|WARNING|WARN|ERROR|FATAL|PANIC|CRITICAL)\b:?/;
const INNER_LEVEL_KV = /\blevel=([a-z]+)/;

function levelFromWords(text: string): LogLevel | undefined {
  const head = text.length > 160 ? text.slice(0, 160) : text;
  const m = INNER_LEVEL.exec(head) ?? INNER_LEVEL_KV.exec(head);
  return m ? normalizeLevel(m[1]) : undefined;
}

function clip(s: string): string {
  return s.length > MAX_MESSAGE_CHARS ? s.slice(0, MAX_MESSAGE_CHARS) : s;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// Supabase wraps metadata in one-element arrays (BigQuery structs): look through them.
function field(obj: Json, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (Array.isArray(cur)) cur = cur[0];
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return Array.isArray(cur) && cur.length === 1 && !isObject(cur[0]) ? cur[0] : cur;
}

const MESSAGE_PATHS = [['event_message'], ['message'], ['msg'], ['log'], ['text'], ['@message'], ['error', 'message'], ['err', 'message']];
// Most common shapes first: this runs for every JSON line.
const LEVEL_PATHS = [
  ['level'],
  ['metadata', 'level'],
  ['severity_text'],
  ['severity'],
  ['log_level'],
  ['levelname'],
  ['error_severity'],
  ['metadata', 'parsed', 'error_severity'],
  ['metadata', 'error_severity'],
  ['log_attributes', 'level'],
  ['log_attributes', 'parsed.error_severity'],
];
const TIME_PATHS = [['timestamp'], ['time'], ['ts'], ['@timestamp'], ['date'], ['datetime']];
const STATUS_PATHS = [
  ['metadata', 'response', 'status_code'],
  ['log_attributes', 'response.status_code'],
  ['status_code'],
  ['status'],
  ['statusCode'],
];

function first<T>(obj: Json, paths: readonly (readonly string[])[], map: (v: unknown) => T | undefined): T | undefined {
  for (const p of paths) {
    const v = p.length === 1 ? obj[p[0]!] : field(obj, p);
    if (v === undefined || v === null) continue;
    const mapped = map(v);
    if (mapped !== undefined) return mapped;
  }
  return undefined;
}

const asString = (v: unknown) => (typeof v === 'string' ? v : undefined);
const asStatus = (v: unknown) => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 100 && n < 600 ? n : undefined;
};

/** A record from a parsed JSON log object (also used for Supabase API rows). */
export function recordFromJson(obj: Json, lineNo: number, outerTime?: number): LogRecord {
  let message = first(obj, MESSAGE_PATHS, asString);
  let level = first(obj, LEVEL_PATHS, normalizeLevel);
  let timestamp = outerTime ?? first(obj, TIME_PATHS, toEpochMs);
  let detail = 'msg' in obj || 'message' in obj ? notableFields(obj) : undefined;
  // GoTrue and friends log JSON inside event_message: the inner object has the real message.
  if (message?.startsWith('{')) {
    const inner = tryParse(message);
    if (inner) {
      const rec = recordFromJson(inner, lineNo, timestamp);
      if (rec.message !== message) message = rec.message;
      if (rec.level !== 'unknown') level ??= rec.level;
      timestamp ??= rec.timestamp;
      detail ??= rec.detail;
    }
  }
  if (message === undefined) {
    // No known message field: mine the object without its time so lines still group.
    const { timestamp: _t, time: _ti, ts: _ts, '@timestamp': _at, ...rest } = obj;
    message = JSON.stringify(rest);
  }
  if (!level) {
    const status = first(obj, STATUS_PATHS, asStatus);
    if (status !== undefined) level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  }
  level ??= levelFromWords(message);
  return {
    lineNo,
    message: clip(message),
    level: level ?? 'unknown',
    timestamp,
    detail,
  };
}

// Structured loggers (GoTrue, pino) put the what in `msg` and the which in fields: "request
// completed" means little without the method, path, status or error. Those fields are not part
// of the template (the logging statement is the same), but they are kept to show with examples.
const NOTABLE: readonly (readonly [string, readonly string[]])[] = [
  ['method', ['method']],
  ['path', ['path']],
  ['status', ['status']],
  ['status_code', ['status_code']],
  ['action', ['action']],
  ['action', ['auth_event', 'action']],
  ['error_code', ['error_code']],
  ['error', ['error']],
];

function notableFields(obj: Json): string | undefined {
  const parts: string[] = [];
  for (const [name, path] of NOTABLE) {
    const v = path.length === 1 ? obj[path[0]!] : field(obj, path);
    if (typeof v === 'string' || typeof v === 'number') parts.push(`${name}=${String(v).slice(0, 300)}`);
  }
  return parts.length > 0 ? parts.join(' ') : undefined;
}

function tryParse(text: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Parses one line of plain text or JSON into a record; never throws. */
export function parseLine(line: string, lineNo: number): LogRecord {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (text.charCodeAt(0) === 123 /* { */) {
    const fast = supabaseRow(text, lineNo);
    if (fast) return fast;
    const obj = tryParse(text);
    if (obj) return recordFromJson(obj, lineNo);
  }
  return fromText(text, lineNo);
}

// Supabase rows ({"id","timestamp":µs,"event_message":"…","metadata":[…]}) are most of what
// the bot reads, and decoding the whole object (ids, nested metadata) costs three times more
// than picking the four values used. Only rows whose message is plain text take this path;
// a "level" or "status_code" key can only match real keys, since quotes inside the message
// are escaped. Anything unusual falls back to the full parse.
const ROW_MESSAGE = /"event_message":"((?:[^"\\]|\\.)*)"/;
const ROW_TIME = /"timestamp":(\d{10,19})[,}]/;
const ROW_LEVEL = /"(?:level|severity_text)":"(\w+)"/;
const ROW_STATUS = /"status_code":(\d{3})\b/;

function supabaseRow(text: string, lineNo: number): LogRecord | undefined {
  const at = text.indexOf('"event_message":"');
  // A message that is itself JSON (GoTrue) needs the full parse anyway: decoding the message
  // string by pattern and then the object costs more than JSON.parse of the whole row.
  if (at < 0 || text.charCodeAt(at + 17) === 123 /* { */ || text.charCodeAt(text.length - 1) !== 125 /* } */) return undefined;
  const m = ROW_MESSAGE.exec(text);
  const t = ROW_TIME.exec(text);
  if (!m || !t || m[1]!.startsWith('{')) return undefined;
  let message = m[1]!;
  if (message.includes('\\')) {
    try {
      message = JSON.parse(`"${message}"`) as string;
    } catch {
      return undefined;
    }
  }
  const timestamp = toEpochMs(Number(t[1]));
  let level = normalizeLevel(ROW_LEVEL.exec(text)?.[1]);
  if (!level) {
    const status = Number(ROW_STATUS.exec(text)?.[1]);
    if (status >= 100) level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  }
  level ??= levelFromWords(message);
  return { lineNo, message: clip(message), level: level ?? 'unknown', timestamp, detail: undefined };
}
