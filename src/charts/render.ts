// Chart rendering without a browser: a vega-lite spec is compiled to vega and drawn as SVG by
// vega's headless view and rasterized by resvg with the bundled font and system fonts off
// (svg.ts), all in a worker thread (svg-thread.ts). The same spec gives the same PNG bytes on
// any machine, and no step holds the bot's event loop.
import type { TopLevelSpec } from 'vega-lite';

// vega, vega-lite and resvg are loaded with the first chart, not at start-up: a bot that never
// draws one (or has charts off) does not carry them.
const thread = () => import('./svg-thread.js');

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

export { SCALE } from './theme.js';
/** Slack's limit on an image's alt text. */
export const ALT_MAX = 2000;

/** Draws a chart as PNG (in the chart worker thread), with its alt text. */
export async function renderChart(def: ChartDef): Promise<ChartImage> {
  const { drawOffThread } = await thread();
  const d = await drawOffThread(def.spec);
  return { png: Buffer.from(d.png.buffer, d.png.byteOffset, d.png.byteLength), alt: clampAlt(def.alt), title: def.title, filename: `${def.name}.png`, width: d.width, height: d.height };
}

/** Alt text within Slack's limit, cut at a sentence when it must be cut. */
export function clampAlt(alt: string): string {
  if (alt.length <= ALT_MAX) return alt;
  const cut = alt.slice(0, ALT_MAX - 1);
  const end = cut.lastIndexOf('. ');
  return `${end > ALT_MAX / 2 ? cut.slice(0, end + 1) : cut}…`;
}
