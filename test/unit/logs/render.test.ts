import { describe, expect, it } from 'vitest';
import { analyzeLines } from '../../../src/logs/analyze.js';
import { buildOfflineSummary } from '../../../src/logs/offline-summary.js';
import { PLAYBOOK_REQUEST_ACTION, renderSummaryBlocks, renderSummaryText } from '../../../src/logs/render.js';
import type { LogSummary } from '../../../src/logs/summary.js';
import { CORPUS, leaks } from '../../fixtures/logs/redaction-corpus.js';

const base: LogSummary = {
  source: 'gemini',
  model: 'gemini-2.5-flash',
  subject: 'edge functions, last 30 min',
  headline: 'AI gateway rate-limited chat',
  impact: 'Chat failed for 4 % of requests.',
  suspectedCause: 'Quota exhausted (T2).',
  timeline: [{ time: '09:35 UTC', event: 'First 429 (T2)' }],
  keyTemplates: [{ id: 'T2', template: 'AI gateway returned <NUM> for <UUID>', count: 1234, level: 'error', note: 'rate limit' }],
  suggestedPlaybooks: [{ id: 'restart-edge-function', reason: 'clear stuck isolates' }],
  caveats: [],
  stats: { lines: 30000, templates: 25, errorLines: 1200, errorShare: 0.04, window: { start: Date.UTC(2026, 4, 20, 9, 0), end: Date.UTC(2026, 4, 20, 9, 30) } },
  usage: { promptTokensEstimate: 9000, rawTokensEstimate: 1_200_000, inputTokens: 8765, outputTokens: 432, estimatedCostUsd: 0.0037, attempts: 1 },
};

type Block = { type: string; text?: { text: string }; elements?: { text: string }[]; accessory?: { action_id: string; value: string; text: { text: string } } };
const all = (blocks: unknown[]) => blocks as Block[];

describe('Slack rendering of a log summary', () => {
  it('shows headline, model, tokens and cost, and a Request button per suggested playbook', () => {
    const { blocks, text } = renderSummaryBlocks(base);
    const json = JSON.stringify(blocks);
    expect(text).toBe('Log summary: AI gateway rate-limited chat');
    expect(json).toContain('Gemini gemini-2.5-flash · tokens in 8,765 / out 432 · ≈ $0.0037');
    const buttons = all(blocks).filter((b) => b.accessory);
    expect(buttons.map((b) => [b.accessory!.action_id, b.accessory!.value, b.accessory!.text.text])).toEqual([
      [PLAYBOOK_REQUEST_ACTION, 'restart-edge-function', 'Request restart-edge-function'],
    ]);
  });

  it('labels the offline summary with its reason and offers no buttons', async () => {
    const analysis = await analyzeLines(['2026-05-20T09:00:00Z ERROR boom', '2026-05-20T09:00:01Z INFO fine']);
    const s = buildOfflineSummary(analysis, { subject: 'file app.log', promptTokensEstimate: 100 }, 'Gemini answered HTTP 500 after 3 attempts');
    const { blocks, text } = renderSummaryBlocks(s);
    expect(text).toContain('(offline summary)');
    expect(JSON.stringify(blocks)).toContain('Offline summary, no AI* — Gemini answered HTTP 500 after 3 attempts');
    expect(JSON.stringify(blocks)).not.toContain(PLAYBOOK_REQUEST_ACTION);
    expect(renderSummaryText(s)).toContain('[offline summary, no AI: Gemini answered HTTP 500 after 3 attempts]');
  });

  it('counts one line and one template in the singular', async () => {
    const s = buildOfflineSummary(await analyzeLines(['2026-05-20T09:00:00Z INFO fine']), { subject: 'file one.log', promptTokensEstimate: 10 }, 'offline mode requested');
    expect(s.headline).toBe('No errors in 1 line; most frequent: fine');
    expect(s.impact).toContain('0 of 1 line are errors (0.0 %) across 1 template.');
  });

  it('stays within Block Kit limits for a huge summary', () => {
    const long = 'x'.repeat(5000);
    const big: LogSummary = {
      ...base,
      subject: 's'.repeat(400),
      headline: 'h'.repeat(150),
      impact: long,
      suspectedCause: long,
      timeline: Array.from({ length: 200 }, (_, i) => ({ time: '09:00 UTC', event: `event ${i} ${'e'.repeat(200)}` })),
      keyTemplates: Array.from({ length: 200 }, (_, i) => ({ id: `T${i}`, template: 't'.repeat(1000), count: i, level: 'info' as const, note: 'n'.repeat(300) })),
      suggestedPlaybooks: Array.from({ length: 60 }, (_, i) => ({ id: `playbook-${i}-${'p'.repeat(100)}`, reason: long })),
      caveats: Array.from({ length: 30 }, () => long),
    };
    const { blocks } = renderSummaryBlocks(big);
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const b of all(blocks)) {
      if (b.type === 'header') expect(b.text!.text.length).toBeLessThanOrEqual(150);
      if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(3000);
      if (b.type === 'context') expect(b.elements!.length).toBeLessThanOrEqual(10);
      if (b.accessory) expect(b.accessory.text.text.length).toBeLessThanOrEqual(75);
    }
  });

  it('escapes text from logs and the model so it cannot mention, link or format', () => {
    const s = { ...base, headline: '<!channel> see <https://evil.example|here>', keyTemplates: [{ ...base.keyTemplates[0]!, template: 'user `<@U123>` & co' }] };
    const json = JSON.stringify(renderSummaryBlocks(s).blocks);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U123>');
    expect(json).toContain('&lt;!channel&gt;');
  });

  it('carries no secret from the redaction corpus into the Slack payload', async () => {
    const analysis = await analyzeLines(CORPUS.flatMap((i) => i.lines));
    const s = buildOfflineSummary(analysis, { subject: 'corpus', promptTokensEstimate: 0 }, 'offline mode requested');
    s.keyTemplates = analysis.templates.map((t) => ({ id: t.id, template: `${t.template} ${t.examples.join(' ')}`, count: t.count, level: t.level }));
    expect(leaks(JSON.stringify(renderSummaryBlocks(s)))).toEqual([]);
    expect(leaks(renderSummaryText(s))).toEqual([]);
  });
});
