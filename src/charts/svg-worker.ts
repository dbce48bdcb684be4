// Worker thread of render.ts: compiles vega-lite specs, draws them as SVG and PNG, one at a time,
// so vega's layout and the PNG encoding (tens to hundreds of milliseconds on a busy machine)
// never hold the bot's event loop. Holds no state between charts.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type * as ResvgModule from '@resvg/resvg-js';
import { drawPng, type SvgRequest, type SvgReply } from './svg.js';

const port = parentPort;
if (!port) throw new Error('svg-worker runs as a worker thread');
// The native renderer is loaded from the bot's own modules (the bundled worker has no location).
const { Resvg } = createRequire((workerData as { base: string }).base)('@resvg/resvg-js') as typeof ResvgModule;
port.on('message', (m: SvgRequest) => {
  drawPng(Resvg, m.spec, m.fontFiles).then(
    // Copied, not moved: the PNG's memory belongs to the native renderer.
    (d) => port.postMessage({ id: m.id, ...d } satisfies SvgReply),
    (err: unknown) => port.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies SvgReply),
  );
});
