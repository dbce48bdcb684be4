// The words of /incident subcommands, parsed into typed arguments; bad input is an InputError
// that says how to write it, before anything is read or written.
import { InputError } from '../core/errors.js';
import { quoteInput } from '../slack/blocks.js';
import { checkText } from '../slack/input.js';
import { MAX_NOTE } from './render.js';
import { ROLES, SEVERITIES, STATUSES, type IncidentRole, type IncidentStatus, type Severity } from './types.js';

/** `12`, `#12` or `INC-12`. */
export function parseIncidentId(word: string, usage: string): number {
  const m = /^(?:inc-|#)?(\d{1,9})$/i.exec(word.trim());
  if (!m) throw new InputError(`"${quoteInput(word, 30)}" is not an incident id; write it as 12 or INC-12. Usage: \`${usage}\`.`);
  return Number(m[1]);
}

function note(rest: string, usage: string): string {
  const n = rest.trim().split(/\s+/).filter(Boolean).join(' ');
  checkText('note', n, { max: MAX_NOTE });
  if (n.length > MAX_NOTE) throw new InputError(`The note is longer than ${MAX_NOTE} characters. Usage: \`${usage}\`.`);
  return n;
}

export function parseStatus(text: string): { status: Exclude<IncidentStatus, 'resolved'>; note: string } {
  const usage = '/incident status investigating|identified|monitoring [note]';
  const [word = '', ...rest] = text.trim().split(/\s+/);
  const w = word.toLowerCase();
  if (w === 'resolved') throw new InputError('To resolve, use `/incident resolve <resolution note>` (or the card’s *Resolve* button): it posts the closing summary and the postmortem.');
  if (!(STATUSES as readonly string[]).includes(w)) {
    throw new InputError(`${w ? `"${quoteInput(word, 30)}" is not a status` : 'Which status?'}; use investigating, identified or monitoring. Usage: \`${usage}\`.`);
  }
  return { status: w as Exclude<IncidentStatus, 'resolved'>, note: note(rest.join(' '), usage) };
}

export function parseSeverity(text: string): { severity: Severity; note: string } {
  const usage = '/incident severity P0|P1|P2|P3 [note]';
  const [word = '', ...rest] = text.trim().split(/\s+/);
  const w = word.toUpperCase();
  if (!(SEVERITIES as readonly string[]).includes(w)) {
    throw new InputError(`${w ? `"${quoteInput(word, 30)}" is not a severity` : 'Which severity?'}; use P0 (critical), P1 (high), P2 (medium) or P3 (low). Usage: \`${usage}\`.`);
  }
  return { severity: w as Severity, note: note(rest.join(' '), usage) };
}

const ROLE_WORDS: Record<string, IncidentRole> = { commander: 'commander', ic: 'commander', scribe: 'scribe', comms: 'communications', communications: 'communications' };

/** `<@U123> commander` or `commander <@U123>`; the user as Slack escapes a mention. */
export function parseRole(text: string): { userId: string; role: IncidentRole } {
  const usage = '/incident role @user commander|scribe|comms';
  const words = text.trim().split(/\s+/).filter(Boolean);
  const mention = words.find((w) => /^<@[UW][A-Z0-9]+(\|[^>]*)?>$/.test(w));
  const roleWord = words.find((w) => w !== mention)?.toLowerCase();
  if (!mention || words.length !== 2) throw new InputError(`Name one person and one role. Usage: \`${usage}\`.`);
  const role = roleWord ? ROLE_WORDS[roleWord] : undefined;
  if (!role) throw new InputError(`"${quoteInput(roleWord ?? '', 30)}" is not a role; use ${ROLES.map((r) => (r === 'communications' ? 'comms' : r)).join(', ')}. Usage: \`${usage}\`.`);
  return { userId: /^<@([UW][A-Z0-9]+)/.exec(mention)![1]!, role };
}

/** `[30d|90d]` (any 1–365 days). */
export function parseDays(text: string): number {
  const w = text.trim().toLowerCase();
  if (w === '') return 30;
  const m = /^(\d{1,3})d?$/.exec(w);
  const n = m ? Number(m[1]) : NaN;
  if (!m || n < 1 || n > 365) throw new InputError(`"${quoteInput(text, 20)}" is not a period; use 30d or 90d (1 to 365 days). Usage: \`/incident stats [30d|90d]\`.`);
  return n;
}

/** An optional incident id (inside a war room the channel names it). */
export function parseOptionalId(text: string, usage: string): number | undefined {
  const w = text.trim();
  return w === '' ? undefined : parseIncidentId(w, usage);
}

/** A resolution or update text from a modal: required, clean, bounded. */
export function requiredText(field: string, value: string | undefined, min: number, max: number): string {
  const v = (value ?? '').trim();
  checkText(field, v, { max });
  if (v.length < min) throw new InputError(`The ${field} needs at least ${min} characters.`);
  if (v.length > max) throw new InputError(`The ${field} is longer than ${max} characters.`);
  return v;
}

export { ROLE_WORDS };
