// /health for the terminal: one line per item, aligned, no colour codes (logs and pipes stay clean).
// A lockdown (any notice) leads the first line, so `opsbot health | head -1` shows it too.
import { formatMs } from '../core/format.js';
import type { HealthReport, Status } from '../health/types.js';
import { formatTime } from './time.js';

const WORD: Record<Status, string> = { ok: 'OK', warn: 'WARN', critical: 'CRIT', unknown: 'UNKN' };

export function healthText(report: HealthReport, timeZone: string): string {
  const alert = report.alert ? `!! ${report.alert} !! ` : '';
  const lines = [`${alert}AutoRepAi health: ${WORD[report.status]}  (${formatTime(Date.parse(report.startedAt), timeZone)}, ${formatMs(report.durationMs)})`];
  for (const n of report.notices ?? []) lines.push(`!! ${n}`);
  for (const c of report.components) {
    lines.push('', `[${WORD[c.status]}] ${c.title} (${formatMs(c.durationMs)})`);
    for (const i of c.items) {
      lines.push(`  [${WORD[i.status]}] ${i.label}: ${i.value}   (threshold: ${i.threshold})`);
      if (i.advice && i.status !== 'ok') lines.push(`         -> ${i.advice}`);
    }
  }
  return lines.join('\n');
}
