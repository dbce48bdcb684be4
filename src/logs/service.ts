// /logs summarize: pick the source (Supabase edge / Postgres / auth logs through the Management
// API, or a log file shared in Slack), run the pipeline (redact → templates → statistics →
// prompt → Gemini or offline) and return the validated summary. One implementation for the
// slash command and the message shortcut.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Clock } from '../core/clock.js';
import { InputError, UpstreamError } from '../core/errors.js';
import { analyzeRecords, analyzeStream, type AnalyzeOptions } from './analyze.js';
import { createSlackFileDownloader, type SlackFileAccess } from './sources/slack-file.js';
import type { SupabaseLogKind, SupabaseLogSource } from './sources/supabase.js';
import type { LogSummarizer } from './summarizer.js';
import type { LogSummary } from './summary.js';
import { logSeries } from './series.js';

/** Largest file the bot downloads from Slack for a summary. */
export const MAX_LOG_FILE_BYTES = 200 * 1024 * 1024;

export interface SlackFileRef {
  name: string;
  size: number;
  /** url_private_download, fetched with the bot token (from Slack's file hosts only). */
  url: string;
}

export interface LogsServiceDeps {
  summarizer: LogSummarizer;
  /** Undefined when SUPABASE_ACCESS_TOKEN or the project ref is missing. */
  supabase: SupabaseLogSource | undefined;
  analyze: AnalyzeOptions;
  /** How files shared in Slack are fetched: the bot token goes to Slack's file hosts only. */
  download: SlackFileAccess;
  clock: Clock;
}

export interface LogsService {
  /** Summarizes one kind of Supabase logs for the last `sinceMs`. */
  summarizeSupabase(kind: SupabaseLogKind, sinceMs: number): Promise<LogSummary>;
  /** Summarizes a file shared in Slack. */
  summarizeFile(file: SlackFileRef): Promise<LogSummary>;
}

const KIND_NAME: Record<SupabaseLogKind, string> = { edge: 'edge function logs', postgres: 'Postgres logs', auth: 'auth logs' };

function windowName(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${Math.round(ms / 60_000)} min`;
}

export function createLogsService(d: LogsServiceDeps): LogsService {
  const download = createSlackFileDownloader(d.download);
  return {
    async summarizeSupabase(kind, sinceMs) {
      if (!d.supabase) {
        throw new InputError(
          'Supabase logs need SUPABASE_ACCESS_TOKEN (a personal access token with analytics:read) and the project ref. Until then, share a log file here and use `/logs summarize file`.',
        );
      }
      const batch = await d.supabase.fetchLogs({ kind, sinceMs });
      const analysis = analyzeRecords(batch.records, d.analyze);
      const caveats = batch.truncated ? [`Only the first ${batch.records.length.toLocaleString('en-US')} rows of the window were read.`] : [];
      return { ...(await d.summarizer.summarize(analysis, { subject: `Supabase ${KIND_NAME[kind]}, last ${windowName(sinceMs)}`, caveats })), series: logSeries(analysis) };
    },

    async summarizeFile(file) {
      if (file.size > MAX_LOG_FILE_BYTES) {
        throw new InputError(`${file.name} is ${Math.round(file.size / 1048576)} MB; the bot reads files up to ${MAX_LOG_FILE_BYTES / 1048576} MB. Use \`opsbot logs summarize <file>\` on a terminal for bigger ones.`);
      }
      const res = await download(file.url, file.name);
      if (!res.ok || !res.body) throw new UpstreamError(`Slack did not hand over ${file.name} (${res.status}); check that the bot has files:read and can see the channel.`);
      if ((res.headers.get('content-type') ?? '').startsWith('text/html')) {
        throw new UpstreamError(`Slack answered with a login page instead of ${file.name}: the bot token lacks files:read.`);
      }
      // Streamed: a 200 MB file never sits in memory whole.
      const analysis = await analyzeStream(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), d.analyze);
      return { ...(await d.summarizer.summarize(analysis, { subject: `log file ${file.name}` })), series: logSeries(analysis) };
    },
  };
}
