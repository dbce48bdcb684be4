// From statistics to a summary: build the prompt within the token budget, ask Gemini with
// retries (408/429/5xx only, exponential backoff with jitter) inside one overall deadline,
// validate the answer, keep only what it may say (known template ids, registry playbook ids).
// Any failure, or no API key, gives the offline summary labelled with the reason. Never throws.
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { createGenaiClient, SUMMARY_RESPONSE_SCHEMA, type GeminiClient } from './gemini.js';
import { createGeminiCaller } from './gemini-call.js';
import { buildOfflineSummary, caveatsOf, statsOf } from './offline-summary.js';
import { buildPrompt, DEFAULT_TOKEN_BUDGET, type BuiltPrompt } from './prompt.js';
import type { LogAnalysis } from './stats.js';
import { LogSummary, ModelSummary } from './summary.js';
import { estimateCostUsd, priceFor, type ModelPrice } from './tokens.js';

export const DEFAULT_GEMINI_MODEL = 'gemini-2.5-flash';

export interface LogSummarizerOptions {
  /** GEMINI_API_KEY; without it every summary is offline. */
  apiKey?: string;
  /** GEMINI_MODEL (default gemini-2.5-flash). */
  model?: string;
  /** GEMINI_BASE_URL: a proxy or gateway in front of the Gemini API. */
  baseUrl?: string;
  /** Overall deadline for all attempts, in ms (default 30 s). */
  timeoutMs?: number;
  /** Attempts including the first (default 3). */
  maxAttempts?: number;
  /** Estimated input tokens the prompt may use (default 30,000). */
  tokenBudget?: number;
  maxOutputTokens?: number;
  /** Playbook ids the registry knows; anything else the model suggests is dropped. */
  knownPlaybookIds: ReadonlySet<string>;
  playbookTitles?: ReadonlyMap<string, string>;
  /** Price per million tokens when the model is not in the built-in table. */
  price?: ModelPrice;
  clock: Clock;
  /** A Gemini client; by default one is built with @google/genai from apiKey/baseUrl. */
  client?: GeminiClient;
  /** fetch for the default client (tests point it at a fake server). */
  fetch?: typeof fetch;
  /** Waits between attempts; replaced in tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Source of jitter in [0, 1). */
  random?: () => number;
  logger?: Logger;
}

export interface SummarizeRequest {
  /** What the logs were, e.g. "edge functions, last 30 min". */
  subject: string;
  /** Skip Gemini (the CLI's --offline). */
  offline?: boolean;
  /** Notes from the source the reader should see, e.g. "only the first 20,000 rows were read". */
  caveats?: readonly string[];
}

/** Turns log statistics into a summary for people. */
export interface LogSummarizer {
  /** Always resolves: a Gemini summary, or the offline one saying why. */
  summarize(analysis: LogAnalysis, request: SummarizeRequest): Promise<LogSummary>;
}

export function createLogSummarizer(opts: LogSummarizerOptions): LogSummarizer {
  const model = opts.model ?? DEFAULT_GEMINI_MODEL;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
  const sleep = opts.sleep;
  const random = opts.random ?? Math.random;
  const price = opts.price ?? priceFor(model);
  const client: GeminiClient | undefined =
    opts.client ?? (opts.apiKey ? createGenaiClient({ apiKey: opts.apiKey, ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}), ...(opts.fetch ? { fetch: opts.fetch } : {}) }) : undefined);

  // The one retry policy (src/core/retry.ts) with Gemini's rule: 408/429/5xx only, a
  // server-suggested delay honoured, all attempts inside GEMINI_TIMEOUT_MS (gemini-call.ts).
  const caller = client
    ? createGeminiCaller({ client, model, timeoutMs, maxAttempts, maxOutputTokens: opts.maxOutputTokens ?? 2048, clock: opts.clock, sleep, random, logger: opts.logger })
    : undefined;

  return {
    async summarize(analysis, request) {
      const summary = await summarizeOnce(analysis, request);
      return request.caveats && request.caveats.length > 0 ? { ...summary, caveats: [...request.caveats, ...summary.caveats] } : summary;
    },
  };

  async function summarizeOnce(analysis: LogAnalysis, request: SummarizeRequest): Promise<LogSummary> {
    const prompt = buildPrompt(analysis, {
      tokenBudget: opts.tokenBudget ?? DEFAULT_TOKEN_BUDGET,
      knownPlaybookIds: opts.knownPlaybookIds,
      ...(opts.playbookTitles ? { playbookTitles: opts.playbookTitles } : {}),
      subject: request.subject,
    });
    const ctx = { subject: request.subject, promptTokensEstimate: prompt.tokensEstimate };
    const offline = (reason: string, attempts = 0) => ({ ...buildOfflineSummary(analysis, ctx, reason), usage: { promptTokensEstimate: prompt.tokensEstimate, rawTokensEstimate: analysis.rawTokensEstimate, attempts } });
    if (request.offline) return offline('offline mode requested');
    if (!caller) return offline('no Gemini API key configured (GEMINI_API_KEY)');
    if (analysis.totalLines === 0) return offline('no log lines to summarize');

    const call = await caller({ systemInstruction: prompt.systemInstruction, prompt: prompt.prompt, responseSchema: SUMMARY_RESPONSE_SCHEMA });
    if (!call.ok) return offline(call.reason, call.attempts);
    let json: unknown;
    try {
      json = JSON.parse(call.result.text);
    } catch {
      return offline('Gemini returned invalid JSON', call.attempts);
    }
    const parsed = ModelSummary.safeParse(json);
    if (!parsed.success) return offline('Gemini returned JSON without the summary fields', call.attempts);
    return fromModel(analysis, parsed.data, prompt, { model, attempts: call.attempts, subject: request.subject, price, result: call.result, knownPlaybookIds: opts.knownPlaybookIds });
  }
}

interface FromModelContext {
  model: string;
  attempts: number;
  subject: string;
  price: ModelPrice | undefined;
  result: { inputTokens?: number; outputTokens?: number };
  knownPlaybookIds: ReadonlySet<string>;
}

// Keep only what the model may say: templates it was shown (with our counts, not its own) and
// playbooks from the registry. A playbook id that appears in the log data itself is dropped
// too: a log line naming a playbook is exactly what a prompt injection would look like.
function fromModel(analysis: LogAnalysis, m: ModelSummary, prompt: BuiltPrompt, ctx: FromModelContext): LogSummary {
  const byId = new Map(analysis.templates.map((t) => [t.id, t]));
  const caveats = caveatsOf(analysis);
  const seen = new Set<string>();
  const keyTemplates = m.keyTemplates.flatMap((k) => {
    const t = byId.get(k.id);
    if (!t || !prompt.includedTemplateIds.has(k.id) || seen.has(k.id)) return [];
    seen.add(k.id);
    return [{ id: t.id, template: t.template, count: t.count, level: t.level, ...(k.note ? { note: k.note } : {}) }];
  });
  const logText = analysis.templates.map((t) => `${t.template}\n${t.examples.join('\n')}`).join('\n').toLowerCase();
  const playbooks: LogSummary['suggestedPlaybooks'] = [];
  for (const p of m.suggestedPlaybooks) {
    if (!p.id || playbooks.some((x) => x.id === p.id)) continue;
    if (!ctx.knownPlaybookIds.has(p.id)) {
      caveats.push(`Dropped a suggested playbook that is not in the registry: "${p.id.slice(0, 40)}".`);
      continue;
    }
    if (logText.includes(p.id.toLowerCase())) {
      caveats.push(`Dropped the suggestion "${p.id}": the logs themselves name it, which looks like an instruction planted in a log line.`);
      continue;
    }
    playbooks.push({ id: p.id, reason: p.reason });
  }
  if (prompt.omittedTemplates > 0) caveats.push(`${prompt.omittedTemplates} templates (${prompt.omittedLines} lines) did not fit the token budget and were not sent.`);
  const inputTokens = ctx.result.inputTokens ?? prompt.tokensEstimate;
  const outputTokens = ctx.result.outputTokens ?? 0;
  const summary: LogSummary = {
    source: 'gemini',
    model: ctx.model,
    subject: ctx.subject,
    headline: m.headline,
    impact: m.impact,
    suspectedCause: m.suspectedCause,
    timeline: m.timeline,
    keyTemplates: keyTemplates.slice(0, 10),
    suggestedPlaybooks: playbooks.slice(0, 5),
    caveats,
    stats: statsOf(analysis),
    usage: {
      promptTokensEstimate: prompt.tokensEstimate,
      rawTokensEstimate: analysis.rawTokensEstimate,
      ...(ctx.result.inputTokens !== undefined ? { inputTokens: ctx.result.inputTokens } : {}),
      ...(ctx.result.outputTokens !== undefined ? { outputTokens: ctx.result.outputTokens } : {}),
      estimatedCostUsd: estimateCostUsd(ctx.price, inputTokens, outputTokens),
      attempts: ctx.attempts,
    },
  };
  return LogSummary.parse(summary);
}
