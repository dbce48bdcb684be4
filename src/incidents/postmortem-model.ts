// The model behind the postmortem narrative: a small interface (tests use a hand-written fake)
// and its Gemini adapter, built on the same client and retry path as /logs (src/logs/gemini.ts,
// src/logs/gemini-call.ts). The model writes only the narrative — summary, impact, suspected
// cause, contributing factors, action items — as JSON; the facts are never asked of it.
import type { Schema, Type } from '@google/genai';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { createGenaiClient, type GeminiClient } from '../logs/gemini.js';
import { createGeminiCaller } from '../logs/gemini-call.js';
import type { LogsSummarySettings } from '../logs/settings.js';
import { DEFAULT_GEMINI_MODEL } from '../logs/summarizer.js';

export interface PostmortemModelRequest {
  systemInstruction: string;
  prompt: string;
  /** The JSON shape asked for (Gemini's responseSchema). */
  responseSchema: Schema;
}

export interface PostmortemModelReply {
  /** The model's text: JSON when the schema was honoured (validated by the caller). */
  text: string;
  /** Calls made, retries included. */
  attempts: number;
  inputTokens?: number;
  outputTokens?: number;
}

/** Failure of the model after its retries; the message is the reason shown in the draft. */
export class PostmortemModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostmortemModelError';
  }
}

/** Writes the narrative of a postmortem draft. */
export interface PostmortemModel {
  /** The model's name, shown in the draft's footer (e.g. gemini-2.5-flash). */
  readonly name: string;
  /** Asks once (with the adapter's retries); rejects with PostmortemModelError saying why. */
  generate(request: PostmortemModelRequest): Promise<PostmortemModelReply>;
}

/** Section caps of the narrative, whoever wrote it. */
export const NARRATIVE_LIMITS = {
  summary: 1500,
  impact: 1500,
  suspectedCause: 1000,
  factor: 400,
  factors: 10,
  actionItem: 300,
  actionItems: 15,
  owner: 80,
} as const;

// The SDK's Type enum values, without loading the SDK.
const T = { OBJECT: 'OBJECT', STRING: 'STRING', ARRAY: 'ARRAY' } as Record<'OBJECT' | 'STRING' | 'ARRAY', Type>;
const cites = { type: T.ARRAY, items: { type: T.STRING }, description: 'ids of the timeline entries (E12) or updates (U2) this rests on' };

/** The JSON shape asked of the model (OpenAPI subset understood by Gemini's responseSchema). */
export const POSTMORTEM_RESPONSE_SCHEMA: Schema = {
  type: T.OBJECT,
  properties: {
    summary: { type: T.STRING, description: '2–4 sentences: what happened and how it ended, citing ids like [E3]' },
    impact: { type: T.STRING, description: 'who and what was affected, for how long, citing ids' },
    suspectedCause: { type: T.STRING, description: 'the likely cause, how sure, citing ids; empty when unknown' },
    contributingFactors: { type: T.ARRAY, items: { type: T.OBJECT, properties: { text: { type: T.STRING }, cites }, required: ['text', 'cites'] } },
    actionItems: { type: T.ARRAY, items: { type: T.OBJECT, properties: { text: { type: T.STRING }, owner: { type: T.STRING } }, required: ['text'] } },
  },
  required: ['summary', 'impact', 'suspectedCause', 'contributingFactors', 'actionItems'],
  propertyOrdering: ['summary', 'impact', 'suspectedCause', 'contributingFactors', 'actionItems'],
};

const text = (max: number) =>
  z
    .unknown()
    .transform((v) => (typeof v === 'string' ? v.trim().slice(0, max) : ''))
    .catch('');

// What the model must return. Lenient as for any external payload (unknown fields ignored, a
// wrong-typed optional part becomes empty); a missing summary makes the answer unusable.
export const ModelNarrative = z.object({
  summary: z.string().trim().min(1).transform((s) => s.slice(0, NARRATIVE_LIMITS.summary)),
  impact: text(NARRATIVE_LIMITS.impact),
  suspectedCause: text(NARRATIVE_LIMITS.suspectedCause),
  contributingFactors: z
    .array(z.object({ text: text(NARRATIVE_LIMITS.factor), cites: z.array(z.string()).catch([]) }).catch({ text: '', cites: [] }))
    .catch([])
    .transform((xs) => xs.filter((x) => x.text !== '').slice(0, NARRATIVE_LIMITS.factors)),
  actionItems: z
    .array(z.object({ text: text(NARRATIVE_LIMITS.actionItem), owner: text(NARRATIVE_LIMITS.owner) }).catch({ text: '', owner: '' }))
    .catch([])
    .transform((xs) => xs.filter((x) => x.text !== '').slice(0, NARRATIVE_LIMITS.actionItems)),
});
export type ModelNarrative = z.infer<typeof ModelNarrative>;

export interface GeminiPostmortemModelOptions {
  /** GEMINI_API_KEY (required unless `client` is given). */
  apiKey?: string;
  /** GEMINI_MODEL (default gemini-2.5-flash). */
  model?: string;
  /** GEMINI_BASE_URL: a proxy or gateway in front of the Gemini API. */
  baseUrl?: string;
  /** Overall deadline for all attempts, in ms (default 30 s). */
  timeoutMs?: number;
  /** Attempts including the first (default 3). */
  maxAttempts?: number;
  maxOutputTokens?: number;
  clock: Clock;
  /** A Gemini client; by default one is built with @google/genai from apiKey/baseUrl. */
  client?: GeminiClient;
  fetch?: typeof fetch;
  /** Waits between attempts; replaced in tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  logger?: Logger;
}

/** The Gemini adapter; undefined without a key or client (the draft is then offline, saying so). */
export function createGeminiPostmortemModel(opts: GeminiPostmortemModelOptions): PostmortemModel | undefined {
  const client = opts.client ?? (opts.apiKey ? createGenaiClient({ apiKey: opts.apiKey, baseUrl: opts.baseUrl, fetch: opts.fetch }) : undefined);
  if (!client) return undefined;
  const name = opts.model ?? DEFAULT_GEMINI_MODEL;
  const call = createGeminiCaller({
    client,
    model: name,
    timeoutMs: opts.timeoutMs ?? 30_000,
    maxAttempts: opts.maxAttempts ?? 3,
    maxOutputTokens: opts.maxOutputTokens ?? 2048,
    clock: opts.clock,
    sleep: opts.sleep,
    random: opts.random,
    logger: opts.logger,
  });
  return {
    name,
    async generate(request) {
      const out = await call(request);
      if (!out.ok) throw new PostmortemModelError(out.reason);
      return { text: out.result.text, attempts: out.attempts, inputTokens: out.result.inputTokens, outputTokens: out.result.outputTokens };
    },
  };
}

/**
 * The model as configured for /logs (GEMINI_API_KEY, GEMINI_MODEL, GEMINI_BASE_URL,
 * GEMINI_TIMEOUT_MS, GEMINI_MAX_ATTEMPTS): one set of Gemini settings for the bot.
 * Undefined without a key.
 */
export function postmortemModelFromSettings(
  s: Pick<LogsSummarySettings, 'geminiApiKey' | 'geminiModel' | 'geminiBaseUrl' | 'geminiTimeoutMs' | 'geminiMaxAttempts'>,
  deps: { clock: Clock; logger?: Logger; fetch?: typeof fetch },
): PostmortemModel | undefined {
  if (!s.geminiApiKey) return undefined;
  return createGeminiPostmortemModel({
    apiKey: s.geminiApiKey,
    model: s.geminiModel,
    baseUrl: s.geminiBaseUrl,
    timeoutMs: s.geminiTimeoutMs,
    maxAttempts: s.geminiMaxAttempts,
    clock: deps.clock,
    logger: deps.logger,
    fetch: deps.fetch,
  });
}
