// vega-lite → vega → SVG (no canvas: text is measured by vega's own estimate, so the layout
// depends on the spec alone) → PNG with resvg. Runs in the chart worker (svg-worker.ts), or in
// this thread when no worker can be started.
import type { Resvg as ResvgClass, ResvgRenderOptions } from '@resvg/resvg-js';
import { Error as ERROR_LEVEL, logger, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { COLORS, FONT_FAMILY, VEGA_CONFIG } from './theme.js';

import { SCALE } from './theme.js';

/** resvg with the bundled font files only (fonts.ts): the same pixels on every machine. */
export function resvgOptions(fontFiles: string[]): ResvgRenderOptions {
  return {
    font: { loadSystemFonts: false, fontFiles, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    fitTo: { mode: 'zoom', value: SCALE },
    background: COLORS.background,
    logLevel: 'off',
  };
}

export interface SvgRequest {
  id: number;
  spec: TopLevelSpec;
  /** Resolved by the caller: the worker's bundled code has no module location to resolve from. */
  fontFiles: string[];
}

export interface DrawnPng {
  png: Uint8Array;
  width: number;
  height: number;
}

export type SvgReply = ({ id: number } & DrawnPng) | { id: number; error: string };

/** Compiles and draws `spec` (with the product's look) as SVG text. */
export async function drawSvg(spec: TopLevelSpec): Promise<string> {
  // Warnings would go to the console; errors throw.
  const vl = compile({ ...spec, config: { ...VEGA_CONFIG, ...(spec.config ?? {}) } }, { logger: logger(ERROR_LEVEL) });
  const view = new View(parse(vl.spec), { renderer: 'none', logLevel: ERROR_LEVEL });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The whole chart as PNG, synchronously after the SVG: for the worker thread, where blocking is free. */
export async function drawPng(Resvg: typeof ResvgClass, spec: TopLevelSpec, fontFiles: string[]): Promise<DrawnPng> {
  const img = new Resvg(await drawSvg(spec), resvgOptions(fontFiles)).render();
  return { png: img.asPng(), width: img.width, height: img.height };
}
