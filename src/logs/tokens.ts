// Token estimates and cost. Gemini's tokenizer is not available offline (the SDK's local
// tokenizer downloads a model at run time), so prompts are measured with a heuristic that
// leans high for log text: words cost about one token per four letters, every digit is its own
// token (SentencePiece splits numbers), punctuation about half a token.

/** Estimated Gemini input tokens of a text. */
export function estimateTokens(text: string): number {
  let tokens = 0;
  let letters = 0;
  let punct = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
      letters++;
      continue;
    }
    if (letters > 0) {
      tokens += (letters + 3) >> 2;
      letters = 0;
    }
    if (c >= 48 && c <= 57) tokens++;
    else if (c === 32 || c === 10 || c === 9 || c === 13) continue;
    else if (c >= 128) tokens++;
    else punct++;
  }
  if (letters > 0) tokens += (letters + 3) >> 2;
  return tokens + Math.ceil(punct / 2);
}

export interface ModelPrice {
  /** US dollars per million input tokens. */
  inputPerMillion: number;
  /** US dollars per million output tokens (thinking tokens included). */
  outputPerMillion: number;
}

// Paid-tier standard prices from shared/reference/logs-llm-anchors.md §4.4. Other models have
// no built-in price: the cost shows as unknown unless a price is passed in.
export const GEMINI_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gemini-2.5-flash': { inputPerMillion: 0.3, outputPerMillion: 2.5 },
};

export function priceFor(model: string): ModelPrice | undefined {
  return GEMINI_PRICES[model.replace(/^models\//, '')];
}

/** Estimated cost in US dollars, or null when the model's price is unknown. */
export function estimateCostUsd(price: ModelPrice | undefined, inputTokens: number, outputTokens: number): number | null {
  if (!price) return null;
  return (inputTokens * price.inputPerMillion + outputTokens * price.outputPerMillion) / 1e6;
}
