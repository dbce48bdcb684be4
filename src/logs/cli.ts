// `opsbot logs …`: the terminal face of the log pipeline, for when Slack is down, for scripts
// and for measuring the parser.
//   logs parse <file|-> [--jsonl]      one line out per line in: line number and template id
//   logs templates <file|-> [--json]   templates with counts, levels, first/last seen, examples
//   logs summarize <file|-> [--offline] [--json]
import { basename } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { formatCount } from '../core/format.js';
import { isOpsError } from '../core/errors.js';
import { createLogAnalyzer, feedAnalyzer, type AnalyzeOptions, type LogAnalyzer } from './analyze.js';
import { buildOfflineSummary } from './offline-summary.js';
import { buildPrompt } from './prompt.js';
import { renderSummaryText } from './render.js';
import { openLogStream } from './sources/file.js';
import type { LogAnalysis } from './stats.js';
import type { LogSummarizer } from './summarizer.js';

export interface LogsCliIo {
  stdin: NodeJS.ReadableStream;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Built from GEMINI_* settings by the caller; without it every summary is offline. */
  summarizer?: LogSummarizer;
  /** Redaction and miner settings (e.g. LOGS_REDACT_IPS). */
  analyze?: AnalyzeOptions;
  /** Opens a file; defaults to fs.createReadStream (tests pass in-memory streams). */
  openFile?: (path: string) => NodeJS.ReadableStream;
}

export const LOGS_USAGE = `Usage:
  opsbot logs parse <file|-> [--jsonl]       template id of every line (--jsonl: {"line":n,"template":"T3"})
  opsbot logs templates <file|-> [--json]    templates with counts, levels and examples
  opsbot logs summarize <file|-> [--offline] [--json]
                                             incident summary (Gemini when GEMINI_API_KEY is set)
Input is plain text or JSON lines (Supabase exports included); - reads standard input.`;

const FLAGS: Record<string, readonly string[]> = {
  parse: ['--jsonl'],
  templates: ['--json'],
  summarize: ['--offline', '--json'],
};

const OUTPUT_CHUNK = 2000;

export async function runLogsCli(args: string[], io: LogsCliIo): Promise<number> {
  const rest = args[0] === 'logs' ? args.slice(1) : [...args];
  const command = rest.shift();
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout(`${LOGS_USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  const allowed = Object.hasOwn(FLAGS, command) ? FLAGS[command] : undefined;
  if (!allowed) {
    io.stderr(`Unknown logs command "${command}".\n${LOGS_USAGE}\n`);
    return 2;
  }
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const positional = rest.filter((a) => !a.startsWith('--'));
  const unknown = [...flags].filter((f) => !allowed.includes(f));
  if (unknown.length > 0 || positional.length !== 1) {
    io.stderr(`${unknown.length > 0 ? `Unknown option ${unknown.join(', ')} for logs ${command}.` : `logs ${command} needs one input: a file, or - for standard input.`}\n${LOGS_USAGE}\n`);
    return 2;
  }
  const input = positional[0]!;
  // Lines are garbage as soon as they are counted, but a busy thread makes V8 grow its young
  // generation to its maximum (about 100 MB more peak memory, no faster). V8 reads this flag
  // each time it would grow it, so it holds from here on, in this thread and in worker threads.
  setFlagsFromString('--semi-space-growth-factor=1');
  try {
    const stream = await openLogStream(input, { stdin: io.stdin, ...(io.openFile ? { openFile: io.openFile } : {}) });
    // `logs parse` prints template ids only: no statistics to gather per line.
    const analyzer = createLogAnalyzer({ ...io.analyze, statistics: command !== 'parse' });
    // A file opened here is read by nobody else: its buffers can move to worker threads.
    const opts: AnalyzeOptions = { ...io.analyze, parallel: { ...io.analyze?.parallel, moveReadBuffers: input !== '-' && !io.openFile } };
    if (command === 'parse') return await parseCommand(stream, analyzer, opts, flags.has('--jsonl'), io);
    await feedAnalyzer(stream, analyzer, opts);
    const analysis = analyzer.finish();
    if (command === 'templates') return templatesCommand(analysis, flags.has('--json'), io);
    const subject = input === '-' ? 'standard input' : basename(input);
    const summary = io.summarizer
      ? await io.summarizer.summarize(analysis, { subject, offline: flags.has('--offline') })
      : buildOfflineSummary(
          analysis,
          { subject, promptTokensEstimate: buildPrompt(analysis, { knownPlaybookIds: new Set(), subject }).tokensEstimate },
          flags.has('--offline') ? 'offline mode requested' : 'no Gemini API key configured (GEMINI_API_KEY)',
        );
    io.stdout(flags.has('--json') ? `${JSON.stringify(summary, null, 2)}\n` : `${renderSummaryText(summary)}\n`);
    return 0;
  } catch (err) {
    if (isOpsError(err)) {
      io.stderr(`${err.userMessage}\n`);
      return 1;
    }
    throw err;
  }
}

async function parseCommand(stream: NodeJS.ReadableStream, analyzer: LogAnalyzer, opts: AnalyzeOptions, jsonl: boolean, io: LogsCliIo): Promise<number> {
  // Ids are printed after the last line: clusters whose templates converge are merged at the
  // end, and every line must get its final id. 4 bytes per line.
  let ids = new Int32Array(1 << 16);
  let n = 0;
  await feedAnalyzer(stream, analyzer, opts, (batch) => {
    if (n + batch.length > ids.length) {
      const grown = new Int32Array(Math.max(ids.length * 2, n + batch.length));
      grown.set(ids.subarray(0, n));
      ids = grown;
    }
    ids.set(batch, n);
    n += batch.length;
  });
  let out: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    const template = id === 0 ? null : `T${analyzer.resolve(id)}`;
    // Both values are numbers or T<number>: nothing to escape, no object per line.
    out.push(jsonl ? `{"line":${i + 1},"template":${template === null ? 'null' : `"${template}"`}}` : `${i + 1}\t${template ?? '-'}`);
    if (out.length === OUTPUT_CHUNK) {
      io.stdout(`${out.join('\n')}\n`);
      out = [];
    }
  }
  if (out.length > 0) io.stdout(`${out.join('\n')}\n`);
  return 0;
}

function templatesCommand(analysis: LogAnalysis, json: boolean, io: LogsCliIo): number {
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  if (json) {
    const templates = analysis.templates.map((t) => ({
      id: t.id,
      template: t.template,
      count: t.count,
      level: t.level,
      errorCount: t.errorCount,
      firstSeen: iso(t.firstSeen),
      lastSeen: iso(t.lastSeen),
      ...(t.spike ? { spike: { minute: iso(t.spike.minute), count: t.spike.count, baseline: t.spike.baseline, factor: t.spike.factor } } : {}),
      isNew: t.isNew,
      examples: t.examples,
    }));
    io.stdout(`${JSON.stringify({ lines: analysis.totalLines, errorLines: analysis.errorLines, templates }, null, 2)}\n`);
    return 0;
  }
  const rows = analysis.templates.map((t) => `${t.id.padEnd(7)}${formatCount(t.count).padStart(10)}  ${t.level.padEnd(7)} ${t.template}`);
  io.stdout(`${rows.join('\n')}\n${formatCount(analysis.totalLines)} lines, ${formatCount(analysis.templates.length)} templates\n`);
  return 0;
}
