// /slowqueries: the top statements as bars by total time and by mean time, the runbook's 100 ms
// line drawn across the mean panel; bars over it are drawn in the warning colour.
import type { TopLevelSpec } from 'vega-lite';
import { formatCount, formatMs } from '../core/format.js';
import type { ChartDef } from './render.js';
import { COLORS } from './theme.js';

/** Statements drawn (the file has them all). */
export const CHART_STATEMENTS = 15;

export interface StatementBar {
  rank: number;
  /** Normalized query text (already redacted and shortened by the diagnostics). */
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
}

const short = (q: string) => {
  const one = q.replace(/\s+/g, ' ').trim();
  return one.length > 36 ? `${one.slice(0, 35)}…` : one;
};

/** The chart, or undefined without statements. */
export function slowQueriesChart(statements: readonly StatementBar[], o: { slowMs: number; database: string; sortLabel: string }): ChartDef | undefined {
  const top = statements.slice(0, CHART_STATEMENTS);
  if (top.length === 0) return undefined;
  const values = top.map((s) => ({ label: `#${s.rank} ${short(s.query)}`, total: s.totalMs, mean: s.meanMs, slow: s.meanMs > o.slowMs ? 'over' : 'under' }));
  const y = { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 260 } } as const;
  const color = { field: 'slow', type: 'nominal', scale: { domain: ['under', 'over'], range: [COLORS.neutral, COLORS.warn] }, legend: null } as const;
  const height = Math.max(120, top.length * 22);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Top statements by ${o.sortLabel}`, subtitle: `${o.database} · bars over ${formatMs(o.slowMs)} mean in orange` },
    data: { values },
    hconcat: [
      { width: 260, height, mark: 'bar', encoding: { y, x: { field: 'total', type: 'quantitative', title: 'total time (ms)' }, color } },
      {
        width: 200,
        height,
        layer: [
          { mark: 'bar', encoding: { y: { ...y, axis: null }, x: { field: 'mean', type: 'quantitative', title: 'mean time per call (ms)' }, color } },
          { data: { values: [{ ms: o.slowMs }] }, mark: { type: 'rule', color: COLORS.critical, strokeDash: [4, 3], strokeWidth: 2 }, encoding: { x: { field: 'ms', type: 'quantitative' } } },
          { data: { values: [{ ms: o.slowMs, text: formatMs(o.slowMs) }] }, mark: { type: 'text', color: COLORS.critical, align: 'left', dx: 4, y: -6, fontWeight: 600 }, encoding: { x: { field: 'ms', type: 'quantitative' }, text: { field: 'text' } } },
        ],
      },
    ],
  };
  const slow = top.filter((s) => s.meanMs > o.slowMs);
  const alt = [
    `Bar charts of the top ${top.length} statements by ${o.sortLabel} in ${o.database}: total time and mean time per call, with a line at ${formatMs(o.slowMs)}.`,
    ...top.map((s) => `#${s.rank} ${short(s.query)}: ${formatMs(s.totalMs)} total, ${formatMs(s.meanMs)} mean, ${formatCount(s.calls)} calls${s.meanMs > o.slowMs ? ', over the line' : ''}.`),
    slow.length ? `${slow.length} of ${top.length} are over ${formatMs(o.slowMs)} mean.` : `None is over ${formatMs(o.slowMs)} mean.`,
  ].join(' ');
  return { name: 'slow-queries', title: `Top statements by ${o.sortLabel}`, alt, spec };
}
