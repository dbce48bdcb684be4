// Chart rendering: time per chart (first, then the median of warm runs) and the memory it adds
// (RSS above the baseline, the chart worker included) and the longest the event loop was held,
// for each chart the bot draws. Target from issue
// 16: ≤ 200 ms and ≤ 100 MB extra per chart.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { backupsChart } from '../src/charts/backups-chart.js';
import { dbHealthChart } from '../src/charts/health-chart.js';
import { logsChart } from '../src/charts/logs-chart.js';
import { renderChart, type ChartDef } from '../src/charts/render.js';
import { slowQueriesChart } from '../src/charts/slowqueries-chart.js';
import { timelineChart } from '../src/charts/timeline-chart.js';
import { BACKUPS, LIMITS, LOG_SERIES, SAMPLES, STATEMENTS, TIMELINE, TZ } from '../test/unit/charts-fixtures.js';

const MB = 1024 * 1024;
const RUNS = 7;

export default async function bench(): Promise<void> {
  const charts: ChartDef[] = [
    logsChart(LOG_SERIES, TZ)!,
    slowQueriesChart(STATEMENTS, { slowMs: 100, database: 'postgres', sortLabel: 'total time' })!,
    backupsChart(BACKUPS, TZ)!,
    dbHealthChart(SAMPLES, LIMITS, TZ)!,
    timelineChart(TIMELINE, TZ),
  ];
  const base = process.memoryUsage();
  for (const def of charts) {
    const times: number[] = [];
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    let peakRss = 0;
    let bytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const img = await renderChart(def);
      times.push(performance.now() - t);
      bytes = img.png.length;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    loop.disable();
    const warm = times.slice(1).sort((a, b) => a - b);
    console.log(
      `${def.name.padEnd(18)} first ${times[0]!.toFixed(0).padStart(4)} ms · median ${warm[Math.floor(warm.length / 2)]!.toFixed(0).padStart(4)} ms · +${((peakRss - base.rss) / MB).toFixed(0)} MB RSS · PNG ${(bytes / 1024).toFixed(0)} KiB · event loop held ≤ ${(loop.max / 1e6).toFixed(0)} ms`,
    );
  }
}
