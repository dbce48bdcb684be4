// Our labelled log corpora: 35 public log formats, each as a header printer and a list of
// templates (scripts/log-corpora/formats-*.ts). Lines and ground truth are generated
// deterministically, so only the generator and the templates are committed, not the data.
//
//   node --import tsx scripts/log-corpora.ts <dir> [lines=2000]   writes <format>.log and
//     <format>.truth (the ground-truth template of each line) for every format.
//
// Ground-truth convention (Loghub's): one template per logging statement; ids, addresses,
// numbers, names and states are <*>. A word slot that only ever takes a few values (at most
// four: "VM Started/Paused/Resumed/Stopped", "session opened/closed") is written as separate
// templates, as Loghub does; a slot with more values, or a long tail of rare ones, is <*>.
//
// The bench (bench/logs-accuracy.ts) builds them in memory. Formats marked heldOut were never
// looked at while the parser was tuned; they measure how it does on formats it has not seen.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCorpus, type Corpus, type FormatSpec } from './log-corpora/kit.js';
import { FORMATS_A } from './log-corpora/formats-a.js';
import { FORMATS_B } from './log-corpora/formats-b.js';
import { FORMATS_C } from './log-corpora/formats-c.js';
import { SHARED } from './log-corpora/shared.js';

export type { Corpus } from './log-corpora/kit.js';

export const FORMATS: readonly FormatSpec[] = [...FORMATS_A, ...FORMATS_B, ...FORMATS_C];

/** Every corpus, `n` lines each. */
export function buildCorpora(n = 2000, seed = 1): Corpus[] {
  return FORMATS.map((f) => buildCorpus(f, SHARED, n, seed));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node --import tsx scripts/log-corpora.ts <dir> [lines]\n');
    process.exit(2);
  }
  const n = Number(process.argv[3] ?? 2000);
  mkdirSync(dir, { recursive: true });
  for (const c of buildCorpora(n)) {
    writeFileSync(path.join(dir, `${c.name}.log`), `${c.lines.join('\n')}\n`);
    writeFileSync(path.join(dir, `${c.name}.truth`), `${c.truth.join('\n')}\n`);
  }
  process.stdout.write(`wrote ${FORMATS.length} corpora of ${n} lines to ${dir}\n`);
}
