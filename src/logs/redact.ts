// Redaction of log text before anything leaves the process (Gemini, Slack, the terminal) and
// before templates are mined. Secrets and personal data become typed placeholders such as
// <EMAIL> or <JWT>, so lines that differ only in those values still fall into one template.
// Separate from src/core/redact.ts, which scrubs the bot's own config secrets with [REDACTED].
import { luhnValid } from './luhn.js';
import { MAY_HAVE_KEY, redactAuthorization, redactKeyValues } from '../core/redact-context.js';
import { hasKeyMarker, redactKeyBlocks, redactOpenKeyLine, type KeyLineState } from './redact-private-key.js';
import { MAY_HAVE_SHAPE, SHAPES } from '../core/redact-shapes.js';

export { closedKeyState, openKeyState, type KeyLineState } from './redact-private-key.js';

export const PLACEHOLDERS = [
  '<PRIVATE_KEY>',
  '<PASSWORD>',
  '<JWT>',
  '<SLACK_TOKEN>',
  '<SUPABASE_KEY>',
  '<GOOGLE_KEY>',
  '<STRIPE_KEY>',
  '<AWS_KEY>',
  '<GITHUB_TOKEN>',
  '<GITLAB_TOKEN>',
  '<NPM_TOKEN>',
  '<WEBHOOK>',
  '<API_KEY>',
  '<TOKEN>',
  '<SECRET>',
  '<COOKIE>',
  '<EMAIL>',
  '<PHONE>',
  '<SSN>',
  '<CARD>',
  '<IBAN>',
  '<IP>',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export interface LogRedactionOptions {
  /** Replace IPv4/IPv6 addresses with <IP> (default true: client IPs are personal data). */
  ips?: boolean;
  /** Exact values known to be secret (e.g. from config); replaced wherever they appear. */
  knownSecrets?: readonly string[];
}

/** Redacts log data: a whole text, or a stream of lines that may carry a key across lines. */
export interface LogRedactor {
  /** Returns the text with every secret and personal-data item replaced by a typed placeholder. */
  redact(text: string): string;
  /**
   * Redacts the next line of a stream: while `state` says a private key is open (its BEGIN
   * marker came in an earlier line), body lines are key material until the END marker.
   */
  redactLine(line: string, state: KeyLineState): string;
}

// scheme://user:password@host — the password goes, the user and host stay (they help diagnose).
// A scheme starts where no scheme character precedes it, so a long "a-b-c-…" run is scanned once.
const URL_PASSWORD = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"<>]*):([^\s@/'"<>]+)@/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g;

// Cheap tests that let most lines skip the expensive patterns (redaction runs on every line).
const MAY_HAVE_BEARER = /bearer|basic/i;
const MAY_HAVE_AUTHORIZATION = /authorization/i;
const HAS_DIGIT_DOT = /\d\.\d/;

const BEARER = /\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/=-]{8,})/gi;
const COOKIE = /\b((?:set-)?cookie)(\\?["']?\s*[:=]\s*\\?"?)([^"\\\r\n]+)/gi;

const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

// Card candidates: 13–19 digits, optionally grouped with spaces or dashes; kept only when the
// brand prefix and the Luhn check agree, so ids and epoch-millisecond times are left alone.
const CARD = /(?<![\w.+-])\d(?:[ -]?\d){12,18}(?![\w.-])/g;
const CARD_BRAND = /^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|6(?:011|5|4[4-9]|2)|35)/;

const PHONE_INTL = /(?<![\w+.-])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?![\w.:-])/g;
// E.164 numbers in query strings: %2B14155550142.
const PHONE_ENCODED = /%2[Bb]\d{8,15}(?!\d)/g;
const PHONE_NANP = /(?<![\w.+-])(?:1[ .-])?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w.:-])/g;

// US social security numbers as printed (AAA-GG-SSSS), without the numbers never issued.
const SSN = /(?<![\w.+-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w.-])/g;
// IBANs, printed whole or in groups of four; kept only when the ISO 7064 check (mod 97) holds.
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g;

const IPV6 =
  /(?<![\w:.])(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6})?::(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6})?(?::\d{1,3}(?:\.\d{1,3}){3})?)(?![\w:])/g;
// IPv6 in query strings (colons as %3A); a hex letter or "::" tells it from an encoded time.
const IPV6_ENCODED = /(?<![0-9A-Za-z])[0-9a-fA-F]{1,4}(?:%3[Aa][0-9a-fA-F]{0,4}){2,7}(?![0-9A-Za-z])/g;
const IPV4 = /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/g;

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * One pass over the characters instead of a regex scan per pattern: digits (cards, phones need
 * many), and whether an IBAN start (two capitals, two digits) or an SSN (ddd-dd-d) may be there.
 */
function numberTraits(s: string): { digits: number; iban: boolean; ssn: boolean } {
  let digits = 0;
  let capitals = 0;
  let iban = false;
  let ssn = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      digits++;
      if (capitals >= 2 && isDigit(s.charCodeAt(i + 1))) iban = true;
      capitals = 0;
    } else if (c >= 65 && c <= 90) capitals++;
    else {
      capitals = 0;
      if (c === 45 && !ssn && i >= 3 && isDigit(s.charCodeAt(i - 1)) && isDigit(s.charCodeAt(i + 1)) && isDigit(s.charCodeAt(i + 2)) && s.charCodeAt(i + 3) === 45) ssn = true;
    }
  }
  return { digits, iban, ssn };
}

function replaceBearer(match: string, scheme: string, space: string, token: string): string {
  // A real credential has digits, capitals or token punctuation; "Basic authentication" is prose,
  // and "bearer total_tokens=640" is a field that follows the word bearer.
  if (!/[0-9A-Z._~+/=-]/.test(token.slice(1)) || /=[^=]/.test(token)) return match;
  return `${scheme}${space}<TOKEN>`;
}

function replaceCard(match: string): string {
  const digits = match.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19 || !CARD_BRAND.test(digits) || !luhnValid(digits)) return match;
  // Grouped candidates must look like a printed card number (groups of 4, or Amex 4-6-5).
  if (digits.length !== match.length) {
    const groups = match.split(/[ -]/).map((g) => g.length);
    const fours = groups.slice(0, -1).every((g) => g === 4) && (groups.at(-1) ?? 0) <= 4 + 3;
    const amex = groups.join(',') === '4,6,5';
    if (!fours && !amex) return match;
  }
  return '<CARD>';
}

function replacePhone(match: string): string {
  const digits = match.replace(/\D/g, '').length;
  return digits >= 8 && digits <= 15 ? '<PHONE>' : match;
}

function replaceIban(match: string): string {
  const compact = match.replace(/ /g, '');
  if (compact.length < 15 || compact.length > 34) return match;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const c = ch.charCodeAt(0);
    const v = c <= 57 ? c - 48 : c - 55;
    rest = (v > 9 ? rest * 100 + v : rest * 10 + v) % 97;
  }
  return rest === 1 ? '<IBAN>' : match;
}

function replaceIpv6(match: string): string {
  const groups = match.split(':').filter((g) => g !== '').length;
  return groups >= 3 || match === '::1' || match.includes('.') ? '<IP>' : match;
}

export function createLogRedactor(opts: LogRedactionOptions = {}): LogRedactor {
  const ips = opts.ips ?? true;
  // Longest first so a secret that contains another is removed whole.
  const known = [...new Set((opts.knownSecrets ?? []).filter((s) => s.length >= 6))].sort((a, b) => b.length - a.length);

  const redactText = (text: string, keyState: KeyLineState | undefined): string => {
    let out = text;
    for (const value of known) if (out.includes(value)) out = out.split(value).join('<SECRET>');
    if (hasKeyMarker(out)) out = redactKeyBlocks(out, keyState);
    // Placeholders put in below name no secret key, so the gate is taken once, here.
    const mayHaveKey = MAY_HAVE_KEY.test(out);
    // By context first: the whole header value goes, whatever shapes it holds.
    if (mayHaveKey && MAY_HAVE_AUTHORIZATION.test(out)) out = redactAuthorization(out);
    if (out.includes('://') && out.includes('@')) out = out.replace(URL_PASSWORD, '$1:<PASSWORD>@');
    if (out.includes('eyJ')) out = out.replace(JWT, '<JWT>');
    if (MAY_HAVE_SHAPE.test(out)) for (const [re, placeholder] of SHAPES) out = out.replace(re, placeholder);
    // A "Bearer x" outside any Authorization header.
    if (MAY_HAVE_BEARER.test(out)) out = out.replace(BEARER, replaceBearer);
    if (mayHaveKey) out = redactKeyValues(out);
    if (/cookie/i.test(out)) out = out.replace(COOKIE, '$1$2<COOKIE>');
    if (out.includes('@') || out.includes('%40')) out = out.replace(EMAIL, '<EMAIL>');
    const { digits, iban, ssn } = numberTraits(out);
    if (digits >= 13) out = out.replace(CARD, replaceCard);
    if (iban && digits >= 10) out = out.replace(IBAN, replaceIban);
    if (digits >= 8) {
      if (ssn) out = out.replace(SSN, '<SSN>');
      if (out.includes('+')) out = out.replace(PHONE_INTL, replacePhone);
      if (out.includes('%2')) out = out.replace(PHONE_ENCODED, '<PHONE>');
      out = out.replace(PHONE_NANP, replacePhone);
    }
    if (ips) {
      // IPv6 needs two colons; most lines have at most one.
      if (out.indexOf(':') !== out.lastIndexOf(':') && (out.includes('::') || /:[0-9a-fA-F]{1,4}:/.test(out))) out = out.replace(IPV6, replaceIpv6);
      if (out.includes('%') && /%3a/i.test(out)) out = out.replace(IPV6_ENCODED, (m) => (/[a-fA-F]/.test(m.replace(/%3[Aa]/g, '')) || /%3[Aa]%3[Aa]/.test(m) ? '<IP>' : m));
      if (HAS_DIGIT_DOT.test(out)) out = out.replace(IPV4, '<IP>');
    }
    return out;
  };

  const redactLine = (line: string, state: KeyLineState): string => {
    if (state.open) {
      const inKey = redactOpenKeyLine(line, state);
      if (inKey) return inKey.rest === '' ? inKey.text : inKey.text + redactText(inKey.rest, state);
    }
    return redactText(line, state);
  };

  return { redact: (text) => redactText(text, undefined), redactLine };
}
