// The per-minute samples behind the /health db chart, in a real state store: one row per minute
// (a second replica's sample is ignored), rows beyond the retention pruned as new ones arrive,
// read back oldest first; the alert evaluation's health runs record them, and a failed write
// never fails the evaluation.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { HealthService } from '../../src/health/runner.js';
import type { HealthReport } from '../../src/health/types.js';
import { createMetricSampleStore, recordingHealth, sampleOf } from '../../src/metrics/samples.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { capturedLogger } from '../support/unit-log.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE opsbot.metric_samples');
});

const M = 60_000;
const T0 = Date.UTC(2026, 10, 25, 8, 0);
const HOUR = 3_600_000;

const report = (total: number, bytes: number): HealthReport => ({
  status: 'ok',
  startedAt: new Date(T0).toISOString(),
  durationMs: 10,
  components: [
    {
      component: 'database',
      title: 'Database',
      status: 'ok',
      durationMs: 5,
      items: [
        { key: 'connections', label: 'Connections', status: 'ok', value: '', threshold: '', data: { total, max: 100 } },
        { key: 'storage', label: 'Database size', status: 'ok', value: '', threshold: '', data: { bytes, limitBytes: 8 * 1024 ** 3 } },
      ],
    },
  ],
});

describe('metric samples', () => {
  it('one row per minute, read back oldest first', async () => {
    const store = createMetricSampleStore(db.pool, 48 * HOUR);
    expect(await store.record({ at: T0 + 2 * M + 5000, connections: 12, maxConnections: 100, dbSizeBytes: 5_000_000 })).toBe(true);
    expect(await store.record({ at: T0 + M + 30_000, connections: 11, maxConnections: 100, dbSizeBytes: null })).toBe(true);
    // Another replica in the same minute: ignored.
    expect(await store.record({ at: T0 + 2 * M + 40_000, connections: 99, maxConnections: 100, dbSizeBytes: 1 })).toBe(false);
    expect(await store.since(T0)).toEqual([
      { at: T0 + M, connections: 11, dbSizeBytes: null },
      { at: T0 + 2 * M, connections: 12, dbSizeBytes: 5_000_000 },
    ]);
    expect(await store.since(T0 + 2 * M)).toHaveLength(1);
  });

  it('rows older than the retention are deleted when a new one is stored', async () => {
    const store = createMetricSampleStore(db.pool, 25 * HOUR);
    await store.record({ at: T0, connections: 1, maxConnections: 100, dbSizeBytes: 1 });
    await store.record({ at: T0 + 24 * HOUR, connections: 2, maxConnections: 100, dbSizeBytes: 2 });
    expect((await db.pool.query('SELECT count(*)::int AS n FROM opsbot.metric_samples')).rows[0]).toEqual({ n: 2 });
    await store.record({ at: T0 + 25 * HOUR + M, connections: 3, maxConnections: 100, dbSizeBytes: 3 });
    const { rows } = await db.pool.query<{ c: number }>('SELECT connections AS c FROM opsbot.metric_samples ORDER BY minute');
    expect(rows.map((r) => r.c)).toEqual([2, 3]);
  });

  it('the sample of a health report, none without the database component', () => {
    expect(sampleOf(report(17, 123_456), T0)).toEqual({ at: T0, connections: 17, maxConnections: 100, dbSizeBytes: 123_456 });
    expect(sampleOf({ ...report(1, 1), components: [] }, T0)).toBeUndefined();
  });

  it('the evaluation’s health runs record samples; a failed write is logged and the report returned', async () => {
    let total = 30;
    const health: HealthService = { run: () => Promise.resolve(report(total++, 4 * 1024 ** 3)), components: () => ['database'] };
    const clock = fixedClock(T0);
    const { logger, logs } = capturedLogger();
    const recording = recordingHealth(health, createMetricSampleStore(db.pool, 48 * HOUR), clock, logger);
    await recording.run();
    clock.advance(M);
    await recording.run();
    expect((await createMetricSampleStore(db.pool, 48 * HOUR).since(T0)).map((p) => p.connections)).toEqual([30, 31]);
    const broken = recordingHealth(health, { record: () => Promise.reject(new Error('state store down')), since: () => Promise.resolve([]) }, clock, logger);
    expect((await broken.run()).status).toBe('ok');
    expect(logs.lines().some((l) => l.msg === 'metric sample not stored')).toBe(true);
  });
});
