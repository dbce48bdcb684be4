// The log pipeline on 1,000,000 generated lines of mixed Supabase edge (JSON rows), Postgres
// (stderr text) and auth (GoTrue JSON) logs. Prints: template mining throughput, the whole
// offline summarize (stream → parse → redact → mine → statistics → prompt → summary → render)
// with wall time and peak memory, templates found, and prompt tokens against raw log tokens.
// Targets (issue 6): ≥ 300,000 lines/s mining on one core, summarize < 10 s and < 300 MB,
// prompt ≤ 30k tokens.
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { fixedClock } from '../src/clock.js';
import { analyzeStream, type AnalyzeOptions } from '../src/logs/analyze.js';
import { createDrain } from '../src/logs/drain.js';
import { parseLine } from '../src/logs/parse-input.js';
import { createLogRedactor } from '../src/logs/redact.js';
import { renderSummaryBlocks, renderSummaryText } from '../src/logs/render.js';
import type { LogAnalysis } from '../src/logs/stats.js';
import type { LogSummary } from '../src/logs/summary.js';
import { openLogStream } from '../src/logs/sources/file.js';
import { createLogSummarizer } from '../src/logs/summarizer.js';
import { availableParallelism } from 'node:os';
import { mixedLines } from '../test/fixtures/logs/supabase-sets.js';

const LINES = Number(process.env.BENCH_LOG_LINES ?? 1_000_000);
const MINING_SAMPLE = 300_000;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')} lines/s`;

async function writeLines(file: string): Promise<void> {
  const out = createWriteStream(file);
  let buf: string[] = [];
  for (const line of mixedLines(LINES)) {
    buf.push(line);
    if (buf.length === 10_000) {
      if (!out.write(`${buf.join('\n')}\n`)) await once(out, 'drain');
      buf = [];
    }
  }
  out.end(buf.length > 0 ? `${buf.join('\n')}\n` : '');
  await once(out, 'finish');
}

export default async function bench(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'opsbot-bench-logs-'));
  const file = path.join(dir, 'mixed.log');
  try {
    await writeLines(file);
    const size = (await stat(file)).size;
    console.log(`input: ${LINES.toLocaleString('en-US')} lines, ${mb(size)} (edge JSON rows, Postgres text, GoTrue JSON)`);

    // 1. The whole offline summarize, read the way `opsbot logs summarize <file>` reads it, with
    // peak memory sampled while it runs: with worker threads (the default), then in one thread.
    let analysis: LogAnalysis | undefined;
    let summary: LogSummary | undefined;
    for (const [label, opts] of [
      [`${availableParallelism()} worker threads (default)`, {}],
      ['one thread', { parallel: { workers: 0 } }],
    ] as const satisfies readonly (readonly [string, AnalyzeOptions])[]) {
      global.gc?.();
      let peakHeap = 0;
      let peakRss = 0;
      const sample = () => {
        const m = process.memoryUsage();
        peakHeap = Math.max(peakHeap, m.heapUsed);
        peakRss = Math.max(peakRss, m.rss);
      };
      const sampler = setInterval(sample, 25);
      const started = performance.now();
      const cpuStart = process.cpuUsage();
      analysis = await analyzeStream(await openLogStream(file, { stdin: process.stdin }), opts);
      const analysed = performance.now();
      const summarizer = createLogSummarizer({ knownPlaybookIds: new Set(['kill-idle-connections', 'restart-edge-function']), clock: fixedClock(0) });
      summary = await summarizer.summarize(analysis, { subject: 'bench: mixed Supabase logs', offline: true });
      renderSummaryText(summary);
      renderSummaryBlocks(summary);
      const total = performance.now() - started;
      const cpu = process.cpuUsage(cpuStart);
      sample();
      clearInterval(sampler);
      // CPU time as well as wall time: on a shared machine the wall clock also measures neighbours.
      const cpuMs = (cpu.user + cpu.system) / 1000;
      console.log(
        `summarize (offline, whole pipeline, ${label}): ${(total / 1000).toFixed(2)} s wall, ${(cpuMs / 1000).toFixed(2)} s CPU (${rate(LINES, analysed - started)} incl. reading), peak RSS ${mb(peakRss)}, peak heap ${mb(peakHeap)}`,
      );
    }
    if (!analysis || !summary) return;
    console.log(`templates: ${analysis.templates.length} (error lines ${analysis.errorLines.toLocaleString('en-US')}, ${(analysis.errorShare * 100).toFixed(1)} %)`);
    const raw = analysis.rawTokensEstimate;
    const prompt = summary.usage.promptTokensEstimate;
    console.log(`prompt: ${prompt.toLocaleString('en-US')} tokens vs raw logs ${raw.toLocaleString('en-US')} tokens (${(raw / Math.max(prompt, 1)).toFixed(0)}× smaller; budget 30,000)`);

    // 2. Template mining alone (mask + tree + similarity), and each stage on its own, on messages
    // already in memory so that disk and JSON decoding are not counted.
    const redactor = createLogRedactor();
    const head = await open(file);
    const bytes = Buffer.alloc(MINING_SAMPLE * 400);
    const { bytesRead } = await head.read(bytes, 0, bytes.length, 0);
    await head.close();
    const raws = bytes.toString('utf8', 0, bytesRead).split('\n').slice(0, MINING_SAMPLE);
    let t = performance.now();
    const records = raws.map((l, i) => parseLine(l, i + 1));
    const parseMs = performance.now() - t;
    t = performance.now();
    const messages = records.map((r) => redactor.redact(r.message));
    const redactMs = performance.now() - t;
    const drain = createDrain();
    t = performance.now();
    const mineCpu = process.cpuUsage();
    for (const m of messages) drain.add(m);
    const mineMs = performance.now() - t;
    const mineCpuUs = process.cpuUsage(mineCpu);
    console.log(
      `template mining (Drain: masks + tree + similarity): ${rate(messages.length, mineMs)} wall, ${rate(messages.length, (mineCpuUs.user + mineCpuUs.system) / 1000)} per CPU-second (one core)`,
    );
    console.log(`  other stages: input parsing ${rate(raws.length, parseMs)}, redaction ${rate(messages.length, redactMs)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
