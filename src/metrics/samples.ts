// Per-minute samples of the target database (connections, size) in the state store, for the
// /health db chart. The every-minute alert evaluation records them from the health report it
// already has, so sampling costs no extra query on the target; one row per minute whichever
// replica measured first, and rows beyond the retention are pruned as new ones arrive.
import type { MetricPoint } from '../charts/health-chart.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { sql } from '../core/sql.js';
import type { HealthService } from '../health/runner.js';
import type { HealthReport } from '../health/types.js';
import type { Queryable } from '../state/run-store.js';

export interface MetricSample {
  at: number;
  connections: number | null;
  maxConnections: number | null;
  dbSizeBytes: number | null;
}

export interface MetricSampleStore {
  /** Stores a sample for its minute (false when that minute already had one) and prunes old ones. */
  record(s: MetricSample): Promise<boolean>;
  /** Samples from `since` on, oldest first (at most one day and a bit). */
  since(since: number): Promise<MetricPoint[]>;
}

/** Most rows read for a chart: 24 h of minutes and some slack. */
const MAX_ROWS = 1500;

const intOrNull = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
};

export function createMetricSampleStore(db: Queryable, retentionMs: number): MetricSampleStore {
  return {
    async record(s) {
      const r = await db.query(sql('metrics/sample-insert'), [new Date(s.at), s.connections, s.maxConnections, s.dbSizeBytes, new Date(s.at)]);
      if (r.rowCount) await db.query(sql('metrics/samples-prune'), [new Date(s.at - retentionMs)]);
      return Boolean(r.rowCount);
    },
    async since(since) {
      const r = await db.query<Record<string, unknown>>(sql('metrics/samples-since'), [new Date(since), MAX_ROWS]);
      return r.rows.map((row) => ({ at: Number(row.at_ms), connections: intOrNull(row.connections), dbSizeBytes: intOrNull(row.db_size_bytes) }));
    },
  };
}

/** The sample in a health report: undefined when the database component was not checked. */
export function sampleOf(report: HealthReport, at: number): MetricSample | undefined {
  const db = report.components.find((c) => c.component === 'database');
  if (!db) return undefined;
  const item = (key: string) => db.items.find((i) => i.key === key)?.data;
  const conns = item('connections');
  const storage = item('storage');
  const sample = { at, connections: intOrNull(conns?.total), maxConnections: intOrNull(conns?.max), dbSizeBytes: intOrNull(storage?.bytes) };
  return sample.connections === null && sample.dbSizeBytes === null ? undefined : sample;
}

/**
 * The health service with each full run recorded as a sample (for the scheduler's alert
 * evaluation). A failed write is logged: the evaluation and its alerts never depend on it.
 */
export function recordingHealth(health: HealthService, store: MetricSampleStore, clock: Clock, logger: Logger): HealthService {
  return {
    components: () => health.components(),
    async run(component) {
      const report = await health.run(component);
      const sample = sampleOf(report, clock.now());
      if (sample) await store.record(sample).catch((err: unknown) => logger.warn({ err }, 'metric sample not stored'));
      return report;
    },
  };
}
