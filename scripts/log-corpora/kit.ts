// The machinery of our labelled log corpora: a format is a header printer and a list of
// message templates whose `{name}` slots are filled by value generators. The ground-truth
// template of a line is its template with every slot written `<*>`, so truth and lines come from
// one declaration and cannot drift apart. Seeded: build(format, n, seed) is the same every time.

// The seeded generator and its helpers are the log fixtures' own (mulberry32), shared.
import { hex, int, pick, seeded, type Rng } from '../../test/fixtures/logs/random.js';

export { hex, int, pick, seeded, type Rng };
export const digits = (r: Rng, n: number): string => String(int(r, 1, 9)) + Array.from({ length: n - 1 }, () => String(int(r, 0, 9))).join('');
export const p2 = (x: number): string => String(x).padStart(2, '0');
export const p3 = (x: number): string => String(x).padStart(3, '0');
export const uuid = (r: Rng): string => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${pick(r, ['8', '9', 'a', 'b'])}${hex(r, 3)}-${hex(r, 12)}`;

/** Values that recur across lines (block ids, sessions, hosts), as in real logs. */
export function pool(fresh: (r: Rng) => string, reuse: number, cap = 60): (r: Rng) => string {
  const xs: string[] = [];
  return (r) => {
    if (xs.length > 0 && r() < reuse) return pick(r, xs);
    const v = fresh(r);
    xs.push(v);
    if (xs.length > cap) xs.shift();
    return v;
  };
}

/** A value generator for a slot; `ctx` carries the line's time and the format's state. */
export type Gen = (r: Rng, ctx: LineContext) => string;

export interface LineContext {
  /** Epoch ms of the line. */
  t: number;
  /** The level the template was declared with. */
  level: string;
}

export interface TemplateSpec {
  /** Message template; `{name}` is a slot filled by gens[name] (or a shared generator). */
  t: string;
  /** Relative frequency. */
  w: number;
  /** Level printed in the header (default the format's). */
  level?: string;
}

export interface FormatSpec {
  name: string;
  /** Kept out of tuning: the parser was never adjusted while looking at these. */
  heldOut: boolean;
  /** Header before the message (may be empty); JSON formats print the whole line in `line`. */
  header?: (r: Rng, ctx: LineContext) => string;
  /** Builds the whole raw line from the message (JSON shapes); default header + message. */
  line?: (r: Rng, ctx: LineContext, message: string) => string;
  /** Slot generators of this format; shared ones (SHARED) are used when a name is not here. */
  gens?: Record<string, Gen>;
  templates: readonly TemplateSpec[];
  /** Start of the log (epoch ms) and mean gap between lines. */
  start: number;
  gapMs: number;
  defaultLevel?: string;
}

export interface Corpus {
  name: string;
  heldOut: boolean;
  /** Raw lines as the system prints them. */
  lines: string[];
  /** The message part of each line (what a header-aware parser should mine). */
  messages: string[];
  /** Ground-truth template text of each line (its slots written <*>). */
  truth: string[];
}

const SLOT = /\{([A-Za-z0-9_]+)\}/g;

/** The ground-truth text of a template declaration. */
export const truthOf = (t: string): string => t.replace(SLOT, '<*>');

/**
 * Lines of a format. Templates are drawn by weight, every one at least three times (rare
 * templates are what real logs are full of, and a parser must keep them apart too).
 */
export function buildCorpus(spec: FormatSpec, shared: Record<string, Gen>, n = 2000, seed = 1): Corpus {
  const r = seeded(seed * 7919 + spec.name.length * 131 + spec.name.charCodeAt(0));
  const total = spec.templates.reduce((a, x) => a + x.w, 0);
  const forced = new Map<number, number>();
  spec.templates.forEach((_, k) => {
    for (let j = 0; j < 3; j++) {
      let i: number;
      do i = Math.floor(r() * n);
      while (forced.has(i));
      forced.set(i, k);
    }
  });
  const gens = spec.gens ?? {};
  const out: Corpus = { name: spec.name, heldOut: spec.heldOut, lines: [], messages: [], truth: [] };
  let t = spec.start;
  for (let i = 0; i < n; i++) {
    t += Math.round(-Math.log(1 - r()) * spec.gapMs);
    let k = forced.get(i);
    if (k === undefined) {
      let x = r() * total;
      k = spec.templates.length - 1;
      for (let j = 0; j < spec.templates.length; j++) {
        x -= spec.templates[j]!.w;
        if (x < 0) {
          k = j;
          break;
        }
      }
    }
    const tpl = spec.templates[k]!;
    const ctx: LineContext = { t, level: tpl.level ?? spec.defaultLevel ?? 'INFO' };
    const message = tpl.t.replace(SLOT, (_m, name: string) => {
      const g = gens[name] ?? shared[name];
      if (!g) throw new Error(`${spec.name}: no generator for {${name}}`);
      return g(r, ctx);
    });
    const line = spec.line ? spec.line(r, ctx, message) : `${spec.header ? spec.header(r, ctx) : ''}${message}`;
    out.lines.push(line);
    out.messages.push(message);
    out.truth.push(truthOf(tpl.t));
  }
  return out;
}

// ---------- time stamps ----------

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const DOW = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const d = (t: number) => new Date(t);
export const hms = (t: number): string => `${p2(d(t).getUTCHours())}:${p2(d(t).getUTCMinutes())}:${p2(d(t).getUTCSeconds())}`;
export const ymd = (t: number, sep = '-'): string => `${d(t).getUTCFullYear()}${sep}${p2(d(t).getUTCMonth() + 1)}${sep}${p2(d(t).getUTCDate())}`;
export const iso = (t: number, frac = 3): string => `${ymd(t)}T${hms(t)}.${String(t % 1000).padStart(3, '0').padEnd(frac, '0').slice(0, frac)}Z`;
export const ms3 = (t: number): string => p3(t % 1000);
/** `Jun 14 15:16:01` (BSD syslog, day padded with a space). */
export const syslogTime = (t: number): string => `${MON[d(t).getUTCMonth()]!} ${String(d(t).getUTCDate()).padStart(2, ' ')} ${hms(t)}`;
/** `Sun Jul 10 14:13:27 2005`. */
export const asctime = (t: number): string => `${DOW[d(t).getUTCDay()]!} ${MON[d(t).getUTCMonth()]!} ${p2(d(t).getUTCDate())} ${hms(t)} ${d(t).getUTCFullYear()}`;
/** `10/Oct/2000:13:55:36 +0000`. */
export const clf = (t: number): string => `${p2(d(t).getUTCDate())}/${MON[d(t).getUTCMonth()]!}/${d(t).getUTCFullYear()}:${hms(t)} +0000`;
export const month = (t: number): string => MON[d(t).getUTCMonth()]!;
export const day = (t: number): number => d(t).getUTCDate();
