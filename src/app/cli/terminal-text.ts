// Text the CLI writes to a terminal comes partly from outside: log lines, database values, error
// messages of other systems. A terminal obeys control characters in it — `ESC[H ESC[J` clears the
// screen, OSC 8 turns text into a link to anywhere, OSC 52 writes the clipboard, backspaces and
// carriage returns overwrite what was printed — so every write of the CLI goes through here.
/* eslint-disable no-control-regex -- matching control characters is what this file is for */

// ESC followed by a string-introducer (OSC ], DCS P, SOS X, PM ^, APC _) runs to BEL or ST (ESC \
// or 0x9C), or to the end of the line when unterminated; CSI (ESC [ or 0x9B) runs to its final byte; other ESC sequences are ESC, intermediates
// (0x20–0x2F) and one final byte. The 8-bit C1 forms are matched too.
const STRING_SEQUENCE = /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u001b\u009c\n]*(?:\u0007|\u001b\\|\u009c)?/g;
const CSI_SEQUENCE = /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?/g;
const ESC_SEQUENCE = /\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g;
// What is left: C0 except tab and newline, DEL, C1.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Only DEL and C1 can appear unescaped in JSON.stringify output (it escapes C0 itself).
const JSON_UNESCAPED = /[\u007f-\u009f]/g;
// Every sequence above starts with, and every character removed is, one of these: a chunk
// without any is already safe, JSON or not, and needs no parse (one scan, no backtracking).
const ANY_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Removes escape sequences and control characters (keeps newlines and tabs). */
export function stripControl(text: string): string {
  return text.replace(STRING_SEQUENCE, '').replace(CSI_SEQUENCE, '').replace(ESC_SEQUENCE, '').replace(CONTROL, '');
}

/**
 * Makes one chunk of CLI output safe for a terminal. A chunk that is JSON (`--json`, one document
 * or one per line) stays the same JSON: JSON.stringify already escapes C0 characters, and DEL and
 * C1, which it leaves raw and which can only stand inside strings, become \u escapes. Anything
 * else loses its escape sequences and control characters.
 */
export function terminalSafe(chunk: string): string {
  if (!ANY_CONTROL.test(chunk)) return chunk;
  if (isJson(chunk)) return chunk.replace(JSON_UNESCAPED, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return stripControl(chunk);
}

function isJson(chunk: string): boolean {
  const t = chunk.trim();
  if (!/^[[{"]/.test(t)) return false;
  const parses = (s: string) => {
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  };
  if (parses(t)) return true;
  const lines = t.split('\n').filter((l) => l.trim() !== '');
  return lines.length > 1 && lines.every((l) => /^\s*[[{]/.test(l) && parses(l));
}
