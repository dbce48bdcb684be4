// Chart rendering without a browser: a vega-lite spec is compiled to vega, drawn as SVG by vega's
// headless view (no canvas: text is measured by vega's own estimate, so layout depends on the
// data alone), and rasterized by resvg with the bundled font and system fonts off. The same
// spec gives the same PNG bytes on any machine. Rasterizing runs on libuv's thread pool
// (renderAsync), so a chart never holds the event loop for its longest step.
import { renderAsync } from '@resvg/resvg-js';
import { Error as ERROR_LEVEL, logger, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { chartFontFiles } from './fonts.js';
import { COLORS, FONT_FAMILY, VEGA_CONFIG } from './theme.js';

/** A chart ready to draw: the spec, and what it shows in words. */
export interface ChartDef {
  /** File name without extension, e.g. "logs-per-minute". */
  name: string;
  /** Shown above the image in Slack, and the file's title. */
  title: string;
  /** What the chart shows in words, with the numbers a screen reader needs (≤ 2000 chars). */
  alt: string;
  spec: TopLevelSpec;
}

/** A rendered chart. */
export interface ChartImage {
  png: Buffer;
  alt: string;
  title: string;
  /** e.g. "logs-per-minute.png". */
  filename: string;
  /** Pixels (the SVG's size times SCALE). */
  width: number;
  height: number;
}

/** Pixels per SVG unit: sharp on phones and high-density screens. */
export const SCALE = 2;
/** Slack's limit on an image's alt text. */
export const ALT_MAX = 2000;

/** Compiles and draws `spec` as SVG text (vega's headless renderer, no canvas). */
export async function chartSvg(spec: TopLevelSpec): Promise<string> {
  // Warnings would go to the console; errors throw.
  const vl = compile({ ...spec, config: { ...VEGA_CONFIG, ...(spec.config ?? {}) } }, { logger: logger(ERROR_LEVEL) });
  const view = new View(parse(vl.spec), { renderer: 'none', logLevel: ERROR_LEVEL });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Draws a chart as PNG, with its alt text. */
export async function renderChart(def: ChartDef): Promise<ChartImage> {
  const svg = await chartSvg(def.spec);
  const image = await renderAsync(svg, {
    font: { loadSystemFonts: false, fontFiles: chartFontFiles(), defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    fitTo: { mode: 'zoom', value: SCALE },
    background: COLORS.background,
    logLevel: 'off',
  });
  return { png: image.asPng(), alt: clampAlt(def.alt), title: def.title, filename: `${def.name}.png`, width: image.width, height: image.height };
}

/** Alt text within Slack's limit, cut at a sentence when it must be cut. */
export function clampAlt(alt: string): string {
  if (alt.length <= ALT_MAX) return alt;
  const cut = alt.slice(0, ALT_MAX - 1);
  const end = cut.lastIndexOf('. ');
  return `${end > ALT_MAX / 2 ? cut.slice(0, end + 1) : cut}…`;
}
