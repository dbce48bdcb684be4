// A diagnostic answered in Slack when it is longer than a message: the caller gets the top
// findings (only they see them: statements and sessions can carry customer data), and the whole
// report goes to their direct messages with the bot as Markdown, CSV and JSON files, with the
// chart when there is one. The text always goes first; a failed upload is said, never silent.
import type { ChartDef } from '../src/charts/render.js';
import { slowQueriesChart, type StatementBar } from '../src/charts/slowqueries-chart.js';
import { cliEquivalent, diagnosticBlocks } from '../src/diagnostics/render-blocks.js';
import { diagnosticFiles, findingCount, INLINE_FINDINGS, shortened } from '../src/diagnostics/report-files.js';
import type { DiagnosticReport } from '../src/diagnostics/types.js';
import { shareAttachments, type Attachments } from '../src/slack/attachments.js';
import { context } from '../src/slack/blocks.js';
import type { SlackRun } from '../src/slack/command.js';

export interface DiagnosticSharing {
  attachments: Attachments;
  /** The report's chart, if it has one. */
  chart?: (report: DiagnosticReport) => ChartDef | undefined;
}

/** The /slowqueries chart from a report's statement findings. */
export function slowQueriesReportChart(slowMs: number): (report: DiagnosticReport) => ChartDef | undefined {
  return (report) => {
    const bars: StatementBar[] = report.sections.flatMap((s) =>
      s.findings.map((f) => ({ rank: Number(f.data.rank), query: f.query ?? f.title, calls: Number(f.data.calls), totalMs: Number(f.data.totalMs), meanMs: Number(f.data.meanMs) })),
    );
    const valid = bars.filter((b) => [b.rank, b.calls, b.totalMs, b.meanMs].every(Number.isFinite));
    return slowQueriesChart(valid, { slowMs, database: report.database, sortLabel: report.title.replace(/^Slow queries by /, '') });
  };
}

/** Answers `report` to the caller; a long one keeps its top findings and sends the rest as files. */
export async function answerDiagnostic(share: DiagnosticSharing, report: DiagnosticReport, ctx: SlackRun): Promise<void> {
  const tz = ctx.deps.timezone;
  const total = findingCount(report);
  if (total <= INLINE_FINDINGS) {
    await ctx.respond(diagnosticBlocks(report, tz));
    return;
  }
  const msg = diagnosticBlocks(shortened(report), tz);
  const note = `Showing ${INLINE_FINDINGS} of ${total} findings. The full report (Markdown, CSV and JSON) is in your direct messages with me.`;
  await ctx.respond({ text: `${msg.text} — ${note}`, blocks: [...msg.blocks.slice(0, 49), context([note])] });
  let dm;
  try {
    dm = await ctx.chat.postMessage({ channel: ctx.who.userId, text: `Full report of \`${report.command}\` (${total} findings), as files in this thread.`, purpose: 'the full report' });
  } catch (err) {
    ctx.log.warn({ err }, 'full report message not posted');
    await ctx.respond({ text: `I could not send you the full report (${describe(err)}). Run \`${cliEquivalent(report)}\` in a terminal for all ${total} findings.` });
    return;
  }
  const problem = await shareAttachments(share.attachments, ctx.log, { channel: dm.channel, threadTs: dm.ts, purpose: 'the full report' }, { files: diagnosticFiles(report, tz), charts: [share.chart?.(report)] });
  if (problem) await ctx.respond({ text: `${problem} Run \`${cliEquivalent(report)}\` in a terminal for all ${total} findings.` });
}

function describe(err: unknown): string {
  const m = (err as { userMessage?: unknown }).userMessage;
  return typeof m === 'string' ? m : 'Slack refused the message';
}
