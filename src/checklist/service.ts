// Posting checklists and applying ticks: by people (checkbox clicks) and by the bot itself
// (e.g. "announced" once the notice went out). The message is re-rendered from the recorded
// state after every change, so it always shows what the state store holds.
import type { Clock } from '../core/clock.js';
import type { ChatPoster } from '../slack/chat-poster.js';
import { checklistMessage, groupItems } from './render.js';
import type { ChecklistStore } from './store.js';
import type { Checklist, ChecklistChange, ChecklistEvent, NewChecklist } from './types.js';

/** A click on one checkbox group, as Slack reports it. */
export interface ChecklistClick {
  checklistId: number;
  group: number;
  userId: string;
  /** Item keys selected in the group after the click. */
  selected: string[];
  /**
   * Item keys that were ticked in the version of the message the user clicked on. The user's
   * change is the difference to `selected`; comparing with the latest recorded state instead
   * would undo a tick someone else made after the user's client last redrew.
   */
  seen?: string[];
  /** The revision the clicked message showed (from its block_id); used to work out `seen`. */
  revision?: number;
  at: number;
}

/** Item keys ticked at `revision`, replayed from the history (every checklist starts unticked). */
export function tickedAt(events: ChecklistEvent[], revision: number): string[] {
  const ticked = new Set<string>();
  for (const e of events) {
    if (e.revision > revision) continue;
    if (e.action === 'ticked') ticked.add(e.itemKey);
    else ticked.delete(e.itemKey);
  }
  return [...ticked];
}

/**
 * The items a click ticks and unticks. Only keys of the clicked group count, and only the
 * difference between what the user saw and what they selected.
 */
export function clickChanges(c: Checklist, click: ChecklistClick): ChecklistChange[] {
  const group = groupItems(c.items, click.group);
  const keys = new Set(group.map((i) => i.key));
  const before = new Set((click.seen ?? group.filter((i) => i.checked).map((i) => i.key)).filter((k) => keys.has(k)));
  const after = new Set(click.selected.filter((k) => keys.has(k)));
  const out: ChecklistChange[] = [];
  for (const i of group) {
    if (after.has(i.key) && !before.has(i.key)) out.push({ itemKey: i.key, action: 'ticked' });
    if (!after.has(i.key) && before.has(i.key)) out.push({ itemKey: i.key, action: 'unticked' });
  }
  return out;
}

/** Records a click; returns what actually changed (a tick someone already made is not recorded twice). */
export async function applyClick(store: ChecklistStore, click: ChecklistClick): Promise<{ checklist: Checklist | undefined; changes: ChecklistChange[] }> {
  const before = await store.get(click.checklistId);
  if (!before) return { checklist: undefined, changes: [] };
  let seen = click.seen;
  if (seen === undefined && click.revision !== undefined && click.revision < before.revision) {
    seen = tickedAt(await store.events(before.id), click.revision);
  }
  const applied: ChecklistChange[] = [];
  for (const ch of clickChanges(before, { ...click, ...(seen ? { seen } : {}) })) {
    if (await store.setItem(before.id, ch.itemKey, ch.action === 'ticked', click.userId, click.at)) applied.push(ch);
  }
  return { checklist: applied.length > 0 ? await store.get(before.id) : before, changes: applied };
}

/** Re-renders the checklist message from the recorded state. */
export async function refreshChecklistMessage(store: ChecklistStore, poster: ChatPoster, id: number, timezone: string): Promise<Checklist | undefined> {
  const c = await store.get(id);
  if (!c?.channel || !c.messageTs) return c;
  const msg = checklistMessage(c, timezone);
  await poster.update({ channel: c.channel, ts: c.messageTs, text: msg.text, blocks: msg.blocks });
  return c;
}

/** Checklists as other features use them. */
export interface ChecklistService {
  /** Creates a checklist and posts it to `channel` (in a thread when `threadTs` is set). */
  post(input: NewChecklist, where: { channel: string; threadTs?: string }): Promise<Checklist>;
  /** Ticks (or unticks) an item on behalf of `actor` and updates the message; false when nothing changed. */
  setItem(id: number, itemKey: string, checked: boolean, actor: string): Promise<boolean>;
  /** One checklist with its items. */
  get(id: number): Promise<Checklist | undefined>;
  /** The newest checklist of `kind` whose context contains `context`. */
  findLatest(kind: string, context: Record<string, unknown>): Promise<Checklist | undefined>;
  /** The store underneath, for the interaction handler. */
  readonly store: ChecklistStore;
}

export function createChecklistService(o: { store: ChecklistStore; poster: ChatPoster; clock: Clock; timezone: string }): ChecklistService {
  return {
    store: o.store,
    get: (id) => o.store.get(id),
    findLatest: (kind, ctx) => o.store.findLatest(kind, ctx),
    async post(input, where) {
      const c = await o.store.create(input, o.clock.now());
      const msg = checklistMessage(c, o.timezone);
      const posted = await o.poster.postMessage({
        channel: where.channel,
        text: msg.text,
        blocks: msg.blocks,
        ...(where.threadTs ? { threadTs: where.threadTs } : {}),
      });
      await o.store.setMessage(c.id, posted.channel, posted.ts);
      return { ...c, channel: posted.channel, messageTs: posted.ts };
    },
    async setItem(id, itemKey, checked, actor) {
      const changed = await o.store.setItem(id, itemKey, checked, actor, o.clock.now());
      if (changed) await refreshChecklistMessage(o.store, o.poster, id, o.timezone);
      return changed;
    },
  };
}
