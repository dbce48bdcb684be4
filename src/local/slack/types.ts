// The shapes of the local Slack stand-in: who is in the workspace, its channels, and what the
// stand-in keeps of messages, files and views while it runs (in memory; a restart starts clean).

/** A person of the local workspace the page can act as. */
export interface Persona {
  /** Slack-like user id (U…). */
  id: string;
  /** Handle shown in the page (e.g. "dana.oncall"). */
  name: string;
  /** Full name. */
  realName: string;
  /** What the persona is for, shown in the switcher (e.g. "on-call responder"). */
  title: string;
  /** User group ids (S…) the persona belongs to, answered by usergroups.users.list. */
  usergroups: string[];
}

/** A channel of the local workspace. */
export interface ChannelSeed {
  /** Slack-like channel id (C…). */
  id: string;
  /** Name without the #. */
  name: string;
}

/** A channel as the stand-in keeps it. */
export interface Channel extends ChannelSeed {
  created: number;
  isPrivate: boolean;
  isArchived: boolean;
  creator: string;
  members: Set<string>;
  topic: string;
  purpose: string;
  pins: Set<string>;
  /** A direct message: with one person (`im`, `imUser` set) or a group of people (`mpim`). */
  kind?: 'im' | 'mpim';
  /** The person of an `im` (the other side is the bot). */
  imUser?: string;
}

/** A file uploaded by the bot (files.*External) or by a persona from the page. */
export interface StoredFile {
  id: string;
  name: string;
  title: string;
  user: string;
  created: number;
  mimetype: string;
  bytes: Buffer;
  /** The length files.getUploadURLExternal was told; the upload must match it. */
  declaredLength?: number;
  /** Set once the bytes were POSTed to the upload address. */
  uploaded?: boolean;
  /** An image's description for screen readers (alt_text; Slack's file field alt_txt). */
  altText?: string;
  snippetType?: string;
  /** An image's size in pixels, read from its header (PNG, GIF, JPEG). */
  width?: number;
  height?: number;
  channels: string[];
  /** Set once files.completeUploadExternal (or a page upload) has shared it. */
  complete: boolean;
}

export interface Reaction {
  name: string;
  /** Who reacted (shown to Slack clients as `users`). */
  by: string[];
}

/** A message in a channel (or, with ephemeralTo, seen by one user only). */
export interface StoredMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  /** Author: a persona's id, or the bot's user id. */
  user: string;
  isBot: boolean;
  text: string;
  blocks?: unknown[];
  ephemeralTo?: string;
  reactions: Reaction[];
  files: string[];
  edited?: boolean;
  replyBroadcast?: boolean;
}

/** A view the bot opened (modal) or published (home) for a user. */
export interface StoredView {
  id: string;
  user: string;
  hash: string;
  view: Record<string, unknown>;
  /** Values the person entered so far, by block_id and action_id (the page sends them). */
  rootViewId: string;
  previousViewId: string | null;
}
