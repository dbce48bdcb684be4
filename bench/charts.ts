// Chart rendering with the compiled build the bot runs (dist/, as `npm run bench` builds it; from
// source the chart worker would be bundled by esbuild in the process, which production never
// does): time per chart (first, then the median of warm runs), the memory it adds (RSS above the
// RSS before that chart; the one-time start of the chart worker and its libraries is printed
// apart) and the longest the event loop was held, for each chart the bot draws. Target from
// issue 16: ≤ 200 ms and ≤ 100 MB extra per chart.
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Render from '../src/charts/render.js';
import type * as LogsChart from '../src/charts/logs-chart.js';
import type * as SlowChart from '../src/charts/slowqueries-chart.js';
import type * as BackupsChart from '../src/charts/backups-chart.js';
import type * as HealthChart from '../src/charts/health-chart.js';
import type * as TimelineChart from '../src/charts/timeline-chart.js';
import { BACKUPS, LIMITS, LOG_SERIES, SAMPLES, STATEMENTS, TIMELINE, TZ } from '../test/unit/charts-fixtures.js';

const MB = 1024 * 1024;
const RUNS = 7;

const DIST = path.join(path.dirname(fileURLToPath(import.meta.url)), '../dist/src/charts');
const load = async <T>(file: string): Promise<T> => (await import(pathToFileURL(path.join(DIST, file)).href)) as T;

export default async function bench(): Promise<void> {
  const { renderChart } = await load<typeof Render>('render.js');
  const { logsChart } = await load<typeof LogsChart>('logs-chart.js');
  const { slowQueriesChart } = await load<typeof SlowChart>('slowqueries-chart.js');
  const { backupsChart } = await load<typeof BackupsChart>('backups-chart.js');
  const { dbHealthChart } = await load<typeof HealthChart>('health-chart.js');
  const { timelineChart } = await load<typeof TimelineChart>('timeline-chart.js');
  const charts: Render.ChartDef[] = [
    logsChart(LOG_SERIES, TZ)!,
    slowQueriesChart(STATEMENTS, { slowMs: 100, database: 'postgres', sortLabel: 'total time' })!,
    backupsChart(BACKUPS, TZ)!,
    dbHealthChart(SAMPLES, LIMITS, TZ)!,
    timelineChart(TIMELINE, TZ),
  ];
  const base = process.memoryUsage().rss;
  // The first chart starts the worker thread and loads vega, vega-lite, resvg and the font once.
  const t0 = performance.now();
  await renderChart(charts[0]!);
  const started = process.memoryUsage().rss;
  console.log(`first chart of the process (worker, libraries and font loaded once): ${(performance.now() - t0).toFixed(0)} ms, +${((started - base) / MB).toFixed(0)} MB RSS`);
  for (const def of charts) {
    const before = process.memoryUsage().rss;
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
      `${def.name.padEnd(18)} first ${times[0]!.toFixed(0).padStart(4)} ms · median ${warm[Math.floor(warm.length / 2)]!.toFixed(0).padStart(4)} ms · +${((peakRss - before) / MB).toFixed(0)} MB RSS over the RSS before it · PNG ${(bytes / 1024).toFixed(0)} KiB · event loop held ≤ ${(loop.max / 1e6).toFixed(0)} ms`,
    );
  }
}
