// The summary a reader sees, whichever produced it: Gemini or the deterministic offline
// summarizer. One zod schema for both, so renderers never branch on the source except to say it.
import { z } from 'zod';
import { LOG_LEVELS } from './types.js';
import { LogSeries } from './series.js';

export const SUMMARY_LIMITS = {
  headline: 150,
  impact: 1200,
  suspectedCause: 1200,
  timelineEntries: 12,
  timelineEvent: 300,
  keyTemplates: 10,
  note: 300,
  playbooks: 5,
  reason: 300,
} as const;

export const LogSummary = z.object({
  source: z.enum(['gemini', 'offline']),
  /** Why this is an offline summary (no key, timeout, HTTP 429 …); absent for Gemini. */
  reason: z.string().optional(),
  model: z.string().optional(),
  /** What the logs were (e.g. "edge functions, last 30 min"). */
  subject: z.string(),
  headline: z.string(),
  impact: z.string(),
  suspectedCause: z.string(),
  timeline: z.array(z.object({ time: z.string(), event: z.string() })),
  keyTemplates: z.array(
    z.object({
      id: z.string(),
      template: z.string(),
      count: z.number().int().nonnegative(),
      level: z.enum(LOG_LEVELS),
      note: z.string().optional(),
    }),
  ),
  /** Playbook ids from the registry only; rendered as "Request" buttons, never run. */
  suggestedPlaybooks: z.array(z.object({ id: z.string(), reason: z.string() })),
  caveats: z.array(z.string()),
  stats: z.object({
    lines: z.number().int().nonnegative(),
    templates: z.number().int().nonnegative(),
    errorLines: z.number().int().nonnegative(),
    errorShare: z.number().min(0).max(1),
    window: z.object({ start: z.number(), end: z.number() }).optional(),
  }),
  /** Per-minute figures for the chart (absent for summaries made elsewhere). */
  series: LogSeries.optional(),
  usage: z.object({
    /** Our estimate of the prompt (heuristic tokens), whether or not it was sent. */
    promptTokensEstimate: z.number().int().nonnegative(),
    rawTokensEstimate: z.number().int().nonnegative(),
    /** Reported by Gemini when it answered. */
    inputTokens: z.number().int().nonnegative().optional(),
    outputTokens: z.number().int().nonnegative().optional(),
    /** US dollars; null when the model's price is unknown. */
    estimatedCostUsd: z.number().nonnegative().nullable().optional(),
    attempts: z.number().int().nonnegative(),
  }),
});
export type LogSummary = z.infer<typeof LogSummary>;

const text = (max: number) =>
  z
    .unknown()
    .transform((v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : ''))
    .transform((s) => s.trim().slice(0, max));

// What the model must return. Lenient, as for any external payload: unknown fields are ignored,
// wrong-typed optional parts become empty; only a missing headline makes the answer unusable.
export const ModelSummary = z.object({
  headline: z.string().trim().min(1).transform((s) => s.slice(0, SUMMARY_LIMITS.headline)),
  impact: text(SUMMARY_LIMITS.impact).catch(''),
  suspectedCause: text(SUMMARY_LIMITS.suspectedCause).catch(''),
  timeline: z
    .array(z.object({ time: text(40), event: text(SUMMARY_LIMITS.timelineEvent) }).catch({ time: '', event: '' }))
    .catch([])
    .transform((xs) => xs.filter((x) => x.event !== '').slice(0, SUMMARY_LIMITS.timelineEntries)),
  keyTemplates: z
    .array(z.object({ id: text(20), note: text(SUMMARY_LIMITS.note).optional() }).catch({ id: '' }))
    .catch([]),
  suggestedPlaybooks: z.array(z.object({ id: text(80), reason: text(SUMMARY_LIMITS.note).catch('') }).catch({ id: '', reason: '' })).catch([]),
});
export type ModelSummary = z.infer<typeof ModelSummary>;
