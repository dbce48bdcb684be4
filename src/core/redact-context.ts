// Redaction by context: a value is secret because of where it stands — after an Authorization
// header, under a key named like a secret, or after a command-line flag — whatever it looks
// like. Shapes (redact-shapes.ts) catch what a vendor prefix gives away; this catches the rest,
// such as `Authorization: Digest …`, `passphrase=two words` or a password that is a plain word.

// ---------------------------------------------------------------------------------------------
// Authorization and Proxy-Authorization headers, any scheme: the scheme word stays (it helps to
// diagnose "Basic vs Bearer"), every credential after it goes, up to the end of the header value.

const AUTH_HEADER = /\b((?:proxy-)?authorization)(\\?["']?)([ \t]*[:=][ \t]*)/gi;
// A word that may be a scheme name, and the schemes whose name is kept in the output (an unknown
// first word may itself be the credential, so it goes with the rest).
const SCHEME = /^[A-Za-z][A-Za-z0-9._-]{0,39}$/;
const KNOWN_SCHEME =
  /^(?:bearer|basic|digest|token|negotiate|ntlm|oauth|hawk|hoba|mutual|scram-sha-(?:1|256)|aws4-hmac-sha256|aws|apikey|api-key|key|ssws|splunk|googlelogin|bot|dpop|signature|sharedkey(?:lite)?|mac|kerberos|jwt|pat|sso-key|gitlab-ci-token)$/i;
// Values that say something about the request and are no credential.
const NOT_A_SECRET = /^(?:true|false|null|nil|none|undefined|redacted|\[redacted\]|\[filtered\]|\*+|x+|-|<[A-Z_]+>)$/i;
// A bare lowercase word after "authorization:" is prose ("authorization: denied"); a real
// credential has digits, capitals or punctuation, or is long.
const PROSE_WORD = /^[a-z]{1,19}(?: [a-z]{1,19})?$/;

function quoteAt(text: string, i: number): string {
  const c = text[i];
  if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === "'")) return `\\${text[i + 1]}`;
  return c === '"' || c === "'" ? c : '';
}

/** The quote just before index `i` (`"`, `'` or an escaped one), or ''. */
function quoteBefore(text: string, i: number): string {
  if (i > 1 && text[i - 2] === '\\') return quoteAt(text, i - 2);
  return i > 0 ? quoteAt(text, i - 1) : '';
}

/** Index of the closing `quote` at or after `from` (not escaped), or the end of the line. */
function closingQuote(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || c === '\r') return i;
    if (quote.length === 2) {
      if (c === '\\' && text[i + 1] === quote[1]) return i;
    } else if (c === '\\') i++;
    else if (c === quote) return i;
  }
  return text.length;
}

// One unquoted value: stops at space, comma, quote, bracket or an escaped newline.
const BARE = /[^\s,"'()[\]{}\\]+/y;
const PARAM = /[\w-]+[ \t]*=[ \t]*(?:"(?:[^"\\]|\\.)*"|[^\s,"'()[\]{}\\]*)/y;
const PARAM_SEPARATOR = /[ \t]*,[ \t]*(?=[\w-]+[ \t]*=)/y;
const TOKEN68 = /^[A-Za-z0-9._~+/-]+=*$/;
const SPACES = /[ \t]+/y;

function matchAt(re: RegExp, text: string, at: number): number {
  re.lastIndex = at;
  return re.test(text) ? re.lastIndex : -1;
}

/**
 * A header value written bare in a sentence: one credential (`abc123`), a scheme and one
 * credential (`Bearer abc`), or a scheme and auth parameters (`Digest username="a", nonce="b"`).
 * `schemeEnd` is -1 when the first word is not followed by credentials of its own.
 */
function bareValue(text: string, at: number): { schemeEnd: number; end: number } | undefined {
  const first = matchAt(BARE, text, at);
  if (first < 0) return undefined;
  const afterSpace = matchAt(SPACES, text, first);
  if (afterSpace < 0 || !SCHEME.test(text.slice(at, first))) return { schemeEnd: -1, end: first };
  let end = matchAt(PARAM, text, afterSpace);
  if (end >= 0) {
    const next = matchAt(PARAM_SEPARATOR, text, end);
    const param = text.slice(afterSpace, end);
    // `authorization=abc123 user=maria`: one field and no comma, so abc123 was the credential
    // (unless the "field" is base64 padding or a quoted parameter).
    if (next < 0 && !TOKEN68.test(param) && !/^[\w-]+[ \t]*=[ \t]*"/.test(param)) return { schemeEnd: -1, end: first };
    for (let sep = next; sep >= 0; sep = matchAt(PARAM_SEPARATOR, text, end)) {
      const p = matchAt(PARAM, text, sep);
      if (p < 0) break;
      end = p;
    }
    return { schemeEnd: first, end };
  }
  end = matchAt(BARE, text, afterSpace);
  return end < 0 ? { schemeEnd: -1, end: first } : { schemeEnd: first, end };
}

/** Where the credentials of a value `[from, end)` start: after a known scheme word, else at once. */
function credentialStart(text: string, from: number, end: number): number {
  const inner = text.slice(from, end);
  const space = inner.search(/[ \t]/);
  if (space <= 0 || !KNOWN_SCHEME.test(inner.slice(0, space))) return from;
  return matchAt(SPACES, text, from + space);
}

/** Replaces the credentials of every Authorization / Proxy-Authorization header in `text`. */
export function redactAuthorization(text: string): string {
  let out = '';
  let last = 0;
  AUTH_HEADER.lastIndex = 0;
  for (let m = AUTH_HEADER.exec(text); m; m = AUTH_HEADER.exec(text)) {
    const valueAt = m.index + m[0].length;
    const keyQuote = m[2]!;
    const valueQuote = quoteAt(text, valueAt);
    // The header inside a quoted string of its own: -H "Authorization: Token abc" or
    // ["Authorization: Basic …"]; its value ends where that string does.
    const enclosing = keyQuote === '' && valueQuote === '' ? quoteBefore(text, m.index) : '';
    let from: number;
    let end: number;
    let bare = false;
    if (valueQuote !== '') {
      // "authorization": "Digest username=\"a\", …" — the whole quoted value.
      from = valueAt + valueQuote.length;
      end = closingQuote(text, from, valueQuote);
    } else if (enclosing !== '') {
      from = valueAt;
      end = closingQuote(text, valueAt, enclosing);
    } else {
      const span = bareValue(text, valueAt);
      if (!span) continue;
      bare = true;
      from = valueAt;
      end = span.end;
    }
    const credAt = credentialStart(text, from, end);
    const cred = text.slice(credAt, end).trim();
    if (cred === '' || NOT_A_SECRET.test(cred) || KNOWN_SCHEME.test(cred) || (bare && m[3]!.includes(':') && PROSE_WORD.test(cred))) continue;
    out += `${text.slice(last, credAt)}<TOKEN>`;
    last = end;
    AUTH_HEADER.lastIndex = end;
  }
  return last === 0 ? text : out + text.slice(last);
}

// ---------------------------------------------------------------------------------------------
// key=value, key: value, "key": "value", ?key=value and <key>value</key>, where the key names a
// secret or a personal datum. The key must END with the keyword, so `prompt_tokens=512`,
// `token_type=bearer` or `password_reset_sent=true` survive.

// Factored by first letters: the regex tries them at every word of a line. A key that merely
// ends with one (db_password, client_secret, x-api-key) counts.
const SECRET_KEYWORDS = [
  'pass(?:word|wd|[_-]?phrase)',
  // DB_PASS, pass=…, but not bypass or compass.
  '(?<![A-Za-z])pass',
  'pwd',
  'secret',
  'token',
  '(?:api|access|private|secret|signing|encryption|master|account|subscription)[_-]?key',
  'apikey',
  'session[_-]?id',
  'sig(?:nature)?',
  'credentials?',
  'auth',
].join('|');
const PII_KEYWORDS = 'phone(?:[_-]?number)?|mobile|msisdn';
const SSN_KEYWORDS = 'ssn|social[_-]?security(?:[_-]?(?:number|no))?';

export const KEY_VALUE = new RegExp(
  String.raw`(\\?["']?)\b([A-Za-z0-9_.-]*?(?:${SECRET_KEYWORDS}|${PII_KEYWORDS}|${SSN_KEYWORDS}))\1(\s*[:=]\s*)` +
    String.raw`(\\"(?:[^"\\]|\\[^"])*\\"|"(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;&"'}\\]+)`,
  'gi',
);
/** Cheap test: false means KEY_VALUE (and the flag and XML forms) cannot match. */
// `auth` only right before a separator: "connection authorized" or /auth/v1/ paths need no look.
export const MAY_HAVE_KEY = /pass|pwd|secret|token|key|session|sig|credential|auth(?:orization)?["'\\]*\s*[:=]|phone|mobile|msisdn|ssn|social/i;

// Keys whose value may well be an ordinary word, so prose rules do not apply to them.
const PASSWORD_KEY = /(?:password|passwd|pwd|pass[_-]?phrase|secret|(?<![A-Za-z])pass)$/i;
const PII_KEY = new RegExp(String.raw`(?:${PII_KEYWORDS})$`, 'i');
const SSN_KEY = new RegExp(String.raw`(?:${SSN_KEYWORDS})$`, 'i');
// A short lowercase word under a non-password key says what happened (token=expired, auth=ok).
const STATUS_WORD = /^[a-z]{1,12}$/;

function isPlaceholder(v: string): boolean {
  return v.length > 2 && v.startsWith('<') && v.endsWith('>');
}

export function replaceKeyValue(match: string, quote: string, key: string, sep: string, rawValue: string): string {
  // A bare value may hold parentheses (a URL-encoded phone number); a closing one it did not
  // open belongs to the text around it and is given back.
  let value = rawValue;
  let rest = '';
  while (/[)\]]$/.test(value) && !value.includes(value.endsWith(')') ? '(' : '[')) {
    rest = value.slice(-1) + rest;
    value = value.slice(0, -1);
  }
  const bare = value.replace(/^\\?["']|\\?["']$/g, '');
  if (bare === '' || isPlaceholder(bare) || /^(?:Bearer|Basic)$/i.test(bare) || NOT_A_SECRET.test(bare)) return match;
  const password = PASSWORD_KEY.test(key);
  // "Invalid Refresh Token: Already Used" is prose: a bare word after an unquoted key and a colon
  // is kept, unless the key names a password, whose value may well be a word.
  if (!password && quote === '' && sep.includes(':') && /^[A-Za-z]{1,15}$/.test(bare)) return match;
  if (!password && STATUS_WORD.test(bare)) return match;
  const placeholder = PII_KEY.test(key) ? '<PHONE>' : SSN_KEY.test(key) ? '<SSN>' : '<SECRET>';
  const open = value.startsWith('\\"') ? '\\"' : value.startsWith('"') ? '"' : value.startsWith("'") ? "'" : '';
  return `${quote}${key}${quote}${sep}${open}${placeholder}${open}${rest}`;
}

// A passphrase is several words: unquoted, it runs on to the next `key=` / `key:` or the end.
const PASSPHRASE = /\b([\w.-]*pass[_-]?phrase)([ \t]*[:=][ \t]*)(?!["'\\<])([^\s=&,;"'}]+(?:[ \t]+(?![\w.-]+[:=])[^\s=&,;"'}]+)*)/gi;
// --password hunter2, --api-key abc (the `=` form is a key=value).
const FLAG = new RegExp(String.raw`(?<![\w-])(--?[\w-]*?(?:${SECRET_KEYWORDS}))[ \t]+(?!-)([^\s"']+|"[^"]*"|'[^']*')`, 'gi');
// "SSN: 123 45 6789", "social security number 123456789": the number after the words, whatever its spacing.
const SSN_CONTEXT = /\b(ssn|social[ _-]?security(?:[ _-]?(?:number|no\.?))?)((?:["'\\]*[ \t]*[:=#]?[ \t]*["'\\]*)?[ \t]*)(\d{3}[ .-]?\d{2}[ .-]?\d{4})(?![\d-])/gi;
// <password>x</password>, <ApiKey>…</ApiKey>.
const XML = new RegExp(String.raw`<([\w:.-]*?(?:${SECRET_KEYWORDS}))>([^<]+)</\1>`, 'gi');

/** Replaces values of keys named like secrets (and phone numbers, SSNs) in all their forms. */
export function redactKeyValues(text: string): string {
  let out = text;
  if (/phrase/i.test(out)) out = out.replace(PASSPHRASE, (m: string, key: string, sep: string, v: string) => (isPlaceholder(v) ? m : `${key}${sep}<SECRET>`));
  if (/ssn|social/i.test(out)) out = out.replace(SSN_CONTEXT, '$1$2<SSN>');
  out = out.replace(KEY_VALUE, replaceKeyValue);
  // A flag follows a space (or starts the line): `pg_dump --password x`.
  if (out.includes(' -') || out.startsWith('-') || out.includes('\t-')) out = out.replace(FLAG, (m: string, flag: string, v: string) => (isPlaceholder(v) || NOT_A_SECRET.test(v) ? m : `${flag} <SECRET>`));
  if (out.includes('</')) out = out.replace(XML, (m: string, tag: string, v: string) => (isPlaceholder(v) || NOT_A_SECRET.test(v) ? m : `<${tag}><SECRET></${tag}>`));
  return out;
}
