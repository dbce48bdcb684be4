// The per-line half of the pipeline, which needs no shared state: parse a line, redact its
// message and mask it for the template miner. It runs in the analyzer's own thread for small
// inputs and in worker threads for big ones (see parallel.ts); both produce the same batches,
// so results do not depend on where a line was prepared.
import { isAscii } from 'node:buffer';
import { maskMessage } from './masks.js';
import { parseLine } from './parse-input.js';
import { createLogRedactor, type LogRedactionOptions } from './redact.js';
import { estimateTokens } from './tokens.js';
import { LOG_LEVELS, type LogLevel, type LogRecord } from './types.js';

const NOT_BLANK = /\S/;
export const isBlank = (s: string) => !NOT_BLANK.test(s);

/** Lines prepared for the miner, in input order; parallel arrays, so they cross threads cheaply. */
export interface PreparedBatch extends RawSize {
  /** Input lines covered, blank ones included. */
  lines: number;
  /** 1-based line number of each non-blank line. */
  lineNos: Int32Array;
  /** Index into LOG_LEVELS. */
  levels: Uint8Array;
  /** Epoch ms, NaN when the line had no readable time. */
  times: Float64Array;
  /** Redacted message. */
  messages: string[];
  /** Redacted message after masking, tokens joined by one space (see maskMessage). */
  masked: string[];
  /** Structured fields shown with examples (not redacted yet: few are ever shown). */
  details: (string | null)[];
}

/**
 * Text of a chunk of whole lines. Most logs are pure ASCII, which Node decodes more than ten
 * times faster as ASCII than as UTF-8 (the same text); the check costs a few ms per 100 MB.
 */
export function decodeChunk(bytes: Uint8Array): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return isAscii(buf) ? buf.toString('ascii') : buf.toString('utf8');
}

export const LEVEL_CODE: Readonly<Record<LogLevel, number>> = Object.fromEntries(LOG_LEVELS.map((l, i) => [l, i])) as Record<LogLevel, number>;

export interface LinePreparer {
  /** Redacts a text (no cache: most messages differ, and a lookup costs about what it saves). */
  redact(text: string): string;
  /** Redacted and masked message of a record, or undefined when its message is blank. */
  prepareRecord(record: LogRecord): { message: string; masked: string } | undefined;
  /** Counts a raw line (or record message) towards `size`. */
  measure(text: string, lineNo: number): void;
  /** Prepares a chunk of complete lines, the first numbered `firstLineNo` (`size` is not touched). */
  prepareChunk(text: string, firstLineNo: number): PreparedBatch;
  /** Raw-size statistics of what `measure` counted. */
  readonly size: Readonly<RawSize>;
}

/** Characters of raw input, and characters and estimated tokens of a 1-in-64 sample of lines. */
export interface RawSize {
  rawChars: number;
  sampledChars: number;
  sampledTokens: number;
}

export function createLinePreparer(redaction: LogRedactionOptions = {}): LinePreparer {
  const redactor = createLogRedactor(redaction);
  const redact = (text: string): string => redactor.redact(text);

  // Raw tokens are estimated on every 64th line and scaled by characters: exact counting would
  // cost as much as the rest of the pipeline for a statistic shown once.
  const totals: RawSize = { rawChars: 0, sampledChars: 0, sampledTokens: 0 };
  const measure = (text: string, lineNo: number, into: RawSize = totals) => {
    into.rawChars += text.length;
    if ((lineNo & 63) === 1) {
      into.sampledChars += text.length;
      into.sampledTokens += estimateTokens(text);
    }
  };

  const prepareRecord = (record: LogRecord) => {
    if (isBlank(record.message)) return undefined;
    // Redacted before mining: placeholders group like masks, and templates are safe to show.
    const message = redact(record.message);
    return { message, masked: maskMessage(message) };
  };

  const prepareChunk = (text: string, firstLineNo: number): PreparedBatch => {
    const raw = text.split('\n');
    if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
    const n = raw.length;
    const lineNos = new Int32Array(n);
    const levels = new Uint8Array(n);
    const times = new Float64Array(n);
    const messages: string[] = [];
    const masked: string[] = [];
    const details: (string | null)[] = [];
    const size: RawSize = { rawChars: 0, sampledChars: 0, sampledTokens: 0 };
    let k = 0;
    for (let i = 0; i < n; i++) {
      let line = raw[i]!;
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      const lineNo = firstLineNo + i;
      measure(line, lineNo, size);
      if (isBlank(line)) continue;
      const record = parseLine(line, lineNo);
      const prepared = prepareRecord(record);
      if (!prepared) continue;
      lineNos[k] = lineNo;
      levels[k] = LEVEL_CODE[record.level];
      times[k] = record.timestamp ?? Number.NaN;
      messages.push(prepared.message);
      masked.push(prepared.masked);
      details.push(record.detail ?? null);
      k++;
    }
    return {
      lines: n,
      lineNos: lineNos.slice(0, k),
      levels: levels.slice(0, k),
      times: times.slice(0, k),
      messages,
      masked,
      details,
      ...size,
    };
  };

  return { redact, prepareRecord, measure: (text, lineNo) => measure(text, lineNo), prepareChunk, size: totals };
}
