// The offline half of the pipeline in one pass: parse each line, redact it, mine its template
// and count it. Nothing here touches the network; the result is what the summarizer (Gemini or
// offline) and the `logs` CLI work from.
import { createDrain, type DrainOptions } from './drain.js';
import { readLineBatches } from './line-reader.js';
import { parseLine } from './parse-input.js';
import { createLogRedactor, type LogRedactionOptions } from './redact.js';
import { createStatsCollector, type LogAnalysis } from './stats.js';
import { estimateTokens } from './tokens.js';
import type { LogRecord } from './types.js';

const REDACTION_CACHE = 20_000;

const NOT_BLANK = /\S/;
const isBlank = (s: string) => !NOT_BLANK.test(s);

export interface AnalyzeOptions {
  redaction?: LogRedactionOptions;
  drain?: DrainOptions;
  /** Example lines kept per template (default 3). */
  maxExamples?: number;
}

/** Streaming analyzer: push lines or records, then finish once. */
export interface LogAnalyzer {
  /** Adds one raw input line; returns its raw cluster id, or undefined for a blank line. */
  pushLine(line: string): number | undefined;
  /** Adds a record that a source already parsed (e.g. a Supabase API row). */
  pushRecord(record: LogRecord): number | undefined;
  /** Current id of a raw cluster id, after merges (valid after all lines are pushed). */
  resolve(id: number): number;
  /** Statistics over everything pushed. */
  finish(): LogAnalysis;
}

export function createLogAnalyzer(opts: AnalyzeOptions = {}): LogAnalyzer {
  const redactor = createLogRedactor(opts.redaction);
  // Identical messages are frequent ("request completed"); their redaction is looked up.
  let redacted = new Map<string, string>();
  const redact = (text: string): string => {
    let out = redacted.get(text);
    if (out === undefined) {
      out = redactor.redact(text);
      if (redacted.size >= REDACTION_CACHE) redacted = new Map();
      if (text.length <= 512) redacted.set(text, out);
    }
    return out;
  };

  const stats = createStatsCollector({
    maxExamples: opts.maxExamples ?? 3,
    // Structured fields (method, path, status) make an example useful; they are redacted too.
    example: (record, message) => (record.detail === undefined ? message : `${message} ${redact(record.detail)}`),
  });
  const drain = createDrain({ ...opts.drain, onEvict: (id) => stats.evict(id) });
  let lineNo = 0;
  // Raw tokens are estimated on a sample of lines and scaled by characters: exact counting
  // would cost as much as the rest of the pipeline for a statistic shown once.
  let rawChars = 0;
  let sampledChars = 0;
  let sampledTokens = 0;
  const measure = (text: string) => {
    rawChars += text.length;
    if ((lineNo & 63) === 1) {
      sampledChars += text.length;
      sampledTokens += estimateTokens(text);
    }
  };
  const rawTokens = () => (sampledChars === 0 ? 0 : Math.round((rawChars * sampledTokens) / sampledChars));

  const pushRecord = (record: LogRecord): number | undefined => {
    if (isBlank(record.message)) return undefined;
    // Redact before mining: placeholders group like masks, and templates/examples are safe to show.
    const message = redact(record.message);
    const id = drain.add(message);
    stats.add(id, record, message);
    return id;
  };

  return {
    pushLine(line) {
      lineNo++;
      measure(line);
      if (isBlank(line)) return undefined;
      return pushRecord(parseLine(line, lineNo));
    },
    pushRecord(record) {
      lineNo++;
      measure(record.message);
      return pushRecord(record);
    },
    resolve: (id) => drain.resolve(id),
    finish: () => stats.finish((id) => drain.resolve(id), (id) => drain.template(id), rawTokens()),
  };
}

/** Analyzes every line of an (async) iterable of raw lines. */
export async function analyzeLines(lines: AsyncIterable<string> | Iterable<string>, opts: AnalyzeOptions = {}): Promise<LogAnalysis> {
  const analyzer = createLogAnalyzer(opts);
  for await (const line of lines) analyzer.pushLine(line);
  return analyzer.finish();
}

/** Analyzes a stream (a file, stdin, a download) line by line without holding it in memory. */
export async function analyzeStream(input: NodeJS.ReadableStream, opts: AnalyzeOptions = {}): Promise<LogAnalysis> {
  const analyzer = createLogAnalyzer(opts);
  for await (const batch of readLineBatches(input)) for (const line of batch) analyzer.pushLine(line);
  return analyzer.finish();
}

/** Analyzes records that a source already parsed. */
export function analyzeRecords(records: Iterable<LogRecord>, opts: AnalyzeOptions = {}): LogAnalysis {
  const analyzer = createLogAnalyzer(opts);
  for (const r of records) analyzer.pushRecord(r);
  return analyzer.finish();
}
