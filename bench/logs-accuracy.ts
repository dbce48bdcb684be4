// Per-format grouping accuracy (GA) and exact-template accuracy of the log pipeline on our
// labelled corpora (scripts/log-corpora.ts, 2,000 lines per format), on raw lines (headers
// included: the parser must find the message) and on the message text alone, for today's miner
// and the previous release's (built from git by bench/_logs-previous.ts), in the same run.
// Held-out formats were never looked at while tuning; their means are printed apart.
//
// Template accuracy: the share of lines whose template text equals the true one, after typed
// placeholders (<NUM>, <IP>…) are written <*> and runs of adjacent <*> are taken as one.
import { buildCorpora, type Corpus } from '../scripts/log-corpora.js';
import { groupingAccuracy } from '../src/logs/accuracy.js';
import { createLogAnalyzer } from '../src/logs/analyze.js';
import { AUTH_SET, EDGE_SET, labelledSet, POSTGRES_SET } from '../test/fixtures/logs/supabase-sets.js';
import { previousRelease, type PreviousRelease } from './_logs-previous.js';

interface Scores {
  ga: number;
  gaMessages: number;
  templates: number;
}

/** The analyzer API both releases share. */
interface AnalyzerLike {
  pushLine(line: string): number | undefined;
  resolve(id: number): number;
  finish(): { templates: { id: string; template: string }[] };
}
type MakeAnalyzer = () => AnalyzerLike;

export const normalizeTemplate = (t: string): string =>
  t
    .replace(/<[A-Z_]+>/g, '<*>')
    .replace(/\s+/g, ' ')
    .replace(/<\*>(?:\s?<\*>)+/g, '<*>')
    .trim();

function mine(make: MakeAnalyzer, lines: readonly string[]): { ids: number[]; text: Map<number, string> } {
  const a = make();
  const raw = lines.map((l) => a.pushLine(l) ?? 0);
  const ids = raw.map((id) => a.resolve(id));
  const text = new Map(a.finish().templates.map((t) => [Number(t.id.slice(1)), t.template]));
  return { ids, text };
}

function score(make: MakeAnalyzer, c: Corpus): Scores {
  const raw = mine(make, c.lines);
  const msg = mine(make, c.messages);
  let exact = 0;
  for (let i = 0; i < c.lines.length; i++) {
    const t = raw.text.get(raw.ids[i]!);
    if (t !== undefined && normalizeTemplate(t) === normalizeTemplate(c.truth[i]!)) exact++;
  }
  return { ga: groupingAccuracy(raw.ids, c.truth), gaMessages: groupingAccuracy(msg.ids, c.truth), templates: exact / c.lines.length };
}

const f3 = (x: number) => x.toFixed(3);
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);

// BENCH_LOGS_SKIP_PREVIOUS=1 leaves the previous release out (no build from git): a quicker loop
// while working on the miner.
const SKIP_PREVIOUS = process.env.BENCH_LOGS_SKIP_PREVIOUS === '1';

export async function accuracyReport(previous?: PreviousRelease): Promise<void> {
  const prev = previous ?? (SKIP_PREVIOUS ? undefined : await previousRelease());
  const makePrev: MakeAnalyzer | undefined = prev?.createLogAnalyzer;
  const corpora = buildCorpora(2000);
  console.log(`corpora: ${corpora.length} formats × 2,000 lines; previous release: ${prev ? prev.rev : SKIP_PREVIOUS ? 'skipped' : 'not available'}`);
  console.log('format          held-out   GA raw (prev)     GA message (prev)   template (prev)');
  const rows: { c: Corpus; now: Scores; old?: Scores }[] = [];
  for (const c of corpora) {
    const now = score(() => createLogAnalyzer(), c);
    const old = makePrev ? score(makePrev, c) : undefined;
    rows.push({ c, now, ...(old ? { old } : {}) });
    const pair = (a: number, b: number | undefined) => `${f3(a)} (${b === undefined ? '  -  ' : f3(b)})`.padEnd(18);
    console.log(`${c.name.padEnd(16)}${(c.heldOut ? 'yes' : '').padEnd(11)}${pair(now.ga, old?.ga)}${pair(now.gaMessages, old?.gaMessages)}  ${pair(now.templates, old?.templates)}`);
  }
  for (const [label, sel] of [
    ['held out', rows.filter((r) => r.c.heldOut)],
    ['tuned on', rows.filter((r) => !r.c.heldOut)],
    ['all', rows],
  ] as const) {
    const m = (f: (s: Scores) => number) => f3(mean(sel.map((r) => f(r.now))));
    const o = (f: (s: Scores) => number) => (sel[0]?.old ? f3(mean(sel.map((r) => f(r.old!)))) : '-');
    const worst = sel.reduce((w, r) => (Math.min(r.now.ga, r.now.gaMessages) < Math.min(w.now.ga, w.now.gaMessages) ? r : w), sel[0]!);
    console.log(
      `mean, ${label} (${sel.length}): GA raw ${m((s) => s.ga)} (prev ${o((s) => s.ga)}), GA message ${m((s) => s.gaMessages)} (prev ${o((s) => s.gaMessages)}), template ${m((s) => s.templates)} (prev ${o((s) => s.templates)}); lowest ${worst.c.name} ${f3(Math.min(worst.now.ga, worst.now.gaMessages))}`,
    );
  }
  // The repository's own Supabase sets (test/fixtures/logs/supabase-sets.ts), 4,000 lines as the unit test measures them.
  for (const spec of [EDGE_SET, POSTGRES_SET, AUTH_SET]) {
    const set = labelledSet(spec, 4000);
    const ga = (make: MakeAnalyzer) => groupingAccuracy(mine(make, set.lines).ids, set.truth);
    console.log(`supabase set ${spec.name}: GA ${f3(ga(() => createLogAnalyzer()))} (prev ${makePrev ? f3(ga(makePrev)) : '-'})`);
  }
}

export default async function bench(): Promise<void> {
  await accuracyReport();
}
