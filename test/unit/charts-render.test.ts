// Every chart drawn from fixed data: the PNG decodes (signature, CRCs, image data), has the
// expected size, is the same bytes on every run (bundled font, no system fonts), uses the
// product's colours where the data says so, and its alt text carries the key figures.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backupsChart } from '../../src/charts/backups-chart.js';
import { dbHealthChart } from '../../src/charts/health-chart.js';
import { logsChart } from '../../src/charts/logs-chart.js';
import { clampAlt, renderChart, SCALE, type ChartDef } from '../../src/charts/render.js';
import { slowQueriesChart } from '../../src/charts/slowqueries-chart.js';
import { COLORS } from '../../src/charts/theme.js';
import { timelineChart } from '../../src/charts/timeline-chart.js';
import { countColour, decodePng } from '../support/png.js';
import { BACKUPS, FAST_STATEMENTS, LIMITS, LOG_SERIES, SAMPLES, STATEMENTS, TIMELINE, TZ } from './charts-fixtures.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function drawn(def: ChartDef | undefined) {
  expect(def).toBeDefined();
  const a = await renderChart(def!);
  const b = await renderChart(def!);
  expect(sha(b.png)).toBe(sha(a.png));
  const img = decodePng(a.png);
  expect([img.width, img.height]).toEqual([a.width, a.height]);
  // Drawn at SCALE, and not a blank canvas.
  expect(a.width % SCALE).toBe(0);
  expect(countColour(img, COLORS.background)).toBeLessThan(img.width * img.height * 0.995);
  return { ...a, img };
}

describe('charts', () => {
  it('/logs summarize: lines per minute of the top templates, the spike marked in red', async () => {
    const c = await drawn(logsChart(LOG_SERIES, TZ));
    expect([c.width, c.height]).toEqual([1450, 1016]);
    expect(c.filename).toBe('logs-per-minute.png');
    expect(countColour(c.img, COLORS.critical)).toBeGreaterThan(200);
    expect(c.alt).toContain('from 03:00 to 03:30 (America/New_York)');
    expect(c.alt).toContain('T1 (error) "ERROR ai-chat upstream <num> for customer <emai…": 150 lines, at most 73 a minute at 03:12');
    expect(c.alt).toContain('Errors: 150 of 640 lines (23.4 %), highest share 79 % at 03:12');
    expect(c.alt).toContain('Spikes marked: T1 at 03:12 with 73 lines, 73.0 times its median');
  });

  it('/logs summarize: logs without timestamps have no chart', () => {
    expect(logsChart({ ...LOG_SERIES, perMinute: [] }, TZ)).toBeUndefined();
  });

  it('/slowqueries: bars by total and mean, the slow ones orange, the 100 ms line', async () => {
    const c = await drawn(slowQueriesChart(STATEMENTS, { slowMs: 100, database: 'postgres', sortLabel: 'total time' }));
    expect([c.width, c.height]).toEqual([1538, 442]);
    expect(countColour(c.img, COLORS.warn)).toBeGreaterThan(500);
    expect(c.alt).toContain('#1 SELECT * FROM leads WHERE org_id = …: 31 min 0 s total, 155 ms mean, 12,000 calls, over the line');
    expect(c.alt).toContain('2 of 4 are over 100 ms mean');
    const fast = await drawn(slowQueriesChart(FAST_STATEMENTS, { slowMs: 100, database: 'postgres', sortLabel: 'total time' }));
    expect(countColour(fast.img, COLORS.warn)).toBe(0);
    expect(fast.alt).toContain('None is over 100 ms mean');
  });

  it('/backup list: size and duration over time, verified green, failed red', async () => {
    const c = await drawn(backupsChart(BACKUPS, TZ));
    expect(countColour(c.img, COLORS.ok)).toBeGreaterThan(100);
    expect(countColour(c.img, COLORS.critical)).toBeGreaterThan(20);
    expect([c.width, c.height]).toEqual([1434, 826]);
    expect(c.alt).toContain('10 backups');
    expect(c.alt).toContain('Size from 300.0 MiB to 408.0 MiB; newest 408.0 MiB');
    expect(c.alt).toContain('3 verified, latest 2026-11-24 03:00 EST; 1 failed');
    expect(c.alt).toContain('1 failed');
    expect(backupsChart(BACKUPS.slice(0, 1), TZ)).toBeUndefined();
  });

  it('/health db: connections against 40/50 and size against 8 GiB', async () => {
    const c = await drawn(dbHealthChart(SAMPLES, LIMITS, TZ));
    expect(countColour(c.img, COLORS.warn)).toBeGreaterThan(200);
    expect(countColour(c.img, COLORS.critical)).toBeGreaterThan(200);
    expect([c.width, c.height]).toEqual([1414, 808]);
    expect(c.alt).toContain('1,440 database samples');
    expect(c.alt).toMatch(/peak 54 at 2026-11-25 00:41 EST, lowest 10/);
    expect(c.alt).toContain('warning line 40, critical line 50');
    expect(c.alt).toMatch(/Database size: now 5\.\d\d GiB of the 8\.00 GiB limit \(6\d\.\d %\)/);
    expect(dbHealthChart(SAMPLES.slice(0, 1), LIMITS, TZ)).toBeUndefined();
  });

  it('postmortem: the timeline strip from declared to resolved', async () => {
    const c = await drawn(timelineChart(TIMELINE, TZ));
    expect(c.filename).toBe('timeline-inc-7.png');
    expect([c.width, c.height]).toEqual([1714, 474]);
    expect(countColour(c.img, COLORS.ok)).toBeGreaterThan(50);
    expect(c.alt).toContain('declared 2026-11-25 03:00 EST, resolved 2026-11-25 04:35 EST after 95 min');
    expect(c.alt).toContain('3 status changes (identified at 03:12, monitoring at 03:40, resolved at 04:35), 1 role changes, 2 playbook steps');
  });

  it('the same bytes on every machine: pinned digests of two charts', async () => {
    // Pinned with the bundled Inter TTF and the exact library versions in package.json; a change
    // here means a machine's fonts or a library upgrade changed the pixels.
    expect(sha((await renderChart(slowQueriesChart(STATEMENTS, { slowMs: 100, database: 'postgres', sortLabel: 'total time' })!)).png)).toBe('c63d00d696def34a04267348b0f3def4ef8e423417c73ad85d6e3d41b981f909');
    expect(sha((await renderChart(timelineChart(TIMELINE, TZ))).png)).toBe('997f9c545cfb2afe90d22e9e8bd9fff44d966290107d98c77666e10e03f3343a');
  });

  it('alt text stays within Slack limits, cut at a sentence', () => {
    const long = Array.from({ length: 300 }, (_, i) => `Sentence ${i} says something.`).join(' ');
    const cut = clampAlt(long);
    expect(cut.length).toBeLessThanOrEqual(2000);
    expect(cut.endsWith('.…')).toBe(true);
  });
});
