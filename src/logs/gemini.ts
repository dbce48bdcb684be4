// Gemini behind a small interface: the summarizer depends on GeminiClient, tests use a fake,
// and createGenaiClient adapts @google/genai 3 (the maintained SDK; it calls the v1 API by default).
// The adapter does one call and reports errors with their HTTP status (and RetryInfo); the retry
// policy (src/core/retry.ts) and the overall deadline are applied by the summarizer.
// The SDK is loaded on the first call: offline summaries (no key, the CLI at 3 a.m.) never pay
// for loading it.
import type * as GenAI from '@google/genai';
import type { GoogleGenAI, Schema, Type } from '@google/genai';

type Sdk = typeof GenAI;
let sdk: Promise<Sdk> | undefined;
const loadSdk = () => (sdk ??= import('@google/genai'));

export interface GenerateRequest {
  model: string;
  systemInstruction: string;
  prompt: string;
  responseSchema: Schema;
  maxOutputTokens: number;
  /** Aborts the call (per-attempt timeout or overall deadline). */
  signal: AbortSignal;
}

export interface GenerateResult {
  /** The model's text: JSON when the response schema was honoured. */
  text: string;
  inputTokens?: number;
  /** Candidate plus thinking tokens (both are billed as output). */
  outputTokens?: number;
}

/** One generateContent call to Gemini. */
export interface GeminiClient {
  /** Sends the request once; throws GeminiCallError (with the HTTP status when there is one). */
  generate(request: GenerateRequest): Promise<GenerateResult>;
}

export type GeminiFailure = 'http' | 'timeout' | 'network' | 'blocked' | 'empty';

export class GeminiCallError extends Error {
  readonly kind: GeminiFailure;
  readonly status?: number;
  /** Server-suggested wait (RetryInfo), when it sent one. */
  readonly retryAfterMs?: number;

  constructor(kind: GeminiFailure, message: string, opts: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'GeminiCallError';
    this.kind = kind;
    if (opts.status !== undefined) this.status = opts.status;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
  }
}

// The SDK's Type enum values, without loading the SDK.
const T = { OBJECT: 'OBJECT', STRING: 'STRING', ARRAY: 'ARRAY' } as Record<'OBJECT' | 'STRING' | 'ARRAY', Type>;

/** The JSON shape asked of the model (OpenAPI subset understood by Gemini's responseSchema). */
export const SUMMARY_RESPONSE_SCHEMA: Schema = {
  type: T.OBJECT,
  properties: {
    headline: { type: T.STRING, description: 'One line, at most 120 characters' },
    impact: { type: T.STRING },
    suspectedCause: { type: T.STRING },
    timeline: {
      type: T.ARRAY,
      items: { type: T.OBJECT, properties: { time: { type: T.STRING }, event: { type: T.STRING } }, required: ['time', 'event'] },
    },
    keyTemplates: {
      type: T.ARRAY,
      items: { type: T.OBJECT, properties: { id: { type: T.STRING }, note: { type: T.STRING } }, required: ['id'] },
    },
    suggestedPlaybooks: {
      type: T.ARRAY,
      items: { type: T.OBJECT, properties: { id: { type: T.STRING }, reason: { type: T.STRING } }, required: ['id', 'reason'] },
    },
  },
  required: ['headline', 'impact', 'suspectedCause', 'timeline', 'keyTemplates', 'suggestedPlaybooks'],
  propertyOrdering: ['headline', 'impact', 'suspectedCause', 'timeline', 'keyTemplates', 'suggestedPlaybooks'],
};

export interface GenaiClientOptions {
  apiKey: string;
  /** Proxy or gateway in front of the Gemini API (GEMINI_BASE_URL). */
  baseUrl?: string;
  /** Replaces global fetch (tests, or a custom agent). */
  fetch?: typeof fetch;
}

// RetryInfo.retryDelay such as "37s" inside the error body the SDK puts in the message.
function retryDelayMs(message: string): number | undefined {
  const m = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(message);
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

function toCallError(err: unknown, signal: AbortSignal, ApiError: Sdk['ApiError'] | undefined): GeminiCallError {
  if (err instanceof GeminiCallError) return err;
  if (signal.aborted) return new GeminiCallError('timeout', 'Gemini did not answer in time', { cause: err });
  if (ApiError && err instanceof ApiError) {
    const retryAfterMs = retryDelayMs(err.message);
    return new GeminiCallError('http', `Gemini answered HTTP ${err.status}`, { status: err.status, cause: err, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  }
  if (err instanceof Error && err.name === 'AbortError') return new GeminiCallError('timeout', 'Gemini did not answer in time', { cause: err });
  return new GeminiCallError('network', 'Gemini could not be reached', { cause: err });
}

export function createGenaiClient(opts: GenaiClientOptions): GeminiClient {
  let ai: GoogleGenAI | undefined;
  let loaded: Sdk | undefined;
  return {
    async generate(req) {
      try {
        loaded ??= await loadSdk();
        // The key is always passed explicitly, so the SDK never falls back to GEMINI_API_KEY itself.
        ai ??= new loaded.GoogleGenAI({
          apiKey: opts.apiKey,
          httpOptions: { ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}), ...(opts.fetch ? { fetch: opts.fetch } : {}) },
        });
        const res = await ai.models.generateContent({
          model: req.model,
          contents: req.prompt,
          config: {
            systemInstruction: req.systemInstruction,
            responseMimeType: 'application/json',
            responseSchema: req.responseSchema,
            maxOutputTokens: req.maxOutputTokens,
            abortSignal: req.signal,
            // Thinking is billed as output and not needed to summarise statistics.
            ...(/2\.5-flash/.test(req.model) ? { thinkingConfig: { thinkingBudget: 0 } } : {}),
          },
        });
        const block = res.promptFeedback?.blockReason;
        if (block) throw new GeminiCallError('blocked', `Gemini declined the prompt (${block})`);
        const finish = res.candidates?.[0]?.finishReason;
        const text = res.text;
        if (!text) throw new GeminiCallError(finish === loaded.FinishReason.SAFETY ? 'blocked' : 'empty', `Gemini returned no text${finish ? ` (${finish})` : ''}`);
        const usage = res.usageMetadata;
        const out = (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0);
        return {
          text,
          ...(usage?.promptTokenCount !== undefined ? { inputTokens: usage.promptTokenCount } : {}),
          ...(usage ? { outputTokens: out } : {}),
        };
      } catch (err) {
        throw toCallError(err, req.signal, loaded?.ApiError);
      }
    },
  };
}
