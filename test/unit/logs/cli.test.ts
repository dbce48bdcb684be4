import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { runLogsCli, type LogsCliIo } from '../../../src/logs/cli.js';
import type { GeminiClient } from '../../../src/logs/gemini.js';
import { createLogSummarizer } from '../../../src/logs/summarizer.js';
import { LogSummary } from '../../../src/logs/summary.js';
import { EDGE_SET, labelledSet } from '../../fixtures/logs/supabase-sets.js';

const FILE = [
  '2026-05-20 09:00:00.100 UTC [101] postgres@postgres LOG:  connection received: host=10.0.0.5 port=5432',
  '2026-05-20 09:00:01.100 UTC [102] postgres@postgres LOG:  connection received: host=10.0.0.6 port=5433',
  '',
  '2026-05-20 09:00:02.100 UTC [103] authenticator@postgres FATAL:  sorry, too many clients already',
  '2026-05-20 09:00:03.100 UTC [104] postgres@postgres LOG:  connection received: host=10.0.0.7 port=5434',
].join('\n');

function io(extra: Partial<LogsCliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const files: Record<string, string> = { 'pg.log': FILE };
  return {
    out,
    err,
    io: {
      stdin: Readable.from([FILE]),
      stdout: (s: string) => out.push(s),
      stderr: (s: string) => err.push(s),
      openFile: (p: string) => {
        if (!(p in files)) throw new Error('unexpected file');
        return Readable.from([files[p]!]);
      },
      ...extra,
    } satisfies LogsCliIo,
  };
}

describe('opsbot logs CLI', () => {
  it('parse --jsonl prints one line per input line with its template id', async () => {
    const t = io();
    expect(await runLogsCli(['logs', 'parse', 'pg.log', '--jsonl'], t.io)).toBe(0);
    const rows = t.out.join('').trim().split('\n').map((l) => JSON.parse(l) as { line: number; template: string | null });
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]!.template).toBe(rows[1]!.template);
    expect(rows[0]!.template).toBe(rows[4]!.template);
    expect(rows[2]!.template).toBeNull();
    expect(rows[3]!.template).not.toBe(rows[0]!.template);
  });

  it('parse reads standard input with -', async () => {
    const t = io();
    expect(await runLogsCli(['parse', '-'], t.io)).toBe(0);
    expect(t.out.join('').trim().split('\n')).toHaveLength(5);
  });

  it('templates --json lists templates with counts, levels and redacted examples', async () => {
    const t = io();
    expect(await runLogsCli(['templates', 'pg.log', '--json'], t.io)).toBe(0);
    const res = JSON.parse(t.out.join('')) as { lines: number; templates: { template: string; count: number; level: string; examples: string[] }[] };
    expect(res.lines).toBe(4); // the blank line is not a log line
    expect(res.templates[0]).toMatchObject({ template: 'connection received: host=<IP> port=<NUM>', count: 3, level: 'info' });
    expect(res.templates[0]!.examples[0]).toBe('connection received: host=<IP> port=5432');
    expect(res.templates[1]).toMatchObject({ template: 'sorry, too many clients already', level: 'fatal' });
  });

  it('summarize --offline --json prints a valid offline summary', async () => {
    const t = io();
    expect(await runLogsCli(['summarize', 'pg.log', '--offline', '--json'], t.io)).toBe(0);
    const summary = LogSummary.parse(JSON.parse(t.out.join('')));
    expect(summary).toMatchObject({ source: 'offline', reason: 'offline mode requested', subject: 'pg.log' });
    expect(summary.headline).toBe('1 error: sorry, too many clients already (T2)');
  });

  it('summarize uses the configured summarizer (Gemini) unless --offline', async () => {
    const client: GeminiClient = {
      generate: () =>
        Promise.resolve({
          text: JSON.stringify({ headline: 'Connection slots exhausted', impact: 'x', suspectedCause: 'y', timeline: [], keyTemplates: [], suggestedPlaybooks: [] }),
          inputTokens: 10,
          outputTokens: 5,
        }),
    };
    const summarizer = createLogSummarizer({ client, knownPlaybookIds: new Set(), clock: fixedClock(0) });
    const t = io({ summarizer });
    expect(await runLogsCli(['summarize', 'pg.log'], t.io)).toBe(0);
    expect(t.out.join('')).toContain('Connection slots exhausted');
    expect(t.out.join('')).toContain('Gemini gemini-2.5-flash · tokens in 10 / out 5');
  });

  it('explains bad usage and missing files with a non-zero exit code', async () => {
    const t = io();
    expect(await runLogsCli(['parse'], t.io)).toBe(2);
    expect(await runLogsCli(['parse', 'pg.log', '--json'], t.io)).toBe(2);
    expect(await runLogsCli(['frobnicate', 'pg.log'], t.io)).toBe(2);
    expect(await runLogsCli(['constructor', 'pg.log'], t.io)).toBe(2);
    expect(t.err.join('')).toContain('Usage:');
    const noFile = io({ openFile: undefined });
    delete (noFile.io as Partial<LogsCliIo>).openFile;
    expect(await runLogsCli(['templates', '/nonexistent/app.log'], noFile.io)).toBe(1);
    expect(noFile.err.join('')).toContain('Cannot read /nonexistent/app.log');
  });

  it('handles a few thousand Supabase JSON rows end to end', async () => {
    const set = labelledSet(EDGE_SET, 3000);
    const t = io({ stdin: Readable.from([set.lines.join('\n')]) });
    expect(await runLogsCli(['templates', '-'], t.io)).toBe(0);
    expect(t.out.join('')).toContain('3,000 lines, 21 templates');
  });
});
