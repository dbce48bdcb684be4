// A generic interactive checklist: items people tick in Slack, each tick recorded with who and
// when. Owners (maintenance, lockdown, …) keep their own keys in `context`.
import type { Access } from '../slack/authz.js';

/** An item as its owner defines it. */
export interface ChecklistItemInput {
  /** Stable id within the checklist: lower-case letters, digits, '-' or '_'. */
  key: string;
  /** What to do, as shown next to the checkbox (at most 75 characters, Slack's option limit). */
  label: string;
}

export interface NewChecklist {
  /** Owner feature, e.g. 'maintenance.pre' or 'lockdown.containment'. */
  kind: string;
  title: string;
  /** Shown under the title (mrkdwn). */
  description?: string;
  items: ChecklistItemInput[];
  /** Who may tick items; default 'read' (anyone in a channel where the bot may be used). */
  access?: Access;
  context?: Record<string, unknown>;
  /** Slack user id, or 'opsbot' for the scheduler. */
  createdBy: string;
}

export interface ChecklistItem {
  key: string;
  label: string;
  position: number;
  checked: boolean;
  /** Who ticked it (Slack user id or 'opsbot'); null while unticked. */
  checkedBy: string | null;
  checkedAt: number | null;
}

export interface Checklist {
  id: number;
  kind: string;
  title: string;
  description: string | null;
  access: Access;
  context: Record<string, unknown>;
  channel: string | null;
  messageTs: string | null;
  createdBy: string;
  createdAt: number;
  /** Bumped on every change; part of the block_id so Slack redraws the checkboxes. */
  revision: number;
  items: ChecklistItem[];
}

/** One tick or untick, as recorded. */
export interface ChecklistEvent {
  id: number;
  itemKey: string;
  action: 'ticked' | 'unticked';
  userId: string;
  at: number;
  /** The checklist revision this change produced (1, 2, …). */
  revision: number;
}

/** A change applied by a click. */
export interface ChecklistChange {
  itemKey: string;
  action: 'ticked' | 'unticked';
}

/** The bot's own actor id for items it completes itself (e.g. the announcement it posted). */
export const BOT_ACTOR = 'opsbot';

/** Item keys must be safe in option values and block ids. */
export const ITEM_KEY = /^[a-z0-9][a-z0-9_-]{0,39}$/;
export const MAX_LABEL = 75;
export const MAX_ITEMS = 50;
