// /health db: connections over the last 24 h against the warning and critical lines, and the
// database size against the storage limit, from the samples the every-minute alert evaluation
// keeps (src/metrics).
import type { TopLevelSpec } from 'vega-lite';
import { formatBytes, formatCount, plural } from '../core/format.js';
import type { ChartDef } from './render.js';
import { COLORS } from './theme.js';
import { stamp, timeAxis, wallClock } from './time.js';

export interface MetricPoint {
  at: number;
  connections: number | null;
  dbSizeBytes: number | null;
}

export interface DbChartLimits {
  connectionsWarn: number;
  connectionsCritical: number;
  storageLimitBytes: number;
  storageWarnPct: number;
  storageCriticalPct: number;
}

const GIB = 1024 ** 3;

/** The chart, or undefined with fewer than two samples. */
export function dbHealthChart(points: readonly MetricPoint[], limits: DbChartLimits, timeZone: string): ChartDef | undefined {
  const pts = [...points].sort((a, b) => a.at - b.at);
  if (pts.length < 2) return undefined;
  const values = pts.map((p) => ({ t: wallClock(p.at, timeZone), c: p.connections, gib: p.dbSizeBytes === null ? null : p.dbSizeBytes / GIB }));
  const x = timeAxis('t', `time (${timeZone})`);
  const rule = (v: number, color: string, text: string) => [
    { data: { values: [{ v, text }] }, mark: { type: 'rule', color, strokeDash: [5, 3], strokeWidth: 1.5 }, encoding: { y: { field: 'v', type: 'quantitative' } } },
    { data: { values: [{ v, text }] }, mark: { type: 'text', color, align: 'left', x: 4, dy: -7, fontWeight: 600 }, encoding: { y: { field: 'v', type: 'quantitative' }, text: { field: 'text' } } },
  ];
  const limitGib = limits.storageLimitBytes / GIB;
  const maxConn = Math.max(limits.connectionsCritical + 5, ...pts.map((p) => p.connections ?? 0));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Database: connections and size', subtitle: `${pts.length} samples, one a minute` },
    vconcat: [
      {
        width: 640,
        height: 150,
        layer: [
          { data: { values }, mark: { type: 'line', color: COLORS.neutral, strokeWidth: 1.5 }, encoding: { x, y: { field: 'c', type: 'quantitative', title: 'connections', scale: { domain: [0, maxConn] } } } },
          ...rule(limits.connectionsWarn, COLORS.warn, `warning ${limits.connectionsWarn}`),
          ...rule(limits.connectionsCritical, COLORS.critical, `critical ${limits.connectionsCritical}`),
        ],
      },
      {
        width: 640,
        height: 110,
        layer: [
          { data: { values }, mark: { type: 'area', color: COLORS.neutral, opacity: 0.3, line: { color: COLORS.neutral } }, encoding: { x, y: { field: 'gib', type: 'quantitative', title: 'size (GiB)', scale: { domain: [0, limitGib * 1.05] } } } },
          ...rule((limitGib * limits.storageWarnPct) / 100, COLORS.warn, `warning ${limits.storageWarnPct}%`),
          ...rule(limitGib, COLORS.critical, `limit ${formatBytes(limits.storageLimitBytes)}`),
        ],
      },
    ],
  } as TopLevelSpec;
  const conns = pts.map((p) => p.connections).filter((n): n is number => n !== null);
  const sizes = pts.map((p) => p.dbSizeBytes).filter((n): n is number => n !== null);
  const peak = pts.reduce<MetricPoint | undefined>((a, p) => (p.connections !== null && (!a || p.connections > (a.connections ?? -1)) ? p : a), undefined);
  const over = (n: number) => conns.filter((c) => c >= n).length;
  const lastSize = sizes[sizes.length - 1];
  const alt = [
    `Charts of ${formatCount(pts.length)} database samples from ${stamp(pts[0]!.at, timeZone)} to ${stamp(pts[pts.length - 1]!.at, timeZone)}.`,
    conns.length
      ? `Connections: now ${formatCount(conns[conns.length - 1]!)}, peak ${formatCount(peak?.connections ?? 0)} at ${stamp(peak!.at, timeZone)}, lowest ${formatCount(Math.min(...conns))}; warning line ${limits.connectionsWarn}, critical line ${limits.connectionsCritical}; ${plural(over(limits.connectionsWarn), 'sample')} at or over the warning line, ${over(limits.connectionsCritical)} at or over the critical line.`
      : 'Connections: no samples.',
    lastSize !== undefined
      ? `Database size: now ${formatBytes(lastSize)} of the ${formatBytes(limits.storageLimitBytes)} limit (${((100 * lastSize) / limits.storageLimitBytes).toFixed(1)} %), ${formatBytes(Math.min(...sizes))} at the start of the window.`
      : 'Database size: no samples.',
  ].join(' ');
  return { name: 'db-health', title: 'Database: connections and size', alt, spec };
}
