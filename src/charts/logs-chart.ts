// /logs summarize: lines per minute of the top templates, spikes marked, and the error share
// per minute under it. Long windows are drawn in wider buckets so a chart stays ~300 points wide.
import type { TopLevelSpec } from 'vega-lite';
import { formatCount, formatPct } from '../core/format.js';
import type { ChartDef } from './render.js';
import { COLORS, SERIES } from './theme.js';
import { clock, timeAxis, wallClock } from './time.js';

const MINUTE = 60_000;
/** Most buckets drawn across the window. */
const MAX_BUCKETS = 300;
/** Templates drawn as lines (the rest are in the total only). */
export const TOP_TEMPLATES = 5;

/** What the log statistics keep per minute, as the chart reads it. */
export interface LogSeriesInput {
  /** What the logs were, e.g. "log file ai-chat.log". */
  subject: string;
  /** Lines and error lines per minute, ascending by minute (epoch ms). */
  perMinute: readonly { minute: number; total: number; errors: number }[];
  /** Templates by count, largest first. */
  templates: readonly {
    id: string;
    template: string;
    count: number;
    level: string;
    /** Sparse [minute, lines], ascending. */
    perMinute: readonly (readonly [number, number])[];
    spike?: { minute: number; count: number; factor: number } | undefined;
  }[];
}

const short = (t: string, n = 48) => (t.length > n ? `${t.slice(0, n - 1)}…` : t);

/** The chart, or undefined when the logs carry no timestamps (nothing to draw over time). */
export function logsChart(s: LogSeriesInput, timeZone: string): ChartDef | undefined {
  if (s.perMinute.length === 0) return undefined;
  const first = s.perMinute[0]!.minute;
  const last = s.perMinute[s.perMinute.length - 1]!.minute;
  const minutes = Math.round((last - first) / MINUTE) + 1;
  const width = Math.max(1, Math.ceil(minutes / MAX_BUCKETS));
  const bucketMs = width * MINUTE;
  const bucketOf = (m: number) => first + Math.floor((m - first) / bucketMs) * bucketMs;
  const buckets = Array.from({ length: Math.ceil(minutes / width) }, (_, i) => first + i * bucketMs);
  const top = s.templates.slice(0, TOP_TEMPLATES);
  const label = (t: (typeof top)[number]) => `${t.id} ${short(t.template, 40)}`;

  const lines: { t: number; series: string; lines: number }[] = [];
  for (const t of top) {
    const per = new Map<number, number>();
    for (const [m, n] of t.perMinute) per.set(bucketOf(m), (per.get(bucketOf(m)) ?? 0) + n);
    for (const b of buckets) lines.push({ t: wallClock(b, timeZone), series: label(t), lines: per.get(b) ?? 0 });
  }
  const totals = new Map<number, { total: number; errors: number }>();
  for (const p of s.perMinute) {
    const b = totals.get(bucketOf(p.minute)) ?? { total: 0, errors: 0 };
    b.total += p.total;
    b.errors += p.errors;
    totals.set(bucketOf(p.minute), b);
  }
  const share = buckets.map((b) => {
    const v = totals.get(b);
    return { t: wallClock(b, timeZone), share: v && v.total > 0 ? v.errors / v.total : 0 };
  });
  const spikes = top
    .filter((t) => t.spike)
    .map((t) => ({ t: wallClock(bucketOf(t.spike!.minute), timeZone), series: label(t), lines: lines.find((l) => l.series === label(t) && l.t === wallClock(bucketOf(t.spike!.minute), timeZone))?.lines ?? t.spike!.count, note: `${t.id} ×${t.spike!.factor.toFixed(t.spike!.factor < 10 ? 1 : 0)}` }));

  const unit = width === 1 ? 'minute' : `${width} min`;
  const x = timeAxis('t', `time (${timeZone})`);
  const domain = top.map(label);
  const color = { field: 'series', type: 'nominal', title: 'template', scale: { domain, range: SERIES.slice(0, domain.length) }, legend: { orient: 'bottom', columns: 1 } } as const;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Log lines per ${unit}`, subtitle: s.subject },
    vconcat: [
      {
        width: 640,
        height: 200,
        layer: [
          { data: { values: lines }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: { field: 'lines', type: 'quantitative', title: `lines per ${unit}` }, color } },
          { data: { values: spikes }, mark: { type: 'point', shape: 'triangle-up', size: 120, filled: true, opacity: 1, color: COLORS.critical }, encoding: { x, y: { field: 'lines', type: 'quantitative' } } },
          { data: { values: spikes }, mark: { type: 'text', dy: -12, fontWeight: 600, color: COLORS.critical }, encoding: { x, y: { field: 'lines', type: 'quantitative' }, text: { field: 'note' } } },
        ],
      },
      {
        width: 640,
        height: 80,
        data: { values: share },
        mark: { type: 'area', color: COLORS.critical, opacity: 0.35, line: { color: COLORS.critical }, interpolate: 'step-after' },
        encoding: { x, y: { field: 'share', type: 'quantitative', title: 'error share', scale: { domain: [0, 1] }, axis: { format: '.0%', tickCount: 3 } } },
      },
    ],
  };
  return { name: 'logs-per-minute', title: `Log lines per ${unit}: ${s.subject}`, alt: logsAlt(s, timeZone, top, unit), spec };
}

function logsAlt(s: LogSeriesInput, timeZone: string, top: LogSeriesInput['templates'], unit: string): string {
  const first = s.perMinute[0]!.minute;
  const last = s.perMinute[s.perMinute.length - 1]!.minute;
  const total = s.perMinute.reduce((a, p) => a + p.total, 0);
  const errors = s.perMinute.reduce((a, p) => a + p.errors, 0);
  const parts = [`Line chart of log lines per ${unit} from ${clock(first, timeZone)} to ${clock(last + MINUTE, timeZone)} (${timeZone}), ${s.subject}: ${formatCount(total)} timed lines, top ${top.length} of ${formatCount(s.templates.length)} templates.`];
  for (const t of top) {
    const peak = t.perMinute.reduce<readonly [number, number] | undefined>((a, p) => (!a || p[1] > a[1] ? p : a), undefined);
    parts.push(`${t.id} (${t.level}) "${short(t.template)}": ${formatCount(t.count)} lines${peak ? `, at most ${formatCount(peak[1])} a minute at ${clock(peak[0], timeZone)}` : ''}.`);
  }
  const worst = s.perMinute.filter((p) => p.total > 0).reduce<{ minute: number; share: number } | undefined>((a, p) => (!a || p.errors / p.total > a.share ? { minute: p.minute, share: p.errors / p.total } : a), undefined);
  parts.push(`Errors: ${formatCount(errors)} of ${formatCount(total)} lines (${formatPct(total ? (100 * errors) / total : 0)})${worst && errors > 0 ? `, highest share ${formatPct(100 * worst.share, 0)} at ${clock(worst.minute, timeZone)}` : ''}.`);
  const spiked = top.filter((t) => t.spike);
  parts.push(
    spiked.length
      ? `Spikes marked: ${spiked.map((t) => `${t.id} at ${clock(t.spike!.minute, timeZone)} with ${formatCount(t.spike!.count)} lines, ${t.spike!.factor.toFixed(1)} times its median`).join('; ')}.`
      : 'No spikes.',
  );
  return parts.join(' ');
}
