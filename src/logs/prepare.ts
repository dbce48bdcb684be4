// The per-line half of the pipeline, which needs no shared state: parse a line, redact its
// message and mask it for the template miner. It runs in the analyzer's own thread for small
// inputs and in worker threads for big ones (see parallel.ts); both produce the same batches,
// so results do not depend on where a line was prepared.
import { isAscii } from 'node:buffer';
import { detach } from './detach.js';
import { maskMessage } from './masks.js';
import { isBlank, parseLine } from './parse-input.js';
import { hasKeyMarker } from './redact-private-key.js';
import { closedKeyState, createLogRedactor, openKeyState, type KeyLineState, type LogRedactionOptions } from './redact.js';
import { estimateTokens } from './tokens.js';
import { LOG_LEVELS, type LogLevel, type LogRecord } from './types.js';

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
  /** Whether a private key printed line by line is still open after the last line (chunk started outside one). */
  keyOpenAtEnd: boolean;
  /** The first messages redacted as if a key were open when the chunk started; see LinePreparer.settle. */
  ifKeyOpen: { messages: string[]; masked: string[]; openAtEnd: boolean };
}

/**
 * Text of a chunk of whole lines. Most logs are pure ASCII, which Node decodes more than ten
 * times faster as ASCII than as UTF-8 (the same text); the check costs a few ms per 100 MB.
 */
export function decodeChunk(bytes: Uint8Array): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return isAscii(buf) ? buf.toString('ascii') : buf.toString('utf8');
}

const LEVEL_CODE: Readonly<Record<LogLevel, number>> = Object.fromEntries(LOG_LEVELS.map((l, i) => [l, i])) as Record<LogLevel, number>;

/** A record ready for the miner: its redacted message, and that message masked. */
export interface PreparedRecord {
  record: LogRecord;
  message: string;
  masked: string;
}

export interface LinePreparer {
  /** Redacts a text (no cache: most messages differ, and a lookup costs about what it saves). */
  redact(text: string): string;
  /** Counts a record that a source already parsed (the `seq`-th pushed) into `size`; undefined when its message is blank. */
  prepareRecord(record: LogRecord, seq: number, size: RawSize): PreparedRecord | undefined;
  /** Parses one raw line and counts it into `size`; undefined for a blank line or message. */
  prepareLine(line: string, lineNo: number, size: RawSize): PreparedRecord | undefined;
  /** Prepares a chunk of complete lines, the first numbered `firstLineNo`. */
  prepareChunk(text: string, firstLineNo: number): PreparedBatch;
  /** Prepares the bytes of a chunk of complete lines (decoded a piece at a time). */
  prepareBytes(bytes: Uint8Array, firstLineNo: number): PreparedBatch;
  /** Fixes up the next batch in input order when a private key opened in an earlier one is still open. */
  settle(batch: PreparedBatch): void;
}

/** Characters of raw input, and characters and estimated tokens of a 1-in-64 sample of lines. */
export interface RawSize {
  rawChars: number;
  sampledChars: number;
  sampledTokens: number;
}

export const emptyRawSize = (): RawSize => ({ rawChars: 0, sampledChars: 0, sampledTokens: 0 });

interface Prepared {
  message: string;
  masked: string;
}

/** Distinct messages per generation of the cache of prepared messages. */
const CACHE_SIZE = 4096;
/** Bytes decoded into one string: below V8's large-object size, so the string dies young. */
const PIECE_BYTES = 64 * 1024;
const NEWLINE = 10;

export function createLinePreparer(redaction: LogRedactionOptions = {}): LinePreparer {
  const redactor = createLogRedactor(redaction);
  const redact = (text: string) => redactor.redact(text);

  // Raw tokens are estimated on every 64th line and scaled by characters: exact counting would
  // cost as much as the rest of the pipeline for a statistic shown once.
  const measure = (text: string, lineNo: number, into: RawSize) => {
    into.rawChars += text.length;
    if ((lineNo & 63) === 1) {
      into.sampledChars += text.length;
      into.sampledTokens += estimateTokens(text);
    }
  };

  // A private key printed line by line spans lines, so redaction has state: lines and records
  // pushed one by one share `stream`. A chunk (maybe in a worker, maybe out of order) starts as
  // if no key were open, and also redacts its first lines as if one were, until that key would
  // have closed; settle() picks the right version once the batches are back in input order.
  const stream = closedKeyState();

  // Messages repeat: most lines of a busy log print one of a few hundred texts ("request
  // completed", "POST | 200 | https://…/functions/v1/…"). Their redacted and masked forms are
  // kept in two generations of at most CACHE_SIZE each (the older dropped when the newer fills),
  // so a text seen recently costs one lookup. Only lines outside a private key are cached: there
  // redaction depends on nothing but the text.
  let recent = new Map<string, Prepared>();
  let older = new Map<string, Prepared>();
  const prepared = (text: string, keys: KeyLineState): Prepared => {
    if (keys.open || hasKeyMarker(text)) {
      const message = redactor.redactLine(text, keys);
      return { message, masked: maskMessage(message) };
    }
    let p = recent.get(text);
    if (p !== undefined) return p;
    p = older.get(text);
    if (p === undefined) {
      const message = redactor.redactLine(text, keys);
      // Copied: a slice would keep the whole chunk of input it was cut from alive.
      p = { message: message === text ? detach(message) : message, masked: maskMessage(message) };
    }
    if (recent.size >= CACHE_SIZE) {
      older = recent;
      recent = new Map();
    }
    recent.set(p.message === text ? p.message : detach(text), p);
    return p;
  };

  const prepare = (record: LogRecord, keys: KeyLineState): PreparedRecord | undefined => {
    if (isBlank(record.message)) return undefined;
    // Redacted before mining: placeholders group like masks, and templates are safe to show.
    const p = prepared(record.message, keys);
    return { record, message: p.message, masked: p.masked };
  };

  const prepareRecord = (record: LogRecord, seq: number, size: RawSize) => {
    measure(record.message, seq, size);
    return prepare(record, stream);
  };

  // The one path of a raw line, whether it is pushed alone or comes in a chunk.
  const prepareLineIn = (line: string, lineNo: number, size: RawSize, keys: KeyLineState) => {
    measure(line, lineNo, size);
    return isBlank(line) ? undefined : prepare(parseLine(line, lineNo), keys);
  };
  const prepareLine = (line: string, lineNo: number, size: RawSize) => prepareLineIn(line, lineNo, size, stream);

  const settle = (batch: PreparedBatch) => {
    const alt = batch.ifKeyOpen;
    if (!stream.open) {
      stream.open = batch.keyOpenAtEnd;
      return;
    }
    for (let i = 0; i < alt.messages.length; i++) {
      batch.messages[i] = alt.messages[i]!;
      batch.masked[i] = alt.masked[i]!;
    }
    // Once the key closed, both versions went on alike: the chunk ends as its own run did.
    stream.open = alt.openAtEnd || batch.keyOpenAtEnd;
    stream.lines = 0;
  };

  // A chunk's lines go into one batch, a piece of text at a time (see prepareBytes).
  const newBatch = () => ({
    lines: 0,
    lineNos: [] as number[],
    levels: [] as number[],
    times: [] as number[],
    messages: [] as string[],
    masked: [] as string[],
    details: [] as (string | null)[],
    size: emptyRawSize(),
    keys: closedKeyState(),
    inKey: openKeyState(),
    ifKeyOpen: { messages: [] as string[], masked: [] as string[], openAtEnd: true },
  });
  type Builder = ReturnType<typeof newBatch>;

  const addText = (b: Builder, text: string, firstLineNo: number) => {
    const raw = text.split('\n');
    if (raw[raw.length - 1] === '') raw.pop();
    const { inKey, ifKeyOpen, keys, size } = b;
    for (let i = 0; i < raw.length; i++) {
      let line = raw[i]!;
      const lineNo = firstLineNo + i;
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      if (inKey.open && !isBlank(line)) {
        const r = parseLine(line, lineNo);
        if (!isBlank(r.message)) {
          const m = redactor.redactLine(r.message, inKey);
          ifKeyOpen.messages.push(m);
          ifKeyOpen.masked.push(maskMessage(m));
          ifKeyOpen.openAtEnd = inKey.open;
        }
      }
      measure(line, lineNo, size);
      if (isBlank(line)) continue;
      const record = parseLine(line, lineNo);
      if (isBlank(record.message)) continue;
      const p = prepared(record.message, keys);
      b.lineNos.push(lineNo);
      b.levels.push(LEVEL_CODE[record.level]);
      b.times.push(record.timestamp ?? Number.NaN);
      b.messages.push(p.message);
      b.masked.push(p.masked);
      b.details.push(record.detail ?? null);
    }
    b.lines += raw.length;
  };

  const finish = (b: Builder): PreparedBatch => ({
    lines: b.lines,
    lineNos: Int32Array.from(b.lineNos),
    levels: Uint8Array.from(b.levels),
    times: Float64Array.from(b.times),
    messages: b.messages,
    masked: b.masked,
    details: b.details,
    keyOpenAtEnd: b.keys.open,
    ifKeyOpen: b.ifKeyOpen,
    ...b.size,
  });

  const prepareChunk = (text: string, firstLineNo: number): PreparedBatch => {
    const b = newBatch();
    addText(b, text, firstLineNo);
    return finish(b);
  };

  // The bytes are decoded a piece of at most PIECE_BYTES at a time (cut after a newline): a
  // string of a whole chunk would be allocated straight into the old generation, which V8 lets
  // grow to well over 100 MB before it first collects it; pieces die young.
  const prepareBytes = (bytes: Uint8Array, firstLineNo: number): PreparedBatch => {
    const b = newBatch();
    let at = 0;
    while (at < bytes.length) {
      let end = bytes.length;
      if (end - at > PIECE_BYTES) {
        const nl = bytes.lastIndexOf(NEWLINE, at + PIECE_BYTES - 1);
        if (nl >= at) end = nl + 1;
        else {
          // A line longer than a piece is decoded whole.
          const next = bytes.indexOf(NEWLINE, at + PIECE_BYTES);
          end = next < 0 ? bytes.length : next + 1;
        }
      }
      addText(b, decodeChunk(bytes.subarray(at, end)), firstLineNo + b.lines);
      at = end;
    }
    return finish(b);
  };

  return { redact, prepareRecord, prepareLine, prepareChunk, prepareBytes, settle };
}
