// A directory as backup store. Files are written as .<key>.partial, fsynced, then renamed to
// <key>: a crash or a failed dump never leaves a file that looks complete.
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { checkKey, type BackupStore, type StoredObject, type StoreUpload } from './store.js';

export interface LocalStoreOptions {
  dir: string;
  /** Opens the partial file for writing (tests inject a failing writer: a full disk). */
  openWrite?: (file: string) => Writable;
}

async function unlinkQuiet(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
  }
}

export function createLocalStore(opts: LocalStoreOptions): BackupStore {
  const dir = path.resolve(opts.dir);
  const finalPath = (key: string) => path.join(dir, checkKey(key));
  const partialPath = (key: string) => path.join(dir, `.${checkKey(key)}.partial`);
  return {
    kind: 'local',
    location: dir,
    begin(key, _contentType): StoreUpload {
      const partial = partialPath(key);
      const target = finalPath(key);
      mkdirSync(dir, { recursive: true });
      // 'wx': never write over another backup's file.
      const stream = opts.openWrite ? opts.openWrite(partial) : createWriteStream(partial, { flags: 'wx' });
      let done = false;
      return {
        stream,
        async commit(): Promise<StoredObject> {
          if (!stream.writableFinished) await finished(stream);
          // The bytes must be on disk before the name says the backup is complete.
          const fh = await open(partial, 'r+');
          try {
            await fh.sync();
          } finally {
            await fh.close();
          }
          await rename(partial, target);
          done = true;
          const s = await stat(target);
          return { key, bytes: s.size, parts: 1 };
        },
        async abort() {
          // Wait for the file to be closed (an open still in flight would recreate it).
          if (!stream.closed) {
            const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
            stream.destroy();
            await closed;
          }
          await unlinkQuiet(partial);
          if (done) await unlinkQuiet(target);
        },
      };
    },
    read(obj) {
      return createReadStream(finalPath(obj.key));
    },
    async remove(obj) {
      await unlinkQuiet(finalPath(obj.key));
    },
    async cleanup(key) {
      await unlinkQuiet(partialPath(key));
      await unlinkQuiet(finalPath(key));
    },
  };
}
