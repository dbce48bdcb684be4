// Block Kit limits by construction: 3000 characters per section, 50 blocks, 150 per header.
import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { alertMessage, heldSummaryMessage, recoveryMessage, reminderMessage } from '../../src/alerts/messages.js';
import type { AlertRecord } from '../../src/alerts/store.js';
import { checklistMessage } from '../../src/checklist/render.js';
import { renderSummaryBlocks } from '../../src/logs/render.js';
import type { LogSummary } from '../../src/logs/summary.js';
import type { MaintenanceWindow } from '../../src/maintenance/calendar.js';
import { addedMessage, noticeMessage, skippedMessage } from '../../src/maintenance/messages.js';
import { context, defuseBroadcasts, escapedWithin, escapeMrkdwn, fitMessage, header, LIMITS, quoteInput, sections, splitText, truncate } from '../../src/slack/blocks.js';

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

// Everything from outside (users, the model, the database) is escaped in the
// top-level `text` (what notifications show) as well as in blocks, by every renderer.
const HOSTILE = '<!channel> <!here> <@U0VICTIM> <#C0OTHER> <!subteam^S0EVIL> <https://evil.test|click> &';
const UNESCAPED = /<!(channel|here|everyone)|<@U0VICTIM|<#C0OTHER|<!subteam\^S0EVIL|<https?:/;

describe('escaping of outside text in every renderer', () => {
  const noMarkup = (m: { text: string; blocks: unknown }) => {
    expect(m.text).not.toMatch(UNESCAPED);
    expect(JSON.stringify(m.blocks)).not.toMatch(UNESCAPED);
    expect(m.text).toContain('&lt;');
  };

  it('escapeMrkdwn, header, quoteInput and escapedWithin', () => {
    expect(escapeMrkdwn(HOSTILE)).toBe('&lt;!channel&gt; &lt;!here&gt; &lt;@U0VICTIM&gt; &lt;#C0OTHER&gt; &lt;!subteam^S0EVIL&gt; &lt;https://evil.test|click&gt; &amp;');
    expect(JSON.stringify(header(HOSTILE))).not.toMatch(UNESCAPED);
    // Cut before escaping: no half entity at the end, and never over the limit.
    const long = escapedWithin('<'.repeat(200), 150);
    expect(long.length).toBeLessThanOrEqual(150);
    expect(long).toMatch(/^(&lt;)+…$/);
    expect(quoteInput('a\u0000<!here>', 40)).toBe('a &lt;!here&gt;');
    expect(defuseBroadcasts('Only <!subteam^S0ONCALL> may; <!channel> <!here|here>')).toBe('Only <!subteam^S0ONCALL> may; &lt;!channel&gt; &lt;!here|here&gt;');
  });

  it('log summaries: the model headline, subject, timeline and notes', () => {
    const s: LogSummary = {
      source: 'gemini',
      model: 'gemini-2.5-flash',
      subject: `file ${HOSTILE}.log`,
      headline: `Outage ${HOSTILE}`,
      impact: HOSTILE,
      suspectedCause: HOSTILE,
      timeline: [{ time: HOSTILE, event: HOSTILE }],
      keyTemplates: [{ id: 'T1', template: HOSTILE, count: 3, level: 'error', note: HOSTILE }],
      suggestedPlaybooks: [{ id: 'kill-idle-connections', reason: HOSTILE }],
      caveats: [HOSTILE],
      stats: { lines: 3, templates: 1, errorLines: 3, errorShare: 1 },
      usage: { promptTokensEstimate: 10, rawTokensEstimate: 10, attempts: 1 },
    };
    noMarkup(renderSummaryBlocks(s));
  });

  it('alerts: fired, reminder, recovery and the held summary', () => {
    const a: AlertRecord = {
      id: 7, ruleId: 'r', severity: 'critical', title: `Title ${HOSTILE}`, value: HOSTILE, threshold: HOSTILE, advice: HOSTILE, breaches: 3,
      firedAt: 0, notifiedAt: 0, channel: 'C0ALERTS', messageTs: '1.1', heldWindow: 'w', recoveredInWindow: null, summarisedAt: null, lastReminderAt: null,
      reminders: 1, acknowledgedBy: null, acknowledgedAt: null, timeToAckMs: null, recoveredAt: null, recoveredValue: HOSTILE,
    };
    noMarkup(alertMessage(a, 'UTC'));
    noMarkup(reminderMessage(a, 'UTC', 60_000));
    noMarkup(recoveryMessage({ ...a, recoveredAt: 60_000 }, 'UTC'));
    expect(JSON.stringify(heldSummaryMessage([a], 'UTC'))).not.toMatch(UNESCAPED);
  });

  it('maintenance posts: added, notice and skipped', () => {
    const w: MaintenanceWindow = { id: 'custom:1', kind: 'custom', startsAt: Date.UTC(2030, 0, 8, 7), endsAt: Date.UTC(2030, 0, 8, 8), reason: HOSTILE, createdBy: 'U0ONCALL', createdAt: 0, skipped: null };
    noMarkup(addedMessage(w, 'America/New_York', [72]));
    noMarkup(noticeMessage(w, 72, 'America/New_York'));
    expect(JSON.stringify(skippedMessage([w], 'U0ONCALL', HOSTILE, 'America/New_York', undefined))).not.toMatch(UNESCAPED);
  });

  it('checklists: title and labels', () => {
    const m = checklistMessage(
      { id: 1, kind: 'k', title: `List ${HOSTILE}`, description: null, access: 'oncall', channel: 'C0', messageTs: '1.1', revision: 0, items: [{ key: 'a', label: HOSTILE, checked: false, checkedBy: null, checkedAt: null }] } as unknown as Parameters<typeof checklistMessage>[0],
      'UTC',
    );
    noMarkup(m);
  });
});
