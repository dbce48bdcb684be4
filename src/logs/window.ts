// "since 30m": the log window a person asks for, in milliseconds, at most 24 h (the Supabase
// logs API refuses longer windows, and a day of logs is plenty for an incident).
import { InputError } from '../core/errors.js';

export const MAX_LOG_WINDOW_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_LOG_WINDOW_MS = 30 * 60 * 1000;

const UNITS: Record<string, number> = { s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, hr: 3_600_000, d: 86_400_000 };

/** Parses "30m", "90 min", "2h", "1d"; throws an InputError that says how to write it. */
export function parseLogWindow(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)\s*$/i.exec(text);
  const ms = m ? Number(m[1]) * UNITS[m[2]!.toLowerCase()]! : NaN;
  if (!(ms > 0) || ms > MAX_LOG_WINDOW_MS) {
    throw new InputError(`"${text.trim().slice(0, 20)}" is not a log window. Write a duration of at most 24 h, such as 30m, 2h or 1d.`);
  }
  return ms;
}
