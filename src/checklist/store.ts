// Checklists in the state database (sql/checklists/*.sql).
import type { Access } from '../slack/authz.js';
import { InputError } from '../core/errors.js';
import type { Queryable } from '../state/run-store.js';
import { sql } from '../core/sql.js';
import { type Checklist, type ChecklistEvent, type ChecklistItem, ITEM_KEY, MAX_ITEMS, MAX_LABEL, type NewChecklist } from './types.js';

/** Persistent checklists; every change is recorded with who and when. */
export interface ChecklistStore {
  /** Creates a checklist with all items unticked. */
  create(input: NewChecklist, now: number): Promise<Checklist>;
  /** One checklist with its items, or undefined. */
  get(id: number): Promise<Checklist | undefined>;
  /** Remembers the Slack message that shows the checklist. */
  setMessage(id: number, channel: string, ts: string): Promise<void>;
  /** Ticks or unticks one item; true when the state changed (and an event was recorded). */
  setItem(id: number, itemKey: string, checked: boolean, userId: string, at: number): Promise<boolean>;
  /** The full tick/untick history, oldest first. */
  events(id: number): Promise<ChecklistEvent[]>;
  /** The newest checklist of `kind` whose context contains `context`. */
  findLatest(kind: string, context: Record<string, unknown>): Promise<Checklist | undefined>;
}

function validate(input: NewChecklist): void {
  if (input.items.length === 0 || input.items.length > MAX_ITEMS) {
    throw new InputError(`A checklist needs between 1 and ${MAX_ITEMS} items (got ${input.items.length}).`);
  }
  const seen = new Set<string>();
  for (const item of input.items) {
    if (!ITEM_KEY.test(item.key)) throw new InputError(`Checklist item key "${item.key}" must be lower-case letters, digits, - or _ (at most 40).`);
    if (seen.has(item.key)) throw new InputError(`Checklist item key "${item.key}" is used twice.`);
    seen.add(item.key);
    const label = item.label.trim();
    if (label === '' || label.length > MAX_LABEL) throw new InputError(`Checklist item "${item.key}" needs a label of 1 to ${MAX_LABEL} characters (Slack's limit).`);
  }
}

const ms = (v: unknown): number | null => (v instanceof Date ? v.getTime() : v === null || v === undefined ? null : typeof v === 'string' ? Date.parse(v) : null);

export function createChecklistStore(db: Queryable): ChecklistStore {
  const get = async (id: number): Promise<Checklist | undefined> => {
    const head = await db.query<Record<string, unknown>>(sql('checklists/checklist-get'), [id]);
    const row = head.rows[0];
    if (!row) return undefined;
    const items = await db.query<Record<string, unknown>>(sql('checklists/items-get'), [id]);
    return {
      id: Number(row.id),
      kind: String(row.kind),
      title: String(row.title),
      description: (row.description as string | null) ?? null,
      access: row.access as Access,
      context: (row.context as Record<string, unknown> | null) ?? {},
      channel: (row.channel as string | null) ?? null,
      messageTs: (row.message_ts as string | null) ?? null,
      createdBy: String(row.created_by),
      createdAt: ms(row.created_at) ?? 0,
      revision: Number(row.revision),
      items: items.rows.map(
        (r): ChecklistItem => ({
          key: String(r.item_key),
          label: String(r.label),
          position: Number(r.position),
          checked: r.checked === true,
          checkedBy: (r.checked_by as string | null) ?? null,
          checkedAt: ms(r.checked_at),
        }),
      ),
    };
  };

  return {
    get,
    async create(input, now) {
      validate(input);
      const r = await db.query<{ id: string }>(sql('checklists/checklist-insert'), [
        input.kind,
        input.title,
        input.description ?? null,
        input.access ?? 'read',
        JSON.stringify(input.context ?? {}),
        input.createdBy,
        new Date(now),
        input.items.map((i) => i.key),
        input.items.map((i) => i.label.trim()),
      ]);
      const id = Number(r.rows[0]?.id);
      const created = await get(id);
      if (!created) throw new Error(`checklist ${id} vanished after insert`);
      return created;
    },
    async setMessage(id, channel, ts) {
      await db.query(sql('checklists/message-set'), [id, channel, ts]);
    },
    async setItem(id, itemKey, checked, userId, at) {
      const r = await db.query<{ changed: number }>(sql('checklists/item-set'), [id, itemKey, checked, userId, new Date(at)]);
      return (r.rows[0]?.changed ?? 0) > 0;
    },
    async events(id) {
      const r = await db.query<Record<string, unknown>>(sql('checklists/events-list'), [id]);
      return r.rows.map((row) => ({
        id: Number(row.id),
        itemKey: String(row.item_key),
        action: row.action as 'ticked' | 'unticked',
        userId: String(row.user_id),
        at: ms(row.at) ?? 0,
        revision: Number(row.revision),
      }));
    },
    async findLatest(kind, context) {
      const r = await db.query<{ id: string }>(sql('checklists/checklist-find-latest'), [kind, JSON.stringify(context)]);
      return r.rows[0] ? get(Number(r.rows[0].id)) : undefined;
    },
  };
}
