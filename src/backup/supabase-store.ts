// A private Supabase Storage bucket as backup store, through @supabase/supabase-js with an
// injected fetch. A backup is uploaded in parts of BACKUP_SUPABASE_PART_MB (standard uploads
// suit files up to ~6 MB and the project's file size limit applies per object): memory stays
// bounded by one part whatever the database size, and a part that meets a 5xx, 408, 429 or a
// network error is sent again under the shared retry policy (storage budget). Small files are
// one object. Downloads stream part by part.
import { Readable, Writable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { SupabaseClient } from '@supabase/supabase-js';
import { systemClock, type Clock } from '../core/clock.js';
import { UpstreamError } from '../core/errors.js';
import { isRetryableStatus, RETRY_BUDGETS, retryOutcome, type Sleep } from '../core/retry.js';
import { formatBytes } from '../core/format.js';
import { checkKey, type BackupStore, type StoredObject, type StoreUpload } from './store.js';

export interface SupabaseStoreOptions {
  url: string;
  key: string;
  bucket: string;
  /** Folder inside the bucket. */
  prefix: string;
  partBytes: number;
  fetch: typeof fetch;
  /** Attempts per part (default: the storage budget's). */
  attempts?: number;
  /** Times the retries (default: the system clock); tests pass a sleep that returns at once. */
  clock?: Clock;
  sleep?: Sleep;
}

interface StorageErrorLike {
  message?: string;
  status?: number | string;
  statusCode?: string;
}

function describe(error: StorageErrorLike): { status: number | undefined; text: string } {
  const status = error.status === undefined ? undefined : Number(error.status);
  return { status: Number.isFinite(status) ? status : undefined, text: `${status ?? 'network error'}${error.message ? `: ${error.message}` : ''}` };
}

const retryable = (status: number | undefined) => status === undefined || isRetryableStatus(status);

// One failed upload attempt, with what Storage said.
class UploadFailure extends Error {
  constructor(readonly failure: { status: number | undefined; text: string }) {
    super(failure.text);
  }
}

export function createSupabaseStore(opts: SupabaseStoreOptions): BackupStore {
  // supabase-js is loaded on first use: a bot that never touches Storage does not pay for it.
  let client: Promise<SupabaseClient> | undefined;
  const files = async () => {
    client ??= import('@supabase/supabase-js').then(({ createClient }) =>
      createClient(opts.url, opts.key, {
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
        global: { fetch: opts.fetch },
      }),
    );
    return (await client).storage.from(opts.bucket);
  };
  const policy = { ...RETRY_BUDGETS.storage, ...(opts.attempts ? { attempts: opts.attempts } : {}) };
  const timing = { clock: opts.clock ?? systemClock, ...(opts.sleep ? { sleep: opts.sleep } : {}) };
  const objectPath = (key: string) => `${opts.prefix}/${checkKey(key)}`;
  const partPath = (key: string, n: number) => `${objectPath(key)}.part-${String(n).padStart(5, '0')}`;
  const paths = (obj: StoredObject) =>
    obj.parts <= 1 ? [objectPath(obj.key)] : Array.from({ length: obj.parts }, (_, i) => partPath(obj.key, i + 1));

  const upload = async (p: string, body: Buffer, contentType: string, what: string): Promise<void> => {
    const out = await retryOutcome(
      async () => {
        let failure: { status: number | undefined; text: string };
        try {
          // upsert: a retry after a lost response must not fail on its own first attempt.
          const { error } = await (await files()).upload(p, body, { contentType, upsert: true, cacheControl: '0' });
          if (!error) return;
          failure = describe(error);
        } catch (err) {
          failure = { status: undefined, text: `network error: ${(err as Error).message}` };
        }
        throw new UploadFailure(failure);
      },
      { policy, timing, error: (err) => ({ retry: err instanceof UploadFailure && retryable(err.failure.status) }) },
    );
    if (out.ok) return;
    const text = 'error' in out && out.error instanceof UploadFailure ? out.error.failure.text : 'unknown error';
    throw new UpstreamError(
      `Supabase Storage refused ${what} of the backup (${text}${out.attempts > 1 ? `, after ${out.attempts} attempts` : ''}). Check that bucket ${opts.bucket} exists, the key is the service-role key and the project's file size limit allows parts of ${formatBytes(opts.partBytes)}.`,
    );
  };

  const removePaths = async (list: string[]): Promise<void> => {
    for (let i = 0; i < list.length; i += 1000) {
      const { error } = await (await files()).remove(list.slice(i, i + 1000));
      if (error) throw new UpstreamError(`Supabase Storage did not delete ${list.length} backup object(s) (${describe(error).text}).`);
    }
  };

  return {
    kind: 'supabase',
    location: `Supabase Storage bucket ${opts.bucket}/${opts.prefix}`,
    begin(key, contentType): StoreUpload {
      checkKey(key);
      let buf: Buffer | undefined;
      let fill = 0;
      let total = 0;
      const uploaded: string[] = [];
      let committed: StoredObject | undefined;
      const flushPart = async () => {
        const p = partPath(key, uploaded.length + 1);
        await upload(p, (buf ?? Buffer.alloc(0)).subarray(0, fill), contentType, `part ${uploaded.length + 1}`);
        uploaded.push(p);
        fill = 0;
      };
      const stream = new Writable({
        write(chunk: Buffer, _enc, cb) {
          (async () => {
            buf ??= Buffer.allocUnsafe(opts.partBytes);
            let off = 0;
            while (off < chunk.length) {
              // A full part is sent only when more bytes follow, so a file of exactly one part stays one object.
              if (fill === opts.partBytes) await flushPart();
              const n = Math.min(opts.partBytes - fill, chunk.length - off);
              chunk.copy(buf, fill, off, off + n);
              fill += n;
              off += n;
              total += n;
            }
          })().then(() => cb(), cb);
        },
      });
      return {
        stream,
        async commit() {
          if (uploaded.length === 0) {
            await upload(objectPath(key), (buf ?? Buffer.alloc(0)).subarray(0, fill), contentType, 'the file');
            committed = { key, bytes: total, parts: 1 };
          } else {
            if (fill > 0) await flushPart();
            committed = { key, bytes: total, parts: uploaded.length };
          }
          buf = undefined;
          return committed;
        },
        async abort() {
          stream.destroy();
          buf = undefined;
          const leftovers = [...uploaded, ...(committed && committed.parts === 1 ? [objectPath(key)] : [])];
          uploaded.length = 0;
          if (leftovers.length) await removePaths(leftovers);
        },
      };
    },
    read(obj) {
      const list = paths(obj);
      async function* parts() {
        for (const p of list) {
          const { data, error } = await (await files()).download(p).asStream();
          if (error || !data) throw new UpstreamError(`Supabase Storage could not return ${p} (${describe((error ?? {})).text}).`);
          for await (const chunk of Readable.fromWeb(data as WebReadableStream<Uint8Array>)) yield chunk as Buffer;
        }
      }
      return Readable.from(parts(), { objectMode: false });
    },
    async remove(obj) {
      await removePaths(paths(obj));
    },
    async cleanup(key) {
      const { data, error } = await (await files()).list(opts.prefix, { search: checkKey(key), limit: 1000 });
      if (error) throw new UpstreamError(`Supabase Storage did not list leftovers of ${key} (${describe(error).text}).`);
      const names = (data ?? []).map((f) => f.name).filter((n) => n === key || n.startsWith(`${key}.part-`));
      if (names.length) await removePaths(names.map((n) => `${opts.prefix}/${n}`));
    },
  };
}
