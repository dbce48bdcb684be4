// Worker thread of parallel.ts: prepares chunks of whole lines (parse, redact, mask) and sends
// them back as batches. Holds no state between chunks that could change a result.
import { parentPort, workerData } from 'node:worker_threads';
import type { ChunkMessage, WorkerReply } from './parallel.js';
import { createLinePreparer } from './prepare.js';
import type { LogRedactionOptions } from './redact.js';

const port = parentPort;
if (!port) throw new Error('analyze-worker runs as a worker thread');
const preparer = createLinePreparer((workerData as { redaction: LogRedactionOptions }).redaction);

port.on('message', (m: ChunkMessage) => {
  const batch = preparer.prepareBytes(m.bytes, m.firstLineNo);
  const reply: WorkerReply = { seq: m.seq, batch };
  // The typed arrays are the batch's own (prepareChunk slices them): moved, not copied.
  port.postMessage(reply, [batch.lineNos.buffer as ArrayBuffer, batch.levels.buffer as ArrayBuffer, batch.times.buffer as ArrayBuffer]);
});
const ready: WorkerReply = { ready: true };
port.postMessage(ready);
