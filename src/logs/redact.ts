// Redaction of log text before anything leaves the process (Gemini, Slack, the terminal) and
// before templates are mined. Secrets and personal data become typed placeholders such as
// <EMAIL> or <JWT>, so lines that differ only in those values still fall into one template.
// Separate from src/redact.ts, which scrubs the bot's own config secrets with [REDACTED].
import { luhnValid } from './luhn.js';

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
  '<API_KEY>',
  '<TOKEN>',
  '<SECRET>',
  '<COOKIE>',
  '<EMAIL>',
  '<PHONE>',
  '<CARD>',
  '<IP>',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export interface LogRedactionOptions {
  /** Replace IPv4/IPv6 addresses with <IP> (default true: client IPs are personal data). */
  ips?: boolean;
  /** Exact values known to be secret (e.g. from config); replaced wherever they appear. */
  knownSecrets?: readonly string[];
}

/** Redacts one line (or any text) of log data. */
export interface LogRedactor {
  /** Returns the text with every secret and personal-data item replaced by a typed placeholder. */
  redact(text: string): string;
}

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;
// scheme://user:password@host — the password goes, the user and host stay (they help diagnose).
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"<>]*):([^\s@/'"<>]+)@/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g;

// Credentials recognisable by their prefix, whatever key (if any) they are stored under.
const PREFIXED: readonly (readonly [RegExp, Placeholder])[] = [
  [/(?<![A-Za-z0-9])(?:xox[abposrce]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})/g, '<SLACK_TOKEN>'],
  [/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g, '<SLACK_TOKEN>'],
  [/(?<![A-Za-z0-9])(?:sb_(?:secret|publishable)_[A-Za-z0-9_-]{10,}|sbp_(?:v0_)?[a-f0-9]{40})/g, '<SUPABASE_KEY>'],
  [/(?<![A-Za-z0-9])(?:AIza[0-9A-Za-z_-]{35}|ya29\.[0-9A-Za-z_-]{20,}|GOCSPX-[0-9A-Za-z_-]{20,})/g, '<GOOGLE_KEY>'],
  [/(?<![A-Za-z0-9])(?:(?:sk|pk|rk)_(?:live|test)_[0-9A-Za-z]{10,}|whsec_[0-9A-Za-z]{16,})/g, '<STRIPE_KEY>'],
  [/(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}(?![A-Za-z0-9])/g, '<AWS_KEY>'],
  [/(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/g, '<GITHUB_TOKEN>'],
  [/(?<![A-Za-z0-9])sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}/g, '<API_KEY>'],
];

// Cheap tests that let most lines skip the expensive patterns (redaction runs on every line).
const MAY_HAVE_PREFIXED = /xox|xapp|hooks\.slack|sbp?_|AIza|ya29\.|GOCSPX|[spr]k_|whsec_|A[KSGIRN][A-Z]A|gh[pousr]_|github_pat|sk-/;
const MAY_HAVE_BEARER = /bearer|basic/i;
const HAS_DIGIT_DOT = /\d\.\d/;
const MAY_HAVE_KEY = /pass|pwd|secret|token|key|session|signature|credential|authorization|phone|mobile|msisdn/i;

const BEARER = /\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/=-]{8,})/gi;

// key=value, key: value and "key":"value" where the key names a secret or personal datum.
// The key must END with the keyword, so `prompt_tokens=512` or `token_type=bearer` survive.
const SECRET_KEYWORDS =
  'password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|session[_-]?id|signature|credentials?|authorization';
const PII_KEYWORDS = 'phone|phone[_-]?number|mobile|telephone|msisdn';
const KEY_VALUE = new RegExp(
  String.raw`(\\?["']?)\b([A-Za-z0-9_.-]*?(?:${SECRET_KEYWORDS}|${PII_KEYWORDS}))\1(\s*[:=]\s*)` +
    String.raw`(\\"(?:[^"\\]|\\[^"])*\\"|"(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;&"'}\\]+)`,
  'gi',
);
const PASSWORD_KEY = /(?:password|passwd|pwd|secret)$/i;
const PII_KEY = new RegExp(String.raw`(?:${PII_KEYWORDS})$`, 'i');
const COOKIE = /\b((?:set-)?cookie)(\\?["']?\s*[:=]\s*\\?"?)([^"\\\r\n]+)/gi;

const EMAIL = /[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

// Card candidates: 13–19 digits, optionally grouped with spaces or dashes; kept only when the
// brand prefix and the Luhn check agree, so ids and epoch-millisecond times are left alone.
const CARD = /(?<![\w.+-])\d(?:[ -]?\d){12,18}(?![\w.-])/g;
const CARD_BRAND = /^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|6(?:011|5|4[4-9]|2)|35)/;

const PHONE_INTL = /(?<![\w+.-])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?![\w.:-])/g;
// E.164 numbers in query strings: %2B14155550142.
const PHONE_ENCODED = /%2[Bb]\d{8,15}(?!\d)/g;
const PHONE_NANP = /(?<![\w.+-])(?:1[ .-])?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w.:-])/g;

const IPV6 =
  /(?<![\w:.])(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6})?::(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6})?(?::\d{1,3}(?:\.\d{1,3}){3})?)(?![\w:])/g;
// IPv6 in query strings (colons as %3A); a hex letter or "::" tells it from an encoded time.
const IPV6_ENCODED = /(?<![0-9A-Za-z])[0-9a-fA-F]{1,4}(?:%3[Aa][0-9a-fA-F]{0,4}){2,7}(?![0-9A-Za-z])/g;
const IPV4 = /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/g;

function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

function isPlaceholder(v: string): boolean {
  return v.length > 2 && v.startsWith('<') && v.endsWith('>');
}

function replaceKeyValue(match: string, quote: string, key: string, sep: string, rawValue: string): string {
  // A bare value may hold parentheses (a URL-encoded phone number); a closing one it did not
  // open belongs to the text around it and is given back.
  let value = rawValue;
  let rest = '';
  while (/[)\]]$/.test(value) && !value.includes(value.endsWith(')') ? '(' : '[')) {
    rest = value.slice(-1) + rest;
    value = value.slice(0, -1);
  }
  const bare = value.replace(/^\\?["']|\\?["']$/g, '');
  if (bare === '' || isPlaceholder(bare) || /^(?:Bearer|Basic)$/i.test(bare)) return match;
  // "Invalid Refresh Token: Already Used" is prose: a bare word after an unquoted key and a colon
  // is kept, unless the key names a password, whose value may well be a word.
  if (quote === '' && sep.includes(':') && /^[A-Za-z]{1,15}$/.test(bare) && !PASSWORD_KEY.test(key)) return match;
  const placeholder = PII_KEY.test(key) ? '<PHONE>' : '<SECRET>';
  const open = value.startsWith('\\"') ? '\\"' : value.startsWith('"') ? '"' : value.startsWith("'") ? "'" : '';
  const close = open === '' ? '' : open;
  return `${quote}${key}${quote}${sep}${open}${placeholder}${close}${rest}`;
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

function replaceIpv6(match: string): string {
  const groups = match.split(':').filter((g) => g !== '').length;
  return groups >= 3 || match === '::1' || match.includes('.') ? '<IP>' : match;
}

export function createLogRedactor(opts: LogRedactionOptions = {}): LogRedactor {
  const ips = opts.ips ?? true;
  // Longest first so a secret that contains another is removed whole.
  const known = [...new Set((opts.knownSecrets ?? []).filter((s) => s.length >= 6))].sort((a, b) => b.length - a.length);

  const redact = (text: string): string => {
    let out = text;
    for (const value of known) if (out.includes(value)) out = out.split(value).join('<SECRET>');
    if (out.includes('PRIVATE KEY')) out = out.replace(PRIVATE_KEY, '<PRIVATE_KEY>');
    if (out.includes('://') && out.includes('@')) out = out.replace(URL_PASSWORD, '$1:<PASSWORD>@');
    if (out.includes('eyJ')) out = out.replace(JWT, '<JWT>');
    if (MAY_HAVE_PREFIXED.test(out)) for (const [re, placeholder] of PREFIXED) out = out.replace(re, placeholder);
    if (MAY_HAVE_BEARER.test(out)) out = out.replace(BEARER, replaceBearer);
    if (MAY_HAVE_KEY.test(out)) out = out.replace(KEY_VALUE, replaceKeyValue);
    if (/cookie/i.test(out)) out = out.replace(COOKIE, '$1$2<COOKIE>');
    if (out.includes('@') || out.includes('%40')) out = out.replace(EMAIL, '<EMAIL>');
    const digits = countDigits(out);
    if (digits >= 13) out = out.replace(CARD, replaceCard);
    if (digits >= 8) {
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
  return { redact };
}
