// Block Kit limits by construction: 3000 characters per section, 50 blocks, 150 per header.
import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { context, escapeMrkdwn, fitMessage, header, LIMITS, sections, splitText, truncate } from '../../src/slack/blocks.js';

function lines(n: number, width: number): string[] {
  return Array.from({ length: n }, (_, i) => `${String(i).padStart(4, '0')} ${'x'.repeat(width - 5)}`);
}

function sectionText(b: KnownBlock): string {
  if (b.type !== 'section' || !b.text) throw new Error(`not a section with text: ${b.type}`);
  return b.text.text;
}

describe('splitText', () => {
  it('keeps text of exactly 3000 characters in one piece', () => {
    const text = lines(29, 99).join('\n') + '\n' + 'y'.repeat(100);
    expect(text).toHaveLength(3000);
    expect(splitText(text)).toEqual([text]);
    expect(sections(text)).toHaveLength(1);
  });

  it('splits text of 3001 characters on a line boundary', () => {
    const text = lines(29, 99).join('\n') + '\n' + 'y'.repeat(101);
    expect(text).toHaveLength(3001);
    const parts = splitText(text);
    expect(parts).toHaveLength(2);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(3000);
    expect(parts).toEqual([lines(29, 99).join('\n'), 'y'.repeat(101)]);
    expect(sections(text)).toHaveLength(2);
  });

  it('never loses or reorders lines, and every piece stays within the limit', () => {
    const all = Array.from({ length: 400 }, (_, i) => `line ${i} ${'z'.repeat((i * 37) % 290)}`);
    const text = all.join('\n');
    const parts = splitText(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect(p.length).toBeGreaterThan(0);
    }
    expect(parts.join('\n').split('\n')).toEqual(all);
  });

  it('chunks a single line longer than 3000 characters, keeping its characters in order', () => {
    const long = Array.from({ length: 7100 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    const text = `before\n${long}\nafter`;
    const parts = splitText(text);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(3000);
    expect(parts[0]).toBe('before');
    expect(parts.at(-1)!.endsWith('\nafter')).toBe(true);
    expect(parts.join('').replace(/\n/g, '')).toBe(`before${long}after`);
  });

  it('honours a smaller limit', () => {
    expect(splitText('aaa\nbbb\nccc', 7)).toEqual(['aaa\nbbb', 'ccc']);
  });
});

describe('fitMessage', () => {
  const many = (n: number): KnownBlock[] => Array.from({ length: n }, (_, i) => ({ type: 'section', text: { type: 'mrkdwn', text: `block ${i}` } }));

  it('keeps exactly 50 blocks untouched', () => {
    const blocks = many(50);
    expect(fitMessage(blocks, 'hint')).toEqual(blocks);
  });

  it('cuts 51 blocks to 50, the last a context note saying how many were left out and where to see them', () => {
    const blocks = many(51);
    const out = fitMessage(blocks, 'Run `opsbot health --json` for the full report.');
    expect(out).toHaveLength(50);
    expect(out.slice(0, 49)).toEqual(blocks.slice(0, 49));
    const note = out[49]!;
    expect(note.type).toBe('context');
    const text = JSON.stringify(note);
    expect(text).toContain('2 more blocks not shown');
    expect(text).toContain('opsbot health --json');
  });

  it('counts what was left out for much longer messages too', () => {
    const out = fitMessage(many(300), 'x');
    expect(out).toHaveLength(50);
    expect(JSON.stringify(out[49])).toContain('251 more blocks not shown');
  });
});

describe('header, context and truncate', () => {
  it('a header of 150 characters is kept; a longer one is cut to 150 ending with an ellipsis', () => {
    const exact = 'h'.repeat(150);
    expect(header(exact)).toMatchObject({ type: 'header', text: { type: 'plain_text', text: exact } });
    const cut = header('h'.repeat(151));
    const text = cut.type === 'header' ? cut.text.text : '';
    expect(text).toHaveLength(150);
    expect(text.endsWith('…')).toBe(true);
  });

  it('context keeps at most 10 elements of at most 3000 characters', () => {
    const block = context(Array.from({ length: 12 }, (_, i) => (i === 0 ? 'c'.repeat(3500) : `e${i}`)));
    if (block.type !== 'context') throw new Error('not a context block');
    expect(block.elements).toHaveLength(10);
    expect((block.elements[0] as { text: string }).text).toHaveLength(3000);
  });

  it('truncate leaves short text alone', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('exactly-10', 10)).toBe('exactly-10');
    expect(truncate('longer than ten', 10)).toBe('longer th…');
  });
});

describe('escapeMrkdwn', () => {
  it('escapes &, < and > so table names and log lines cannot mention or link', () => {
    expect(escapeMrkdwn('<!channel> a&b <https://x|y> 1 > 0')).toBe('&lt;!channel&gt; a&amp;b &lt;https://x|y&gt; 1 &gt; 0');
  });

  it('escapes & first, so an existing entity is shown literally rather than decoded', () => {
    expect(escapeMrkdwn('&lt;')).toBe('&amp;lt;');
  });

  it('leaves other text, including mrkdwn markers, alone', () => {
    expect(escapeMrkdwn('*bold* _it_ `code` 100 %')).toBe('*bold* _it_ `code` 100 %');
  });

  it('section text built from escaped values stays escaped', () => {
    expect(sectionText(sections(escapeMrkdwn('public.<leads>'))[0]!)).toBe('public.&lt;leads&gt;');
  });
});
