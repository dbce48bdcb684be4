// Fixed data for the chart tests and the chart benchmark.
import type { BackupPoint } from '../../src/charts/backups-chart.js';
import type { MetricPoint } from '../../src/charts/health-chart.js';
import type { LogSeriesInput } from '../../src/charts/logs-chart.js';
import type { StatementBar } from '../../src/charts/slowqueries-chart.js';
import type { TimelineStripInput } from '../../src/charts/timeline-chart.js';

export const TZ = 'America/New_York';
const M = 60_000;
/** 2026-11-25 03:00 EST. */
export const T0 = Date.UTC(2026, 10, 25, 8, 0);

export const LOG_SERIES: LogSeriesInput = (() => {
  const minutes = Array.from({ length: 30 }, (_, i) => T0 + i * M);
  const t1 = minutes.map((m, i) => [m, i >= 10 && i < 15 ? (i === 12 ? 73 : 13) : 1] as const);
  const t2 = minutes.map((m) => [m, 15] as const);
  const t3 = minutes.filter((_, i) => i % 3 === 0).map((m) => [m, 4] as const);
  return {
    subject: 'log file ai-chat.log',
    perMinute: minutes.map((m, i) => ({ minute: m, total: t1[i]![1] + 15 + (i % 3 === 0 ? 4 : 0), errors: t1[i]![1] })),
    templates: [
      { id: 'T2', template: 'INFO ai-chat answered in <duration>', count: 450, level: 'info', perMinute: t2 },
      { id: 'T1', template: 'ERROR ai-chat upstream <num> for customer <email>', count: 150, level: 'error', perMinute: t1, spike: { minute: T0 + 12 * M, count: 73, factor: 73 } },
      { id: 'T3', template: 'WARN auth refresh token reused', count: 40, level: 'warn', perMinute: t3 },
    ],
  };
})();

export const STATEMENTS: StatementBar[] = [
  { rank: 1, query: 'SELECT * FROM leads WHERE org_id = $1 ORDER BY created_at DESC', calls: 12_000, totalMs: 1_860_000, meanMs: 155 },
  { rank: 2, query: 'UPDATE interactions SET status = $1 WHERE id = $2', calls: 90_000, totalMs: 540_000, meanMs: 6 },
  { rank: 3, query: 'SELECT count(*) FROM vehicles WHERE dealer_id = $1', calls: 400, totalMs: 212_000, meanMs: 530 },
  { rank: 4, query: 'INSERT INTO audit_events (kind, payload) VALUES ($1, $2)', calls: 300_000, totalMs: 90_000, meanMs: 0.3 },
];

export const FAST_STATEMENTS: StatementBar[] = STATEMENTS.map((s) => ({ ...s, meanMs: Math.min(s.meanMs, 40) }));

export const BACKUPS: BackupPoint[] = Array.from({ length: 10 }, (_, i) => ({
  id: `b${i}`,
  startedAt: T0 - (10 - i) * 86_400_000,
  sizeBytes: i === 6 ? null : (300 + i * 12) * 1024 * 1024,
  durationMs: i === 6 ? 4000 : 60_000 + i * 3000,
  mark: i === 6 ? 'failed' : i % 3 === 0 ? 'verified' : 'unverified',
}));

export const SAMPLES: MetricPoint[] = Array.from({ length: 24 * 60 }, (_, i) => ({
  at: T0 - (24 * 60 - i) * M,
  connections: 20 + Math.round(10 * Math.sin(i / 90)) + (i > 1300 && i < 1340 ? 25 : 0),
  dbSizeBytes: Math.round((5.1 + i / 24 / 60 / 10) * 1024 ** 3),
}));

export const LIMITS = { connectionsWarn: 40, connectionsCritical: 50, storageLimitBytes: 8 * 1024 ** 3, storageWarnPct: 80, storageCriticalPct: 90 };

export const TIMELINE: TimelineStripInput = {
  ref: 'INC-7',
  declaredAt: T0,
  resolvedAt: T0 + 95 * M,
  events: [
    { at: T0 + 2 * M, lane: 'roles', label: 'commander @ana' },
    { at: T0 + 4 * M, lane: 'other', label: '/health: CRITICAL' },
    { at: T0 + 12 * M, lane: 'status', label: 'identified' },
    { at: T0 + 20 * M, lane: 'playbooks', label: 'kill-idle-connections requested' },
    { at: T0 + 24 * M, lane: 'playbooks', label: 'kill-idle-connections ran: 31 rows' },
    { at: T0 + 40 * M, lane: 'status', label: 'monitoring' },
    { at: T0 + 95 * M, lane: 'status', label: 'resolved' },
  ],
};
