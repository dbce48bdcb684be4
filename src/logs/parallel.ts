// Feeds a byte stream into an analyzer in chunks of whole lines. The first megabytes are
// prepared in this thread, so a small file never pays for threads; past that, worker threads
// start and, once they are ready, take the chunks: they parse, redact and mask (most of the
// work per line) while this thread mines templates and counts, strictly in input order, so the
// result does not depend on how many threads took part.
import type * as Esbuild from 'esbuild';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PreparedBatch } from './prepare.js';
import type { LogRedactionOptions } from './redact.js';

export interface ParallelOptions {
  /** Worker threads (default: one per core, at most 4, none on one core); 0 prepares every line in this thread. */
  workers?: number;
  /** Bytes prepared in this thread before workers are started (default 4 MB). */
  inlineBytes?: number;
  /** Bytes per chunk of lines (default 256 KB). */
  chunkBytes?: number;
  /**
   * The input's buffers are used by nobody else (a file this analysis opened): pieces move to
   * worker threads without a copy. Never set it for a stream someone else also reads.
   */
  moveReadBuffers?: boolean;
  /** Replaces the worker script (tests use it to make a worker fail). */
  workerSource?: WorkerSource;
}

export interface WorkerSource {
  source: string | URL;
  /** True when `source` is the script's text rather than its location. */
  evaluate: boolean;
}

/** What feedStream pushes into: the analyzer. */
export interface BatchSink {
  pushBatch(batch: PreparedBatch): Int32Array;
  prepareBytes(bytes: Uint8Array, firstLineNo: number): PreparedBatch;
  readonly lines: number;
}

/** How a stream was fed: chunks of lines, and how many of them worker threads prepared. */
export interface FeedReport {
  chunks: number;
  inWorkers: number;
}

/** Main thread → worker: a chunk of whole lines (its buffer is transferred) and its first line number. */
export interface ChunkMessage {
  seq: number;
  bytes: Uint8Array;
  firstLineNo: number;
}

/** Worker → main thread: once `{ ready: true }`, then one batch per chunk. */
export type WorkerReply = { ready: true } | { seq: number; batch: PreparedBatch };

const MAX_DEFAULT_WORKERS = 4;
// A worker holds one or two chunks at a time; V8 would otherwise size its heap for the machine's
// memory and collect lazily, which costs about 100 MB per worker for nothing. A 12 MB young
// generation is as fast here as the default; from 16 MB on, peak RSS jumps by about 100 MB.
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 12, maxOldGenerationSizeMb: 128 };
const IN_FLIGHT_PER_WORKER = 2;
const NEWLINE = 10;

/** Worker threads when LOGS_WORKER_THREADS is unset: one per core, at most 4, none on one core. */
export function defaultWorkerThreads(): number {
  const cores = availableParallelism();
  return cores > 1 ? Math.min(MAX_DEFAULT_WORKERS, cores) : 0;
}

/** Lines in a chunk: every newline ends one; the last chunk may end without one. */
function countLines(bytes: Uint8Array, last: boolean): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE); i >= 0; i = bytes.indexOf(NEWLINE, i + 1)) n++;
  if (last && bytes.length > 0 && bytes[bytes.length - 1] !== NEWLINE) n++;
  return n;
}

/** The first `length` bytes of `pieces`, copied into a buffer of its own (so it can be transferred to a worker). */
function take(pieces: readonly Buffer[], length: number): Buffer {
  const out = Buffer.allocUnsafeSlow(length);
  let at = 0;
  for (const p of pieces) {
    if (at === length) break;
    const n = Math.min(p.length, length - at);
    // TypedArray#set is a memcpy; Buffer#copy goes through a much slower path in Node 20.
    out.set(n === p.length ? p : p.subarray(0, n), at);
    at += n;
  }
  return out;
}

export async function feedStream(
  input: NodeJS.ReadableStream,
  sink: BatchSink,
  opts: ParallelOptions & { redaction: LogRedactionOptions },
  onIds?: (ids: Int32Array) => void,
): Promise<FeedReport> {
  // 256 KB: a chunk is in memory up to three times (read, with a worker, its batch back); bigger
  // chunks cost peak memory and save nothing measurable.
  const chunkBytes = Math.max(1024, opts.chunkBytes ?? 256 << 10);
  const inlineBytes = opts.inlineBytes ?? 4 << 20;
  const workers = Math.max(0, opts.workers ?? defaultWorkerThreads());
  // Only chunks of ordinary lines go to workers: a chunk gets bigger than this only around a
  // line of megabytes, whose decoding could need more memory than a worker may use.
  const maxWorkerChunk = 2 * chunkBytes;
  let pool: WorkerPool | undefined;
  let noWorkers = false;
  let failure: Error | undefined;

  let seq = 0;
  let nextToPush = 0;
  const ready = new Map<number, PreparedBatch>();
  let nextLineNo = sink.lines + 1;
  let sentBytes = 0;
  let inWorkers = 0;

  // Batches are pushed in input order, whichever thread finished first.
  const push = (s: number, batch: PreparedBatch) => {
    ready.set(s, batch);
    for (let b = ready.get(nextToPush); b !== undefined; b = ready.get(nextToPush)) {
      ready.delete(nextToPush++);
      const ids = sink.pushBatch(b);
      onIds?.(ids);
    }
  };

  const dispatch = (bytes: Buffer, last: boolean) => {
    // A byte-order mark is not part of the first line.
    if (seq === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    const s = seq++;
    const firstLineNo = nextLineNo;
    nextLineNo += countLines(bytes, last);
    sentBytes += bytes.length;
    // A few lines (the one joining two pieces) are not worth a worker's turn.
    if (pool?.accepting && bytes.length <= maxWorkerChunk && bytes.length >= chunkBytes / 8) {
      pool.submit({ seq: s, bytes, firstLineNo });
      inWorkers++;
    } else push(s, sink.prepareBytes(bytes, firstLineNo));
    if (!pool && !noWorkers && workers > 0 && sentBytes >= inlineBytes && !last) {
      try {
        pool = new WorkerPool(workers, opts.redaction, opts.workerSource, (doneSeq, batch) => {
          try {
            push(doneSeq, batch);
          } catch (err) {
            failure ??= err instanceof Error ? err : new Error(String(err));
          }
        });
      } catch {
        // No threads here (bundling or starting one failed): this thread prepares everything.
        noWorkers = true;
      }
    }
  };

  // Waits while more than `limit()` chunks are with the workers, then reports any failure.
  const waitForWorkers = async (limit: () => number) => {
    while (pool && pool.inFlight > limit() && failure === undefined && pool.failure === undefined) await pool.settled();
    failure ??= pool?.failure;
    if (failure !== undefined) throw failure;
  };

  try {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let highSurrogate = '';
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      let buf: Buffer;
      if (typeof chunk === 'string') {
        // A text stream may cut a character given as a surrogate pair in two: hold the first half.
        let text = highSurrogate + chunk;
        const lastCode = text.charCodeAt(text.length - 1);
        highSurrogate = lastCode >= 0xd800 && lastCode <= 0xdbff ? text.slice(-1) : '';
        if (highSurrogate) text = text.slice(0, -1);
        buf = Buffer.from(text, 'utf8');
      } else buf = chunk;
      if (buf.length === 0) continue;
      pending.push(buf);
      pendingBytes += buf.length;
      if (pendingBytes >= chunkBytes) {
        const last = buf.lastIndexOf(NEWLINE);
        // Without a newline in the last piece, a line is still going on: read more first.
        if (last >= 0) {
          const tailBytes = buf.length - last - 1;
          const tail = tailBytes > 0 ? Buffer.from(buf.subarray(last + 1)) : undefined;
          // A piece of a file opened for this analysis (fs streams read into a fresh buffer each
          // time) is handed on without a copy; only the line that began in earlier pieces is.
          // Anything else (pooled slices, small pieces) is copied into a chunk of its own.
          const owned = opts.moveReadBuffers === true && buf.byteOffset === 0 && buf.buffer.byteLength === buf.length && !(buf.buffer instanceof SharedArrayBuffer);
          if (owned) {
            const first = pending.length > 1 ? buf.indexOf(NEWLINE) : -1;
            if (first >= 0) dispatch(take(pending, pendingBytes - buf.length + first + 1), false);
            if (last > first) dispatch(buf.subarray(first + 1, last + 1), false);
          } else {
            dispatch(take(pending, pendingBytes - tailBytes), false);
          }
          pending = tail ? [tail] : [];
          pendingBytes = tailBytes;
        }
      }
      // Backpressure: read on only while a worker has room.
      await waitForWorkers(() => Math.max((pool?.capacity ?? 0) - 1, 0));
    }
    if (highSurrogate) {
      pending.push(Buffer.from(highSurrogate, 'utf8'));
      pendingBytes += pending[pending.length - 1]!.length;
    }
    if (pendingBytes > 0) dispatch(take(pending, pendingBytes), true);
    await waitForWorkers(() => 0);
    return { chunks: seq, inWorkers };
  } finally {
    await pool?.close();
  }
}

// The worker module next to this one. Run from compiled JavaScript, it is loaded as it is. Run
// from TypeScript sources (bot, CLI and tests go through tsx), it is bundled once per process
// with esbuild (tsx's own compiler) into one script: registering tsx inside each worker would
// start a module-loader thread per worker and cost about 25 MB and 100 ms each.
let bundled: string | undefined;
function workerEntry(): WorkerSource {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './analyze-worker.ts' : './analyze-worker.js', import.meta.url);
  if (!fromSource) return { source: url, evaluate: false };
  // Required here, not imported above: compiled or one-thread runs never load esbuild.
  const { buildSync } = createRequire(import.meta.url)('esbuild') as typeof Esbuild;
  bundled ??= buildSync({ entryPoints: [fileURLToPath(url)], bundle: true, format: 'cjs', platform: 'node', target: 'node20', write: false, logLevel: 'silent' }).outputFiles[0]!.text;
  return { source: bundled, evaluate: true };
}

interface Slot {
  worker: Worker;
  ready: boolean;
  closed: boolean;
  inFlight: Set<number>;
}

// Workers that fail before they are ready are simply not used (the caller's thread prepares
// everything). One that fails later takes chunks with it (their buffers were moved to it):
// the analysis stops with an error rather than report counts with a hole in them.
class WorkerPool {
  private readonly slots: Slot[] = [];
  private waiters: (() => void)[] = [];
  inFlight = 0;
  failure: Error | undefined;

  constructor(
    n: number,
    redaction: LogRedactionOptions,
    entry: WorkerSource | undefined,
    private readonly done: (seq: number, batch: PreparedBatch) => void,
  ) {
    const { source, evaluate } = entry ?? workerEntry();
    try {
      for (let i = 0; i < n; i++) this.start(source, evaluate, redaction);
    } catch (err) {
      // A thread limit reached half-way: do not leave the ones that started behind.
      for (const s of this.slots) void s.worker.terminate();
      throw err;
    }
  }

  private start(source: string | URL, evaluate: boolean, redaction: LogRedactionOptions): void {
    const slot: Slot = { worker: new Worker(source, { eval: evaluate, workerData: { redaction }, resourceLimits: WORKER_LIMITS }), ready: false, closed: false, inFlight: new Set() };
    slot.worker.unref();
    slot.worker.on('message', (m: WorkerReply) => {
      if ('ready' in m) {
        slot.ready = !slot.closed;
        return;
      }
      if (!slot.inFlight.delete(m.seq)) return;
      this.inFlight--;
      this.done(m.seq, m.batch);
      this.wake();
    });
    const stopped = (why: string) => {
      if (slot.closed) return;
      slot.closed = true;
      slot.ready = false;
      if (slot.inFlight.size > 0) this.failure ??= new Error(`a log-analysis worker thread stopped (${why}) while holding ${slot.inFlight.size} chunk(s) of input`);
      this.wake();
    };
    slot.worker.on('error', (err: Error) => stopped(err.message));
    slot.worker.on('exit', (code: number) => stopped(`exit code ${code}`));
    this.slots.push(slot);
  }

  get capacity(): number {
    return this.slots.filter((s) => s.ready).length * IN_FLIGHT_PER_WORKER;
  }

  /** True while some worker is ready and has room. */
  get accepting(): boolean {
    return this.failure === undefined && this.slots.some((s) => s.ready && s.inFlight.size < IN_FLIGHT_PER_WORKER);
  }

  submit(chunk: ChunkMessage): void {
    let target: Slot | undefined;
    for (const s of this.slots) if (s.ready && (!target || s.inFlight.size < target.inFlight.size)) target = s;
    if (!target) throw new Error('no log-analysis worker is ready');
    target.inFlight.add(chunk.seq);
    this.inFlight++;
    target.worker.postMessage(chunk, [chunk.bytes.buffer as ArrayBuffer]);
  }

  /** Resolves when a chunk comes back or a worker stops. */
  settled(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  async close(): Promise<void> {
    for (const s of this.slots) s.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
