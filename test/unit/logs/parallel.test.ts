// Streams are cut into chunks of whole lines and prepared in worker threads once they are big
// enough. Whatever the cutting, the thread count or a worker failing to start, the analysis
// and the per-line template ids must be exactly those of feeding the lines one by one.
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { analyzeStream, createLogAnalyzer, feedAnalyzer, type AnalyzeOptions } from '../../../src/logs/analyze.js';
import { mixedLines } from '../../fixtures/logs/supabase-sets.js';

// Mixed Supabase lines plus what makes cutting hard: blank and blank-looking lines, CRLF,
// multi-byte characters (cut in half by the stream's pieces), a BOM, no final newline.
function corpus(): { text: string; lines: string[] } {
  const lines: string[] = [];
  let i = 0;
  for (const line of mixedLines(6000, 5)) {
    lines.push(line);
    if (++i % 500 === 0) lines.push('', '   ', 'Grüße aus München ✓ 🚗 order 42 failed for jürgen@example.com');
  }
  lines.push('2026-05-20 09:59:59.000 UTC [1] postgres@postgres FATAL:  last line, ünïcödé, no newline');
  const text = `\uFEFF${lines.map((l, n) => (n % 7 === 3 ? `${l}\r` : l)).join('\n')}`;
  return { text, lines };
}

/**
 * The text as a stream of byte pieces of `size` (cutting characters apart). With `pauseMs`, it
 * stalls once after 32 KB (time for worker threads to start, even on a busy machine) and then
 * pauses that long between pieces, so workers take part the way they do on a slow download.
 */
function pieces(text: string, size: number, pauseMs = 0): Readable {
  const bytes = Buffer.from(text, 'utf8');
  return Readable.from(
    (async function* () {
      let stalled = false;
      for (let at = 0; at < bytes.length; at += size) {
        if (pauseMs > 0) await sleep(!stalled && at >= 32_768 ? ((stalled = true), 1500) : pauseMs);
        yield Buffer.from(bytes.subarray(at, at + size));
      }
    })(),
  );
}

function oneByOne(lines: string[], opts: AnalyzeOptions = {}) {
  const analyzer = createLogAnalyzer(opts);
  const ids = lines.map((l) => analyzer.pushLine(l) ?? 0);
  return { analysis: analyzer.finish(), ids, resolve: (id: number) => analyzer.resolve(id) };
}

async function fed(stream: Readable, opts: AnalyzeOptions) {
  const analyzer = createLogAnalyzer(opts);
  const ids: number[] = [];
  const report = await feedAnalyzer(stream, analyzer, opts, (batch) => ids.push(...batch));
  return { analysis: analyzer.finish(), ids, report };
}

describe('feeding a stream in chunks of lines', () => {
  const { text, lines } = corpus();
  const expected = oneByOne(lines);

  it('drops a byte-order mark on the first line pushed one by one, as the stream path does', () => {
    const withBom = oneByOne([`\uFEFF${lines[0]!}`, ...lines.slice(1)]);
    expect(withBom.ids).toEqual(expected.ids);
    expect(withBom.analysis.templates).toEqual(expected.analysis.templates);
  });

  it('gives the one-by-one result in this thread, whatever the piece and chunk sizes', async () => {
    for (const [piece, chunk] of [
      [7, 1024],
      [1000, 1024],
      [65_536, 4096],
      [1 << 20, 1 << 20],
    ] as const) {
      const got = await fed(pieces(text, piece), { parallel: { workers: 0, chunkBytes: chunk } });
      expect(got.ids).toEqual(expected.ids);
      expect(got.analysis).toEqual(expected.analysis);
      expect(got.report.inWorkers).toBe(0);
    }
  });

  it('gives the same result when worker threads prepare most chunks', async () => {
    const got = await fed(pieces(text, 4096, 1), { parallel: { workers: 2, chunkBytes: 8192, inlineBytes: 16_384 } });
    expect(got.report.inWorkers).toBeGreaterThan(got.report.chunks / 2);
    expect(got.ids).toEqual(expected.ids);
    expect(got.analysis).toEqual(expected.analysis);
  });

  it('gives the same template ids without statistics (logs parse), and then refuses to finish', async () => {
    for (const [piece, chunk] of [
      [7, 1024],
      [65_536, 4096],
    ] as const) {
      const opts: AnalyzeOptions = { parallel: { workers: 0, chunkBytes: chunk }, statistics: false };
      const analyzer = createLogAnalyzer(opts);
      const ids: number[] = [];
      await feedAnalyzer(pieces(text, piece), analyzer, opts, (batch) => ids.push(...batch));
      expect(ids.map((id) => (id === 0 ? 0 : analyzer.resolve(id)))).toEqual(expected.ids.map((id) => (id === 0 ? 0 : expected.resolve(id))));
      expect(() => analyzer.finish()).toThrow(/statistics/);
    }
    const single = createLogAnalyzer({ statistics: false });
    expect(lines.map((l) => single.pushLine(l) ?? 0)).toEqual(expected.ids);
  });

  it('redacts in the workers with the same settings (IPs kept when asked)', async () => {
    const opts: AnalyzeOptions = { redaction: { ips: false, knownSecrets: ['autorepai-secret-value'] } };
    const withSecret = lines.map((l, n) => (n % 1000 === 10 ? `${l} autorepai-secret-value` : l));
    const want = oneByOne(withSecret, opts);
    const got = await fed(pieces(withSecret.join('\n'), 4096, 1), { ...opts, parallel: { workers: 2, chunkBytes: 8192, inlineBytes: 0 } });
    expect(got.report.inWorkers).toBeGreaterThan(got.report.chunks / 2);
    expect(got.analysis).toEqual(want.analysis);
    expect(JSON.stringify(got.analysis)).not.toContain('autorepai-secret-value');
    expect(JSON.stringify(got.analysis)).toContain('<SECRET>');
  });

  it('moves the pieces of a file it opened to the workers without a copy, with the same result', async () => {
    const got = await fed(pieces(text, 4096, 1), { parallel: { workers: 2, chunkBytes: 8192, inlineBytes: 16_384, moveReadBuffers: true } });
    expect(got.report.inWorkers).toBeGreaterThan(got.report.chunks / 4);
    expect(got.ids).toEqual(expected.ids);
    expect(got.analysis).toEqual(expected.analysis);
  });

  it("never takes buffers away from a caller who still holds them", async () => {
    const bytes = Buffer.from(text, 'utf8');
    const held: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 8192) held.push(Buffer.from(bytes.subarray(at, at + 8192)));
    const sizes = held.map((b) => b.length);
    const stream = Readable.from(
      (async function* () {
        for (const [i, b] of held.entries()) {
          if (i === 4) await sleep(1500);
          await sleep(1);
          yield b;
        }
      })(),
    );
    const got = await fed(stream, { parallel: { workers: 2, chunkBytes: 16_384, inlineBytes: 0 } });
    expect(got.report.inWorkers).toBeGreaterThan(0);
    expect(held.map((b) => b.length)).toEqual(sizes);
    expect(got.analysis).toEqual(expected.analysis);
  });

  it('keeps a line of many megabytes away from the workers, and gets it right', async () => {
    const huge = `{"msg":"payload dump","level":"info","metadata":[${'{},'.repeat(40_000)}{}]}`;
    const withHuge = [...lines.slice(0, 3000), huge, ...lines.slice(3000)];
    const want = oneByOne(withHuge);
    const got = await fed(pieces(withHuge.join('\n'), 4096, 1), { parallel: { workers: 2, chunkBytes: 8192, inlineBytes: 16_384 } });
    expect(got.report.inWorkers).toBeGreaterThan(0);
    expect(got.analysis).toEqual(want.analysis);
  });

  it('joins a character that a text stream cut between two chunks', async () => {
    const stream = Readable.from(['car \uD83D', '\uDE97 broke down\n', 'second line\n']);
    const got = await fed(stream, { parallel: { workers: 0 } });
    expect(got.analysis.templates.map((t) => t.examples[0])).toContain('car 🚗 broke down');
  });

  it('small inputs never start a worker', async () => {
    const got = await fed(pieces(text, 1 << 20), { parallel: { workers: 2 } });
    expect(got.report.inWorkers).toBe(0);
    expect(got.analysis).toEqual(expected.analysis);
  });

  it('a worker that cannot start leaves the work to this thread', async () => {
    const got = await fed(pieces(text, 4096, 1), {
      parallel: { workers: 2, chunkBytes: 8192, inlineBytes: 0, workerSource: { source: 'throw new Error("no threads today")', evaluate: true } },
    });
    expect(got.report.inWorkers).toBe(0);
    expect(got.analysis).toEqual(expected.analysis);
  });

  it('a worker that dies holding chunks fails the analysis with a clear error, not a result with a hole', async () => {
    const dies = `const { parentPort } = require('node:worker_threads');
      parentPort.postMessage({ ready: true });
      parentPort.on('message', () => process.exit(3));`;
    const run = analyzeStream(pieces(text, 4096, 2), { parallel: { workers: 1, chunkBytes: 8192, inlineBytes: 0, workerSource: { source: dies, evaluate: true } } });
    await expect(run).rejects.toThrow(/log-analysis worker thread stopped \(exit code 3\) while holding [12] chunk\(s\) of input/);
  });
});
