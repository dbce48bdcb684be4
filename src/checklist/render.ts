// A checklist as Block Kit: the items as `checkboxes` (at most 10 options per element, so longer
// lists use several), then who ticked what and when. The block_id carries the checklist id, the
// group and the revision: Slack keeps a user's local checkbox state for an unchanged block_id,
// so a new revision makes every client redraw from the recorded state.
import type { KnownBlock } from '@slack/types';
import { context, escapeMrkdwn, escapeText, fitMessage, header, sections, truncate } from '../slack/blocks.js';
import { formatLocal } from '../time/zoned-time.js';
import { type Checklist, type ChecklistItem, MAX_LABEL } from './types.js';

export const TOGGLE_ACTION_ID = 'checklist.toggle';
export const OPTIONS_PER_GROUP = 10;

/** Who did something, for mrkdwn: a mention for Slack users, the name otherwise. */
export function actorMention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

export function blockId(checklistId: number, group: number, revision: number): string {
  return `checklist:${checklistId}:${group}:${revision}`;
}

/** The checklist id, group index and rendered revision encoded in one of our block ids. */
export function parseBlockId(id: string): { checklistId: number; group: number; revision: number } | undefined {
  // A redraw after a refused click appends r<nonce> to force clients to re-render.
  const m = /^checklist:(\d+):(\d+):(\d+)(?:r[0-9a-z]+)?$/.exec(id);
  return m ? { checklistId: Number(m[1]), group: Number(m[2]), revision: Number(m[3]) } : undefined;
}

/** The items shown in checkbox group `group`. */
export function groupItems(items: ChecklistItem[], group: number): ChecklistItem[] {
  return items.slice(group * OPTIONS_PER_GROUP, (group + 1) * OPTIONS_PER_GROUP);
}

function option(item: ChecklistItem, timezone: string) {
  return {
    text: { type: 'mrkdwn' as const, text: truncate(escapeMrkdwn(item.label), MAX_LABEL) },
    value: item.key,
    ...(item.checked && item.checkedAt !== null
      ? { description: { type: 'plain_text' as const, text: `done ${formatLocal(item.checkedAt, timezone, { weekday: false })}` } }
      : {}),
  };
}

export interface ChecklistMessage {
  text: string;
  blocks: KnownBlock[];
}

export function checklistMessage(c: Checklist, timezone: string): ChecklistMessage {
  const done = c.items.filter((i) => i.checked).length;
  const blocks: KnownBlock[] = [header(`${done === c.items.length ? '✅' : '☑️'} ${c.title}`)];
  if (c.description) blocks.push(...sections(c.description));
  const groups = Math.ceil(c.items.length / OPTIONS_PER_GROUP);
  for (let g = 0; g < groups; g++) {
    const items = groupItems(c.items, g);
    const options = items.map((i) => option(i, timezone));
    // initial_options must repeat the very option objects (text, value and description).
    const initial = options.filter((_o, idx) => items[idx]!.checked);
    blocks.push({
      type: 'actions',
      block_id: blockId(c.id, g, c.revision),
      elements: [{ type: 'checkboxes', action_id: TOGGLE_ACTION_ID, options, ...(initial.length > 0 ? { initial_options: initial } : {}) }],
    });
  }
  const log = c.items
    .filter((i) => i.checked && i.checkedBy)
    .map((i) => `✅ *${escapeMrkdwn(i.label)}* — ${actorMention(i.checkedBy!)}, ${formatLocal(i.checkedAt ?? 0, timezone)}`);
  if (log.length > 0) blocks.push(...sections(log.join('\n')));
  blocks.push(context([`${done} of ${c.items.length} done · checklist #${c.id} · every tick and untick is recorded with who and when`]));
  const text = `${escapeText(c.title)}: ${done} of ${c.items.length} done`;
  return { text, blocks: fitMessage(blocks, `See checklist #${c.id} in the state store.`) };
}
