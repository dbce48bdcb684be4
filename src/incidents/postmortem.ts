// The postmortem draft of an incident (issue 14, item 8): Markdown with a title line, summary,
// impact, timeline, stakeholder updates, what was run, durations, suspected cause, contributing
// factors, action items and a footer saying who wrote the narrative.
// The facts are always ours (the timeline, the audit rows, the incident's milestones). The model
// writes only the narrative, from redacted input framed as data, within the token budget, as
// JSON validated with zod; an answer that fails validation, cites nothing from the record or is
// empty gives the offline narrative of the same shape, and the footer says why. Never throws
// for a model failure.
import type { Clock } from '../core/clock.js';
import type { AuditRow } from '../state/audit-log.js';
import { citeTimeline, milestones, runFacts } from './postmortem-facts.js';
import { ModelNarrative, POSTMORTEM_RESPONSE_SCHEMA, PostmortemModelError, type PostmortemModel } from './postmortem-model.js';
import { offlineNarrative, type Narrative } from './postmortem-offline.js';
import { buildPostmortemPrompt, DEFAULT_POSTMORTEM_TOKEN_BUDGET, type TrimReport } from './postmortem-prompt.js';
import { renderFacts, renderNarrative, renderTitle } from './postmortem-render.js';
import { createScrub, oneLine, stamp } from './postmortem-text.js';
import type { Incident, Postmortem, StakeholderUpdate, TimelineEntry } from './types.js';

export const NO_KEY_REASON = 'no Gemini API key configured (GEMINI_API_KEY)';

export interface PostmortemInput {
  incident: Incident;
  /** The incident's timeline (any order; shown oldest first). */
  timeline: TimelineEntry[];
  updates: StakeholderUpdate[];
  /** Audit rows linked to the incident: playbook.*, backup.*, lockdown.* (as the engine and services write them). */
  auditFacts: AuditRow[];
  /** Headlines of the /logs summaries made during the incident. */
  logSummaries?: string[];
  /** Writes the narrative; without it the draft is offline. */
  model?: PostmortemModel;
  clock: Clock;
  /** The bot's secret scrubbing (config values); the log redactor runs after it. */
  redact: (text: string) => string;
  /** IANA zone the times are shown in (OPS_TIMEZONE). */
  timezone: string;
  /** Estimated input tokens the prompt may use (default 30,000, like LOGS_TOKEN_BUDGET). */
  tokenBudget?: number;
  /** Unticked checklist items of the incident (first steps, containment): they become action items. */
  openChecklistItems?: string[];
  /** Why there is no model, when `model` is absent (default: no Gemini API key). */
  offlineReason?: string;
}

type Outcome = { source: 'gemini'; narrative: Narrative; model: string } | { source: 'offline'; reason: string };

const BRACKETED = /(\s*)\[\s*([EULR]\d{1,6}(?:\s*[,;]\s*[EULR]\d{1,6})*)\s*\]/g;

/** Keeps only the citations of ids that were sent; returns the cleaned text and the valid ids. */
function keepCitations(text: string, citable: ReadonlySet<string>, found: Set<string>): string {
  return text
    .replace(BRACKETED, (_m, space: string, list: string) => {
      const ok = list.split(/[,;]/).map((s) => s.trim()).filter((id) => citable.has(id));
      for (const id of ok) found.add(id);
      // A dropped citation takes its leading space with it.
      return ok.length > 0 ? `${space}[${ok.join(', ')}]` : '';
    })
    .trim();
}

function fromModel(json: unknown, citable: ReadonlySet<string>): { ok: true; narrative: Narrative } | { ok: false; reason: string } {
  const o = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  if (!o) return { ok: false, reason: 'its JSON is not an object' };
  const strings = ['summary', 'impact', 'suspectedCause'].map((k) => o[k]).filter((v): v is string => typeof v === 'string');
  const lists = ['contributingFactors', 'actionItems'].map((k) => o[k]).filter((v): v is unknown[] => Array.isArray(v));
  if (strings.every((s) => s.trim() === '') && lists.every((l) => l.length === 0)) return { ok: false, reason: 'it returned an empty narrative' };
  const parsed = ModelNarrative.safeParse(o);
  if (!parsed.success) return { ok: false, reason: 'its JSON does not match the narrative schema (summary missing or not text)' };
  const m = parsed.data;
  const found = new Set<string>();
  const narrative: Narrative = {
    summary: keepCitations(m.summary, citable, found),
    impact: keepCitations(m.impact, citable, found),
    suspectedCause: keepCitations(m.suspectedCause, citable, found),
    contributingFactors: m.contributingFactors.map((f) => {
      const cites = f.cites.map((c) => c.trim()).filter((c) => citable.has(c));
      for (const c of cites) found.add(c);
      return { text: keepCitations(f.text, citable, found), cites };
    }),
    actionItems: m.actionItems.map((a) => ({ text: keepCitations(a.text, citable, found), ...(a.owner ? { owner: a.owner } : {}) })),
  };
  if (narrative.summary === '') return { ok: false, reason: 'it returned an empty narrative' };
  if (found.size === 0) return { ok: false, reason: 'its narrative cites nothing from the incident record' };
  return { ok: true, narrative };
}

function trimNote(trim: TrimReport, budget: number): string | undefined {
  const parts: string[] = [];
  if (trim.omitted > 0) {
    const b = trim.byImportance;
    const kinds = [b.routine && `${b.routine} routine`, b.notable && `${b.notable} notable`, b.key && `${b.key} key`].filter(Boolean).join(', ');
    parts.push(`The model was sent ${trim.total - trim.omitted} of ${trim.total} timeline entries: ${trim.omitted} were left out to fit the token budget of ${budget} tokens, oldest and least important first (${kinds}).`);
  }
  if (trim.omittedUpdates > 0) parts.push(`The ${trim.omittedUpdates} oldest stakeholder updates were not sent.`);
  if (trim.omittedLogSummaries > 0) parts.push(`The ${trim.omittedLogSummaries} oldest log summaries were not sent.`);
  if (trim.omittedRuns > 0) parts.push(`The ${trim.omittedRuns} oldest playbook runs were not sent.`);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** Builds the draft; the model (when given) writes only the narrative. */
export async function draftPostmortem(input: PostmortemInput): Promise<Postmortem> {
  const now = input.clock.now();
  const scrub = createScrub(input.redact);
  const tz = input.timezone;
  const budget = input.tokenBudget ?? DEFAULT_POSTMORTEM_TOKEN_BUDGET;
  const entries = citeTimeline(input.timeline);
  const runs = runFacts(input.auditFacts);
  const ms = milestones(input.incident);
  const logSummaries = input.logSummaries ?? [];
  const parts = { incident: input.incident, entries, updates: input.updates, logSummaries, runs, milestones: ms, scrub, timezone: tz, now };

  const notes: string[] = [];
  const ask = async (): Promise<Outcome> => {
    const model = input.model;
    if (!model) return { source: 'offline', reason: input.offlineReason ?? NO_KEY_REASON };
    const prompt = buildPostmortemPrompt({ ...parts, tokenBudget: budget });
    if (!prompt.fits) return { source: 'offline', reason: `the model was not asked: the incident record needs about ${prompt.tokensEstimate} tokens before any timeline entry, over the budget of ${budget}` };
    const note = trimNote(prompt.trim, budget);
    if (note) notes.push(note);
    let text: string;
    try {
      text = (await model.generate({ systemInstruction: prompt.systemInstruction, prompt: prompt.prompt, responseSchema: POSTMORTEM_RESPONSE_SCHEMA })).text;
    } catch (err) {
      const why = err instanceof PostmortemModelError ? err.message : `unexpected error${err instanceof Error ? ` (${oneLine(scrub(err.message), 200)})` : ''}`;
      return { source: 'offline', reason: `model failed: ${why}` };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { source: 'offline', reason: `model failed: ${model.name} returned invalid JSON` };
    }
    const checked = fromModel(json, prompt.citable);
    if (!checked.ok) return { source: 'offline', reason: `model failed: ${model.name} ${checked.reason}` };
    return { source: 'gemini', narrative: checked.narrative, model: model.name };
  };
  const outcome = await ask();
  const narrative = outcome.source === 'gemini' ? outcome.narrative : offlineNarrative({ ...parts, openChecklistItems: input.openChecklistItems ?? [] });
  const sections = renderNarrative(narrative, scrub);

  const footer = [
    outcome.source === 'gemini'
      ? `_Narrative (summary, impact, suspected cause, contributing factors, action items) written by Gemini (${outcome.model}) from the redacted record. The timeline, updates, what was run and the durations come from the bot's records._`
      : `_Offline draft: the narrative was written by rules from the bot's records, not by a model: ${outcome.reason}. The timeline, updates, what was run and the durations come from the bot's records._`,
    ...notes.map((n) => `_${n}_`),
    `_Drafted ${stamp(now, tz)}. Ids in brackets (E3, U1, L2, R4) point to the timeline, updates, log summaries and runs above._`,
  ];
  const markdown = [renderTitle(parts), sections.lead, renderFacts(parts), sections.analysis, '---', footer.join('\n\n')].join('\n\n') + '\n';
  return {
    incidentId: input.incident.id,
    source: outcome.source,
    ...(outcome.source === 'offline' ? { offlineReason: outcome.reason } : {}),
    markdown,
    createdAt: new Date(now),
  };
}
