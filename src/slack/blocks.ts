// Block Kit builders that respect Slack's limits by construction: 50 blocks per message,
// 3000 characters per section text, 150 per header, 10 context elements. Long text is split
// on line boundaries; a message that would exceed 50 blocks is cut and says so.
import type { KnownBlock } from '@slack/types';

export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  buttonText: 75,
} as const;

/**
 * Escapes text from outside (user input, table names, queries, log lines, model output) the way
 * Slack asks: &, < and > become entities, so `<!channel>`, `<@U…>`, `<#C…>`, `<!subteam^…>` and
 * `<https://…|…>` show as typed instead of notifying people or hiding a link. This is the one
 * escape every renderer uses, for blocks and for the top-level `text` alike.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The same escape, named for the top-level `text` of a message (notifications, fallbacks). */
export const escapeText = escapeMrkdwn;

/**
 * Outside input echoed back in a message (an unknown word, a bad value): control characters
 * removed, cut to `max` characters, then escaped.
 */
export function quoteInput(text: string, max = 60): string {
  // eslint-disable-next-line no-control-regex
  return escapeMrkdwn(truncate(text.replace(/[\u0000-\u001f\u007f]/g, ' '), max));
}

/**
 * Defuses the broadcast mentions (`<!channel>`, `<!here>`, `<!everyone>`) in text the bot
 * composes from several sources, e.g. error messages: the bot itself never broadcasts, so any
 * such mention came from outside. User, channel and group mentions are left alone.
 */
export function defuseBroadcasts(text: string): string {
  return text.replace(/<!(channel|here|everyone)\b([^>]*)>/gi, (_m, word: string, rest: string) => `&lt;!${word}${rest}&gt;`);
}

export function truncate(text: string, max: number, suffix = '…'): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - suffix.length)) + suffix;
}

/** A header block; its text is taken as plain (outside) text and escaped here. */
export function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: escapedWithin(text, LIMITS.headerText), emoji: true } };
}

/** Escaped text of at most `max` characters, cut before escaping so no entity is split. */
export function escapedWithin(text: string, max: number): string {
  let out = escapeMrkdwn(truncate(text, max));
  // An entity is at most 5 characters, so each step removes at least what is over the limit.
  for (let n = max; out.length > max && n > 1; ) {
    n = Math.max(1, n - Math.max(1, Math.ceil((out.length - max) / 4)));
    out = escapeMrkdwn(truncate(text, n));
  }
  return out.length > max ? truncate('', max) : out;
}

/** Splits text into chunks of at most `max` characters, preferring line breaks. */
export function splitText(text: string, max: number = LIMITS.sectionText): string[] {
  if (text.length <= max) return [text];
  const out: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const pieces = line.length > max ? chunk(line, max) : [line];
    for (const piece of pieces) {
      const candidate = current === '' ? piece : `${current}\n${piece}`;
      if (candidate.length <= max) {
        current = candidate;
      } else {
        if (current !== '') out.push(current);
        current = piece;
      }
    }
  }
  if (current !== '') out.push(current);
  return out;
}

function chunk(s: string, max: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += max) out.push(s.slice(i, i + max));
  return out;
}

/** One or more section blocks holding `text` (mrkdwn), split to stay within the limit. */
export function sections(text: string): KnownBlock[] {
  return splitText(text).map((t) => ({ type: 'section', text: { type: 'mrkdwn', text: t } }));
}

export function context(texts: string[]): KnownBlock {
  return {
    type: 'context',
    elements: texts.slice(0, LIMITS.contextElements).map((t) => ({ type: 'mrkdwn', text: truncate(t, LIMITS.contextText) })),
  };
}

export const divider: KnownBlock = { type: 'divider' };

/**
 * Keeps a message within the block limit. If `blocks` has more than 50, a note saying how many
 * were left out and where to see everything takes the place of the overflow; a final context
 * block (the footer with time and duration) is kept.
 */
export function fitMessage(blocks: KnownBlock[], overflowHint: string): KnownBlock[] {
  if (blocks.length <= LIMITS.blocksPerMessage) return blocks;
  const footer = blocks.at(-1)?.type === 'context' ? blocks.at(-1) : undefined;
  const room = LIMITS.blocksPerMessage - 1 - (footer ? 1 : 0);
  const kept = blocks.slice(0, room);
  const omitted = blocks.length - kept.length - (footer ? 1 : 0);
  kept.push(context([`_${omitted} more block${omitted === 1 ? '' : 's'} not shown (Slack allows ${LIMITS.blocksPerMessage}). ${overflowHint}_`]));
  if (footer) kept.push(footer);
  return kept;
}
