// A diagnostic report too long for a message (the full slow-query list, /db indexes on thousands
// of tables): the message keeps the top findings of each section, and the whole report goes as
// files — Markdown for people, CSV of every finding's raw values for spreadsheets, JSON as
// `opsbot … --json` prints it.
import { formatMs } from '../core/format.js';
import { formatTime } from '../render/time.js';
import type { DiagnosticReport, Finding } from './types.js';

/** Findings kept in the message per report; the rest are in the files. */
export const INLINE_FINDINGS = 10;

export interface ReportFile {
  filename: string;
  title: string;
  content: string;
  snippetType: string;
}

/** Findings of every section. */
export function findingCount(r: DiagnosticReport): number {
  return r.sections.reduce((n, s) => n + s.findings.length, 0);
}

/** The report with at most `keep` findings in all (first sections first), the rest counted as omitted. */
export function shortened(r: DiagnosticReport, keep = INLINE_FINDINGS): DiagnosticReport {
  let left = keep;
  return {
    ...r,
    sections: r.sections.map((s) => {
      const kept = s.findings.slice(0, Math.max(0, left));
      left -= kept.length;
      return { ...s, findings: kept, omitted: s.omitted + (s.findings.length - kept.length) };
    }),
  };
}

const cell = (v: string) => v.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

function markdown(r: DiagnosticReport, timeZone: string): string {
  const out = [`# ${r.title}: ${r.status.toUpperCase()}`, '', `\`${r.command}\` on ${r.database}, ${formatTime(Date.parse(r.startedAt), timeZone)}, took ${formatMs(r.durationMs)}.`, ''];
  for (const n of r.notes) out.push(`- ${n}`);
  for (const s of r.sections) {
    out.push('', `## ${s.title}: ${s.status.toUpperCase()}`, '', `${s.summary}${s.threshold ? ` (${s.threshold})` : ''}`, '');
    if (s.findings.length > 0) {
      out.push('| | finding | facts | query |', '|---|---|---|---|');
      for (const f of s.findings) out.push(`| ${f.status} | ${cell(f.title)} | ${cell(f.facts.join(' · '))} | ${f.query ? `\`${cell(f.query).replace(/`/g, 'ʹ')}\`` : ''} |`);
    }
    if (s.omitted > 0) out.push('', `…and ${s.omitted} more beyond the limit.`);
    out.push('', `**Next step:** ${s.nextStep}`);
  }
  return `${out.join('\n')}\n`;
}

const csvValue = (v: unknown): string => {
  const t = typeof v === 'string' ? v : v === null || v === undefined ? '' : (JSON.stringify(v) ?? '');
  // A leading = + - @ would be a formula in a spreadsheet: quoted and prefixed.
  const safe = /^[=+\-@]/.test(t) && !/^-?\d/.test(t) ? `'${t}` : t;
  return /[",\n\r]/.test(safe) || safe !== t ? `"${safe.replace(/"/g, '""')}"` : safe;
};

function csv(r: DiagnosticReport): string {
  const rows: { section: string; f: Finding }[] = r.sections.flatMap((s) => s.findings.map((f) => ({ section: s.title, f })));
  const keys = [...new Set(rows.flatMap((x) => Object.keys(x.f.data)))];
  const lines = [['section', 'status', 'finding', ...keys, 'query'].join(',')];
  for (const { section, f } of rows) lines.push([section, f.status, f.title, ...keys.map((k) => f.data[k]), f.query ?? ''].map(csvValue).join(','));
  return `${lines.join('\n')}\n`;
}

/** The whole report as Markdown, CSV and JSON files. */
export function diagnosticFiles(r: DiagnosticReport, timeZone: string): ReportFile[] {
  const base = r.command.slice(1).replace(/[^a-z0-9]+/gi, '-');
  const day = r.startedAt.slice(0, 16).replace(/[^0-9]/g, '');
  return [
    { filename: `${base}-${day}.md`, title: `${r.title} (full report)`, content: markdown(r, timeZone), snippetType: 'markdown' },
    { filename: `${base}-${day}.csv`, title: `${r.title} (every finding, CSV)`, content: csv(r), snippetType: 'csv' },
    { filename: `${base}-${day}.json`, title: `${r.title} (JSON)`, content: `${JSON.stringify(r, null, 2)}\n`, snippetType: 'json' },
  ];
}
