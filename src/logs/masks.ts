// Generic masks applied before template mining: values that are parameters in any log
// (times, ids, addresses, numbers, paths) become typed tokens such as <NUM> or <IP>, so
// lines differ only where the message itself differs. No rule here knows any log source.

const B = '(?<![A-Za-z0-9])'; // left boundary: not inside a word
const E = '(?![A-Za-z0-9])'; // right boundary

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*';
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*';
const CLOCK = String.raw`\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?`;
// BGL and friends print 15.42.50 where others print 15:42:50.
const CLOCK_ANY = String.raw`\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:[.,]\d+)?`;
const UNIT = '(?:ns|us|µs|ms|s|sec|secs|m|min|mins|h|hr|hrs|d)';
const ZONE = String.raw`(?:\s?(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)(?![A-Za-z0-9]))?`;

interface Mask {
  /** Regex source (no capturing groups); all masks are tried at each position, in this order. */
  re: string;
  to: string;
}

export const MASKS: readonly Mask[] = [
  // 2024-05-01T10:00:00.123Z, 2024-05-01 10:00:00,123 +00:00, 2005.06.03-15.42.50.675872, 17/06/09 20:10:40
  {
    re: String.raw`${B}(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})(?:[T\s-]${CLOCK_ANY}${ZONE})?${E}`,
    to: '<TS>',
  },
  // Sun Jul 10 14:13:27 2005, Jul 10 14:13:27, 10/Oct/2000:13:55:36 -0700
  {
    re: String.raw`${B}(?:(?:${DAY},?\s+)?${MONTH}\s+\d{1,2},?\s+(?:\d{4}\s+)?${CLOCK}(?:\s+\d{4}${E})?|\d{1,2}/${MONTH}/\d{4}:${CLOCK}(?:\s[+-]\d{4})?)${E}`,
    to: '<TS>',
  },
  { re: String.raw`${B}${CLOCK}${ZONE}${E}`, to: '<TS>' },
  { re: String.raw`\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'<>()]+`, to: '<URL>' },
  { re: String.raw`${B}[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}${E}`, to: '<UUID>' },
  {
    re: String.raw`(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?::\d{1,5})?(?![\w]|\.\d)`,
    to: '<IP>',
  },
  {
    re: String.raw`(?<![\w:.])(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){2,6}:(?:[0-9a-fA-F]{1,4}:){0,5}[0-9a-fA-F]{1,4})(?![\w:])`,
    to: '<IP>',
  },
  // Absolute paths with at least two segments (with their query string), and Windows paths.
  { re: String.raw`(?<![\w.:/~<>-])(?:\/[\w.@%+~$,=-]+){2,}\/?(?:\?[^\s"'<>\u00a0]*)?|\b[A-Za-z]:\\[^\s"'<>]+`, to: '<PATH>' },
  { re: String.raw`${B}0[xX][0-9a-fA-F]+${E}`, to: '<HEX>' },
  // 12ms, 1.5s, 3m20s, 250µs, "12 ms", "<1 sec" — one token whatever the spelling, so lines
  // that print a duration differently still have the same length.
  // (A first part with a leading zero, as in the hex id 0000004d, is not a duration; 1m05s is.)
  { re: String.raw`${B}(?:0|[1-9]\d*)(?:\.\d+)?${UNIT}(?:\d+(?:\.\d+)?${UNIT})*${E}`, to: '<DUR>' },
  {
    re: String.raw`(?<![A-Za-z0-9.])[<>~]?\d+(?:\.\d+)? (?:ns|us|µs|ms|s|msec|millis|milliseconds?|sec|secs|seconds?|mins?|minutes?|hours?)${E}`,
    to: '<DUR>',
  },
  { re: String.raw`${B}\d+(?:\.\d+)?(?:[KMGTP]i?B|[kKMGT]|B|bytes)${E}`, to: '<SIZE>' },
  // Long hex ids (hashes, session ids): at least one digit and one hex letter.
  { re: String.raw`${B}(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}${E}`, to: '<HEX>' },
  { re: String.raw`${B}-?\d+(?:[.,]\d+)*${E}`, to: '<NUM>' },
  // Digits left inside words (r48=, core.2275, mesos-slave-07, node-D1) are parameters too:
  // two tokens that differ only in their digits are the same token of a template.
  { re: String.raw`\d+`, to: '<NUM>' },
];

// One regex per token: at each position the first mask that matches wins. Only tokens with a
// digit or a slash are looked at, which is what makes masking cheap enough for 1M lines.
const COMBINED = new RegExp(MASKS.map((m) => `(${m.re})`).join('|'), 'g');
const REPLACEMENTS = MASKS.map((m) => m.to);
const URL = new RegExp(MASKS[3]!.re, 'g');

function replaceMatch(match: string, ...groups: unknown[]): string {
  for (let i = 0; i < REPLACEMENTS.length; i++) if (groups[i] !== undefined) return REPLACEMENTS[i]!;
  return match;
}

// Masks that span spaces ("2024-05-01 10:00:00", "Sun Jul 10 14:13:27 2005", "12 ms") run over
// the whole line first, only when a cheap test says the line may hold one.
const LINE_TIME = new RegExp(`(${MASKS[0]!.re})|(${MASKS[1]!.re})`, 'g');
const LINE_DURATION = new RegExp(MASKS[10]!.re, 'g');
const HAS_CLOCK = /\d:\d\d|\d{4}[-/.]\d{1,2}[-/.]\d|\d\/\d{1,2}\/\d{2}/;
const HAS_SPACED_UNIT = /\d (?:[nuµm]?s\b|msec|milli|sec|second|min|hour)/;

// A quoted value with spaces (tag="View Lock", column "first name") is one token, however
// many words it has: its spaces become no-break spaces, which the tokenizer does not split on
// and templates show as spaces again (see templateText).
const QUOTED = /(?<=^|[\s=:([{,])"[^"\n]{1,120}"(?=$|[\s,;:)\]}.])/g;
const NBSP = /\u00a0/g;
const keepTogether = (q: string) => (/[ \t]/.test(q) ? q.replace(/[ \t]/g, '\u00a0') : q);

/** Template tokens as text for people: joined by spaces, no-break spaces shown as spaces. */
export function templateText(tokens: readonly string[]): string {
  const text = tokens.join(' ');
  return text.includes('\u00a0') ? text.replace(NBSP, ' ') : text;
}

function needsMask(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 47 /* / */ || c === 92 /* \\ */) return true;
  }
  return false;
}

/**
 * Masks a message and splits it into tokens on whitespace. With `raw`, that array receives the
 * tokens before masking, aligned with the result (templates show constant words as printed).
 */
export function maskTokens(message: string, raw?: string[]): string[] {
  let line = message;
  if (HAS_CLOCK.test(line)) line = line.replace(LINE_TIME, '<TS>');
  if (HAS_SPACED_UNIT.test(line)) line = line.replace(LINE_DURATION, '<DUR>');
  if (HAS_SPACED_SIZE.test(line)) line = line.replace(LINE_SIZE, '<SIZE>');
  if (line.includes('"')) line = line.replace(QUOTED, keepTogether);
  if (HAS_OPENER.test(line)) line = joinSpans(line);
  const tokens = tokenize(line);
  if (raw) {
    raw.length = 0;
    for (const t of tokens) raw.push(t);
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (needsMask(t)) tokens[i] = maskToken(t);
    // An address with its port is one value, also when redaction printed the address as <IP>.
    if (tokens[i]!.includes('<IP>:<NUM>')) tokens[i] = tokens[i]!.replace(IP_PORT, '<IP>');
  }
  return collapseRuns(tokens, raw);
}

const IP_PORT = /<IP>:<NUM>(?![A-Za-z0-9])/g;

// "3401 bytes", "(3.32 KB)", "512 MiB": a size printed with a space is one value, like 12KB.
const LINE_SIZE = /(?<![A-Za-z0-9.])\d+(?:\.\d+)? (?:[KMGTP]i?B|B|bytes)(?![A-Za-z0-9])/g;
const HAS_SPACED_SIZE = /\d (?:[KMGTP]i?B|B\b|bytes)/;

// A bracketed or parenthesised span with spaces inside ("[instance: 1f3a…]", "(Lifecycle
// Event)", "Surface(name=Foo Bar)") is one token, so that a span whose words vary in number
// does not change the line's length; its spaces become no-break spaces as for quoted values.
const HAS_OPENER = /[([{][^)\]}]*\s[^([{]*[)\]}]/;
const OPEN = new Map([
  [40, 41],
  [91, 93],
  [123, 125],
]);
const MAX_SPAN = 160;

function joinSpans(line: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < line.length; i++) {
    const close = OPEN.get(line.charCodeAt(i));
    if (close === undefined) continue;
    const end = spanEnd(line, i);
    if (end < 0) continue;
    const span = line.slice(i, end + 1);
    if (/[ \t]/.test(span)) {
      out += line.slice(from, i) + span.replace(/[ \t]/g, '\u00a0');
      from = end + 1;
    }
    i = end;
  }
  return from === 0 ? line : out + line.slice(from);
}

// Index of the bracket closing the one at `at` (nesting counted), or -1 when there is none
// within MAX_SPAN characters.
function spanEnd(line: string, at: number): number {
  const stack: number[] = [];
  const limit = Math.min(line.length, at + MAX_SPAN);
  for (let i = at; i < limit; i++) {
    const c = line.charCodeAt(i);
    const close = OPEN.get(c);
    if (close !== undefined) stack.push(close);
    else if (c === 41 || c === 93 || c === 125) {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

// A value only in masks and punctuation: `<NUM>`, `<IP>:<NUM>,`, `(<HEX>)`.
export function isValueToken(t: string): boolean {
  if (!t.includes('<')) return false;
  let masks = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 60 /* < */) {
      let j = i + 1;
      while (j < t.length && ((t.charCodeAt(j) >= 65 && t.charCodeAt(j) <= 90) || t.charCodeAt(j) === 95)) j++;
      if (j === i + 1 || t.charCodeAt(j) !== 62 /* > */) return false;
      masks++;
      i = j;
    } else if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return false;
  }
  return masks > 0;
}

// A list of values ("to <IP>:<NUM>, <IP>:<NUM>", "( <NUM> <NUM> <NUM> )") is one parameter
// whatever its length: consecutive value tokens of one kind become the first of them. Values of
// different kinds side by side ("init <NUM> -<NUM>", "<SIZE> (<NUM>%)") are fields of their own.
function collapseRuns(tokens: string[], raw?: string[]): string[] {
  let w = 0;
  let prev: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const value = isValueToken(t) ? listItem(t) : undefined;
    if (value !== undefined && value === prev) continue;
    if (raw) raw[w] = raw[i]!;
    tokens[w++] = t;
    prev = value;
  }
  tokens.length = w;
  if (raw) raw.length = w;
  return tokens;
}

// A value as an item of a list: without the separator after it ("<IP>:<NUM>," is "<IP>:<NUM>").
// Brackets around a value do not make it another kind: "<SIZE> (<SIZE>)" is one size, printed twice.
const listItem = (t: string): string => t.replace(LIST_PUNCTUATION, '');
const LIST_PUNCTUATION = /^[([]+|[)\]]*[,;]?$/g;

// Most tokens that need a mask are plain numbers, possibly in punctuation or after `key=`;
// those are recognised by a character scan, the rest go through the combined regex.
function maskToken(t: string): string {
  let start = 0;
  let end = t.length;
  while (start < end && OPENERS.has(t.charCodeAt(start))) start++;
  while (end > start && CLOSERS.has(t.charCodeAt(end - 1))) end--;
  const eq = t.indexOf('=', start);
  if (eq > start && eq < end - 1 && isWord(t, start, eq)) start = eq + 1;
  // A percentage is one value with its sign: "45%" is <NUM>, as "45" is.
  const kind = t.charCodeAt(end - 1) === 37 /* % */ && end - 1 > start ? numberKind(t, start, end - 1) && '<NUM>' : numberKind(t, start, end);
  if (kind === undefined) {
    const rest = t.includes('://') ? t.replace(URL, '<URL>') : t;
    return needsMask(rest) ? rest.replace(COMBINED, replaceMatch) : rest;
  }
  return t.slice(0, start) + kind + t.slice(end);
}

const OPENERS = new Set([...'([{"\'~'].map((c) => c.charCodeAt(0)));
const CLOSERS = new Set([...')]}"\',;:.!?'].map((c) => c.charCodeAt(0)));

function isWord(t: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 45 || c === 46)) return false;
  }
  return true;
}

// <NUM> for 12, -3, 1.5, 1,234, 1.2.3; <IP> for four dotted groups of at most 255; otherwise
// undefined (not a plain number).
function numberKind(t: string, from: number, to: number): string | undefined {
  if (from >= to) return undefined;
  let i = from;
  if (t.charCodeAt(i) === 45 /* - */) i++;
  let groups = 0;
  let dots = 0;
  let commas = 0;
  let digits = 0;
  let ipLike = true;
  for (; i <= to; i++) {
    const c = i < to ? t.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57) {
      digits++;
      continue;
    }
    if (c !== 46 && c !== 44) return undefined;
    if (digits === 0) return undefined;
    if (digits > 3 || Number(t.slice(i - digits, i)) > 255) ipLike = false;
    groups++;
    digits = 0;
    if (i < to) {
      if (c === 46) dots++;
      else commas++;
    }
  }
  if (groups === 4 && dots === 3 && commas === 0 && ipLike && t.charCodeAt(from) !== 45) return '<IP>';
  return '<NUM>';
}

/** Replaces every generic parameter in a message with its typed mask (tokens joined by one space). */
export function maskMessage(message: string): string {
  return maskTokens(message).join(' ');
}

/** Splits on runs of whitespace. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) {
      if (start >= 0) {
        out.push(text.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(text.slice(start));
  return out;
}

/** True for a token that is entirely a mask or placeholder such as <NUM> or <EMAIL>. */
export function isMaskToken(token: string): boolean {
  const n = token.length;
  if (n < 3 || token.charCodeAt(0) !== 60 /* < */ || token.charCodeAt(n - 1) !== 62 /* > */) return false;
  for (let i = 1; i < n - 1; i++) {
    const c = token.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || c === 95)) return false; // A-Z or _
  }
  return true;
}
