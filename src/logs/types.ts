// Shared shapes of the log pipeline: one record per input line, after the input parser has
// pulled the message, level and time out of whatever shape the line came in.

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal', 'unknown'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where a batch of log lines came from, as shown to the reader. */
export type LogSourceKind = 'edge' | 'postgres' | 'auth' | 'file' | 'stdin';

export interface LogRecord {
  /** 1-based line number in the input. */
  lineNo: number;
  /** The free-text part that is mined for templates (header fields stripped). */
  message: string;
  /** Epoch milliseconds, when the line carried a time we could read. */
  timestamp?: number;
  level: LogLevel;
  /** Structured fields worth showing with an example (method, path, status, error), not mined. */
  detail?: string;
}

/** Ordering used to pick the "worst" level of a template. */
export const LEVEL_RANK: Record<LogLevel, number> = { unknown: 0, debug: 1, info: 2, warn: 3, error: 4, fatal: 5 };

export function isErrorLevel(level: LogLevel): boolean {
  return level === 'error' || level === 'fatal';
}
