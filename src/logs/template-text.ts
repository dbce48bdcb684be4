// How a template's columns read. A template is mined from masked tokens (masks.ts), but people
// (and the ground truths of the log-parsing literature) read it as the lines printed it: only
// what differs between the lines becomes <*>, and whatever every line printed alike stays —
// "HTTP/1.1" beside a path, the unit of "<*>ms", the "0x" of a hex value, "subdir<*>", the
// "rhost=" of "rhost=<*>", the brackets of "[<*>]".
//
// A column whose masked token is the same on every line keeps, for each mask in it (a slot),
// the text all lines printed there, or a pattern of it: "<*>" with the prefix or suffix the
// values share, when the kind of value allows one (a number's unit, a path's directory).
// A column whose masked tokens differ keeps the punctuation or key they open and end with.

export const WILDCARD = '<*>';

const MASK = /<[A-Z_]+>/g;

/** The masks of a masked token and the literal text between them (one more literal than masks). */
function split(masked: string): { literals: string[]; kinds: string[] } {
  const literals: string[] = [];
  const kinds: string[] = [];
  let from = 0;
  for (const m of masked.matchAll(MASK)) {
    literals.push(masked.slice(from, m.index));
    kinds.push(m[0]);
    from = m.index + m[0].length;
  }
  literals.push(masked.slice(from));
  return { literals, kinds };
}

/**
 * The raw text under each mask of `masked`, read from the unmasked token `raw`, or undefined
 * when the two do not align (masks next to each other, text changed by more than masking).
 */
export function slotValues(masked: string, raw: string): string[] | undefined {
  const { literals } = split(masked);
  if (literals.length === 1) return undefined;
  const first = literals[0]!;
  const last = literals[literals.length - 1]!;
  if (!raw.startsWith(first) || !raw.endsWith(last) || raw.length < first.length + last.length) return undefined;
  const values: string[] = [];
  let at = first.length;
  const end = raw.length - last.length;
  for (let j = 1; j < literals.length; j++) {
    if (j === literals.length - 1) {
      if (end <= at) return undefined;
      values.push(raw.slice(at, end));
      break;
    }
    const lit = literals[j]!;
    if (lit === '') return undefined;
    const next = raw.indexOf(lit, at + 1);
    if (next < 0 || next >= end) return undefined;
    values.push(raw.slice(at, next));
    at = next + lit.length;
  }
  return values;
}

const NUMERIC = new Set(['<NUM>', '<DUR>', '<SIZE>', '<HEX>']);
const PATHS = new Set(['<PATH>', '<URL>']);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlnum = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return a.slice(0, i);
}

function commonSuffix(a: string, b: string, limit: number): string {
  let i = 0;
  while (i < limit && i < a.length && i < b.length && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return a.slice(a.length - i);
}

// The prefix and suffix a value of this kind may keep outside its <*>: a number keeps its sign
// or "0x" and its unit ("<*>ms", "0x<*>", "-<*>"); a path keeps a shared directory of at least two
// levels ("/var/lib/nova/_base/<*>") and then a shared last part ("…/<*>/cbscore.dll").
function numericPrefix(pre: string, kind: string): string {
  if (kind === '<HEX>' && /^0[xX]/.test(pre)) return pre.slice(0, 2);
  let i = 0;
  while (i < pre.length && !isAlnum(pre.charCodeAt(i))) i++;
  return pre.slice(0, i);
}

function numericSuffix(suf: string, values: readonly string[], kind: string): string {
  if (kind === '<HEX>') return '';
  // The letters after the last digit ("s" of "1.5s" and "2.5s").
  let i = suf.length;
  while (i > 0 && !isDigit(suf.charCodeAt(i - 1))) i--;
  const s = suf.slice(i);
  if (s === '' || s.charCodeAt(0) === 46 /* . */) return '';
  // The unit starts right after the number in every value ("12KiB" and "3MiB" share no unit).
  for (const v of values) if (!isDigit(v.charCodeAt(v.length - s.length - 1))) return '';
  return s;
}

function pathPrefix(pre: string, values: readonly string[]): string {
  let cut = -1;
  for (let i = pre.length; i > 0; i--) {
    const c = pre.charCodeAt(i - 1);
    const slash = c === 47 || c === 92 || c === 95 || c === 45;
    // "subdir12" and "subdir7": a name then a number.
    const letterThenDigit = !isDigit(c) && isAlnum(c) && values.every((v) => isDigit(v.charCodeAt(i)));
    if (slash || letterThenDigit) {
      cut = i;
      break;
    }
  }
  if (cut < 0) return '';
  const p = pre.slice(0, cut);
  return p.split(/[/\\]/).filter((x) => x !== '').length >= 3 ? p : '';
}

// A shared last part ("/cbscore.dll") or extension (".war").
function pathSuffix(suf: string): string {
  const at = suf.search(/[/\\]/);
  if (at >= 0 && suf.length - at >= 2) return suf.slice(at);
  const ext = /\.[A-Za-z0-9]{1,5}$/.exec(suf);
  return ext ? ext[0] : '';
}

/** A pattern of `kind` values that covers both `a` (a value or a pattern) and `b` (a value). */
export function mergeValue(kind: string, a: string, b: string): string {
  if (a === b) return a;
  if (!NUMERIC.has(kind) && !PATHS.has(kind)) return WILDCARD;
  const star = a.indexOf(WILDCARD);
  if (star >= 0) {
    // A pattern only keeps or drops what it has; it never shortens a prefix or unit it found.
    const pre = a.slice(0, star);
    const suf = a.slice(star + WILDCARD.length);
    const keepPre = b.startsWith(pre) && (PATHS.has(kind) || !isAlnum(b.charCodeAt(pre.length)) || isDigit(b.charCodeAt(pre.length)) || kind === '<HEX>');
    const p = keepPre ? pre : '';
    const keepSuf = b.length > p.length + suf.length && b.endsWith(suf) && (PATHS.has(kind) || isDigit(b.charCodeAt(b.length - suf.length - 1)));
    const s = keepSuf && (p !== '' || !PATHS.has(kind)) ? suf : '';
    return `${p}${WILDCARD}${s}`;
  }
  const values = [a, b];
  const common = commonPrefix(a, b);
  let pre = PATHS.has(kind) ? pathPrefix(common, values) : numericPrefix(common, kind);
  const rest = Math.min(a.length, b.length) - pre.length - 1;
  const tail = commonSuffix(a, b, Math.max(0, rest));
  let suf = PATHS.has(kind) ? (pre === '' ? '' : pathSuffix(tail)) : numericSuffix(tail, values, kind);
  if (pre.length + suf.length >= Math.min(a.length, b.length)) [pre, suf] = ['', ''];
  return `${pre}${WILDCARD}${suf}`;
}

/** Merges slot values of the same masked token: `into` is updated in place. */
export function mergeSlots(masked: string, into: string[], values: readonly string[]): void {
  const { kinds } = split(masked);
  for (let j = 0; j < into.length && j < values.length; j++) into[j] = mergeValue(kinds[j]!, into[j]!, values[j]!);
}

/** Merges two slot lists (of two shapes of a template) into a new one. */
export function mergePatterns(masked: string, a: readonly string[], b: readonly string[]): string[] {
  const { kinds } = split(masked);
  return a.map((x, j) => {
    const y = b[j]!;
    if (x === y) return x;
    if (!y.includes(WILDCARD)) return mergeValue(kinds[j]!, x, y);
    if (!x.includes(WILDCARD)) return mergeValue(kinds[j]!, y, x);
    // Two patterns: what both kept, else nothing.
    const [px, sx] = x.split(WILDCARD) as [string, string];
    const [py, sy] = y.split(WILDCARD) as [string, string];
    return `${px === py ? px : ''}${WILDCARD}${sx === sy ? sx : ''}`;
  });
}

const GLUE_ID = /[A-Za-z0-9]_$/;
const GLUE_ID_AFTER = /^_[A-Za-z0-9]/;

/**
 * A column whose masked token is the same on every line of the template. `slots` are the text
 * under its masks (constant text or patterns), undefined when no line's raw text was kept.
 */
export function showColumn(masked: string, slots: readonly string[] | undefined): string {
  if (!masked.includes('<')) return masked;
  const { literals, kinds } = split(masked);
  const values = slots && slots.length === kinds.length ? slots : kinds.map(() => WILDCARD);
  let out = literals[0]!;
  const varying: [number, number][] = [];
  for (let j = 0; j < kinds.length; j++) {
    const shown = showSlot(kinds[j]!, values[j]!);
    if (values[j]!.includes(WILDCARD)) varying.push([out.length, out.length + shown.length]);
    out += shown;
    out += literals[j + 1]!;
  }
  // A value joined to a word by an underscore is an id (blk_<*>, attempt_<*>_m_<*>,
  // container_1445_0020_01_<*>): one parameter.
  for (const [from, to] of varying) {
    if (GLUE_ID.test(out.slice(Math.max(0, from - 2), from)) || GLUE_ID_AFTER.test(out.slice(to, to + 2))) return wholeToken(masked);
  }
  return out;
}

// A slot that varies shows its kind (<NUM>, <UUID>), inside what its values share ("0x<HEX>",
// "<NUM>ms"); redaction already wrote some values as their kind ("<IP>:50010" is an address).
function showSlot(kind: string, v: string): string {
  if (v === WILDCARD) return kind;
  if (!v.includes(WILDCARD)) return v.includes('<') ? kind : v;
  if (!NUMERIC.has(kind)) return v;
  return v.replace(WILDCARD, kind === '<HEX>' ? kind : '<NUM>');
}

// An id as one parameter, with the punctuation around it and a key before it: "(<*>)", "id=<*>,".
function wholeToken(token: string): string {
  return token
    .split('\u00a0')
    .map((part) => {
      if (!part.includes('<')) return part;
      const m = /^([^A-Za-z0-9<]*)(.*?)([^A-Za-z0-9>]*)$/.exec(part)!;
      const key = /^([A-Za-z_][\w.-]*=)/.exec(m[2]!);
      return `${m[1]!}${key ? key[1]! : ''}${WILDCARD}${m[3]!}`;
    })
    .join('\u00a0');
}

const PRE_END = new Set([...'[({"\'=:-'].map((c) => c.charCodeAt(0)));
const SUF_START = new Set([...'[(/])}"\',;:_'].map((c) => c.charCodeAt(0)));

// True when position `at` of a text is inside a mask ("NUM>" of "<NUM>").
function insideMask(text: string, at: number): boolean {
  const gt = text.indexOf('>', at);
  const lt = text.indexOf('<', at);
  return gt >= 0 && (lt < 0 || gt < lt);
}

/**
 * A column whose tokens differ between the lines: <*> inside whatever punctuation every line
 * opens and closes it with ("[<*>],", "\"<*>\""), after a shared key ("rhost=<*>").
 */
export function showVarying(tokens: readonly string[]): string {
  let pre = tokens[0]!;
  let suf = tokens[0]!;
  let shortest = Infinity;
  for (const t of tokens) {
    if (t === WILDCARD) return WILDCARD;
    pre = commonPrefix(pre, t);
    suf = commonSuffix(suf, t, suf.length);
    shortest = Math.min(shortest, t.length);
  }
  const lt = pre.indexOf('<');
  if (lt >= 0) pre = pre.slice(0, lt);
  const eq = pre.indexOf('=');
  if (eq >= 0) {
    // key=value: the value is all that follows the key, up to a separator.
    pre = pre.slice(0, eq + 1);
    suf = /[,;]*$/.exec(suf)![0];
  } else {
    let cut = 0;
    for (let i = pre.length; i > 0; i--) {
      if (PRE_END.has(pre.charCodeAt(i - 1))) {
        cut = i;
        break;
      }
    }
    pre = pre.slice(0, cut);
    // From a separator on, and not from inside a mask: "<*>[<UUID>]", "<*>/show.html.erb".
    let at = 0;
    while (at < suf.length && (!SUF_START.has(suf.charCodeAt(at)) || insideMask(suf, at))) at++;
    suf = suf.slice(at);
    // A port after a host name is the address's own ("mail.example.com:<NUM>" is one address).
    if (suf.startsWith(':<NUM>')) suf = suf.slice(6);
    // "_pkey\"" is a name's end; a suffix of letters after a dot is a host's or file's own.
    if (suf.charCodeAt(0) === 95 && !/^_[A-Za-z]+[^A-Za-z0-9]*$/.test(suf)) suf = '';
  }
  if (pre.length + suf.length >= shortest) return WILDCARD;
  return `${pre}${WILDCARD}${suf}`.replace(/\u00a0/g, ' ');
}
