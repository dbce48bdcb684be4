// A diagnostic report as Block Kit: a header with the overall status, the context (statistics
// age, scope), one section per part with its findings and the runbook's next step, and a
// footer. Text from the database is escaped; Slack's limits hold by construction.
import type { KnownBlock } from '@slack/types';
import { formatMs } from '../core/format.js';
import { STATUS_EMOJI, STATUS_WORD } from '../render/health-blocks.js';
import { formatTime } from '../render/time.js';
import { context, divider, escapeMrkdwn, fitMessage, header, sections } from '../slack/blocks.js';
import type { DiagnosticReport, Finding, Section } from './types.js';

export interface DiagnosticMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Escaped query text inside an inline code span (a backtick would end the span early). */
function code(text: string): string {
  return `\`${escapeMrkdwn(text.replace(/`/g, 'ʹ'))}\``;
}

function findingLine(f: Finding): string {
  const indent = f.depth ? `${'\u2003'.repeat(f.depth)}↳ ` : '';
  let line = `${indent}${STATUS_EMOJI[f.status]} *${escapeMrkdwn(f.title)}* · ${f.facts.map(escapeMrkdwn).join(' · ')}`;
  if (f.query) line += `\n${indent ? '\u2003'.repeat((f.depth ?? 0) + 1) : '\u2003'}${code(f.query)}`;
  return line;
}

/** The CLI command that prints the same report in full. */
export function cliEquivalent(report: DiagnosticReport): string {
  return `opsbot ${report.command.slice(1)} --json`;
}

function sectionText(s: Section): string {
  const lines = [`${STATUS_EMOJI[s.status]} *${escapeMrkdwn(s.title)}* — ${STATUS_WORD[s.status]}`];
  lines.push(`${escapeMrkdwn(s.summary)}${s.threshold ? `  _(${escapeMrkdwn(s.threshold)})_` : ''}`);
  for (const f of s.findings) lines.push(findingLine(f));
  if (s.omitted > 0) lines.push(`_…and ${s.omitted} more not listed._`);
  lines.push(`*Next step:* ${escapeMrkdwn(s.nextStep)}`);
  return lines.join('\n');
}

export function diagnosticBlocks(report: DiagnosticReport, timeZone: string): DiagnosticMessage {
  const cli = cliEquivalent(report);
  const blocks: KnownBlock[] = [header(`${STATUS_EMOJI[report.status]} ${report.title}: ${STATUS_WORD[report.status]}`)];
  if (report.notes.length > 0) blocks.push(context(report.notes.map(escapeMrkdwn)));
  report.sections.forEach((s, i) => {
    if (i > 0) blocks.push(divider);
    blocks.push(...sections(sectionText(s)));
  });
  blocks.push(
    context([`\`${escapeMrkdwn(report.command)}\` · checked ${formatTime(Date.parse(report.startedAt), timeZone)} · took ${formatMs(report.durationMs)} · read-only · \`${cli}\` for raw values`]),
  );
  const summary = report.sections.map((s) => `${s.title} ${STATUS_WORD[s.status].toLowerCase()}`).join(', ');
  return {
    text: `${report.title}: ${STATUS_WORD[report.status]} (${summary})`,
    blocks: fitMessage(blocks, `Run \`${cli}\` for the full report.`),
  };
}
