// The product's colours and the chart look every chart shares. ok/warn/critical are the three
// states /health reports; the neutral blue is the app's own (manifest background_color).
export const COLORS = {
  ok: '#2e7d32',
  warn: '#e69500',
  critical: '#c62828',
  neutral: '#1f3a5f',
  muted: '#8a94a6',
  grid: '#e3e7ee',
  text: '#1d2430',
  background: '#ffffff',
} as const;

/** Series colours for several lines on one chart (templates, …): distinct, none of them red. */
export const SERIES = ['#1f3a5f', '#3f88c5', '#7b5ea7', '#44a1a0', '#9c6644', '#5c7457'] as const;

/** The bundled font family (see fonts.ts); system fonts are never used. */
export const FONT_FAMILY = 'Inter';

/** vega-lite `config` applied to every chart. */
export const VEGA_CONFIG = {
  font: FONT_FAMILY,
  background: COLORS.background,
  padding: 12,
  view: { stroke: null },
  title: { fontSize: 15, fontWeight: 600, anchor: 'start', color: COLORS.text, subtitleColor: COLORS.muted, subtitleFontSize: 11 },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 600, labelColor: COLORS.text, titleColor: COLORS.text, gridColor: COLORS.grid, domainColor: COLORS.muted, tickColor: COLORS.muted },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 600, labelColor: COLORS.text, titleColor: COLORS.text, labelLimit: 320 },
  text: { fontSize: 10, color: COLORS.text },
} as const;

/** Pixels per SVG unit: sharp on phones and high-density screens. */
export const SCALE = 2;
