// The per-minute figures a log summary's chart is drawn from: lines and errors per minute, and
// the histograms of the top templates with their spikes. Kept beside the summary so the chart
// needs no second pass over the logs.
import { z } from 'zod';
import type { LogAnalysis } from './stats.js';

/** Templates whose histograms travel with a summary. */
export const SERIES_TEMPLATES = 5;

export const LogSeries = z.object({
  perMinute: z.array(z.object({ minute: z.number(), total: z.number().int().nonnegative(), errors: z.number().int().nonnegative() })),
  templates: z.array(
    z.object({
      id: z.string(),
      template: z.string(),
      count: z.number().int().nonnegative(),
      level: z.string(),
      perMinute: z.array(z.tuple([z.number(), z.number()])),
      spike: z.object({ minute: z.number(), count: z.number(), factor: z.number() }).optional(),
    }),
  ),
});
export type LogSeries = z.infer<typeof LogSeries>;

/** The series of an analysis (templates already redacted by the pipeline). */
export function logSeries(a: LogAnalysis): LogSeries {
  return {
    perMinute: a.perMinute.map((p) => ({ minute: p.minute, total: p.total, errors: p.errors })),
    templates: a.templates.slice(0, SERIES_TEMPLATES).map((t) => ({
      id: t.id,
      template: t.template,
      count: t.count,
      level: t.level,
      perMinute: t.perMinute.map(([m, n]) => [m, n] as [number, number]),
      ...(t.spike ? { spike: { minute: t.spike.minute, count: t.spike.count, factor: t.spike.factor } } : {}),
    })),
  };
}
