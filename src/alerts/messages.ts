// Alert posts. The alert message itself is re-rendered from its record whenever it changes
// (acknowledged, recovered), so the channel always shows the current state.
import type { KnownBlock } from '@slack/types';
import { actorMention } from '../checklist/render.js';
import { formatMs } from '../core/format.js';
import { formatLocal } from '../time/zoned-time.js';
import { context, escapeMrkdwn, escapeText, header, sections } from '../slack/blocks.js';
import type { AlertRecord } from './store.js';
import { declareButton } from '../incidents/render.js';
import type { IncidentKind } from '../incidents/types.js';

/** The incident kind an alert most likely starts (the declare form's default; people can change it). */
const ALERT_KIND: Record<string, IncidentKind> = {
  auth_down: 'auth_issues',
  failed_logins: 'auth_issues',
  connections: 'performance',
  db_cpu: 'performance',
  edge_latency: 'performance',
};

export const ACK_ACTION_ID = 'alert.ack';

export interface Message {
  text: string;
  blocks: KnownBlock[];
}

const ICON = { critical: '🔴', warning: '🟡' } as const;
const WORD = { critical: 'CRITICAL', warning: 'WARNING' } as const;

export function alertMessage(a: AlertRecord, timezone: string): Message {
  const recovered = a.recoveredAt !== null;
  const head = recovered ? `✅ RECOVERED: ${a.title}` : `${ICON[a.severity]} ${WORD[a.severity]}: ${a.title}`;
  const body = [
    `*Now:* ${escapeMrkdwn(recovered ? (a.recoveredValue ?? a.value) : a.value)}`,
    `*Threshold:* ${escapeMrkdwn(a.threshold)}`,
    ...(a.advice && !recovered ? [`*Do:* ${escapeMrkdwn(a.advice)}`] : []),
  ].join('\n');
  const facts = [`Fired ${formatLocal(a.firedAt, timezone)} after ${a.breaches} consecutive failing checks · alert #${a.id}`];
  if (a.heldWindow) facts.push(`held during maintenance, posted ${formatLocal(a.notifiedAt ?? a.firedAt, timezone)}`);
  const blocks: KnownBlock[] = [header(head), ...sections(body), context(facts)];
  if (a.acknowledgedAt !== null && a.acknowledgedBy) {
    blocks.push(
      context([`👀 Acknowledged by ${actorMention(a.acknowledgedBy)} at ${formatLocal(a.acknowledgedAt, timezone)}${a.timeToAckMs !== null ? ` — ${formatMs(a.timeToAckMs)} after it was posted` : ''}`]),
    );
  }
  if (recovered) {
    blocks.push(context([`Recovered ${formatLocal(a.recoveredAt!, timezone)}, after ${formatMs(a.recoveredAt! - a.firedAt)}`]));
  }
  if (!recovered) {
    // Acknowledge (while nobody has) and Declare incident share one row; Declare stays after the ack.
    const declare = declareButton({ source: 'alert', ref: String(a.id), title: a.title, kind: ALERT_KIND[a.ruleId] ?? 'service_outage' });
    blocks.push({
      type: 'actions',
      block_id: `alert:${a.id}`,
      elements: [
        ...(a.acknowledgedAt === null
          ? [
              {
                type: 'button' as const,
                action_id: ACK_ACTION_ID,
                text: { type: 'plain_text' as const, text: 'Acknowledge', emoji: true },
                style: 'primary' as const,
                value: String(a.id),
                accessibility_label: `Acknowledge alert ${a.id}: I am looking at it`,
              },
            ]
          : []),
        ...declare.elements,
      ],
    });
  }
  return { text: escapeText(`${head} — ${a.value}`), blocks };
}

export function reminderMessage(a: AlertRecord, timezone: string, now: number): Message {
  const text = `${ICON[a.severity]} Still ${WORD[a.severity].toLowerCase()} and nobody has acknowledged it for ${formatMs(now - (a.notifiedAt ?? a.firedAt))}: ${a.title} — now ${a.value}`;
  return {
    text: escapeText(text),
    blocks: [...sections(escapeMrkdwn(text)), context([`Reminder ${a.reminders} · press Acknowledge on the alert to stop reminders · alert #${a.id} fired ${formatLocal(a.firedAt, timezone)}`])],
  };
}

export function recoveryMessage(a: AlertRecord, timezone: string): Message {
  const text = `✅ Recovered: ${a.title} — now ${a.recoveredValue ?? a.value}, after ${formatMs((a.recoveredAt ?? a.firedAt) - a.firedAt)}`;
  return {
    text: escapeText(text),
    blocks: [
      ...sections(escapeMrkdwn(text)),
      context([
        `Alert #${a.id} · fired ${formatLocal(a.firedAt, timezone)} · ${a.acknowledgedBy ? `acknowledged by ${actorMention(a.acknowledgedBy)}` : 'never acknowledged'}`,
      ]),
    ],
  };
}

export function heldSummaryMessage(alerts: AlertRecord[], timezone: string): Message {
  const lines = alerts.map((a) => {
    const fired = `fired ${formatLocal(a.firedAt, timezone)}`;
    if (!a.heldWindow) return `${ICON[a.severity]} *${escapeMrkdwn(a.title)}* (posted before the window) — recovered ${formatLocal(a.recoveredAt ?? a.firedAt, timezone)}`;
    if (a.recoveredAt !== null) return `${ICON[a.severity]} *${escapeMrkdwn(a.title)}* — ${fired}, recovered ${formatLocal(a.recoveredAt, timezone)} (${escapeMrkdwn(a.recoveredValue ?? a.value)})`;
    return `${ICON[a.severity]} *${escapeMrkdwn(a.title)}* — ${fired}, *still firing*: posted below`;
  });
  const firing = alerts.filter((a) => a.heldWindow && a.recoveredAt === null).length;
  const title = '🧾 Alerts held during maintenance';
  return {
    text: escapeText(`${title}: ${alerts.length} (${firing} still firing)`),
    blocks: [header(title), ...sections(lines.join('\n')), context([`${alerts.length} held, ${firing} still firing. Alerts are live again.`])],
  };
}
