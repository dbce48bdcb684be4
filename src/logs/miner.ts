// Template miner that decides constant against parameter from frequencies, after the idea of
// Brain (Yu et al., 2023), in our own online form:
//
// 1. Lines are masked (masks.ts) and counted by their masked text: a "shape". The common case,
//    a line whose shape was seen before, costs one map lookup.
// 2. Shapes of one length are grouped when templates are read. Each shape's words are weighed by
//    how many lines of that length hold the same word at the same position. The words that
//    share one frequency with the most other words of the line are the line's longest common
//    pattern: the constants of its template (words of one template always
//    occur together, so they share a frequency; a parameter's values do not). The pattern alone
//    is the shape's initial group: a more frequent word may be another template's constant that
//    is a value here ("Invalid user user from" beside "invalid user <*> [preauth]"), so it is
//    judged as a column of the group, like any other, in step 3.
// 3. Inside a group, each column that is not constant is either a parameter or the word that
//    tells templates apart: a column of a few words that each repeat ("VM Started" / "VM Paused",
//    "session opened" / "session closed") splits the group, one with many values or rare ones
//    (user names, states, ids) is a parameter. Groups are split recursively, fewest values first.
//
// Bounded: past `maxShapes` distinct shapes, the shapes of each template are folded into one
// (later lines that fit it join it directly), and past `maxClusters` templates the least
// recently used are evicted. Grouping is recomputed for a length only when it got new shapes;
// ids are stable: a template's id is the id of its oldest shape.
import { detach } from './detach.js';
import { isMaskToken, isValueToken, maskTokens } from './masks.js';
import { normalizeLevel } from './parse-input.js';
import { mergePatterns, mergeSlots, showColumn, showVarying, slotValues, WILDCARD } from './template-text.js';

export { WILDCARD };

export interface MinerOptions {
  /** Templates kept; beyond this the least recently used are evicted. */
  maxClusters?: number;
  /** Distinct masked lines kept before the shapes of each template are folded into one. */
  maxShapes?: number;
  /** Called with the id of each template evicted by the cap. */
  onEvict?: (id: number) => void;
}

export interface MinedTemplate {
  readonly id: number;
  /** Template tokens; parameters are <*> or a typed mask such as <NUM>. */
  readonly tokens: readonly string[];
  /** Lines of this template. */
  readonly size: number;
}

/** The miner's state; add lines in order, read templates at any time. */
export interface TemplateMiner {
  /** Masks and tokenizes a message, counts it and returns its id. */
  add(message: string): number;
  /** Like add, for a message already masked by maskMessage; `message` (unmasked) lets templates show words as printed. */
  addMasked(masked: string, message?: string): number;
  /** Template id of an id returned by add (valid until more lines are added). */
  resolve(id: number): number;
  /** Live templates, largest first. */
  clusters(): MinedTemplate[];
  /** Template text of an id, or undefined if it was evicted. */
  template(id: number): string | undefined;
  /** Templates evicted to respect `maxClusters`. */
  readonly evicted: number;
}

interface Shape {
  id: number;
  tokens: string[];
  count: number;
  lastSeen: number;
  live: boolean;
  /** Columns that are parameters whatever their text (a folded shape's <*>). */
  wild: Uint8Array | undefined;
  /** First message of the shape, and for each masked column the text under its masks (see template-text.ts). */
  message: string | undefined;
  slots: (string[] | undefined)[] | undefined;
  /** Comparisons of later lines' unmasked text left to make. */
  checks: number;
}

interface Template {
  id: number;
  tokens: string[];
  /** Text under the masks of constant columns, as every line printed it or a pattern of it. */
  slots: (string[] | undefined)[];
  /** Each shown column's text (header columns are not shown). */
  shown: string[];
  text: string;
  size: number;
  lastSeen: number;
}

interface LengthGroup {
  shapes: Shape[];
  dirty: boolean;
  /** Shape id → template, for this length's live shapes. */
  templates: Map<number, Template>;
}

/** A word counts in frequencies; values (masks in punctuation) and <*> are parameters already. */
const isWord = (t: string): boolean => t !== WILDCARD && !isValueToken(t) && !isMaskToken(t);

/** A mask glued to a word (blk_<NUM>, attempt_<NUM>_m_<NUM>): an id, never a template's name. */
function gluedMask(t: string): boolean {
  for (let i = t.indexOf('<'); i >= 0; i = t.indexOf('<', i + 1)) {
    const close = t.indexOf('>', i);
    if (close < 0) return false;
    if (!isMaskToken(t.slice(i, close + 1))) continue;
    const before = i > 0 ? t.charCodeAt(i - 1) : 32;
    const after = close + 1 < t.length ? t.charCodeAt(close + 1) : 32;
    if (isGlue(before) || isGlue(after)) return true;
  }
  return false;
}
const isGlue = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** Most values a column may take and still tell templates apart. */
const MAX_SPLIT_VALUES = 4;
/** Comparisons of unmasked text per shape (what varies under its masks, what all lines print alike). */
const RAW_CHECKS = 32;
/** Lines after which the header columns are fixed. */
const HEADER_LEARN_LINES = 5000;
/** Leading columns looked at as possible header fields. */
const MAX_HEADER = 10;
/** A column whose value leaves at least this share of the line's message unexplained is a header field. */
const HEADER_INDEPENDENCE = 0.5;
/** A level as a header prints it: INFO, [warn], ERROR:, [Note], or a one-letter code (I, W, E). */
function isLevelWord(t: string): boolean {
  const w = t.replace(LEVEL_PUNCTUATION, '');
  if (w.length === 1) return w === t && ONE_LETTER_LEVEL.test(w);
  return w.length >= 3 && normalizeLevel(w) !== undefined && (w === w.toUpperCase() || w !== t);
}
const ONE_LETTER_LEVEL = /^[VDIWEF]$/;
const LEVEL_PUNCTUATION = /^\[|[\]:,]+$/g;

/** A bracketed name: "[Note]", "[main]", "[INFO ]" (no value, no spaces inside). */
const BRACKETED_WORD = /^\[[A-Za-z][\w.$-]*\]:?$/;
/** Most names a bracketed header field may take. */
const MAX_BRACKETED = 16;
/** A host name with a port ("mail.example.com:<NUM>"): an address. */
const ENDPOINT = /^[\w-]+(?:\.[\w-]+)+:<NUM>$/;
/** A token of punctuation only that separates fields. */
const SEPARATOR = /^[-|:>]+$/;
/** Folded templates compared with a new shape before it starts a shape of its own. */
const MAX_FOLD_SCAN = 256;

export function createTemplateMiner(options: MinerOptions = {}): TemplateMiner {
  const maxClusters = Math.max(10, options.maxClusters ?? 10_000);
  const maxShapes = Math.max(maxClusters, options.maxShapes ?? 4 * maxClusters);
  const exactCap = Math.max(5_000, maxShapes * 2);
  let exact = new Map<string, Shape>();
  const byId = new Map<number, Shape>();
  const parent = new Map<number, number>();
  const lengths = new Map<number, LengthGroup>();
  let nextId = 1;
  let tick = 0;
  let live = 0;
  let evicted = 0;

  const follow = (id: number): number => {
    let cur = id;
    for (let p = parent.get(cur); p !== undefined; p = parent.get(cur)) cur = p;
    return cur;
  };

  const groupOf = (n: number): LengthGroup => {
    let g = lengths.get(n);
    if (!g) lengths.set(n, (g = { shapes: [], dirty: false, templates: new Map() }));
    return g;
  };

  // The text under each mask of each column (ssh2, jk2_init, HTTP/1.1, a status 200, the ms of
  // 12ms): templates show what every line of them printed alike, and <*> for the rest.
  const slotsOf = (masked: readonly string[], raw: readonly string[]): (string[] | undefined)[] | undefined => {
    let out: (string[] | undefined)[] | undefined;
    for (let i = 0; i < masked.length; i++) {
      const m = masked[i]!;
      if (m === raw[i] || !m.includes('<')) continue;
      const values = slotValues(m, raw[i]!);
      if (!values) continue;
      out ??= new Array<string[] | undefined>(masked.length);
      out[i] = values.map(detach);
    }
    return out;
  };

  const compareRaw = (s: Shape, message: string) => {
    s.checks--;
    const raw: string[] = [];
    maskTokens(message, raw);
    const slots = s.slots!;
    for (let i = 0; i < slots.length; i++) {
      const kept = slots[i];
      if (kept === undefined || raw[i] === undefined) continue;
      const values = slotValues(s.tokens[i]!, raw[i]!);
      if (values) mergeSlots(s.tokens[i]!, kept, values);
      else kept.fill(WILDCARD);
    }
  };

  // A new shape that fits a folded template (its constants equal, anything in its <*>) joins it.
  const fitFolded = (g: LengthGroup, tokens: readonly string[]): Shape | undefined => {
    let scanned = 0;
    for (const s of g.shapes) {
      if (!s.wild || !s.live) continue;
      if (++scanned > MAX_FOLD_SCAN) break;
      let ok = true;
      for (let i = 0; i < tokens.length && ok; i++) ok = s.wild[i] === 1 || s.tokens[i] === tokens[i];
      if (ok) return s;
    }
    return undefined;
  };

  const addMasked = (masked: string, message?: string): number => {
    tick++;
    let s = exact.get(masked);
    if (s !== undefined && !s.live) s = byId.get(follow(s.id));
    if (s !== undefined) {
      s.count++;
      s.lastSeen = tick;
      if (s.checks > 0 && s.slots !== undefined && message !== undefined && message !== s.message) compareRaw(s, message);
      return s.id;
    }
    const key = detach(masked);
    const tokens = key.split(' ');
    const g = groupOf(tokens.length);
    const folded = fitFolded(g, tokens);
    if (folded) {
      folded.count++;
      folded.lastSeen = tick;
      if (exact.size >= exactCap) exact = new Map();
      exact.set(key, folded);
      return folded.id;
    }
    let slots: (string[] | undefined)[] | undefined;
    if (message !== undefined && masked.includes('<')) {
      const r: string[] = [];
      const again = maskTokens(message, r);
      if (again.length === tokens.length) slots = slotsOf(tokens, r);
    }
    s = {
      id: nextId++,
      tokens,
      count: 1,
      lastSeen: tick,
      live: true,
      wild: undefined,
      message: slots ? detach(message!) : undefined,
      slots,
      checks: RAW_CHECKS,
    };
    g.shapes.push(s);
    g.dirty = true;
    byId.set(s.id, s);
    live++;
    if (exact.size >= exactCap) exact = new Map();
    exact.set(key, s);
    if (live > maxShapes) compact();
    return s.id;
  };

  // Header columns (times, levels, hosts, pids, components) are learned from the input: they
  // are parameters, and templates leave them out. Fixed once enough lines were seen, so that
  // templates stay stable as more lines stream in.
  let header = 0;
  let headerFixed = false;
  let headerAt = -1;
  const learnHeader = () => {
    if (headerFixed || headerAt === tick) return;
    headerAt = tick;
    const all: Shape[] = [];
    for (const g of lengths.values()) for (const s of g.shapes) if (s.live) all.push(s);
    const h = headerColumns(all);
    if (h !== header) {
      header = h;
      for (const g of lengths.values()) g.dirty = true;
    }
    if (tick >= HEADER_LEARN_LINES) headerFixed = true;
  };

  const regroup = (g: LengthGroup) => {
    learnHeader();
    if (!g.dirty) return;
    g.dirty = false;
    joinedFresh = false;
    g.shapes = g.shapes.filter((s) => s.live);
    g.templates = new Map();
    const n = g.shapes[0]?.tokens.length ?? 0;
    for (const members of groupShapes(g.shapes, Math.min(header, n - 1))) {
      const t = buildTemplate(members, Math.min(header, n - 1));
      for (const m of members) g.templates.set(m.id, t);
    }
  };
  const regroupAll = () => {
    learnHeader();
    for (const g of lengths.values()) regroup(g);
  };

  // Folds the shapes of every template into its oldest shape; then, if still too many, evicts
  // the least recently used templates (a tenth at a time, so the cost is amortised).
  const compact = () => {
    joinedFresh = false;
    regroupAll();
    for (const g of lengths.values()) {
      const seen = new Set<Template>();
      for (const t of g.templates.values()) {
        if (seen.has(t)) continue;
        seen.add(t);
        const members = g.shapes.filter((s) => g.templates.get(s.id) === t);
        if (members.length < 2) continue;
        const keep = byId.get(t.id)!;
        keep.tokens = t.tokens.slice();
        keep.wild = Uint8Array.from(t.tokens, (x) => (x === WILDCARD ? 1 : 0));
        keep.slots = t.slots;
        keep.checks = 0;
        keep.message = undefined;
        keep.count = t.size;
        keep.lastSeen = t.lastSeen;
        for (const m of members) {
          if (m === keep) continue;
          m.live = false;
          byId.delete(m.id);
          parent.set(m.id, keep.id);
          live--;
        }
      }
      g.dirty = true;
    }
    exact = new Map([...exact].filter(([, s]) => s.live));
    // Every live shape is now a template of its own.
    if (live <= maxClusters) return;
    const victims = [...byId.values()].sort((a, b) => a.lastSeen - b.lastSeen).slice(0, Math.max(1, Math.ceil(live - maxClusters + maxClusters / 10)));
    for (const v of victims) {
      v.live = false;
      byId.delete(v.id);
      live--;
      evicted++;
      options.onEvict?.(v.id);
      lengths.get(v.tokens.length)!.dirty = true;
    }
    exact = new Map([...exact].filter(([, s]) => s.live));
  };

  // A template's columns: constant where every shape has one text, else a parameter. Columns
  // read as the lines printed them (template-text.ts).
  const buildTemplate = (members: readonly Shape[], skip: number): Template => {
    const n = members[0]!.tokens.length;
    const tokens: string[] = [];
    const slots: (string[] | undefined)[] = [];
    const shown: string[] = [];
    let id = Infinity;
    let size = 0;
    let lastSeen = 0;
    for (const m of members) {
      id = Math.min(id, m.id);
      size += m.count;
      lastSeen = Math.max(lastSeen, m.lastSeen);
    }
    for (let i = 0; i < n; i++) {
      const first = members[0]!.tokens[i]!;
      const same = i >= skip && members.every((m) => m.tokens[i] === first && m.wild?.[i] !== 1);
      let merged: string[] | undefined;
      if (same && first.includes('<')) {
        merged = members[0]!.slots?.[i];
        for (let k = 1; k < members.length && merged; k++) {
          const other = members[k]!.slots?.[i];
          merged = other ? mergePatterns(first, merged, other) : undefined;
        }
      }
      tokens.push(same ? first : WILDCARD);
      slots.push(merged && merged.slice());
      if (i >= skip) shown.push(same ? showColumn(first, merged) : showVarying(members.map((m) => (m.wild?.[i] === 1 ? WILDCARD : m.tokens[i]!))));
    }
    return { id, tokens, slots, shown, text: shown.join(' ').replace(NBSP, ' '), size, lastSeen };
  };

  // Templates that read alike once adjacent parameters between words are taken as one parameter
  // are one template, whatever their lengths: an optional value beside another ("started
  // app.exe at" and "started app.exe *64 at") does not make a template of its own.
  // The oldest of them stands for all; recomputed when any length was regrouped.
  let joined = new Map<Template, Template>();
  let joinedFresh = false;
  let joinedAt = -1;
  const rejoin = () => {
    // Reading every line's id once all are in costs one comparison per line.
    if (joinedFresh && joinedAt === tick) return;
    regroupAll();
    joinedAt = tick;
    if (joinedFresh) return;
    joinedFresh = true;
    joined = new Map();
    const byKey = new Map<string, Template[]>();
    for (const g of lengths.values()) {
      for (const t of new Set(g.templates.values())) {
        const key = runKey(t.tokens);
        const list = byKey.get(key);
        if (list) list.push(t);
        else byKey.set(key, [t]);
      }
    }
    for (const list of byKey.values()) {
      if (list.length < 2) continue;
      let oldest = list[0]!;
      let size = 0;
      let lastSeen = 0;
      for (const t of list) {
        if (t.id < oldest.id) oldest = t;
        size += t.size;
        lastSeen = Math.max(lastSeen, t.lastSeen);
      }
      const merged: Template = { ...oldest, size, lastSeen };
      // Joined templates of one length read as one: a column they print alike stays.
      if (list.every((t) => t.shown.length === oldest.shown.length)) {
        merged.shown = oldest.shown.map((x, i) => (list.every((t) => t.shown[i] === x) ? x : showVarying(list.map((t) => t.shown[i]!))));
        merged.text = merged.shown.join(' ').replace(NBSP, ' ');
      }
      for (const t of list) joined.set(t, merged);
    }
  };
  const joinedOf = (t: Template): Template => joined.get(t) ?? t;

  const templateOf = (id: number): Template | undefined => {
    // Reading templates respects the cap on them, not only adding lines.
    if (live > maxClusters) compact();
    const s = byId.get(follow(id));
    if (!s) return undefined;
    rejoin();
    const t = lengths.get(s.tokens.length)!.templates.get(s.id);
    return t && joinedOf(t);
  };

  return {
    add: (message) => addMasked(maskTokens(message).join(' '), message),
    addMasked,
    resolve: (id) => templateOf(id)?.id ?? follow(id),
    clusters: () => {
      if (live > maxClusters) compact();
      rejoin();
      const all = new Set<Template>();
      for (const g of lengths.values()) for (const t of g.templates.values()) all.add(joinedOf(t));
      return [...all].sort((a, b) => b.size - a.size || a.id - b.id).map((t) => ({ id: t.id, tokens: t.tokens, size: t.size }));
    },
    template: (id) => templateOf(id)?.text,
    get evicted() {
      return evicted;
    },
  };
}

const NBSP = /\u00a0/g;

// A template's text with every run of adjacent parameters (<*>, typed masks, values, words
// with a mask in them such as app<NUM>.exe) between two words as one. A run that opens or ends
// the line keeps its length: a value printed only by some lines right after the header
// ("<*>@<*> Warning: ...") or a field only some print at the end ("rhost=<*>" or "rhost=<*>
// user=root") makes a template of its own.
function runKey(tokens: readonly string[]): string {
  let key = '';
  let run = 0;
  for (const t of tokens) {
    if (!isWord(t) || gluedMask(t)) {
      run++;
      continue;
    }
    if (run > 0) key += key === '' ? `${WILDCARD}\u0001`.repeat(run) : `${WILDCARD}\u0001`;
    run = 0;
    key += `${t}\u0001`;
  }
  return key + `${WILDCARD}\u0001`.repeat(run);
}

/** Groups shapes of one length into templates (lists of shapes), by the frequency rules above. */
function groupShapes(shapes: readonly Shape[], skip: number): Shape[][] {
  if (shapes.length === 0) return [];
  const n = shapes[0]!.tokens.length;
  const isParam = (s: Shape, i: number) => i < skip || s.wild?.[i] === 1;
  const freq = new Map<string, number>();
  const keyOf = (i: number, t: string) => `${i}\u0001${t}`;
  for (const s of shapes) {
    for (let i = 0; i < n; i++) {
      const t = s.tokens[i]!;
      if (isParam(s, i) || !isWord(t)) continue;
      const k = keyOf(i, t);
      freq.set(k, (freq.get(k) ?? 0) + s.count);
    }
  }
  const initial = new Map<string, Shape[]>();
  for (const s of shapes) {
    const f = new Float64Array(n);
    const byFreq = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const t = s.tokens[i]!;
      if (isParam(s, i) || !isWord(t)) continue;
      f[i] = freq.get(keyOf(i, t))!;
      byFreq.set(f[i]!, (byFreq.get(f[i]!) ?? 0) + 1);
    }
    // The frequency most words share; on a tie the higher one (words of one shape alone may be
    // its parameters).
    let root = 0;
    let most = 0;
    for (const [v, c] of byFreq) if (c > most || (c === most && v > root)) [root, most] = [v, c];
    // The pattern's words only: a more frequent word is judged by split() as a column.
    let key = '';
    for (let i = 0; i < n; i++) if (f[i]! > 0 && f[i]! === root) key += `${i}\u0001${s.tokens[i]!}\u0002`;
    let list = initial.get(key);
    if (!list) initial.set(key, (list = []));
    list.push(s);
  }
  const out: Shape[][] = [];
  for (const members of initial.values()) split(members, n, skip, out, variedColumns(members, n));
  return out;
}

// Columns that take more values in the whole initial group than a template name could: they are
// parameters in every part of it, however few of their values a part happens to hold.
function variedColumns(members: readonly Shape[], n: number): Uint8Array {
  const banned = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const values = new Set<string>();
    for (const m of members) {
      values.add(m.tokens[i]!);
      if (values.size > MAX_SPLIT_VALUES) {
        banned[i] = 1;
        break;
      }
    }
  }
  return banned;
}

// The word that opens a span with a value inside ("GET" of "GET <PATH> HTTP/1.1", "POST" of
// "POST /v2/<*>/servers HTTP/1.1"): the span's kind. A column of such spans may take more forms
// than a template name could (one per path) while its kinds are few; the kind then tells
// templates apart first, and the forms are judged within each kind.
function spanKind(t: string): string | undefined {
  const cut = t.indexOf('\u00a0');
  if (cut < 0 || !splitWord(t)) return undefined;
  const head = t.slice(0, cut);
  return isWord(head) && !head.includes('<') && !head.includes('=') ? head : undefined;
}

// Splits a group on the column of fewest values that tells templates apart (2 to
// MAX_SPLIT_VALUES words without a value in them, each on a fair share of the group's lines).
// A column of spans too varied to split on (banned) may still split on its spans' kinds.
function split(members: Shape[], n: number, skip: number, out: Shape[][], banned: Uint8Array): void {
  if (members.length === 1) {
    out.push(members);
    return;
  }
  let total = 0;
  for (const m of members) total += m.count;
  let best = -1;
  let bestByKind = false;
  let bestValues: Map<string, number> | undefined;
  for (let i = skip; i < n; i++) {
    for (const byKind of [false, true]) {
      if (banned[i] === 1 && !byKind) continue;
      if (banned[i] !== 1 && byKind) continue;
      const values = new Map<string, number>();
      let eligible = true;
      for (const m of members) {
        const t = m.tokens[i]!;
        const v = m.wild?.[i] === 1 ? undefined : byKind ? spanKind(t) : splitWord(t) ? t : undefined;
        if (v === undefined) {
          eligible = false;
          break;
        }
        values.set(v, (values.get(v) ?? 0) + m.count);
        if (values.size > MAX_SPLIT_VALUES) {
          eligible = false;
          break;
        }
      }
      if (!eligible || values.size < 2) continue;
      const floor = Math.max(2, total / (40 * values.size));
      let repeated = true;
      for (const w of values.values()) if (w < floor) repeated = false;
      if (!repeated) continue;
      // Words that vary together with a neighbour ("timeout exceeded" / "JWT expired") are one
      // value printed as several words.
      if (!byKind && (movesWith(members, i, i - 1, values.size) || movesWith(members, i, i + 1, values.size))) continue;
      if (!bestValues || values.size < bestValues.size) {
        best = i;
        bestByKind = byKind;
        bestValues = values;
      }
    }
  }
  if (best < 0) {
    out.push(members);
    return;
  }
  const parts = new Map<string, Shape[]>();
  for (const m of members) {
    const t = bestByKind ? spanKind(m.tokens[best]!)! : m.tokens[best]!;
    let p = parts.get(t);
    if (!p) parts.set(t, (p = []));
    p.push(m);
  }
  for (const p of parts.values()) split(p, n, skip, out, bestByKind ? variedColumns(p, n) : banned);
}

// The header is the run of leading columns whose values say little about the message that
// follows: a time, a pid, a level or a host occurs with every kind of message alike, while a
// message's first words mostly decide which message it is. The message is stood for by its
// length and the places of its values (a template's own, whatever the values), and a column counts as header when knowing its
// value leaves at least HEADER_INDEPENDENCE of the message's entropy. A column of one word
// (a host name printed on every line) sides with the columns after it.
function headerColumns(shapes: readonly Shape[]): number {
  // Which columns hold values, and how many: a template's, whatever its parameters are.
  const sigOf = (s: Shape) => {
    let sig = `${s.tokens.length}:`;
    for (let i = 0; i < s.tokens.length; i++) sig += s.wild?.[i] === 1 || !isWord(s.tokens[i]!) ? 'v' : 'w';
    return sig;
  };
  const sigs = shapes.map(sigOf);
  const entropy = (counts: Iterable<number>, total: number) => {
    let h = 0;
    for (const c of counts) if (c > 0) h -= (c / total) * Math.log2(c / total);
    return h;
  };
  let header = 0;
  for (let j = 0; j < MAX_HEADER; j++) {
    const bySig = new Map<string, number>();
    const byValue = new Map<string, Map<string, number>>();
    let total = 0;
    let all = 0;
    let quoted = 0;
    let addresses = 0;
    let levels = 0;
    let brackets = 0;
    for (let k = 0; k < shapes.length; k++) {
      const s = shapes[k]!;
      all += s.count;
      if (s.tokens.length <= j + 1) continue;
      total += s.count;
      if (s.tokens[j]!.charCodeAt(0) === 34 /* " */) quoted += s.count;
      if (s.tokens[j]!.includes('<IP>') || ENDPOINT.test(s.tokens[j]!)) addresses += s.count;
      const sig = sigs[k]!;
      bySig.set(sig, (bySig.get(sig) ?? 0) + s.count);
      if (isLevelWord(s.tokens[j]!)) levels += s.count;
      if (BRACKETED_WORD.test(s.tokens[j]!)) brackets += s.count;
      const v = s.wild?.[j] === 1 ? WILDCARD : isWord(s.tokens[j]!) && !gluedMask(s.tokens[j]!) ? s.tokens[j]! : '<value>';
      let m = byValue.get(v);
      if (!m) byValue.set(v, (m = new Map<string, number>()));
      m.set(sig, (m.get(sig) ?? 0) + s.count);
    }
    // Most lines must reach past this column for it to be a header field, and a quoted text
    // is the message's (headers quote nothing), as is an address (a client's, a peer's: what
    // the message is about; the host that logs is a name).
    if (total < 0.8 * all || total === 0 || quoted > 0.2 * total || addresses > 0.5 * total) break;
    // A level is a header field, however much it says about the message, and so is a
    // bracketed name of a few values on most lines ("[Note]", "[Server]", "[main]").
    if (levels >= 0.9 * total || (brackets >= 0.9 * total && byValue.size <= MAX_BRACKETED)) {
      header = j + 1;
      continue;
    }
    const h = entropy(bySig.values(), total);
    if (h === 0) break;
    if (byValue.size === 1 && !byValue.has('<value>')) continue;
    let conditional = 0;
    const weights: number[] = [];
    for (const m of byValue.values()) {
      let w = 0;
      for (const c of m.values()) w += c;
      weights.push(w);
      conditional += (w / total) * entropy(m.values(), w);
    }
    if (conditional / h < HEADER_INDEPENDENCE) break;
    // And what the column's value says about the message must be little of all it says: a word
    // most templates open with ("Task …") is the message's own, however many templates share it.
    const own = entropy(weights, total);
    if (Math.max(...weights) >= 0.5 * total && own > 0 && (h - conditional) / own >= HEADER_INDEPENDENCE) break;
    header = j + 1;
  }
  // Separators that end the header ("<time> Source.java:255 - message", "INFO -- : ") are the header's.
  while (header > 0 && header < MAX_HEADER) {
    let sep = 0;
    let all = 0;
    for (const s of shapes) {
      all += s.count;
      const t = s.tokens[header];
      if (t !== undefined && s.tokens.length > header + 1 && SEPARATOR.test(t)) sep += s.count;
    }
    if (sep < 0.95 * all) break;
    header++;
  }
  return header;
}

// A word that can name a template: not a key=value pair (its value is data); a single word
// without a value in it (blk_<NUM>, [logs-<TS>] are ids); a quoted or bracketed span of several
// words only around a value ("GET <PATH> HTTP/1.1": the words around it are the request's
// kind), since a span of words alone ("(template welcome)") is a value, however few its forms.
function splitWord(t: string): boolean {
  if (!isWord(t) || t.includes('=')) return false;
  return t.includes('\u00a0') === t.includes('<');
}

// True when column `j` holds words that vary in the group exactly as column `i` does (same
// number of values, one value of j for each value of i).
function movesWith(members: readonly Shape[], i: number, j: number, values: number): boolean {
  if (j < 0 || j >= members[0]!.tokens.length) return false;
  const pairs = new Map<string, string>();
  const js = new Set<string>();
  for (const m of members) {
    const a = m.tokens[i]!;
    const b = m.tokens[j]!;
    // Only words move with words: a value beside a word is data, not more of the word.
    if (m.wild?.[j] === 1 || !isWord(b)) return false;
    const seen = pairs.get(a);
    if (seen !== undefined && seen !== b) return false;
    pairs.set(a, b);
    js.add(b);
  }
  return js.size === values && values > 1;
}
