// The offline half of the pipeline in one pass: parse each line, redact it, mine its template
// and count it. Nothing here touches the network; the result is what the summarizer (Gemini or
// offline) and the `logs` CLI work from. Lines are prepared (parsed, redacted, masked) by
// prepare.ts, in worker threads for big streams; mining and statistics stay here, in input
// order, so the result is the same whichever thread prepared a line.
import { createTemplateMiner, type MinerOptions } from './miner.js';
import { feedStream, type FeedReport, type ParallelOptions } from './parallel.js';
import { createLinePreparer, emptyRawSize, type PreparedBatch, type PreparedRecord } from './prepare.js';
import type { LogRedactionOptions } from './redact.js';
import { createStatsCollector, type LogAnalysis } from './stats.js';
import { LOG_LEVELS, type LogRecord } from './types.js';

export interface AnalyzeOptions {
  redaction?: LogRedactionOptions;
  /** Template miner bounds (see MinerOptions). */
  miner?: MinerOptions;
  /** Example lines kept per template (default 3). */
  maxExamples?: number;
  /** Worker threads for big streams (see ParallelOptions). */
  parallel?: ParallelOptions;
  /**
   * Whether to gather statistics (default true). `logs parse` wants only each line's template
   * id: without statistics no record is built per line and finish() may not be called.
   */
  statistics?: boolean;
}

/** Streaming analyzer: push lines, records or prepared batches, then finish once. */
export interface LogAnalyzer {
  /** Adds one raw input line; returns its raw cluster id, or undefined for a blank line. */
  pushLine(line: string): number | undefined;
  /** Adds a record that a source already parsed (e.g. a Supabase API row). */
  pushRecord(record: LogRecord): number | undefined;
  /** Adds the next lines, prepared by prepareChunk; returns the raw cluster id of each (0 = blank). */
  pushBatch(batch: PreparedBatch): Int32Array;
  /** Prepares a chunk of complete lines in this thread (the next ones after those pushed so far). */
  prepareChunk(text: string, firstLineNo: number): PreparedBatch;
  /** prepareChunk for the chunk's bytes. */
  prepareBytes(bytes: Uint8Array, firstLineNo: number): PreparedBatch;
  /** Lines pushed so far, blank ones included. */
  readonly lines: number;
  /** Current id of a raw cluster id, after merges (valid after all lines are pushed). */
  resolve(id: number): number;
  /** Statistics over everything pushed. */
  finish(): LogAnalysis;
}

export function createLogAnalyzer(opts: AnalyzeOptions = {}): LogAnalyzer {
  const preparer = createLinePreparer(opts.redaction);
  const stats = createStatsCollector({
    maxExamples: opts.maxExamples ?? 3,
    // Structured fields (method, path, status) make an example useful; they are redacted too.
    example: (record, message) => (record.detail === undefined ? message : `${message} ${preparer.redact(record.detail)}`),
  });
  const counting = opts.statistics ?? true;
  const miner = createTemplateMiner({ ...opts.miner, onEvict: (id) => stats.evict(id) });
  let lineNo = 0;
  // Raw input size, for the raw-token estimate (see prepare.ts).
  const size = emptyRawSize();
  const rawTokens = () => (size.sampledChars === 0 ? 0 : Math.round((size.rawChars * size.sampledTokens) / size.sampledChars));

  const push = (p: PreparedRecord | undefined): number | undefined => {
    if (!p) return undefined;
    const id = miner.addMasked(p.masked, p.message);
    if (counting) stats.add(id, p.record, p.message);
    return id;
  };

  return {
    // A byte-order mark opens some exported files; the stream path drops it from the bytes.
    pushLine: (line) => push(preparer.prepareLine(lineNo === 0 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line, ++lineNo, size)),
    pushRecord: (record) => push(preparer.prepareRecord(record, ++lineNo, size)),
    pushBatch(batch) {
      preparer.settle(batch);
      const ids = new Int32Array(batch.lines);
      const first = lineNo + 1;
      if (!counting) {
        for (let i = 0; i < batch.messages.length; i++) ids[batch.lineNos[i]! - first] = miner.addMasked(batch.masked[i]!, batch.messages[i]);
      }
      for (let i = 0; counting && i < batch.messages.length; i++) {
        const t = batch.times[i]!;
        const detail = batch.details[i];
        const message = batch.messages[i]!;
        const record: LogRecord = {
          lineNo: batch.lineNos[i]!,
          message,
          level: LOG_LEVELS[batch.levels[i]!]!,
          timestamp: Number.isNaN(t) ? undefined : t,
          detail: detail ?? undefined,
        };
        const id = miner.addMasked(batch.masked[i]!, message);
        stats.add(id, record, message);
        ids[record.lineNo - first] = id;
      }
      lineNo += batch.lines;
      size.rawChars += batch.rawChars;
      size.sampledChars += batch.sampledChars;
      size.sampledTokens += batch.sampledTokens;
      return ids;
    },
    prepareChunk: (text, firstLineNo) => preparer.prepareChunk(text, firstLineNo),
    prepareBytes: (bytes, firstLineNo) => preparer.prepareBytes(bytes, firstLineNo),
    get lines() {
      return lineNo;
    },
    resolve: (id) => miner.resolve(id),
    finish: () => {
      if (!counting) throw new Error('createLogAnalyzer: finish() needs statistics (statistics: false keeps template ids only)');
      return stats.finish((id) => miner.resolve(id), (id) => miner.template(id), rawTokens());
    },
  };
}

/** Analyzes every line of an (async) iterable of raw lines. */
export async function analyzeLines(lines: AsyncIterable<string> | Iterable<string>, opts: AnalyzeOptions = {}): Promise<LogAnalysis> {
  const analyzer = createLogAnalyzer(opts);
  for await (const line of lines) analyzer.pushLine(line);
  return analyzer.finish();
}

/** Analyzes a stream (a file, stdin, a download) without holding it in memory. */
export async function analyzeStream(input: NodeJS.ReadableStream, opts: AnalyzeOptions = {}): Promise<LogAnalysis> {
  const analyzer = createLogAnalyzer(opts);
  await feedAnalyzer(input, analyzer, opts);
  return analyzer.finish();
}

/**
 * Pushes every line of a stream into an analyzer; big streams are prepared in worker threads.
 * `onIds` receives the raw cluster id of every line (0 for a blank one), in input order.
 */
export function feedAnalyzer(
  input: NodeJS.ReadableStream,
  analyzer: LogAnalyzer,
  opts: AnalyzeOptions = {},
  onIds?: (ids: Int32Array) => void,
): Promise<FeedReport> {
  return feedStream(input, analyzer, { ...opts.parallel, redaction: opts.redaction ?? {} }, onIds);
}

/** Analyzes records that a source already parsed. */
export function analyzeRecords(records: Iterable<LogRecord>, opts: AnalyzeOptions = {}): LogAnalysis {
  const analyzer = createLogAnalyzer(opts);
  for (const r of records) analyzer.pushRecord(r);
  return analyzer.finish();
}
