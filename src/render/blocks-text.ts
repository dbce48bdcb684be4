// Block Kit to plain terminal text, for CLI commands whose Slack rendering is the only one:
// headers, sections and context lines, with Slack mrkdwn and mentions turned into plain text.
import type { KnownBlock } from '@slack/types';

function plain(text: string): string {
  return text
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<#([A-Z0-9]+)(\|[^>]*)?>/g, '#$1')
    .replace(/:[a-z_]+: ?/g, '')
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/(^|\s)_([^_\n]+)_/g, '$1$2')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function blocksToText(blocks: KnownBlock[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.type === 'header') out.push(plain(b.text.text).toUpperCase(), '');
    else if (b.type === 'section' && b.text) out.push(plain(b.text.text));
    else if (b.type === 'context') out.push(...b.elements.map((e) => ('text' in e ? plain(e.text) : '')));
  }
  return out.join('\n');
}
