// What the CLI writes reaches a terminal: no escape sequence or control character gets through,
// JSON output stays the same JSON, and clean text comes back as it was.
import { describe, expect, it } from 'vitest';
import { stripControl, terminalSafe } from '../../src/app/cli/terminal-text.js';

const ESC = '\u001b';
// Every character a terminal may act on, except tab and newline.
const CONTROLS = [...Array.from({ length: 32 }, (_, i) => i).filter((c) => c !== 9 && c !== 10), ...Array.from({ length: 33 }, (_, i) => 0x7f + i)];
const hasControl = (s: string) => [...s].some((ch) => CONTROLS.includes(ch.charCodeAt(0)));

describe('terminalSafe', () => {
  it('returns clean text and clean JSON lines unchanged', () => {
    const text = 'line 1\tT3\nline 2\t-\nnaïve café — ok ✓\n';
    expect(terminalSafe(text)).toBe(text);
    const jsonl = '{"line":1,"template":"T1"}\n{"line":2,"template":null}\n';
    expect(terminalSafe(jsonl)).toBe(jsonl);
  });

  it('removes escape sequences from text: screen clear, OSC 8 link, OSC 52 clipboard, CR and backspace', () => {
    const evil = `a${ESC}[H${ESC}[2Jb ${ESC}]8;;https://evil.example${ESC}\\link${ESC}]8;;${ESC}\\ ${ESC}]52;c;aGk=\u0007c\rd\be\u009b31mf\u0090dcs\u009cg\n`;
    const out = terminalSafe(evil);
    expect(hasControl(out)).toBe(false);
    expect(out).toBe('ab link cdefg\n');
  });

  it('strips every single control character on its own, and keeps the newline', () => {
    for (const c of CONTROLS) {
      const out = terminalSafe(`x${String.fromCharCode(c)}y\tz\n`);
      expect(hasControl(out), `U+${c.toString(16)}`).toBe(false);
      // ESC and the C1 string introducers take what follows them as their sequence.
      expect(out.startsWith('x') && out.endsWith('\n')).toBe(true);
    }
  });

  it('keeps JSON as JSON: DEL and C1 inside strings become \\u escapes', () => {
    const doc = JSON.stringify({ message: `a\u007fb\u009bc${ESC}[2J` }, null, 2);
    const out = terminalSafe(`${doc}\n`);
    expect(hasControl(out)).toBe(false);
    expect(JSON.parse(out)).toEqual(JSON.parse(doc));
    const lines = `${JSON.stringify({ m: 'x\u0085' })}\n${JSON.stringify({ m: 'y' })}\n`;
    const safeLines = terminalSafe(lines);
    expect(hasControl(safeLines)).toBe(false);
    expect(safeLines.split('\n').filter(Boolean).map((l): unknown => JSON.parse(l))).toEqual([{ m: 'x\u0085' }, { m: 'y' }]);
  });

  it('treats text that only looks like JSON as text', () => {
    const out = terminalSafe(`{not json ${ESC}[31mred\u0085}\n`);
    expect(out).toBe('{not json red}\n');
  });

  it('stripControl and terminalSafe agree on text without JSON', () => {
    const s = `p${ESC}(Bq${ESC}Pdata${ESC}\\r\u0007s`;
    expect(terminalSafe(s)).toBe(stripControl(s));
    expect(hasControl(stripControl(s))).toBe(false);
  });
});
