// Typed errors. Each carries a stable code and a message written for the person in Slack or at
// the terminal: what went wrong and what to do. Anything that is not an OpsError is unexpected
// and is shown only as a reference id (the details go to the log).

export type ErrorCode =
  | 'config_invalid'
  | 'input_invalid'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'upstream_unavailable'
  | 'timeout';

export class OpsError extends Error {
  readonly code: ErrorCode;
  /** Safe to show to the user as is. */
  readonly userMessage: string;

  constructor(code: ErrorCode, userMessage: string, options?: { cause?: unknown }) {
    super(userMessage, options);
    this.name = new.target.name;
    this.code = code;
    this.userMessage = userMessage;
  }
}

/** Bad input from a user: says what is wrong and how to write it. */
export class InputError extends OpsError {
  constructor(message: string) {
    super('input_invalid', message);
  }
}

/** The caller may not do this here. */
export class ForbiddenError extends OpsError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** A system we depend on (Slack, database, Supabase, Gemini) could not be reached or refused. */
export class UpstreamError extends OpsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('upstream_unavailable', message, options);
  }
}

export class TimeoutError extends OpsError {
  constructor(message: string) {
    super('timeout', message);
  }
}

/** Settings are missing or invalid; the message lists every problem. */
export class ConfigError extends OpsError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('config_invalid', `Configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

export function isOpsError(err: unknown): err is OpsError {
  return err instanceof OpsError;
}

/** Best-effort message of an unknown thrown value, for logs only. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
