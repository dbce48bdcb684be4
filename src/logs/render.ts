// Pure renderers of a log summary: terminal text and Slack Block Kit. Everything that came from
// logs or from the model is escaped (no mentions, links or formatting can be smuggled in), and
// Block Kit limits hold by construction. Suggested playbooks become "Request" buttons that only
// start the normal request → approval flow.
import type { KnownBlock } from '@slack/types';
import { formatCount, formatPct } from '../core/format.js';
import { context, divider, escapedWithin, escapeMrkdwn, fitMessage, header, LIMITS, sections, truncate } from '../slack/blocks.js';
import { clockTime } from './offline-summary.js';
import type { LogSummary } from './summary.js';

export const PLAYBOOK_REQUEST_ACTION = 'playbook_request';

function costText(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return 'cost unknown';
  return usd < 0.01 ? `≈ $${usd.toFixed(4)}` : `≈ $${usd.toFixed(2)}`;
}

/** One line on which model answered (or why none did), tokens and cost. */
export function usageLine(s: LogSummary): string {
  const u = s.usage;
  if (s.source === 'gemini') {
    return `Gemini ${s.model ?? ''} · tokens in ${formatCount(u.inputTokens ?? u.promptTokensEstimate)} / out ${formatCount(u.outputTokens ?? 0)} · ${costText(u.estimatedCostUsd)} · raw logs ≈ ${formatCount(u.rawTokensEstimate)} tokens`;
  }
  return `Offline summary, no AI (${s.reason ?? 'offline'}) · prompt would be ≈ ${formatCount(u.promptTokensEstimate)} tokens, raw logs ≈ ${formatCount(u.rawTokensEstimate)}`;
}

function statsLine(s: LogSummary): string {
  const st = s.stats;
  const window = st.window ? ` · ${clockTime(st.window.start)} – ${clockTime(st.window.end)}` : '';
  return `${formatCount(st.lines)} lines · ${formatCount(st.templates)} templates · ${formatCount(st.errorLines)} errors (${formatPct(st.errorShare * 100)})${window}`;
}

// Inline code cannot contain a backtick; a template is shown, not interpreted.
const code = (s: string) => `\`${escapeMrkdwn(s.replace(/`/g, "'"))}\``;

/** Terminal rendering (plain text). */
export function renderSummaryText(s: LogSummary): string {
  const out: string[] = [];
  out.push(`Log summary: ${s.subject}`);
  if (s.source === 'offline') out.push(`[offline summary, no AI: ${s.reason ?? 'offline'}]`);
  out.push('', s.headline, '', `Impact: ${s.impact}`, `Suspected cause: ${s.suspectedCause}`);
  if (s.timeline.length > 0) out.push('', 'Timeline:', ...s.timeline.map((t) => `  ${t.time}  ${t.event}`));
  if (s.keyTemplates.length > 0) {
    out.push('', 'Key templates:');
    for (const t of s.keyTemplates) out.push(`  ${t.id.padEnd(6)} ${formatCount(t.count).padStart(9)}  ${t.level.padEnd(7)} ${t.template}${t.note ? `  — ${t.note}` : ''}`);
  }
  if (s.suggestedPlaybooks.length > 0) {
    out.push('', 'Suggested playbooks (request them in Slack; a second person approves):');
    for (const p of s.suggestedPlaybooks) out.push(`  ${p.id}: ${p.reason}`);
  }
  if (s.caveats.length > 0) out.push('', 'Notes:', ...s.caveats.map((c) => `  - ${c}`));
  out.push('', statsLine(s), usageLine(s));
  return out.join('\n');
}

export interface SlackSummaryMessage {
  /** Notification / fallback text. */
  text: string;
  blocks: KnownBlock[];
}

/** Slack rendering: ≤ 50 blocks, sections ≤ 3000 characters, header ≤ 150. */
export function renderSummaryBlocks(s: LogSummary): SlackSummaryMessage {
  const blocks: KnownBlock[] = [header(`Log summary: ${s.subject}`)];
  if (s.source === 'offline') {
    blocks.push(context([`:warning: *Offline summary, no AI* — ${escapeMrkdwn(s.reason ?? 'offline')}. Built from counts and spikes only.`]));
  }
  blocks.push(...sections(`*${escapeMrkdwn(s.headline)}*\n${escapeMrkdwn(s.impact)}`));
  if (s.suspectedCause) blocks.push(...sections(`*Suspected cause*\n${escapeMrkdwn(s.suspectedCause)}`));
  if (s.timeline.length > 0) {
    blocks.push(...sections(`*Timeline*\n${s.timeline.map((t) => `• ${escapeMrkdwn(t.time)} — ${escapeMrkdwn(t.event)}`).join('\n')}`));
  }
  if (s.keyTemplates.length > 0) {
    const rows = s.keyTemplates.map(
      (t) => `• *${escapeMrkdwn(t.id)}* ×${formatCount(t.count)} (${t.level}) ${code(truncate(t.template, 400))}${t.note ? ` — ${escapeMrkdwn(t.note)}` : ''}`,
    );
    blocks.push(...sections(`*Key templates*\n${rows.join('\n')}`));
  }
  if (s.suggestedPlaybooks.length > 0) {
    blocks.push(divider);
    for (const p of s.suggestedPlaybooks) {
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: truncate(`*Suggested playbook* ${code(p.id)}\n${escapeMrkdwn(p.reason)}`, LIMITS.sectionText) },
        accessory: {
          type: 'button',
          text: { type: 'plain_text', text: truncate(`Request ${p.id}`, LIMITS.buttonText) },
          action_id: PLAYBOOK_REQUEST_ACTION,
          value: p.id,
        },
      });
    }
    blocks.push(context(['Suggestions only: requesting a playbook shows its preview and needs a second person to approve.']));
  }
  if (s.caveats.length > 0) blocks.push(context(s.caveats.slice(0, 9).map((c) => escapeMrkdwn(c))));
  blocks.push(context([escapeMrkdwn(statsLine(s)), escapeMrkdwn(usageLine(s))]));
  const label = s.source === 'offline' ? ' (offline summary)' : '';
  return {
    text: escapedWithin(`Log summary${label}: ${s.headline}`, 300),
    blocks: fitMessage(blocks, 'Run `opsbot logs summarize` in a terminal for the full text.'),
  };
}
