// One long-lived worker thread for chart SVGs, started on the first chart and unref'd (it never
// keeps the process alive). Run from TypeScript sources (tsx: bot, CLI, tests), the worker is
// bundled once per process with esbuild, as src/logs/parallel.ts does; from compiled JavaScript
// it is loaded as it is. If the worker cannot start or dies, charts are drawn in this thread.
import type * as Esbuild from 'esbuild';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { renderAsync } from '@resvg/resvg-js';
import { chartFontFiles } from './fonts.js';
import { drawSvg, resvgOptions, type DrawnPng, type SvgReply, type SvgRequest } from './svg.js';

let worker: Worker | undefined;
let broken = false;
let seq = 0;
const waiting = new Map<number, { resolve: (d: DrawnPng) => void; reject: (err: Error) => void }>();

function source(): { source: string | URL; evaluate: boolean } {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './svg-worker.ts' : './svg-worker.js', import.meta.url);
  if (!fromSource) return { source: url, evaluate: false };
  const { buildSync } = createRequire(import.meta.url)('esbuild') as typeof Esbuild;
  const text = buildSync({ entryPoints: [fileURLToPath(url)], bundle: true, format: 'esm', platform: 'node', target: 'node20', external: ['@resvg/resvg-js', 'canvas'], write: false, logLevel: 'silent' }).outputFiles[0]!.text;
  return { source: new URL(`data:text/javascript;base64,${Buffer.from(text).toString('base64')}`), evaluate: false };
}

function start(): Worker | undefined {
  if (worker || broken) return worker;
  try {
    const s = source();
    const w = new Worker(s.source, { eval: s.evaluate, workerData: { base: import.meta.url } });
    w.unref();
    w.on('message', (m: SvgReply) => {
      const p = waiting.get(m.id);
      if (!p) return;
      waiting.delete(m.id);
      if ('error' in m) p.reject(new Error(m.error));
      else p.resolve(m);
    });
    const fail = (err: Error) => {
      broken = true;
      worker = undefined;
      for (const p of waiting.values()) p.reject(err);
      waiting.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`chart worker exited (${code})`)));
    worker = w;
  } catch {
    broken = true;
  }
  return worker;
}

// In this thread: the SVG here, the PNG on libuv's thread pool.
async function drawHere(spec: TopLevelSpec): Promise<DrawnPng> {
  const img = await renderAsync(await drawSvg(spec), resvgOptions(chartFontFiles()));
  return { png: img.asPng(), width: img.width, height: img.height };
}

/** The PNG of `spec`, drawn in the chart worker (or here if it cannot run). */
export async function drawOffThread(spec: TopLevelSpec): Promise<DrawnPng> {
  const w = start();
  if (!w) return drawHere(spec);
  const id = ++seq;
  const drawn = new Promise<DrawnPng>((resolve, reject) => waiting.set(id, { resolve, reject }));
  // Keep the process alive while a chart is being drawn, not after.
  w.ref();
  try {
    w.postMessage({ id, spec, fontFiles: chartFontFiles() } satisfies SvgRequest);
    return await drawn;
  } catch (err) {
    if (broken) return drawHere(spec);
    throw err;
  } finally {
    if (waiting.size === 0) w.unref();
  }
}
