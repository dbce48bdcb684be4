// /secrets for people: each secret's name, when it last changed and where that date comes from,
// the old ones first with the command that rotates them. Names only — there is no value to show.
import type { KnownBlock } from '@slack/types';
import { formatTime } from '../render/time.js';
import { context, escapeMrkdwn, fitMessage, header, sections } from '../slack/blocks.js';
import type { SlackMessage } from '../slack/command.js';
import type { RotationPosted, SecretAge, SecretsReport } from './service.js';

const ICON = { old: ':warning:', unknown: ':grey_question:', ok: ':white_check_mark:' } as const;

function when(s: SecretAge, tz: string): string {
  if (s.changedAt !== null) {
    const how = s.source === 'api' ? '' : ' (seen changing by the bot)';
    return `changed ${formatTime(s.changedAt, tz)}, ${s.ageDays} day${s.ageDays === 1 ? '' : 's'} ago${how}`;
  }
  return `unchanged since the bot first saw it ${formatTime(s.firstSeenAt, tz)} (${s.ageDays} day${s.ageDays === 1 ? '' : 's'} or more; earlier changes unknown)`;
}

/** One secret; `esc` escapes the name for the surface (Slack mrkdwn, or nothing for a terminal). */
function line(s: SecretAge, r: SecretsReport, tz: string, esc: (t: string) => string, bold: (t: string) => string): string {
  const flag = s.status === 'old' ? ` — older than ${r.maxAgeDays} days: rotate with \`/secrets rotate ${esc(s.name)}\`` : '';
  return `${ICON[s.status]} ${bold(esc(s.name))} — ${when(s, tz)}${flag}`;
}

function headline(r: SecretsReport): string {
  const old = r.secrets.filter((s) => s.status === 'old').length;
  return `${r.secrets.length} function secret${r.secrets.length === 1 ? '' : 's'} in project ${r.projectRef}${old ? `, ${old} older than ${r.maxAgeDays} days` : ''}`;
}

const FOOT =
  'Values are never read into Slack or logs. Change dates come from Supabase when it gives them; otherwise from a salted fingerprint the bot keeps of each value, so a change is dated from the first `/secrets` after it.';

export function secretsBlocks(r: SecretsReport, tz: string): SlackMessage {
  const lines = r.secrets.map((s) => line(s, r, tz, escapeMrkdwn, (t) => `*${t}*`));
  const blocks: KnownBlock[] = [
    header(`Function secrets — ${r.projectRef}`),
    ...sections(lines.length ? lines.join('\n') : 'The project has no function secrets.'),
    ...(r.gone.length ? sections(`Gone since the last look (deleted in Supabase): ${r.gone.map((g) => `*${escapeMrkdwn(g)}*`).join(', ')}`) : []),
    context([FOOT]),
  ];
  return { text: escapeMrkdwn(headline(r)), blocks: fitMessage(blocks, 'More secrets than fit here: run `opsbot secrets` for all of them.') };
}

export function secretsText(r: SecretsReport, tz: string): string {
  return [headline(r), ...r.secrets.map((s) => `  ${line(s, r, tz, (t) => t, (t) => t).replace(/^:[a-z_]+: /, `${s.status.toUpperCase().padEnd(7)} `)}`), ...(r.gone.length ? [`gone since the last look: ${r.gone.join(', ')}`] : [])].join('\n');
}

export function rotationPostedText(p: RotationPosted): string {
  return `Posted the rotation checklist for *${escapeMrkdwn(p.name)}* (${p.checklist.items.length} steps); each tick records who and when.${p.confirmed ? '' : ' Supabase could not confirm the secret exists (Management API unavailable).'}`;
}
