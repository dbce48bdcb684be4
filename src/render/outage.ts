// /health outage as Block Kit and as terminal text: a header with the overall status, one
// section per check with its items, the next steps that follow from what failed, then the
// runbook's failover steps. Text from outside (status page names, DNS answers) is escaped.
import type { KnownBlock } from '@slack/types';
import { formatMs } from '../core/format.js';
import type { OutageReport } from '../health/outage-types.js';
import type { HealthItem, Status } from '../health/types.js';
import { context, divider, escapeMrkdwn, fitMessage, header, sections } from '../slack/blocks.js';
import { STATUS_EMOJI, STATUS_WORD } from './health-blocks.js';
import { formatTime } from './time.js';

function itemLine(item: HealthItem): string {
  let line = `${STATUS_EMOJI[item.status]} *${escapeMrkdwn(item.label)}*: ${escapeMrkdwn(item.value)}  _(${escapeMrkdwn(item.threshold)})_`;
  if (item.advice && item.status !== 'ok') line += `\n        ↳ ${escapeMrkdwn(item.advice)}`;
  return line;
}

export function outageBlocks(report: OutageReport, timeZone: string): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [header(`${STATUS_EMOJI[report.status]} Outage checks: ${STATUS_WORD[report.status]}`)];
  for (const c of report.checks) {
    const title = `${STATUS_EMOJI[c.status]} *${escapeMrkdwn(c.title)}* — ${STATUS_WORD[c.status]} _(${formatMs(c.durationMs)})_`;
    blocks.push(...sections([title, ...c.items.map(itemLine)].join('\n')));
  }
  blocks.push(divider);
  blocks.push(...sections(['*Next steps*', ...report.nextSteps.map((s, i) => `${i + 1}. ${escapeMrkdwn(s)}`)].join('\n')));
  blocks.push(...sections(['*Failover (runbook)*', ...report.failover.map((s, i) => `${i + 1}. ${escapeMrkdwn(s)}`)].join('\n')));
  blocks.push(context([`Checked ${formatTime(Date.parse(report.startedAt), timeZone)} · took ${formatMs(report.durationMs)} · \`opsbot health outage --json\` for raw values`]));
  const summary = report.checks.map((c) => `${c.key} ${STATUS_WORD[c.status].toLowerCase()}`).join(', ');
  return { text: `Outage checks: ${STATUS_WORD[report.status]} (${summary})`, blocks: fitMessage(blocks, 'Run `opsbot health outage --json` for the full report.') };
}

const WORD: Record<Status, string> = { ok: 'OK', warn: 'WARN', critical: 'CRIT', unknown: 'UNKN' };

export function outageText(report: OutageReport, timeZone: string): string {
  const lines = [`Outage checks: ${WORD[report.status]}  (${formatTime(Date.parse(report.startedAt), timeZone)}, ${formatMs(report.durationMs)})`];
  for (const c of report.checks) {
    lines.push('', `[${WORD[c.status]}] ${c.title} (${formatMs(c.durationMs)})`);
    for (const i of c.items) {
      lines.push(`  [${WORD[i.status]}] ${i.label}: ${i.value}   (threshold: ${i.threshold})`);
      if (i.advice && i.status !== 'ok') lines.push(`         -> ${i.advice}`);
    }
  }
  lines.push('', 'Next steps:', ...report.nextSteps.map((s, i) => `  ${i + 1}. ${s}`));
  lines.push('', 'Failover (runbook):', ...report.failover.map((s, i) => `  ${i + 1}. ${s}`));
  return lines.join('\n');
}
