// A diagnostic report for the terminal: plain lines, no colour codes, so logs and pipes stay
// clean.
import { formatMs } from '../core/format.js';
import { formatTime } from '../render/time.js';
import type { DiagnosticReport, Status } from './types.js';

const WORD: Record<Status, string> = { ok: 'OK', warn: 'WARN', critical: 'CRIT', unknown: 'UNKN' };

export function diagnosticText(report: DiagnosticReport, timeZone: string): string {
  const lines = [`${report.title}: ${WORD[report.status]}  (${report.command}, ${formatTime(Date.parse(report.startedAt), timeZone)}, ${formatMs(report.durationMs)})`];
  for (const n of report.notes) lines.push(`  ${n}`);
  for (const s of report.sections) {
    lines.push('', `[${WORD[s.status]}] ${s.title}`, `  ${s.summary}${s.threshold ? `   (threshold: ${s.threshold})` : ''}`);
    for (const f of s.findings) {
      const indent = '  '.repeat((f.depth ?? 0) + 1);
      lines.push(`${indent}[${WORD[f.status]}] ${f.title} | ${f.facts.join(' | ')}`);
      if (f.query) lines.push(`${indent}       ${f.query}`);
    }
    if (s.omitted > 0) lines.push(`  … and ${s.omitted} more not listed`);
    lines.push(`  -> Next step: ${s.nextStep}`);
  }
  return lines.join('\n');
}
