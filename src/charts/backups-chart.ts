// /backup list: size and duration of each backup over time; verified backups are marked green,
// failed ones red, the rest in the neutral colour.
import type { TopLevelSpec } from 'vega-lite';
import { formatBytes, formatMs } from '../core/format.js';
import type { ChartDef } from './render.js';
import { COLORS } from './theme.js';
import { stamp, timeAxis, wallClock } from './time.js';

export interface BackupPoint {
  id: string;
  startedAt: number;
  sizeBytes: number | null;
  durationMs: number | null;
  /** 'verified' (a restore test passed), 'failed' (the backup or its verification), or 'unverified'. */
  mark: 'verified' | 'failed' | 'unverified';
}

const MB = 1024 * 1024;

/** The chart, or undefined with fewer than two backups that have a size (nothing to compare). */
export function backupsChart(backups: readonly BackupPoint[], timeZone: string): ChartDef | undefined {
  const sized = [...backups].filter((b) => b.sizeBytes !== null || b.durationMs !== null).sort((a, b) => a.startedAt - b.startedAt);
  if (sized.length < 2) return undefined;
  const values = sized.map((b) => ({ t: wallClock(b.startedAt, timeZone), mb: b.sizeBytes === null ? null : b.sizeBytes / MB, s: b.durationMs === null ? null : b.durationMs / 1000, mark: b.mark }));
  const x = timeAxis('t', `started (${timeZone})`, '%b %d %H:%M');
  const color = { field: 'mark', type: 'nominal', title: null, scale: { domain: ['verified', 'unverified', 'failed'], range: [COLORS.ok, COLORS.neutral, COLORS.critical] }, legend: { orient: 'bottom' } } as const;
  const panel = (field: string, title: string) => ({
    width: 640,
    height: 120,
    layer: [
      { mark: { type: 'line', color: COLORS.muted, strokeWidth: 1 }, encoding: { x, y: { field, type: 'quantitative', title } } },
      { mark: { type: 'point', filled: true, size: 70, opacity: 1 }, encoding: { x, y: { field, type: 'quantitative', title }, color, shape: { field: 'mark', type: 'nominal', scale: { domain: ['verified', 'unverified', 'failed'], range: ['circle', 'circle', 'cross'] }, legend: null } } },
    ],
  });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Backups: size and duration', subtitle: `${sized.length} backups, verified ones in green` },
    data: { values },
    vconcat: [panel('mb', 'size (MiB)'), panel('s', 'duration (s)')],
  } as TopLevelSpec;
  const newest = sized[sized.length - 1]!;
  const sizes = sized.map((b) => b.sizeBytes).filter((n): n is number => n !== null);
  const durations = sized.map((b) => b.durationMs).filter((n): n is number => n !== null);
  const verified = sized.filter((b) => b.mark === 'verified');
  const failed = sized.filter((b) => b.mark === 'failed');
  const alt = [
    `Charts of ${sized.length} backups from ${stamp(sized[0]!.startedAt, timeZone)} to ${stamp(newest.startedAt, timeZone)}: size and duration.`,
    sizes.length ? `Size from ${formatBytes(Math.min(...sizes))} to ${formatBytes(Math.max(...sizes))}; newest ${newest.sizeBytes === null ? 'unknown' : formatBytes(newest.sizeBytes)}.` : '',
    durations.length ? `Duration from ${formatMs(Math.min(...durations))} to ${formatMs(Math.max(...durations))}; newest ${newest.durationMs === null ? 'unknown' : formatMs(newest.durationMs)}.` : '',
    `${verified.length} verified${verified.length ? `, latest ${stamp(verified[verified.length - 1]!.startedAt, timeZone)}` : ''}; ${failed.length} failed.`,
  ].filter(Boolean).join(' ');
  return { name: 'backups', title: 'Backups: size and duration', alt, spec };
}
