// Captures pino output for unit tests: a Writable that keeps every line, parsed as JSON.
import { Writable } from 'node:stream';
import type { Logger } from '../../src/core/log.js';
import { createLogger } from '../../src/core/log.js';
import { createRedactor } from '../../src/core/redact.js';

export interface LogCapture {
  /** Pass as pino's `destination`. */
  stream: Writable;
  /** Every line written so far, parsed. */
  lines(): Record<string, unknown>[];
  /** Everything written so far, as text (for "this secret appears nowhere" assertions). */
  raw(): string;
}

export function captureLogs(): LogCapture {
  const chunks: string[] = [];
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      callback();
    },
  });
  const raw = () => chunks.join('');
  return {
    stream,
    raw,
    lines: () =>
      raw()
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** A logger as the bot builds it (with redaction), writing into a capture. */
export function capturedLogger(secrets: string[] = [], level = 'debug'): { logger: Logger; logs: LogCapture } {
  const logs = captureLogs();
  const logger = createLogger({ level, redactor: createRedactor(secrets), destination: logs.stream });
  return { logger, logs };
}
