// The data of the postmortem's timeline strip (src/charts/timeline-chart.ts): each timeline
// entry in its lane — status changes, role changes, playbook steps, the rest — with a few words.
import type { TimelineLane, TimelineStripInput } from '../charts/timeline-chart.js';
import { ref } from './render.js';
import type { Incident, TimelineEntry } from './types.js';

function lane(e: TimelineEntry): TimelineLane {
  if (e.action === 'incident.status' || e.action === 'incident.resolved') return 'status';
  if (e.action === 'incident.role') return 'roles';
  if (e.action.startsWith('playbook.')) return 'playbooks';
  return 'other';
}

function label(e: TimelineEntry): string {
  if (e.action === 'incident.status' && typeof e.detail.to === 'string') return e.detail.to;
  if (e.action === 'incident.resolved') return 'resolved';
  if (e.action === 'incident.role' && typeof e.detail.role === 'string') return e.detail.role;
  if (e.action.startsWith('playbook.')) return e.action.slice('playbook.'.length);
  // The action's name, never the entry's text: a pinned message can carry anything.
  return e.action.replace(/^(incident|playbook)\./, '');
}

export function timelineStrip(i: Incident, timeline: readonly TimelineEntry[]): TimelineStripInput {
  return {
    ref: ref(i),
    declaredAt: i.declaredAt.getTime(),
    resolvedAt: i.resolvedAt ? i.resolvedAt.getTime() : null,
    events: timeline.map((e) => ({ at: e.at.getTime(), lane: lane(e), label: label(e) })),
  };
}
