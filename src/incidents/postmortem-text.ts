// Text hygiene for the postmortem draft. Everything a person or the model wrote goes through
// one scrub before it reaches the prompt or the Markdown: the caller's redaction (config
// secrets), the log redactor (credential shapes, Postgres URLs, emails, …), and Slack
// broadcasts made inert. Markdown the reader needs is left as it is; only line structure is
// flattened where a line could otherwise forge a heading of the draft.
import { createLogRedactor } from '../logs/redact.js';
import { formatMs } from '../core/format.js';
import { formatStamp } from '../time/zoned-time.js';

// U+2060 WORD JOINER: invisible, keeps the word readable, and Slack no longer sees a broadcast.
const JOINER = '\u2060';

/**
 * `<!channel>`, `<!here>`, `<!everyone>`, user-group mentions and bare `@channel` / `@here` /
 * `@everyone` become plain words that notify nobody, wherever the draft is shown.
 */
export function neutralizeMentions(text: string): string {
  return text
    .replace(/<!(channel|here|everyone)\b[^>]*>/gi, (_m, word: string) => `@${JOINER}${word}`)
    .replace(/<!subteam\^([A-Za-z0-9]+)[^>]*>/g, (_m, id: string) => `(user group ${id})`)
    .replace(/(^|[^\w\u2060])@(channel|here|everyone)\b/gi, (_m, before: string, word: string) => `${before}@${JOINER}${word}`);
}

/** Cuts to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** One line: whitespace runs (newlines included) become one space; cut to `max`. */
export function oneLine(text: string, max: number): string {
  return clip(text.replace(/\s+/g, ' ').trim(), max);
}

/**
 * Paragraphs for a narrative section: blank lines kept as paragraph breaks, other newlines
 * joined, and a leading `#`, `>` or `---` dropped so a paragraph cannot pose as a heading
 * or a rule of the draft.
 */
export function paragraphs(text: string, max: number): string {
  const parts = text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim().replace(/^(?:#+|>+|-{3,}|={3,})\s*/, ''))
    .filter((p) => p !== '');
  return clip(parts.join('\n\n'), max);
}

/** The one scrub for text from people, systems or the model. */
export type Scrub = (text: string) => string;

export function createScrub(redact: (text: string) => string): Scrub {
  const logs = createLogRedactor();
  return (text) => neutralizeMentions(logs.redact(redact(text)));
}

/** `2026-12-07 02:10:05 EST` in the incident's zone. */
export function stamp(at: Date | number, timezone: string): string {
  return formatStamp(typeof at === 'number' ? at : at.getTime(), timezone);
}

/** A duration for people ("12 min 5 s", "3 h 20 min"); never negative. */
export function span(ms: number): string {
  return formatMs(Math.max(0, ms));
}

/** A Slack user id as a mention; the bot and the terminal by name. */
export function who(actor: string | null | undefined): string {
  if (!actor) return 'someone';
  if (/^[UW][A-Z0-9]{2,}$/.test(actor)) return `<@${actor}>`;
  return oneLine(actor, 40);
}
