// The App Home chart on a real state store: a new image only for a newer sample with moved
// figures or an old image; two replicas at once upload one image; a failed upload holds every
// replica off for RETRY_MS and shows the current image meanwhile while it is not too old; the
// file pushed out by a new one is deleted, never the one shown or the one before it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { CHART_NAME, createHomeChart, REDRAW_MS, RETRY_MS, STALE_MS, type HomeChart } from '../../src/home/chart.js';
import { createHomeChartStore, type HomeChartStore } from '../../src/home/chart-store.js';
import { createMetricSampleStore, type MetricSampleStore } from '../../src/metrics/samples.js';
import type { FileUploader } from '../../src/slack/files.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { silent } from '../support/playbooks.js';

let db: TestDatabase;
let state: StateStore;
let store: HomeChartStore;
let samples: MetricSampleStore;

beforeAll(async () => {
  db = await createTestDatabase();
  state = createStateStore({ url: db.url, logger: silent, connectTimeoutMs: 5000 });
  store = createHomeChartStore(state);
  samples = createMetricSampleStore(db.pool, 48 * 3_600_000);
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE opsbot.metric_samples, opsbot.home_charts');
});
afterAll(async () => {
  await state.close();
  await db.drop();
});

const T0 = Date.parse('2026-12-07T14:00:00Z');
const MIN = 60_000;
const LIMITS = { connectionsWarn: 40, connectionsCritical: 50, storageLimitBytes: 8 * 1024 ** 3, storageWarnPct: 80, storageCriticalPct: 90 };

/** An uploader that records what it is asked; `fail` makes the next uploads throw. */
function fakeUploader() {
  const uploaded: { id: string; alt: string; bytes: number; channel: string | undefined }[] = [];
  const deleted: string[] = [];
  const o = { fail: false };
  const uploader: FileUploader = {
    async upload(files, where) {
      // A real upload takes a moment: two replicas overlap.
      await new Promise((r) => setTimeout(r, 20));
      if (o.fail) throw new Error('Slack refused the upload (missing_scope)');
      return files.map((f) => {
        const id = `F${uploaded.length + 1}`;
        uploaded.push({ id, alt: f.altText ?? '', bytes: f.content.length, channel: where.channel });
        return { id, title: f.title };
      });
    },
    delete(id) {
      deleted.push(id);
      return Promise.resolve();
    },
  };
  return { uploader, uploaded, deleted, o };
}

function chart(clock: ReturnType<typeof fixedClock>, uploader: FileUploader, onLateImage?: () => void): HomeChart {
  return createHomeChart({ samples, store, uploader, limits: LIMITS, enabled: true, timezone: 'UTC', clock, logger: silent, ...(onLateImage ? { onLateImage } : {}) });
}

/** `n` minutes of samples ending at `end`, `conns` connections, 2 GiB. */
async function seed(end: number, n: number, conns = 12): Promise<void> {
  for (let i = n - 1; i >= 0; i--) await samples.record({ at: end - i * MIN, connections: conns, maxConnections: 100, dbSizeBytes: 2 * 1024 ** 3 });
}

describe('the Home chart', () => {
  it('uploads once; a newer sample with the same figures waits for REDRAW_MS; moved figures redraw at once', async () => {
    const clock = fixedClock(T0);
    const up = fakeUploader();
    const home = chart(clock, up.uploader);
    await seed(T0, 60);
    const first = await home.current();
    expect(first?.image?.fileId).toBe('F1');
    expect(up.uploaded).toEqual([expect.objectContaining({ id: 'F1', channel: undefined })]);
    expect(up.uploaded[0]!.bytes).toBeGreaterThan(1000);
    expect(first!.figures).toContain('Connections: now 12, peak 12');

    // Nothing new: the same file, nothing uploaded.
    clock.advance(30_000);
    expect((await home.current())?.image?.fileId).toBe('F1');
    // A newer sample, same figures: still F1 (the text figures are current) until REDRAW_MS.
    clock.advance(MIN);
    await seed(clock.now(), 1);
    const same = await home.current();
    expect(same?.image?.fileId).toBe('F1');
    expect(same!.figures).toContain('61 database samples');
    clock.advance(REDRAW_MS);
    await seed(clock.now(), 1);
    expect((await home.current())?.image?.fileId).toBe('F2');
    // Over the warning line: at once.
    clock.advance(MIN);
    await seed(clock.now(), 1, 44);
    const warn = await home.current();
    expect(warn?.image?.fileId).toBe('F3');
    expect(warn!.image!.alt).toContain('Connections: now 44, peak 44');
    // F3 pushed F1 out (F2, shown moments ago, stays).
    expect(up.deleted).toEqual(['F1']);
    const row = await db.pool.query('SELECT name, file_id, previous_file_id, last_error FROM opsbot.home_charts');
    expect(row.rows).toEqual([{ name: CHART_NAME, file_id: 'F3', previous_file_id: 'F2', last_error: null }]);
  });

  it('two replicas at once: one uploads, the other shows what is there', async () => {
    const clock = fixedClock(T0);
    const up = fakeUploader();
    await seed(T0, 30);
    const [a, b] = await Promise.all([chart(clock, up.uploader).current(), chart(clock, up.uploader).current()]);
    expect(up.uploaded).toHaveLength(1);
    expect([a?.image?.fileId, b?.image?.fileId].filter(Boolean)).toEqual(['F1']);
    // Both show the figures either way.
    expect(a!.figures).toBe(b!.figures);
  });

  it('a failed upload: no image, every replica waits RETRY_MS; later the current image is shown meanwhile until STALE_MS', async () => {
    const clock = fixedClock(T0);
    const up = fakeUploader();
    await seed(T0, 30);
    up.o.fail = true;
    const failed = await chart(clock, up.uploader).current();
    expect(failed?.image).toBeUndefined();
    expect(failed!.figures).toContain('Connections: now 12');
    const row = await db.pool.query<{ last_error: string }>('SELECT last_error FROM opsbot.home_charts');
    expect(row.rows[0]!.last_error).toContain('missing_scope');
    up.o.fail = false;
    clock.advance(RETRY_MS - 1000);
    expect((await chart(clock, up.uploader).current())?.image).toBeUndefined();
    expect(up.uploaded).toHaveLength(0);
    clock.advance(1000);
    expect((await chart(clock, up.uploader).current())?.image?.fileId).toBe('F1');

    // F1 is due a redraw that fails: F1 meanwhile, until it is STALE_MS old.
    clock.advance(MIN);
    await seed(clock.now(), 1, 55);
    up.o.fail = true;
    expect((await chart(clock, up.uploader).current())?.image?.fileId).toBe('F1');
    clock.advance(STALE_MS);
    expect((await chart(clock, up.uploader).current())?.image).toBeUndefined();
  });

  it('a publish that stops waiting shows the current image, and hears when the new one is ready', async () => {
    const clock = fixedClock(T0);
    const up = fakeUploader();
    await seed(T0, 30);
    let late = 0;
    const slow = createHomeChart({ samples, store, uploader: up.uploader, limits: LIMITS, enabled: true, timezone: 'UTC', clock, logger: silent, onLateImage: () => late++, waitMs: 0 });
    expect((await slow.current())?.image).toBeUndefined();
    await slow.idle();
    expect(late).toBe(1);
    expect((await slow.current())?.image?.fileId).toBe('F1');
  });

  it('with charts off or without two samples: no upload', async () => {
    const clock = fixedClock(T0);
    const up = fakeUploader();
    const off = createHomeChart({ samples, store, uploader: up.uploader, limits: LIMITS, enabled: false, timezone: 'UTC', clock, logger: silent });
    await seed(T0, 1);
    expect(await off.current()).toBeUndefined();
    expect(await chart(clock, up.uploader).current()).toBeUndefined();
    await seed(T0 - MIN, 1);
    const figuresOnly = await off.current();
    expect(figuresOnly).toEqual({ figures: expect.stringContaining('Charts of 2 database samples') });
    expect(up.uploaded).toHaveLength(0);
  });
});
