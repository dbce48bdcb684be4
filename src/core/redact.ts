// Secret scrubbing, by value and by key. Used for every log line, every Slack payload built from
// an error, and CLI output. Known secret values (from config) are replaced wherever they appear;
// common credential shapes are caught even when we were never told the value (the vendor
// shapes and the Authorization-header rule are the log redactor's, so both know the same ones).
import { redactAuthorization } from './redact-context.js';
import { MAY_HAVE_SHAPE, SHAPES } from './redact-shapes.js';

const SECRET_KEY = /pass(word|phrase)?|pwd|secret|token|api[-_]?key|authorization|cookie|signature|service[-_]?role|credential|private[-_]?key|signing[-_]?key|access[-_]?key/i;
const REPLACEMENT = '[REDACTED]';

// Shapes of credentials that must never leave the process, whatever their source.
const PATTERNS: RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]{8,}/g, // Slack bot/user/app tokens
  /xapp-[A-Za-z0-9-]{8,}/g, // Slack app-level token
  /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs (Supabase keys, access tokens)
  /sb_(secret|publishable)_[A-Za-z0-9_-]{10,}/g, // Supabase new-style API keys
  /AIza[0-9A-Za-z_-]{30,}/g, // Google API keys (Gemini)
  /\b[rs]k_(live|test)_[A-Za-z0-9]{10,}/g, // Stripe-like keys
];
// Bearer tokens; the scheme word is kept. (A lookbehind here would rescan every run of spaces.)
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
// A whole private key block, or from its BEGIN marker to the end when the END is missing.
const PRIVATE_KEY = /(?<!-)-{2,12} ?BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)? ?-{2,12}[\s\S]*?(?:-{2,12} ?END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)? ?-{2,12}|$)/g;
// user:password@ inside any URL (postgres://, https://…)
// A scheme starts where no scheme character precedes it: a long "a-b-c-…" run is scanned once.
const URL_PASSWORD = /((?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(@)/gi;

export interface Redactor {
  /** Returns the string with every secret replaced. */
  redact(text: string): string;
  /** Deep copy of a value with secret strings and secret-named keys replaced. */
  scrub<T>(value: T): T;
}

export function createRedactor(secretValues: readonly string[]): Redactor {
  // Longest first so a secret that contains another is removed whole.
  const values = [...new Set(secretValues.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  const encoded = values.flatMap((v) => {
    const enc = encodeURIComponent(v);
    return enc === v ? [] : [enc];
  });
  const all = [...values, ...encoded];

  const redact = (text: string): string => {
    let out = text;
    for (const v of all) {
      if (out.includes(v)) out = out.split(v).join(REPLACEMENT);
    }
    if (out.includes('PRIVATE KEY')) out = out.replace(PRIVATE_KEY, REPLACEMENT);
    // Any scheme (Token, Digest, AWS4-HMAC-SHA256…): the credentials go, the scheme word stays.
    if (/authorization/i.test(out)) out = redactAuthorization(out).replaceAll('<TOKEN>', REPLACEMENT);
    if (out.includes('://')) out = out.replace(URL_PASSWORD, `$1${REPLACEMENT}$3`);
    for (const p of PATTERNS) out = out.replace(p, REPLACEMENT);
    out = out.replace(BEARER, `$1${REPLACEMENT}`);
    if (MAY_HAVE_SHAPE.test(out)) for (const [re] of SHAPES) out = out.replace(re, REPLACEMENT);
    return out;
  };

  const scrubValue = (value: unknown, depth: number, seen: WeakSet<object>): unknown => {
    if (typeof value === 'string') return redact(value);
    if (value === null || typeof value !== 'object') return value;
    // A Date has no own entries: walked like an object it would print as {} in `--json`.
    if (value instanceof Date) return value;
    if (depth > 8 || seen.has(value)) return '[…]';
    seen.add(value);
    if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1, seen));
    if (value instanceof Error) {
      const code = (value as Error & { code?: unknown }).code;
      return {
        type: value.name,
        message: redact(value.message),
        stack: value.stack ? redact(value.stack) : undefined,
        ...(typeof code === 'string' ? { code } : {}),
      };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && typeof v === 'string' ? REPLACEMENT : scrubValue(v, depth + 1, seen);
    }
    return out;
  };

  return {
    redact,
    scrub: <T>(value: T): T => scrubValue(value, 0, new WeakSet()) as T,
  };
}
