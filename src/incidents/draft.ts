// The postmortem drafter the bot uses until src/incidents/postmortem.ts (the model-written
// narrative with its offline draft) is wired in: the same Postmortem shape, deterministic, from
// the incident, its updates and its timeline (which carries the audit facts: what ran, who
// approved, row counts). Labelled offline.
import { formatMs } from '../core/format.js';
import type { Clock } from '../core/clock.js';
import { formatLocal } from '../time/zoned-time.js';
import type { PostmortemDrafter } from './flows.js';
import { ref } from './render.js';
import { KIND_LABEL, ROLE_LABEL, ROLES, SEVERITY_LABEL, type Postmortem } from './types.js';

const md = (t: string) => t.replace(/[\r\n]+/g, ' ').replace(/([\\`*_[\]|#])/g, '\\$1');

export function offlineDrafter(o: { clock: Clock; timezone: string; redact: (t: string) => string; reason?: string }): PostmortemDrafter {
  return ({ incident: i, timeline, updates }): Promise<Postmortem> => {
    const at = (d: Date | null) => (d ? formatLocal(d.getTime(), o.timezone) : '—');
    const dur = (d: Date | null) => (d ? formatMs(d.getTime() - i.declaredAt.getTime()) : '—');
    const lines = [
      `# ${ref(i)} postmortem (draft): ${md(i.title)}`,
      '',
      `_Offline draft${o.reason ? ` (${o.reason})` : ''}: written from the timeline and the audit log, without a model._`,
      '',
      '## Summary',
      `${SEVERITY_LABEL[i.severity]} ${KIND_LABEL[i.kind].toLowerCase()}, declared ${at(i.declaredAt)} by ${i.declaredBy}, resolved ${at(i.resolvedAt)}.`,
      `Resolution: ${md(i.resolution ?? '—')}`,
      '',
      '## Impact',
      md(i.userImpact || '—'),
      '',
      '## Roles',
      ...ROLES.map((r) => `- ${ROLE_LABEL[r]}: ${i.roles[r] ?? '—'}`),
      '',
      '## Durations',
      `- Declared → acknowledged (commander): ${dur(i.acknowledgedAt)}`,
      `- Declared → mitigated (monitoring): ${dur(i.mitigatedAt)}`,
      `- Declared → resolved: ${dur(i.resolvedAt)}`,
      '',
      '## Timeline',
      ...(timeline.length ? timeline.map((e) => `- ${at(e.at)} — ${e.actor}: ${md(e.text)}`) : ['- (empty)']),
      '',
      '## What was run',
      ...(() => {
        const ran = timeline.filter((e) => e.action === 'command' || e.action.startsWith('playbook.') || e.action.startsWith('lockdown'));
        return ran.length ? ran.map((e) => `- ${at(e.at)} ${e.actor}: ${md(e.target ?? e.action)} — ${md(e.outcome)}${Object.keys(e.detail).length ? ` (${md(JSON.stringify(e.detail).slice(0, 300))})` : ''}`) : ['- nothing recorded'];
      })(),
      '',
      '## Stakeholder updates',
      ...(updates.length ? updates.map((u) => `- ${at(u.at)} ${u.postedBy} (${u.status}): ${md(u.impact)} — next: ${md(u.nextSteps)}`) : ['- none']),
      '',
      '## Contributing factors',
      '- _to be written by the team_',
      '',
      '## Action items',
      '- _to be written by the team_',
    ];
    return Promise.resolve({ incidentId: i.id, source: 'offline', offlineReason: o.reason ?? 'model drafting not configured', markdown: o.redact(lines.join('\n')), createdAt: new Date(o.clock.now()) });
  };
}
