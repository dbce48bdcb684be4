// A log file by path, or stdin ("-"), as a byte stream: the CLI reads through here, and the
// analyzer cuts the stream into lines itself (see parallel.ts), so a 1 GB file never sits in
// memory.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { InputError } from '../../core/errors.js';

export interface FileSourceIo {
  stdin: NodeJS.ReadableStream;
  /** Opens a file for reading; defaults to fs.createReadStream. */
  openFile?: (path: string) => NodeJS.ReadableStream;
}

/** Reads of 256 KB: each read is one chunk of lines for the analyzer (see parallel.ts). */
const READ_BYTES = 256 << 10;

/** The bytes of `path` (or stdin for "-"). Fails with a clear message for a bad path. */
export async function openLogStream(path: string, io: FileSourceIo): Promise<NodeJS.ReadableStream> {
  if (path === '-') return io.stdin;
  if (!io.openFile) {
    try {
      const s = await stat(path);
      if (!s.isFile()) throw new InputError(`${path} is not a file. Give a log file, or - to read standard input.`);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`Cannot read ${path}: no such file or no permission. Give a log file, or - to read standard input.`);
    }
  }
  return (io.openFile ?? ((p: string) => createReadStream(p, { highWaterMark: READ_BYTES })))(path);
}
