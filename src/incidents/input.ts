// Checks on everything the incident service receives, before any of it reaches SQL: ids in
// Postgres' integer range, Slack ids and message timestamps in their shape, free text without
// control characters and within its length. Each failure is an InputError saying what to fix.
import { InputError } from '../core/errors.js';
import { checkText } from '../slack/input.js';
import { KINDS, ROLES, SEVERITIES, STATUSES, type IncidentKind, type IncidentRole, type IncidentStatus, type Severity } from './types.js';

/** Longest title: a Slack header holds 150 characters. */
export const MAX_TITLE = 150;
/** Longest note on a status or severity change, a role change or a resolution. */
export const MAX_NOTE = 500;
/** Longest "what users see", impact or next steps. */
export const MAX_LONG_TEXT = 1000;
/** Longest part of a pinned message kept on the timeline (longer ones are cut, not refused). */
export const MAX_PINNED_TEXT = 2000;
/** Longest next-update interval: a week. */
export const MAX_NEXT_UPDATE_MINUTES = 7 * 24 * 60;
/** Longest stats window. */
export const MAX_STATS_DAYS = 3650;

const SLACK_ID = /^[A-Z0-9]{2,40}$/;
const ACTORS = new Set(['opsbot', 'cli', 'scheduler']);
const MESSAGE_TS = /^\d{1,12}\.\d{1,9}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CHANNEL_NAME = /^[a-z0-9][a-z0-9_-]{0,79}$/;

/** An incident number: a whole number from 1 to 2147483647. */
export function incidentId(id: unknown): number {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) {
    throw new InputError(`"${String(id).slice(0, 20)}" is not an incident number. Use the number shown on the incident card, e.g. 3 for incident #3.`);
  }
  return id;
}

/** A Slack user id (U…, W…) or the bot's own actors ('opsbot', 'cli', 'scheduler'). */
export function actorId(field: string, v: unknown): string {
  if (typeof v === 'string' && (SLACK_ID.test(v) || ACTORS.has(v))) return v;
  throw new InputError(`The ${field} must be a Slack user id such as U012ABCDEF (got "${String(v).slice(0, 40)}").`);
}

/** A Slack user id: the holder of a role, the author of a message. */
export function userId(field: string, v: unknown): string {
  if (typeof v === 'string' && SLACK_ID.test(v)) return v;
  throw new InputError(`The ${field} must be a Slack user id such as U012ABCDEF (got "${String(v).slice(0, 40)}"). Mention the person, e.g. @jane.`);
}

export function channelId(v: unknown): string {
  if (typeof v === 'string' && SLACK_ID.test(v)) return v;
  throw new InputError(`"${String(v).slice(0, 40)}" is not a Slack channel id (such as C012ABCDEF).`);
}

export function channelName(v: unknown): string {
  if (typeof v === 'string' && CHANNEL_NAME.test(v)) return v;
  throw new InputError(`"${String(v).slice(0, 80)}" is not a Slack channel name (lower-case letters, digits, - and _, at most 80).`);
}

export function messageTs(v: unknown): string {
  if (typeof v === 'string' && MESSAGE_TS.test(v)) return v;
  throw new InputError(`"${String(v).slice(0, 30)}" is not a Slack message timestamp (such as 1712345678.000100).`);
}

export function lockdownId(v: unknown): string {
  if (typeof v === 'string' && UUID.test(v)) return v.toLowerCase();
  throw new InputError(`"${String(v).slice(0, 40)}" is not a lockdown id (a uuid, as /lockdown status shows it).`);
}

function oneOf<T extends string>(list: readonly T[], what: string, v: unknown): T {
  if (typeof v === 'string' && (list as readonly string[]).includes(v)) return v as T;
  throw new InputError(`"${String(v).slice(0, 30)}" is not a ${what}. Use one of: ${list.join(', ')}.`);
}

export const severity = (v: unknown): Severity => oneOf(SEVERITIES, 'severity', v);
export const kind = (v: unknown): IncidentKind => oneOf(KINDS, 'kind of incident', v);
export const status = (v: unknown): IncidentStatus => oneOf(STATUSES, 'status', v);
export const role = (v: unknown): IncidentRole => oneOf(ROLES, 'role', v);

/** Free text: a string without control characters, at most `max`, at least `min` non-blank. */
export function text(field: string, v: unknown, max: number, min = 0): string {
  if (typeof v !== 'string') throw new InputError(`The ${field} is missing.`);
  return checkText(field, v, { max, ...(min > 0 ? { min } : {}) });
}

/** Text of someone's Slack message: kept, but control characters become spaces and it is cut. */
export function messageText(v: unknown): string {
  const s = typeof v === 'string' ? v : '';
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ');
  return clean.length > MAX_PINNED_TEXT ? `${clean.slice(0, MAX_PINNED_TEXT - 1)}…` : clean;
}

/** A whole number within [min, max]. */
export function wholeNumber(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new InputError(`The ${field} must be a whole number from ${min} to ${max} (got ${String(v).slice(0, 20)}).`);
  }
  return v;
}

/** A declaration key (a view id or trigger id): 1 to 200 visible characters. */
export function declareKey(v: unknown): string {
  if (typeof v === 'string' && /^[\x21-\x7e]{1,200}$/.test(v)) return v;
  throw new InputError('This declaration carries no usable request id, so I cannot make sure it is declared once. Nothing was declared; open the declare form again.');
}
