// Counts and hashes bytes as they stream past, so size and SHA-256 come for free with the copy
// (the file is never read twice or held in memory).
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export interface Meter {
  stream: Transform;
  /** Bytes seen so far. */
  bytes(): number;
  /** Hex SHA-256 of everything seen; call once the stream has ended. */
  sha256(): string;
  /** Resolves at the first byte (or when the stream ends empty). */
  firstByte: Promise<void>;
}

/** `onBytes` hears the running total after each chunk (progress reports). */
export function meter(onBytes?: (total: number) => void): Meter {
  const hash = createHash('sha256');
  let bytes = 0;
  let digest: string | undefined;
  let markFirst: () => void = () => undefined;
  const firstByte = new Promise<void>((resolve) => {
    markFirst = resolve;
  });
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (bytes === 0) markFirst();
      hash.update(chunk);
      bytes += chunk.length;
      onBytes?.(bytes);
      cb(null, chunk);
    },
    flush(cb) {
      markFirst();
      cb();
    },
  });
  stream.once('close', () => markFirst());
  return {
    stream,
    bytes: () => bytes,
    sha256: () => (digest ??= hash.digest('hex')),
    firstByte,
  };
}
