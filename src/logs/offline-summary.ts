// The deterministic summary: built from the same statistics Gemini sees, in the same shape, when
// there is no API key, Gemini fails, or the user asks for --offline. Top error templates,
// spikes, error share and first occurrences; no guessing about causes.
import { formatCount, formatPct, plural } from '../core/format.js';
import { SUMMARY_LIMITS, type LogSummary } from './summary.js';
import type { LogAnalysis, TemplateStats } from './stats.js';
import { isErrorLevel } from './types.js';

export interface SummaryContext {
  /** What the logs were, e.g. "edge functions, last 30 min" or a file name. */
  subject: string;
  promptTokensEstimate: number;
}

/** Renders an epoch-ms time as HH:MM UTC (timelines are read next to UTC log lines). */
export function clockTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

function shorten(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Templates worth a reader's attention first: errors, then spikes, then new, then volume. */
export function rankTemplates(templates: readonly TemplateStats[]): TemplateStats[] {
  const score = (t: TemplateStats) => [t.errorCount > 0 || isErrorLevel(t.level) ? 1 : 0, t.spike ? 1 : 0, t.isNew ? 1 : 0, t.errorCount, t.count] as const;
  return [...templates].sort((a, b) => {
    const [x, y] = [score(a), score(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return y[i]! - x[i]!;
    return a.id.localeCompare(b.id);
  });
}

export function buildOfflineSummary(analysis: LogAnalysis, ctx: SummaryContext, reason: string): LogSummary {
  const ranked = rankTemplates(analysis.templates);
  const errors = ranked.filter((t) => t.errorCount > 0);
  const spikes = ranked.filter((t) => t.spike).sort((a, b) => b.spike!.factor - a.spike!.factor);
  const top = errors[0];
  const lines = plural(analysis.totalLines, 'line');

  let headline: string;
  if (analysis.totalLines === 0) headline = 'No log lines in this window';
  else if (top) headline = `${formatCount(top.errorCount)} error${top.errorCount === 1 ? '' : 's'}: ${shorten(top.template, 90)} (${top.id})`;
  else headline = `No errors in ${lines}; most frequent: ${shorten(ranked[0]?.template ?? '', 80)}`;

  const impactParts = [
    `${formatCount(analysis.errorLines)} of ${lines} ${analysis.errorLines === 1 ? 'is an error' : 'are errors'} (${formatPct(analysis.errorShare * 100)}) across ${plural(analysis.templates.length, 'template')}.`,
  ];
  if (errors.length > 1) impactParts.push(`${errors.length} templates carry errors; the largest: ${errors.slice(0, 3).map((t) => `${t.id} (${formatCount(t.errorCount)})`).join(', ')}.`);
  if (spikes.length > 0) {
    const s = spikes[0]!;
    impactParts.push(`Biggest spike: ${s.id} reached ${formatCount(s.spike!.count)} lines/min at ${clockTime(s.spike!.minute)} against a baseline of ${s.spike!.baseline}.`);
  }

  const firstError = [...errors].filter((t) => t.firstSeen !== undefined).sort((a, b) => a.firstSeen! - b.firstSeen!)[0];
  const suspectedCause = firstError
    ? `Not inferred offline. Earliest error template in the window: ${firstError.id} "${shorten(firstError.template, 160)}", first seen ${clockTime(firstError.firstSeen!)}.`
    : 'Not inferred offline.';

  const events: { at: number; text: string }[] = [];
  for (const t of errors) if (t.firstSeen !== undefined) events.push({ at: t.firstSeen, text: `First ${t.id}: ${shorten(t.template, 120)}` });
  for (const t of spikes) events.push({ at: t.spike!.minute, text: `Spike of ${t.id}: ${formatCount(t.spike!.count)}/min (×${t.spike!.factor.toFixed(1)})` });
  for (const t of ranked) if (t.isNew && t.errorCount === 0 && t.firstSeen !== undefined) events.push({ at: t.firstSeen, text: `New ${t.id}: ${shorten(t.template, 120)}` });
  const timeline = events
    .sort((a, b) => a.at - b.at)
    .slice(0, SUMMARY_LIMITS.timelineEntries)
    .map((e) => ({ time: clockTime(e.at), event: e.text }));

  return {
    source: 'offline',
    reason,
    subject: ctx.subject,
    headline: shorten(headline, SUMMARY_LIMITS.headline),
    impact: impactParts.join(' '),
    suspectedCause,
    timeline,
    keyTemplates: ranked.slice(0, 8).map((t) => ({ id: t.id, template: t.template, count: t.count, level: t.level })),
    suggestedPlaybooks: [],
    caveats: caveatsOf(analysis),
    stats: statsOf(analysis),
    usage: { promptTokensEstimate: ctx.promptTokensEstimate, rawTokensEstimate: analysis.rawTokensEstimate, attempts: 0 },
  };
}

export function statsOf(analysis: LogAnalysis): LogSummary['stats'] {
  return {
    lines: analysis.totalLines,
    templates: analysis.templates.length,
    errorLines: analysis.errorLines,
    errorShare: analysis.errorShare,
    ...(analysis.window ? { window: analysis.window } : {}),
  };
}

export function caveatsOf(analysis: LogAnalysis): string[] {
  const out: string[] = [];
  if (analysis.evictedLines > 0) out.push(`${formatCount(analysis.evictedLines)} lines belonged to rare templates dropped by the template cap.`);
  if (analysis.totalLines > 0 && !analysis.window) out.push('The lines carry no timestamps: no timeline or spikes.');
  return out;
}
