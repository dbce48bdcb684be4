// /health as Block Kit: a header with the overall status, one section per component, and a
// context line with the time and duration. Text from the database is escaped. During a lockdown
// (any notice) the header and the notification text lead with it: a green "OK" must not be the
// first thing a war room reads while a breach is being contained.
import type { KnownBlock } from '@slack/types';
import { formatMs } from '../core/format.js';
import type { HealthItem, HealthReport, Status } from '../health/types.js';
import { context, escapeMrkdwn, escapeText, fitMessage, header, sections } from '../slack/blocks.js';
import { formatTime } from './time.js';
import { declareButton } from '../incidents/render.js';

export const STATUS_EMOJI: Record<Status, string> = {
  ok: ':large_green_circle:',
  warn: ':large_yellow_circle:',
  critical: ':red_circle:',
  unknown: ':white_circle:',
};

export const STATUS_WORD: Record<Status, string> = { ok: 'OK', warn: 'WARNING', critical: 'CRITICAL', unknown: 'UNKNOWN' };

function itemLine(item: HealthItem): string {
  let line = `${STATUS_EMOJI[item.status]} *${escapeMrkdwn(item.label)}*: ${escapeMrkdwn(item.value)}  _(${escapeMrkdwn(item.threshold)})_`;
  if (item.advice && item.status !== 'ok') line += `\n        ↳ ${escapeMrkdwn(item.advice)}`;
  return line;
}

export interface HealthMessage {
  text: string;
  blocks: KnownBlock[];
}

export const ALERT_EMOJI = ':rotating_light:';

/** The headline of the report: the alert (lockdown) first when there is one, then the status. */
export function healthHeadline(report: HealthReport): string {
  const status = `AutoRepAi health: ${STATUS_WORD[report.status]}`;
  return report.alert ? `${ALERT_EMOJI} ${report.alert} — ${status}` : `${STATUS_EMOJI[report.status]} ${status}`;
}

// Everyone asking at once shares one run of the checks (the runner's single flight), so the same
// report is rendered for each of them: render it once per report and zone. The message is only
// serialized by its users, never changed.
const rendered = new WeakMap<HealthReport, Map<string, HealthMessage>>();

export function healthBlocks(report: HealthReport, timeZone: string): HealthMessage {
  let byZone = rendered.get(report);
  if (!byZone) rendered.set(report, (byZone = new Map<string, HealthMessage>()));
  let msg = byZone.get(timeZone);
  if (!msg) byZone.set(timeZone, (msg = renderHealthBlocks(report, timeZone)));
  return msg;
}

function renderHealthBlocks(report: HealthReport, timeZone: string): HealthMessage {
  const blocks: KnownBlock[] = [header(healthHeadline(report))];
  if (report.notices?.length) blocks.push(...sections(report.notices.map((n) => `${ALERT_EMOJI} *${escapeMrkdwn(n)}*`).join('\n')));
  for (const c of report.components) {
    const title = `${STATUS_EMOJI[c.status]} *${escapeMrkdwn(c.title)}* — ${STATUS_WORD[c.status]} _(${formatMs(c.durationMs)})_`;
    blocks.push(...sections([title, ...c.items.map(itemLine)].join('\n')));
  }
  // A critical report is where an incident often starts: declare it from here, prefilled.
  if (report.status === 'critical') {
    const failing = report.components.filter((c) => c.status === 'critical');
    blocks.push(
      declareButton({
        source: 'health',
        ref: report.startedAt,
        title: `Health critical: ${failing.map((c) => c.title).join(', ')}`,
        kind: failing.length > 0 && failing.every((c) => c.component === 'auth') ? 'auth_issues' : 'service_outage',
      }),
    );
  }
  blocks.push(
    context([
      `Checked ${formatTime(Date.parse(report.startedAt), timeZone)} · took ${formatMs(report.durationMs)} · \`opsbot health --json\` for raw values`,
    ]),
  );
  const summary = report.components.map((c) => `${c.component} ${STATUS_WORD[c.status].toLowerCase()}`).join(', ');
  return {
    text: `${report.alert ? `${ALERT_EMOJI} ${escapeText(report.alert)} — ` : ''}AutoRepAi health: ${STATUS_WORD[report.status]} (${summary})`,
    blocks: fitMessage(blocks, 'Run `opsbot health --json` for the full report.'),
  };
}
