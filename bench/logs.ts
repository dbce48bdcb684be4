// The log pipeline on 1,000,000 generated lines of mixed Supabase edge (JSON rows), Postgres
// (stderr text) and auth (GoTrue JSON) logs. Prints: template mining throughput, the whole
// offline summarize (stream → parse → redact → mine → statistics → prompt → summary → render)
// with wall time and peak memory, templates found, and prompt tokens against raw log tokens.
// Targets: `logs parse --jsonl` ≥ 400,000 lines per CPU-second as a whole process, summarize of
// 1M lines ≤ 2.5 s wall with 2 threads (≤ 4 s with one), peak ≤ 150 MB, prompt ≤ 30k tokens.
// Every whole-process figure is printed for today's build and for the previous release (built
// from git by bench/_logs-previous.ts), from the same run, each the best of BENCH_LOG_REPEAT
// runs (default 2): the machine is shared, so CPU time is the figure to compare, not wall time.
// Then the per-format accuracy table (bench/logs-accuracy.ts).
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fixedClock } from '../src/core/clock.js';
import { analyzeStream } from '../src/logs/analyze.js';
import { createTemplateMiner } from '../src/logs/miner.js';
import { parseLine } from '../src/logs/parse-input.js';
import { createLogRedactor } from '../src/logs/redact.js';
import { renderSummaryBlocks, renderSummaryText } from '../src/logs/render.js';
import { openLogStream } from '../src/logs/sources/file.js';
import { createLogSummarizer } from '../src/logs/summarizer.js';
import { mixedLines } from '../test/fixtures/logs/supabase-sets.js';
import { accuracyReport } from './logs-accuracy.js';
import { previousRelease } from './_logs-previous.js';

const LINES = Number(process.env.BENCH_LOG_LINES ?? 1_000_000);
const REPEAT = Math.max(1, Number(process.env.BENCH_LOG_REPEAT ?? 2));
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

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface CliRun {
  wallMs: number;
  cpuMs: number;
  maxRssBytes: number;
  code: number | null;
}

/** Best of REPEAT runs (least CPU), with the highest peak RSS seen. */
async function bestOf(run: () => Promise<CliRun>): Promise<CliRun> {
  let best: CliRun | undefined;
  let rss = 0;
  for (let i = 0; i < REPEAT; i++) {
    const r = await run();
    rss = Math.max(rss, r.maxRssBytes);
    if (!best || r.cpuMs < best.cpuMs) best = r;
  }
  return { ...best!, maxRssBytes: rss };
}

/** Runs an opsbot bin in a child process; wall time from here, peak RSS and CPU from the child. */
async function runCli(args: string[], workerThreads: string | undefined, bin = path.join(ROOT, 'bin/opsbot.js')): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, GEMINI_API_KEY: '' };
  if (workerThreads === undefined) delete env.LOGS_WORKER_THREADS;
  else env.LOGS_WORKER_THREADS = workerThreads;
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', pathToFileURL(path.join(ROOT, 'bench/_rss-report.js')).href, bin, ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  const wallMs = performance.now() - started;
  const report = /@@bench (\{.*\})/.exec(stderr);
  if (!report) throw new Error(`opsbot did not report its resources:\n${stderr.slice(-2000)}`);
  const r = JSON.parse(report[1]!) as { maxRssKb: number; cpuUs: number };
  return { wallMs, cpuMs: r.cpuUs / 1000, maxRssBytes: r.maxRssKb * 1024, code };
}

export default async function bench(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'opsbot-bench-logs-'));
  const file = path.join(dir, 'mixed.log');
  try {
    await writeLines(file);
    const size = (await stat(file)).size;
    console.log(`input: ${LINES.toLocaleString('en-US')} lines, ${mb(size)} (edge JSON rows, Postgres text, GoTrue JSON)`);

    // 1. Whole processes as a user runs them, in a fresh process (start-up included), with peak
    // RSS (worker threads included) and CPU time reported by the process itself: `logs parse
    // --jsonl`, then `logs summarize --offline` with 2 worker threads and with none. Today's
    // build, then the previous release's.
    const previous = await previousRelease();
    const builds: [string, string | undefined][] = [['today', undefined]];
    if (previous) builds.push([`previous (${previous.rev})`, previous.bin]);
    const show = (label: string, run: CliRun) =>
      `${label}: ${(run.wallMs / 1000).toFixed(2)} s wall, ${(run.cpuMs / 1000).toFixed(2)} s CPU (${rate(LINES, run.cpuMs)} per CPU-second), peak RSS ${mb(run.maxRssBytes)} (exit ${run.code})`;
    for (const [name, bin] of builds) {
      console.log(show(`parse --jsonl, ${name}`, await bestOf(() => runCli(['logs', 'parse', file, '--jsonl'], undefined, bin))));
      for (const [label, threads] of [
        ['2 worker threads', '2'],
        ['LOGS_WORKER_THREADS=0', '0'],
      ] as const) {
        console.log(show(`summarize --offline, ${label}, ${name}`, await bestOf(() => runCli(['logs', 'summarize', file, '--offline', '--json'], threads, bin))));
      }
    }

    // The same pipeline in this process, for the figures of the result.
    const analysis = await analyzeStream(await openLogStream(file, { stdin: process.stdin }));
    const summarizer = createLogSummarizer({ knownPlaybookIds: new Set(['kill-idle-connections', 'restart-edge-function']), clock: fixedClock(0) });
    const summary = await summarizer.summarize(analysis, { subject: 'bench: mixed Supabase logs', offline: true });
    renderSummaryText(summary);
    renderSummaryBlocks(summary);
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
    const miner = createTemplateMiner();
    t = performance.now();
    const mineCpu = process.cpuUsage();
    for (const m of messages) miner.add(m);
    miner.clusters();
    const mineMs = performance.now() - t;
    const mineCpuUs = process.cpuUsage(mineCpu);
    console.log(
      `template mining (masks + shapes; grouping at read time): ${rate(messages.length, mineMs)} wall, ${rate(messages.length, (mineCpuUs.user + mineCpuUs.system) / 1000)} per CPU-second (one core)`,
    );
    console.log(`  other stages: input parsing ${rate(raws.length, parseMs)}, redaction ${rate(messages.length, redactMs)}`);
    console.log('');
    await accuracyReport(previous);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
