// The postmortem draft as Markdown. The facts sections (timeline, stakeholder updates, what was
// run, durations) are rendered from the records by renderFacts alone, so whatever the model
// wrote they come out the same; the narrative sections come from a Narrative (the model's,
// validated, or the offline one). Every text from people or the model is scrubbed and kept on
// its own line or paragraph; section lengths are capped.
import { formatBytes, formatCount, plural } from '../core/format.js';
import type { BackupFact, CitedEntry, Milestone, PlaybookRun, RunFacts } from './postmortem-facts.js';
import type { Narrative } from './postmortem-offline.js';
import { oneLine, paragraphs, span, stamp, who, type Scrub } from './postmortem-text.js';
import { KIND_LABEL, ROLE_LABEL, ROLES, SEVERITY_LABEL, type Incident, type StakeholderUpdate } from './types.js';

/** Timeline lines shown in the draft; beyond that the oldest routine middle is elided. */
export const MAX_TIMELINE_LINES = 400;
const MAX_ENTRY_CHARS = 500;
const MAX_RUN_LINES = 60;
const MAX_OTHER_ROWS = 30;

export interface FactsParts {
  incident: Incident;
  entries: readonly CitedEntry[];
  updates: readonly StakeholderUpdate[];
  logSummaries: readonly string[];
  runs: RunFacts;
  milestones: readonly Milestone[];
  scrub: Scrub;
  timezone: string;
  now: number;
}

const line = (scrub: Scrub, s: string, max: number) => oneLine(scrub(s), max);

/** `# …` title line and the key fields under it. */
export function renderTitle(p: Pick<FactsParts, 'incident' | 'scrub' | 'timezone'>): string {
  const inc = p.incident;
  const roles = ROLES.filter((r) => inc.roles[r]).map((r) => `${ROLE_LABEL[r]}: ${who(inc.roles[r])}`);
  return [
    `# Postmortem draft: incident #${inc.id} · ${SEVERITY_LABEL[inc.severity]} · ${KIND_LABEL[inc.kind]}`,
    '',
    `**${line(p.scrub, inc.title, 200)}**`,
    '',
    `Status: ${inc.status} · declared ${stamp(inc.declaredAt, p.timezone)} by ${who(inc.declaredBy)}${inc.channelName ? ` · #${inc.channelName}` : ''}`,
    roles.length > 0 ? `Roles: ${roles.join(' · ')}` : 'Roles: none assigned',
  ].join('\n');
}

function timelineSection(p: FactsParts): string[] {
  const out = ['## Timeline', ''];
  if (p.entries.length === 0) return [...out, '_Nothing was recorded on the timeline._'];
  const render = ({ cite, entry }: CitedEntry) =>
    `- **${cite}** ${stamp(entry.at, p.timezone)} · ${who(entry.actor)} · ${line(p.scrub, entry.text, MAX_ENTRY_CHARS)}${entry.outcome && entry.outcome !== 'ok' && !entry.text.includes(entry.outcome) ? ` (${line(p.scrub, entry.outcome, 40)})` : ''}`;
  if (p.entries.length <= MAX_TIMELINE_LINES) return [...out, ...p.entries.map(render)];
  // A huge timeline: the start and the end, which carry the story; the middle is counted.
  const head = p.entries.slice(0, MAX_TIMELINE_LINES / 4);
  const tail = p.entries.slice(-(MAX_TIMELINE_LINES - head.length));
  const skipped = p.entries.length - head.length - tail.length;
  const from = p.entries[head.length]!.cite;
  const to = p.entries[p.entries.length - tail.length - 1]!.cite;
  return [...out, ...head.map(render), `- _… ${plural(skipped, 'entry', 'entries')} (${from} to ${to}) not shown here; \`opsbot incident timeline ${p.incident.id}\` lists them all._`, ...tail.map(render)];
}

function updatesSection(p: FactsParts): string[] {
  const out = ['## Stakeholder updates', ''];
  if (p.updates.length === 0) return [...out, '_No stakeholder update was posted._'];
  return [
    ...out,
    ...p.updates.map((u, i) => `- **U${i + 1}** ${stamp(u.at, p.timezone)} · ${who(u.postedBy)} · ${u.status}: ${line(p.scrub, u.impact, 400)}${u.nextSteps ? ` Next: ${line(p.scrub, u.nextSteps, 300)}` : ''}`),
  ];
}

function logSummariesSection(p: FactsParts): string[] {
  if (p.logSummaries.length === 0) return [];
  return ['', '### Log summaries', '', ...p.logSummaries.map((s, i) => `- **L${i + 1}** ${line(p.scrub, s, 300)}`)];
}

const STATE_TEXT: Record<PlaybookRun['state'], string> = {
  succeeded: 'succeeded',
  failed: 'FAILED',
  stopped: 'STOPPED (the scope changed since the approval)',
  interrupted: 'INTERRUPTED (the bot restarted during the run)',
  denied: 'denied',
  expired: 'expired without approval',
  running: 'started; no end recorded',
  pending: 'requested; never approved',
};

function paramsText(scrub: Scrub, params: Record<string, unknown>): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length === 0 ? '' : ` (\`${line(scrub, parts.join(' '), 200).replace(/`/g, "'")}\`)`;
}

function runLines(r: PlaybookRun, p: FactsParts): string[] {
  const tz = p.timezone;
  const requested = `requested by ${who(r.requestedBy)}${r.requestedAt ? ` at ${stamp(r.requestedAt, tz)}` : ''}`;
  const approved = r.breakGlass
    ? `; break-glass self-approval by ${who(r.approvals[0]?.by ?? r.requestedBy)} (reason: ${line(p.scrub, r.breakGlass, 200)})`
    : r.approvals.length > 0
      ? `; approved by ${r.approvals.map((a) => `${who(a.by)}${a.at ? ` at ${stamp(a.at, tz)}` : ''}`).join(', ')}`
      : r.state === 'denied'
        ? `; denied by ${who(r.deniedBy)}`
        : '';
  const rows = r.rowsAffected !== null ? `; ${plural(r.rowsAffected, 'row')} affected` : '';
  const took = r.durationMs !== null ? ` in ${span(r.durationMs)}` : '';
  const error = r.error ? ` Error: ${line(p.scrub, r.error, 300)}` : '';
  const out = [`- **${r.cite}** \`${r.playbookId}\`${paramsText(p.scrub, r.params)}: ${requested}${approved}. **${STATE_TEXT[r.state]}**${rows}${took}.${error}`];
  for (const s of r.steps.slice(0, 20)) out.push(`  - ${line(p.scrub, s.step, 80)}: ${plural(s.rows, 'row')}, ${span(s.ms)}${s.note ? ` (${line(p.scrub, s.note, 120)})` : ''}`);
  return out;
}

function backupLine(b: BackupFact, p: FactsParts): string {
  const parts = [...(b.sizeBytes !== null ? [formatBytes(b.sizeBytes)] : []), ...b.details.map((d) => line(p.scrub, d, 300)), ...(b.durationMs !== null ? [span(b.durationMs)] : [])];
  const approved = b.approvedBy.length > 0 ? `, approved by ${b.approvedBy.map(who).join(', ')}` : '';
  return `- ${stamp(b.at, p.timezone)} backup ${b.event}${b.backupId ? ` \`${b.backupId.slice(0, 8)}\`` : ''} by ${who(b.actor)}${approved}: **${b.failed ? 'FAILED' : line(p.scrub, b.outcome, 30)}**${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
}

function whatWasRunSection(p: FactsParts): string[] {
  const out = ['## What was run', '', '### Playbooks', ''];
  const runs = p.runs.playbooks;
  if (runs.length === 0) out.push('_No playbook was requested._');
  for (const r of runs.slice(0, MAX_RUN_LINES)) out.push(...runLines(r, p));
  if (runs.length > MAX_RUN_LINES) out.push(`- _… and ${plural(runs.length - MAX_RUN_LINES, 'more request')} (\`/playbook audit\`)._`);

  out.push('', '### Backups', '');
  if (p.runs.backups.length === 0) out.push('_No backup was taken, verified or restored._');
  for (const b of p.runs.backups.slice(0, MAX_RUN_LINES)) out.push(backupLine(b, p));

  const ld = p.runs.lockdown;
  if (ld.runs.length > 0 || ld.other.length > 0 || p.incident.lockdownId) {
    out.push('', '### Lockdown', '');
    if (p.incident.lockdownId) out.push(`Linked lockdown: \`${p.incident.lockdownId}\``, '');
    for (const r of ld.runs) out.push(...runLines(r, p));
    for (const d of ld.deadlines) {
      const due = d.dueAt.getTime();
      out.push(`- Notification deadline ${d.kind === '24h' ? '24 h' : '72 h'}: ${stamp(due, p.timezone)} (${due <= p.now ? 'passed' : `in ${span(due - p.now)}`})`);
    }
    for (const r of ld.other.slice(0, MAX_OTHER_ROWS)) out.push(`- ${stamp(r.at, p.timezone)} ${line(p.scrub, r.action, 60)} by ${who(r.actor)}: ${line(p.scrub, r.outcome, 40)}`);
  }
  if (p.runs.other.length > 0) {
    out.push('', '### Other recorded actions', '');
    for (const r of p.runs.other.slice(0, MAX_OTHER_ROWS)) out.push(`- ${stamp(r.at, p.timezone)} ${line(p.scrub, r.action, 60)}${r.target ? ` ${line(p.scrub, r.target, 60)}` : ''} by ${who(r.actor)}: ${line(p.scrub, r.outcome, 40)}`);
    if (p.runs.other.length > MAX_OTHER_ROWS) out.push(`- _… and ${formatCount(p.runs.other.length - MAX_OTHER_ROWS)} more (\`opsbot audit\`)._`);
  }
  return out;
}

function durationsSection(p: FactsParts): string[] {
  const open = p.incident.status !== 'resolved';
  const rows = p.milestones.map((m, i) => {
    if (i === 0) return `| ${m.label} | ${stamp(m.at!, p.timezone)} | — |`;
    if (m.sinceDeclaredMs === null) return `| ${m.label} | not reached | ${open ? `not reached (open for ${span(p.now - p.incident.declaredAt.getTime())} so far)` : 'not reached'} |`;
    return `| ${m.label} | ${stamp(m.at!, p.timezone)} | ${span(m.sinceDeclaredMs)} |`;
  });
  return ['## Durations', '', '| Milestone | At | Since declared |', '| --- | --- | --- |', ...rows];
}

/** The facts sections, from the records only. */
export function renderFacts(p: FactsParts): string {
  return [...timelineSection(p), ...logSummariesSection(p), '', ...updatesSection(p), '', ...whatWasRunSection(p), '', ...durationsSection(p)].join('\n');
}

function citesText(text: string, cites: readonly string[]): string {
  const missing = cites.filter((c) => !text.includes(c));
  return missing.length > 0 ? ` [${missing.join(', ')}]` : '';
}

export interface NarrativeSections {
  /** Summary and impact, shown before the facts. */
  lead: string;
  /** Suspected cause, contributing factors and action items, shown after them. */
  analysis: string;
}

export function renderNarrative(n: Narrative, scrub: Scrub): NarrativeSections {
  const para = (s: string, max: number) => paragraphs(scrub(s), max);
  const lead = ['## Summary', '', para(n.summary, 2000) || '_To be written._', '', '## Impact', '', para(n.impact, 2000) || '_To be written._'].join('\n');
  const analysis = [
    '## Suspected cause',
    '',
    para(n.suspectedCause, 1500) || '_Not determined yet: to be filled in by the responders._',
    '',
    '## Contributing factors',
    '',
    ...(n.contributingFactors.length > 0 ? n.contributingFactors.map((f) => `- ${oneLine(scrub(f.text), 500)}${citesText(f.text, f.cites)}`) : ['- _To be filled in by the responders._']),
    '',
    '## Action items',
    '',
    ...(n.actionItems.length > 0 ? n.actionItems.map((a) => `- [ ] ${oneLine(scrub(a.text), 400)}${a.owner ? ` (owner: ${oneLine(scrub(a.owner), 80)})` : ''}`) : ['- [ ] _To be filled in by the responders._']),
  ].join('\n');
  return { lead, analysis };
}
