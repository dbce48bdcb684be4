// Refreshes test/browser/fixtures/blockkit-corpus.json, the Block Kit the browser fidelity test
// renders, from what the HTTP tests send now:
//   OPSBOT_BLOCKKIT_RECORD=/tmp/bk npx vitest run test/http
//   node --import tsx scripts/blockkit-corpus.ts /tmp/bk
// Keeps one payload per test file, surface and shape (the block and element types and the fields
// present), so every kind of message each test produces is covered without thousands of copies.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface Recorded {
  via: string;
  surface: string;
  test?: string;
  payload: unknown;
}

const CORPUS = path.resolve('test/browser/fixtures/blockkit-corpus.json');

/** The shape of a payload: its keys and `type` values, recursively; other values by their type. */
function shape(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(shape).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${k}:${k === 'type' ? String(o[k]) : shape(o[k])}`)
      .join(',')}}`;
  }
  return typeof v;
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node --import tsx scripts/blockkit-corpus.ts <recording dir>\n');
  process.exit(3);
}
const fresh: Recorded[] = readdirSync(dir)
  .filter((f) => f.endsWith('.jsonl'))
  .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Recorded));
const seen = new Set<string>();
const out = fresh.filter((r) => {
  const key = `${r.surface}|${r.test ?? ''}|${shape(r.payload)}`;
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
});
out.sort((a, b) => (a.test ?? '').localeCompare(b.test ?? ''));
writeFileSync(CORPUS, `${JSON.stringify(out, null, 1)}\n`);
process.stdout.write(`${out.length} payloads from ${fresh.length} recorded into ${path.relative(process.cwd(), CORPUS)}\n`);
