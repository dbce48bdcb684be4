// Checks on strings that arrive from Slack (command text, button values, modal fields, private
// metadata) before they reach a query: Postgres refuses a NUL byte in text and a malformed uuid
// with an error the user would only see as "something went wrong". Each failure is an
// InputError that names the field and says what it should look like.
import { InputError } from '../core/errors.js';

/** Longest free-text value (reasons, titles) a command accepts. */
export const MAX_FREE_TEXT = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Control characters other than tab and line breaks: NUL is the one Postgres refuses outright,
// the others are never meant and garble logs and terminals.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Where the first control character is, or -1. */
export function controlCharAt(value: string): number {
  const m = CONTROL.exec(value);
  return m ? m.index : -1;
}

/** Free text (a reason, a title): no control characters, at most `max` characters. */
export function checkText(field: string, value: string, opts: { max?: number; min?: number } = {}): string {
  const max = opts.max ?? MAX_FREE_TEXT;
  const at = controlCharAt(value);
  if (at >= 0) {
    const code = value.charCodeAt(at).toString(16).padStart(4, '0');
    throw new InputError(`The ${field} contains an invisible control character (U+${code.toUpperCase()}) at position ${at + 1}. Type it again without pasting, and send it again.`);
  }
  if (value.length > max) throw new InputError(`The ${field} is too long (${value.length} characters; at most ${max}). Shorten it and send it again.`);
  if (opts.min !== undefined && value.trim().length < opts.min) throw new InputError(`The ${field} is too short: write at least ${opts.min} characters.`);
  return value;
}

/** A playbook request id from a button or a modal: a uuid, nothing else. */
export function checkRequestId(value: unknown, field = 'request id'): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new InputError(`This button carries a ${field} I cannot read (expected a uuid). Nothing was done; use the buttons on the latest message the bot posted.`);
  }
  return value.toLowerCase();
}

/** A positive whole number id (alert, checklist) within Postgres' integer range. */
export function checkIntId(value: unknown, field: string, max = 2_147_483_647): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new InputError(`This message carries a ${field} I cannot read (expected a whole number from 1 to ${max}). Nothing was recorded; use the message the bot posted last.`);
  }
  return n;
}

/** Parses modal private_metadata (which we wrote) and checks it is an object. */
export function parseMetadata(raw: string | undefined): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(raw ?? '');
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new InputError('This form is from an older or damaged message, so I cannot tell what it was for. Nothing was done; start again from the command.');
}

/**
 * Finds the first string in a Slack payload that carries a NUL or another control character,
 * and names where it is (e.g. "the command text", "the value of button playbook_approve").
 * Used as a backstop before any listener runs.
 */
export function findControlChars(body: unknown): string | undefined {
  const b = body as {
    actions?: { action_id?: unknown; value?: unknown; block_id?: unknown; selected_option?: { value?: unknown }; selected_options?: { value?: unknown }[] }[];
    view?: { private_metadata?: unknown; state?: { values?: Record<string, Record<string, { value?: unknown }>> } };
  };
  const bad = (v: unknown) => typeof v === 'string' && controlCharAt(v) >= 0;
  for (const a of b.actions ?? []) {
    const name = typeof a.action_id === 'string' ? a.action_id.slice(0, 40) : 'button';
    if (bad(a.value) || bad(a.block_id) || bad(a.selected_option?.value) || (a.selected_options ?? []).some((o) => bad(o.value))) return `the value of ${name}`;
  }
  if (bad(b.view?.private_metadata)) return 'the form metadata';
  for (const [blockId, actions] of Object.entries(b.view?.state?.values ?? {})) {
    for (const a of Object.values(actions ?? {})) if (bad(a?.value)) return `the field ${blockId.replace(/^param_/, '').slice(0, 40)}`;
  }
  return undefined;
}
