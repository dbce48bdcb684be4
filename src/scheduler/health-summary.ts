// A few lines about a health report for scheduled posts (maintenance start and end, alerts):
// the overall status and only the items that are not OK, so a healthy result stays one line.
import type { HealthItem, HealthReport } from '../health/types.js';
import { STATUS_EMOJI, STATUS_WORD } from '../render/health-blocks.js';
import { escapeMrkdwn } from '../slack/blocks.js';

const MAX_ITEMS = 8;

function itemLine(title: string, item: HealthItem): string {
  return `${STATUS_EMOJI[item.status]} ${escapeMrkdwn(title)} · *${escapeMrkdwn(item.label)}*: ${escapeMrkdwn(item.value)}`;
}

export function healthSummary(report: HealthReport): string {
  const components = report.components.map((c) => c.title).join(', ');
  const head = `${STATUS_EMOJI[report.status]} Health: *${STATUS_WORD[report.status]}* (${escapeMrkdwn(components)})`;
  const bad = report.components.flatMap((c) => c.items.filter((i) => i.status !== 'ok').map((i) => itemLine(c.title, i)));
  if (bad.length === 0) return head;
  const shown = bad.slice(0, MAX_ITEMS);
  if (bad.length > shown.length) shown.push(`… and ${bad.length - shown.length} more; run \`/health\` for everything`);
  return [head, ...shown].join('\n');
}
