// A private key printed line by line reaches the redactor as separate lines: BEGIN marker, body
// lines, END marker. Whether a key is open is state carried from line to line, also when the
// stream is cut into chunks that worker threads prepare out of order.
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { analyzeLines, analyzeStream, createLogAnalyzer } from '../../../src/logs/analyze.js';
import { feedStream } from '../../../src/logs/parallel.js';
import { createLinePreparer, emptyRawSize } from '../../../src/logs/prepare.js';
import { closedKeyState, createLogRedactor } from '../../../src/logs/redact.js';
import { mixedLines } from '../../fixtures/logs/supabase-sets.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** A fake key body: `n` lines of 64 base64 characters and a short last line, unique per seed. */
function keyBody(seed: number, n = 25): string[] {
  const lines = Array.from({ length: n }, (_, l) => Array.from({ length: 64 }, (_, i) => B64[(i * 7 + l * 13 + seed * 31) % 64]).join(''));
  return [...lines, `${B64.slice(seed % 40, (seed % 40) + 6)}==`];
}

const KINDS = ['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'];

/** The ways a key printed line by line shows up in logs: bare, after a timestamp, in JSON rows, after a container prefix. */
function printedKey(seed: number): { lines: string[]; body: string[] } {
  const body = keyBody(seed);
  const kind = KINDS[seed % KINDS.length]!;
  const raw = [`-----BEGIN ${kind}-----`, ...(seed % 5 === 4 ? ['Proc-Type: 4,ENCRYPTED', 'DEK-Info: AES-128-CBC,3F1D2A4B5C6D7E8F9A0B1C2D3E4F5A6B', ''] : []), ...body, `-----END ${kind}-----`];
  const style = seed % 4;
  const lines = raw.map((l) =>
    style === 0
      ? l
      : style === 1
        ? `2026-05-20T09:00:0${seed % 10}.000Z INFO ${l}`
        : style === 2
          ? JSON.stringify({ timestamp: 1779268320000000 + seed, event_message: l, metadata: [] })
          : `app_1  | ${l}`,
  );
  return { lines, body };
}

/** Ordinary lines with keys printed among them; every body line must disappear. */
function logWithKeys(keys: number): { lines: string[]; bodies: string[] } {
  const lines: string[] = [];
  const bodies: string[] = [];
  const ordinary = mixedLines(keys * 40, 7)[Symbol.iterator]();
  for (let k = 0; k < keys; k++) {
    for (let i = 0; i < 37; i++) lines.push(ordinary.next().value as string);
    lines.push('loading signing key from env');
    const key = printedKey(k);
    lines.push(...key.lines);
    bodies.push(...key.body);
  }
  lines.push('key loaded; service ready');
  return { lines, bodies };
}

function pieces(text: string, size: number, pauseMs: number): Readable {
  const bytes = Buffer.from(text, 'utf8');
  return Readable.from(
    (async function* () {
      let stalled = false;
      for (let at = 0; at < bytes.length; at += size) {
        // Stall once so the worker threads are up, then trickle, as a slow download does.
        if (pauseMs > 0) await sleep(!stalled && at >= 8192 ? ((stalled = true), 1500) : pauseMs);
        yield Buffer.from(bytes.subarray(at, at + size));
      }
    })(),
  );
}

describe('a private key printed line by line', () => {
  it('is redacted from its BEGIN line to its END line, and lines after it are left alone', () => {
    const r = createLogRedactor();
    const state = closedKeyState();
    const { lines, body } = printedKey(3);
    const out = ['starting', ...lines, 'key loaded ok in 12ms'].map((l) => r.redactLine(l, state));
    expect(out[0]).toBe('starting');
    expect(out.at(-1)).toBe('key loaded ok in 12ms');
    for (const b of body) expect(out.join('\n')).not.toContain(b);
    expect(out.slice(1, -1).every((l) => l.endsWith('<PRIVATE_KEY>'))).toBe(true);
    expect(state.open).toBe(false);
  });

  it('is not redacted line by line by the one-text redact(), which has no memory', () => {
    // The reason for redactLine: a body line alone is just base64.
    const [line] = keyBody(1);
    expect(createLogRedactor().redact(line!)).toBe(line);
  });

  it('stops at a line that is no key material when the END marker never comes', () => {
    const r = createLogRedactor();
    const state = closedKeyState();
    const out = ['-----BEGIN PRIVATE KEY-----', keyBody(2)[0]!, 'ERROR: connection reset by peer (pid 4242)', 'request completed in 123ms'].map((l) => r.redactLine(l, state));
    expect(out).toEqual(['<PRIVATE_KEY>', '<PRIVATE_KEY>', 'ERROR: connection reset by peer (pid 4242)', 'request completed in 123ms']);
  });

  it('opens a key at every BEGIN line, also when the same key (and so the same lines) is printed again', () => {
    // Repeated messages are prepared once and remembered; a line that opens a key must not be.
    const body = keyBody(3);
    const key = ['-----BEGIN PRIVATE KEY-----', ...body, '-----END PRIVATE KEY-----'];
    const lines = ['request completed', ...key, 'request completed', ...key, 'request completed'];
    const preparer = createLinePreparer();
    const size = emptyRawSize();
    const messages = lines.map((l, i) => preparer.prepareLine(l, i + 1, size)?.message);
    expect(messages.filter((m) => m !== undefined && body.some((b) => m.includes(b)))).toEqual([]);
    expect(messages.filter((m) => m === '<PRIVATE_KEY>')).toHaveLength(2 * key.length);
    const chunk = createLinePreparer().prepareChunk(`${lines.join('\n')}\n`, 1);
    expect(chunk.messages).toEqual(messages);
  });

  it('is redacted when the lines are pushed one by one, as records from the Supabase API are', async () => {
    const { lines, bodies } = logWithKeys(6);
    const text = JSON.stringify(await analyzeLines(lines, { maxExamples: 50 }));
    expect(bodies.filter((b) => text.includes(b))).toEqual([]);
    expect(text).toContain('<PRIVATE_KEY>');
  });

  it('is redacted whichever chunk or worker thread a line lands in, exactly as line by line', async () => {
    const { lines, bodies } = logWithKeys(24);
    const text = `${lines.join('\n')}\n`;
    // The messages as the one-by-one path redacts them.
    const preparer = createLinePreparer();
    const size = emptyRawSize();
    const expected = lines.flatMap((l, i) => preparer.prepareLine(l, i + 1, size)?.message ?? []);
    expect(bodies.filter((b) => expected.join('\n').includes(b))).toEqual([]);

    for (const parallel of [
      { workers: 0, chunkBytes: 1024 },
      { workers: 0, chunkBytes: 1500 },
      { workers: 2, chunkBytes: 1024, inlineBytes: 0 },
    ]) {
      const analyzer = createLogAnalyzer();
      const seen: string[] = [];
      const report = await feedStream(
        pieces(text, 700, parallel.workers > 0 ? 1 : 0),
        { pushBatch: (b) => ((ids) => (seen.push(...b.messages), ids))(analyzer.pushBatch(b)), prepareBytes: (t, n) => analyzer.prepareBytes(t, n), lines: 0 },
        { ...parallel, redaction: {} },
      );
      if (parallel.workers > 0) expect(report.inWorkers).toBeGreaterThan(report.chunks / 2);
      expect(report.chunks).toBeGreaterThan(100);
      expect(seen).toEqual(expected);
    }
  }, 60_000);

  it('never reaches the analysis of a streamed file', async () => {
    const { lines, bodies } = logWithKeys(10);
    const analysis = await analyzeStream(pieces(`${lines.join('\n')}\n`, 900, 0), { maxExamples: 50, parallel: { workers: 0, chunkBytes: 2048 } });
    const text = JSON.stringify(analysis);
    expect(bodies.filter((b) => text.includes(b))).toEqual([]);
  });
});
