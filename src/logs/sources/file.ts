// Log lines from a file path or from stdin ("-"), streamed: the CLI and a file posted in Slack
// (once downloaded to a stream) both come through here.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { InputError } from '../../errors.js';
import { readLineBatches } from '../line-reader.js';

export interface FileSourceIo {
  stdin: NodeJS.ReadableStream;
  /** Opens a file for reading; defaults to fs.createReadStream. */
  openFile?: (path: string) => NodeJS.ReadableStream;
}

/** Lines of `path` (or stdin for "-") in batches. Fails with a clear message for a bad path. */
export async function openLogLines(path: string, io: FileSourceIo): Promise<AsyncIterable<string[]>> {
  if (path === '-') return readLineBatches(io.stdin);
  if (!io.openFile) {
    try {
      const s = await stat(path);
      if (!s.isFile()) throw new InputError(`${path} is not a file. Give a log file, or - to read standard input.`);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`Cannot read ${path}: no such file or no permission. Give a log file, or - to read standard input.`);
    }
  }
  const stream = (io.openFile ?? ((p: string) => createReadStream(p)))(path);
  return readLineBatches(stream);
}
