// Per-template statistics gathered in the same pass as template mining: counts, first and last
// time seen, levels, a per-minute histogram, spikes against the window's own baseline and a few
// redacted example lines. Memory is per template (plus one counter per active minute), not per line.
import { detach } from './detach.js';
import { LEVEL_RANK, isErrorLevel, type LogLevel, type LogRecord } from './types.js';

export const MINUTE_MS = 60_000;
const LEVELS: readonly LogLevel[] = ['unknown', 'debug', 'info', 'warn', 'error', 'fatal'];

export interface Spike {
  /** Start of the minute with the most lines (epoch ms). */
  minute: number;
  count: number;
  /** Median lines per minute of this template over the whole window. */
  baseline: number;
  /** count / max(baseline, 1). */
  factor: number;
}

export interface TemplateStats {
  /** Stable id within one analysis, e.g. "T12"; cited by summaries. */
  id: string;
  template: string;
  count: number;
  firstSeen?: number;
  lastSeen?: number;
  /** Most frequent level of the template's lines (ties go to the more severe). */
  level: LogLevel;
  /** Lines at error or fatal level. */
  errorCount: number;
  /** Sparse per-minute histogram: [minute start (epoch ms), lines], ascending. */
  perMinute: [number, number][];
  spike?: Spike;
  /** First seen after the first quarter of the window: it started during the incident. */
  isNew: boolean;
  /** Up to three distinct redacted example lines. */
  examples: string[];
}

export interface MinuteTotals {
  minute: number;
  total: number;
  errors: number;
}

export interface LogAnalysis {
  totalLines: number;
  /** Lines at error or fatal level, and their share of all lines (0–1). */
  errorLines: number;
  errorShare: number;
  levels: Record<LogLevel, number>;
  window?: { start: number; end: number };
  /** Templates by count, largest first. */
  templates: TemplateStats[];
  perMinute: MinuteTotals[];
  /** Lines whose templates were evicted by the cluster cap (counted, not described). */
  evictedLines: number;
  /** Estimated tokens of the raw input, for comparison with the prompt. */
  rawTokensEstimate: number;
}

interface Acc {
  count: number;
  first: number;
  last: number;
  levels: number[];
  minutes: Map<number, number>;
  examples: string[];
  /** Lines already tried as examples (message and detail), while fewer than maxExamples are kept. */
  tried: Set<string> | undefined;
}

// A template whose lines are all alike would otherwise build (and redact) its example text for
// every line, never finding a second distinct one; identical input gives identical examples.
const MAX_TRIED = 16;

const newAcc = (): Acc => ({ count: 0, first: Infinity, last: -Infinity, levels: [0, 0, 0, 0, 0, 0], minutes: new Map(), examples: [], tried: undefined });

function fold(into: Acc, from: Acc, maxExamples: number): void {
  into.count += from.count;
  into.first = Math.min(into.first, from.first);
  into.last = Math.max(into.last, from.last);
  for (let i = 0; i < into.levels.length; i++) into.levels[i]! += from.levels[i]!;
  for (const [m, n] of from.minutes) into.minutes.set(m, (into.minutes.get(m) ?? 0) + n);
  for (const e of from.examples) if (into.examples.length < maxExamples && !into.examples.includes(e)) into.examples.push(e);
}

/** Accumulates statistics per cluster id while lines stream through. */
export interface StatsCollector {
  /** Counts one line for a cluster; `message` is the redacted message. */
  add(clusterId: number, record: LogRecord, message: string): void;
  /** Folds a cluster the miner evicted into the "evicted" total. */
  evict(clusterId: number): void;
  /** Final statistics; `resolve` maps raw cluster ids to merged ids, `template` names them. */
  finish(resolve: (id: number) => number, template: (id: number) => string | undefined, rawTokensEstimate: number): LogAnalysis;
}

export interface StatsOptions {
  maxExamples?: number;
  maxExampleChars?: number;
  /** Example text of a line (default: the redacted message); called only while examples are kept. */
  example?: (record: LogRecord, message: string) => string;
}

export function createStatsCollector(opts: StatsOptions = {}): StatsCollector {
  const exampleOf = opts.example ?? ((_r: LogRecord, message: string) => message);
  const maxExamples = opts.maxExamples ?? 3;
  const maxExampleChars = opts.maxExampleChars ?? 500;
  const accs = new Map<number, Acc>();
  const minutes = new Map<number, MinuteTotals>();
  const levels = [0, 0, 0, 0, 0, 0];
  let total = 0;
  let evictedLines = 0;

  return {
    add(clusterId, record, message) {
      total++;
      let acc = accs.get(clusterId);
      if (!acc) accs.set(clusterId, (acc = newAcc()));
      acc.count++;
      const rank = LEVEL_RANK[record.level];
      acc.levels[rank]!++;
      levels[rank]!++;
      if (record.timestamp !== undefined) {
        const ts = record.timestamp;
        if (ts < acc.first) acc.first = ts;
        if (ts > acc.last) acc.last = ts;
        const minute = ts - (ts % MINUTE_MS);
        acc.minutes.set(minute, (acc.minutes.get(minute) ?? 0) + 1);
        let m = minutes.get(minute);
        if (!m) minutes.set(minute, (m = { minute, total: 0, errors: 0 }));
        m.total++;
        if (isErrorLevel(record.level)) m.errors++;
      }
      if (acc.examples.length < maxExamples) {
        // The example depends only on the message's first maxExampleChars + 1 characters and the
        // detail; the length prefix keeps the key unambiguous.
        const head = message.length > maxExampleChars ? message.slice(0, maxExampleChars + 1) : message;
        const key = record.detail === undefined ? `${head.length}:${head}` : `${head.length}:${head}\u0001${record.detail}`;
        const tried = (acc.tried ??= new Set());
        if (!tried.has(key)) {
          if (tried.size < MAX_TRIED) tried.add(detach(key));
          const text = exampleOf(record, message);
          // Copied: a slice would keep the whole chunk of input it was cut from alive.
          const ex = detach(text.length > maxExampleChars ? `${text.slice(0, maxExampleChars)}…` : text);
          if (!acc.examples.includes(ex)) acc.examples.push(ex);
          if (acc.examples.length === maxExamples) acc.tried = undefined;
        }
      }
    },
    evict(clusterId) {
      const acc = accs.get(clusterId);
      if (!acc) return;
      evictedLines += acc.count;
      accs.delete(clusterId);
    },
    finish(resolve, template, rawTokensEstimate) {
      const merged = new Map<number, Acc>();
      for (const [id, acc] of accs) {
        const to = resolve(id);
        const into = merged.get(to);
        if (into) fold(into, acc, maxExamples);
        else merged.set(to, acc);
      }
      const perMinute = [...minutes.values()].sort((a, b) => a.minute - b.minute);
      const window = perMinute.length > 0 ? { start: windowStart(merged), end: windowEnd(merged) } : undefined;
      const templates: TemplateStats[] = [];
      for (const [id, acc] of merged) {
        const text = template(id);
        if (text === undefined) {
          evictedLines += acc.count;
          continue;
        }
        templates.push(toStats(id, text, acc, window));
      }
      templates.sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
      const errorLines = levels[LEVEL_RANK.error]! + levels[LEVEL_RANK.fatal]!;
      return {
        totalLines: total,
        errorLines,
        errorShare: total === 0 ? 0 : errorLines / total,
        levels: Object.fromEntries(LEVELS.map((l) => [l, levels[LEVEL_RANK[l]]!])) as Record<LogLevel, number>,
        ...(window ? { window } : {}),
        templates,
        perMinute,
        evictedLines,
        rawTokensEstimate,
      };
    },
  };
}

function windowStart(accs: Map<number, Acc>): number {
  let v = Infinity;
  for (const a of accs.values()) v = Math.min(v, a.first);
  return v;
}

function windowEnd(accs: Map<number, Acc>): number {
  let v = -Infinity;
  for (const a of accs.values()) v = Math.max(v, a.last);
  return v;
}

function dominantLevel(counts: readonly number[]): LogLevel {
  let best = 0;
  for (let i = 1; i < counts.length; i++) if (counts[i]! >= counts[best]!) best = i;
  return LEVELS[best]!;
}

function toStats(id: number, template: string, acc: Acc, window: { start: number; end: number } | undefined): TemplateStats {
  const perMinute = [...acc.minutes].sort((a, b) => a[0] - b[0]);
  const hasTime = Number.isFinite(acc.first);
  const spike = window ? findSpike(perMinute, window) : undefined;
  const span = window ? window.end - window.start : 0;
  return {
    id: `T${id}`,
    template,
    count: acc.count,
    ...(hasTime ? { firstSeen: acc.first, lastSeen: acc.last } : {}),
    level: dominantLevel(acc.levels),
    errorCount: acc.levels[LEVEL_RANK.error]! + acc.levels[LEVEL_RANK.fatal]!,
    perMinute,
    ...(spike ? { spike } : {}),
    isNew: hasTime && window !== undefined && span >= 10 * MINUTE_MS && acc.first > window.start + span / 4,
    examples: acc.examples,
  };
}

// A spike is a minute well above the template's own median minute over the window (median +
// 5 robust deviations, at least 3× the median and at least 5 lines): a burst stands out even in
// a noisy template, and a steady template never spikes.
export function findSpike(perMinute: readonly (readonly [number, number])[], window: { start: number; end: number }): Spike | undefined {
  const minutes = Math.floor(window.end / MINUTE_MS) - Math.floor(window.start / MINUTE_MS) + 1;
  if (minutes < 5 || perMinute.length === 0) return undefined;
  const values = perMinute.map(([, n]) => n);
  const zeros = Math.max(0, minutes - values.length);
  // A template silent in most minutes has median and deviation 0: no sorting needed.
  const sparse = zeros * 2 > minutes;
  const median = sparse ? 0 : medianWithZeros(values, zeros);
  const mad = sparse ? 0 : medianWithZeros(values.map((v) => Math.abs(v - median)), zeros, median);
  let top = perMinute[0]!;
  for (const p of perMinute) if (p[1] > top[1]) top = p;
  const threshold = Math.max(5, median + 5 * Math.max(1.4826 * mad, 1), 3 * median);
  if (top[1] < threshold) return undefined;
  return { minute: top[0], count: top[1], baseline: median, factor: top[1] / Math.max(median, 1) };
}

// Median of `values` plus `zeros` implicit entries equal to `zeroValue` (0 for counts, the
// median itself for deviations of the empty minutes).
function medianWithZeros(values: readonly number[], zeros: number, zeroValue = 0): number {
  const all = values.concat(new Array<number>(zeros).fill(zeroValue)).sort((a, b) => a - b);
  const n = all.length;
  if (n === 0) return 0;
  return n % 2 === 1 ? all[(n - 1) / 2]! : (all[n / 2 - 1]! + all[n / 2]!) / 2;
}
