// Streaming line reader: the lines of a Node stream, accepting \n and \r\n endings and a last
// line without a newline, so a 1 GB file never sits in memory. Hand-rolled rather than
// node:readline, which costs about a microsecond more per line; batches per chunk spare the
// pipeline an await per line.
import { StringDecoder } from 'node:string_decoder';

// A slice of a string keeps the whole parent alive in V8. Lines are kept (as examples and cache
// keys) long after their 64 KB chunk is gone, so each line is copied out of the chunk.
const detach = (s: string) => (' ' + s).slice(1);

/** Lines of a readable stream in batches (one per chunk read), without their line endings. */
export async function* readLineBatches(input: NodeJS.ReadableStream): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const text = carry + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const batch: string[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      batch.push(detach(text.slice(start, end)));
      start = nl + 1;
    }
    carry = text.slice(start);
    if (batch.length > 0) yield batch;
  }
  const rest = carry + decoder.end();
  if (rest !== '') yield [detach(rest.endsWith('\r') ? rest.slice(0, -1) : rest)];
}

/** Lines of a readable stream, one at a time. */
export async function* readLines(input: NodeJS.ReadableStream): AsyncGenerator<string> {
  for await (const batch of readLineBatches(input)) yield* batch;
}
