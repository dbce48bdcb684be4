// Where backup files live. A store writes through a stream (a backup is never held in memory)
// and makes the object visible only on commit; abort removes whatever was written, so a
// failed backup never leaves a partial file behind.
import type { Readable, Writable } from 'node:stream';
import { InputError } from '../core/errors.js';

/** A stored object: a single file or object, or (large uploads) `parts` consecutive parts. */
export interface StoredObject {
  key: string;
  bytes: number;
  parts: number;
}

/** An upload in progress. */
export interface StoreUpload {
  /** Bytes go here; backpressure is honoured. Errors (full disk, refused upload) surface on it. */
  readonly stream: Writable;
  /** Makes the object durable and visible under its key; call after `stream` finished. */
  commit(): Promise<StoredObject>;
  /** Removes everything written so far; safe to call twice or after a failed commit. */
  abort(): Promise<void>;
}

/** A place for backup files. */
export interface BackupStore {
  readonly kind: 'local' | 'supabase';
  /** Where, for people: a directory, or bucket and folder. */
  readonly location: string;
  /** Starts writing `key`. */
  begin(key: string, contentType: string): StoreUpload;
  /** Streams an object back (parts in order). */
  read(obj: StoredObject): Readable;
  /** Deletes an object (all its parts); a missing one is not an error. */
  remove(obj: StoredObject): Promise<void>;
  /** Removes leftovers of an upload cut short by a crash (partial files, uploaded parts). */
  cleanup(key: string): Promise<void>;
}

/** Keys are file names we generate; anything else (slashes, dots first) is refused. */
export function checkKey(key: string): string {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}$/.test(key)) throw new InputError(`invalid backup object name: ${key.slice(0, 60)}`);
  return key;
}

/** Writes a small text object (a manifest) in one go. */
export async function putText(store: BackupStore, key: string, text: string, contentType: string): Promise<StoredObject> {
  const up = store.begin(key, contentType);
  try {
    await new Promise<void>((resolve, reject) => {
      up.stream.once('error', reject);
      up.stream.end(Buffer.from(text, 'utf8'), () => resolve());
    });
    return await up.commit();
  } catch (err) {
    await up.abort();
    throw err;
  }
}

/** Reads a small text object back. */
export async function readText(store: BackupStore, obj: StoredObject, maxBytes = 16 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of store.read(obj)) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > maxBytes) throw new Error(`${obj.key} is larger than ${maxBytes} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
