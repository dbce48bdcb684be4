// Private keys in logs: whole blocks inside one text (JSON with "\n" in it), and keys printed
// line by line, where the BEGIN marker, each base64 body line and the END marker arrive as
// separate log lines. The redactor sees one line at a time, so whether a key is open is state
// that a stream carries from line to line (see KeyLineState and prepare.ts).

// RSA, EC, DSA, ENCRYPTED, OPENSSH, PGP … PRIVATE KEY (BLOCK); dashes as loggers leave them.
const MARKER_BODY = String.raw`[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?`;
// Dash runs are bounded (markers have five): a line of a million dashes must not cost n².
const BLOCK = new RegExp(String.raw`(?<!-)-{2,12} ?BEGIN ${MARKER_BODY} ?-{2,12}[\s\S]*?(?:-{2,12} ?END ${MARKER_BODY} ?-{2,12}|$)`, 'g');
const END = new RegExp(String.raw`(?<!-)-{2,12} ?END ${MARKER_BODY} ?-{2,12}`);
const ENDS_WITH_END = new RegExp(String.raw`END ${MARKER_BODY} ?-{2,12}$`);

/** Whether a private key is open after the lines seen so far; one per stream of lines. */
export interface KeyLineState {
  open: boolean;
  /** Body lines taken since the key opened. */
  lines: number;
  /** What a logger put before the BEGIN marker (digits dropped): body lines after the same prefix are key. */
  prefix: string;
  /** Lines in a row since the last key line that were no key material. */
  misses: number;
}

export const closedKeyState = (): KeyLineState => ({ open: false, lines: 0, prefix: '', misses: 0 });
/** The state of a stream whose earlier lines opened a key (prefix unknown). */
export const openKeyState = (): KeyLineState => ({ open: true, lines: 0, prefix: '', misses: 0 });

const skeleton = (prefix: string) => prefix.replace(/\d+/g, '');

// A 16384-bit RSA key is about 200 lines of 64 characters; past that, the "key" was a BEGIN
// marker whose body never came, and the lines that follow are the log's own.
const MAX_KEY_LINES = 400;
// Lines of other kinds inside a key (a blank line with only a logger's timestamp, a line another
// thread logged in between) are passed through as they are; this many in a row end the key.
const MAX_MISSES = 2;
const PEM_HEADER = /(?:^|\s)(?:Proc-Type|DEK-Info|Comment|Version|Encryption|Public-Lines|Private-Lines|Private-MAC|Private-Hash):/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Where the trailer of a body line starts: escaped line breaks, closing quotes, commas, spaces. */
function trailerStart(line: string): number {
  let i = line.length;
  for (;;) {
    const c = line[i - 1];
    if (c === '"' || c === "'" || c === ',' || c === ' ' || c === '\t') i--;
    else if ((c === 'n' || c === 'r') && line[i - 2] === '\\') i -= 2;
    else return i;
  }
}

/** True when `text` holds a BEGIN … PRIVATE KEY marker (cheap test first). */
export function hasKeyMarker(text: string): boolean {
  return text.includes('PRIVATE KEY');
}

/**
 * Replaces every private key block in `text` by <PRIVATE_KEY>. A block without its END marker
 * runs to the end of the text; `state`, when given, is left open so the next lines are key too.
 */
export function redactKeyBlocks(text: string, state: KeyLineState | undefined): string {
  let open = false;
  let prefix = '';
  const out = text.replace(BLOCK, (block: string, at: number) => {
    open = !ENDS_WITH_END.test(block);
    prefix = text.slice(0, at);
    return '<PRIVATE_KEY>';
  });
  if (state && open) {
    state.open = true;
    state.lines = 0;
    state.misses = 0;
    state.prefix = skeleton(prefix);
  }
  return out;
}

/**
 * One line while a key is open: the line with the END marker closes it, a body line (base64,
 * the last short one too, possibly after a logger's prefix) or a PEM header is key material.
 * Returns the redacted line, or undefined when the line is not part of the key: it is to be
 * redacted as any other line, and after MAX_MISSES such lines in a row the key counts as closed.
 */
export function redactOpenKeyLine(line: string, state: KeyLineState): { text: string; rest: string } | undefined {
  const end = END.exec(line);
  if (end) {
    state.open = false;
    return { text: '<PRIVATE_KEY>', rest: line.slice(end.index + end[0].length) };
  }
  if (state.lines < MAX_KEY_LINES) {
    if (PEM_HEADER.test(line)) {
      state.lines++;
      state.misses = 0;
      return { text: '<PRIVATE_KEY>', rest: '' };
    }
    const body = line.slice(0, trailerStart(line));
    const cut = Math.max(body.lastIndexOf(' '), body.lastIndexOf('\t'), body.lastIndexOf('"'), body.lastIndexOf("'"));
    const token = body.slice(cut + 1);
    const prefix = body.slice(0, cut + 1);
    const lone = /^["'\s]*$/.test(prefix);
    // A lone token is a body line whatever its length (the last line is short). After a prefix
    // (a container name, a logger tag) it must be long or padded, or follow the prefix the BEGIN
    // marker and the body lines before it had, not to be an ordinary word.
    if (token !== '' && BASE64.test(token) && (lone || token.length >= 16 || token.endsWith('=') || (state.prefix !== '' && skeleton(prefix) === state.prefix))) {
      if (!lone) state.prefix = skeleton(prefix);
      state.misses = 0;
      state.lines++;
      return { text: `${lone ? '' : prefix}<PRIVATE_KEY>`, rest: '' };
    }
    if (body.trim() === '') return { text: line, rest: '' };
    if (++state.misses <= MAX_MISSES) return undefined;
  }
  state.open = false;
  return undefined;
}
