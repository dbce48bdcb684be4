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

/** One of the bot's database connections; named in messages so the operator knows which URL to check. */
export type DatabaseSystem = 'target' | 'admin' | 'state';

/** How each system is named to the user. */
export const DATABASE_NAMES: Record<DatabaseSystem, string> = {
  target: 'the target database',
  admin: 'the target database (writing, DATABASE_ADMIN_URL)',
  state: "the bot's state store (STATE_DATABASE_URL)",
};

/** What the user can still rely on while that system is gone, and what to do next. */
export const WHILE_LOST: Record<DatabaseSystem, string> = {
  target: 'The read that was cut changed nothing. The bot is still running: run the command again once the database is back (/health shows when).',
  admin:
    'Work committed before that is kept; work not yet committed was rolled back by the server. The bot is still running: request the run again once the database is back (/health shows when).',
  state:
    'Until it is back, approvals, audit and playbooks are unavailable; /health and read-only diagnostics still work. Try again once it is back.',
};

/**
 * A database session ended under the bot (terminated by an administrator, server restart or
 * crash, database dropped, network reset). The message is one or more full sentences, so it
 * reads well on its own and after a prefix such as "Failed after 7,200 rows: ".
 */
export class ConnectionLostError extends UpstreamError {
  readonly system: DatabaseSystem;
  /** Why the session ended, in words (no URL, no secret). */
  readonly reason: string;

  constructor(system: DatabaseSystem, reason: string, options?: { cause?: unknown }) {
    super(`The connection to ${DATABASE_NAMES[system]} was lost: ${reason}. ${WHILE_LOST[system]}`, options);
    this.system = system;
    this.reason = reason;
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
