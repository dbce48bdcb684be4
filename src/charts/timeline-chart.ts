// The incident postmortem's timeline strip: one lane per kind of event (status, roles,
// playbooks, other), declared and resolved drawn as lines across all lanes.
import type { TopLevelSpec } from 'vega-lite';
import type { ChartDef } from './render.js';
import { COLORS } from './theme.js';
import { clock, stamp, timeAxis, wallClock } from './time.js';

export type TimelineLane = 'status' | 'roles' | 'playbooks' | 'other';

export interface TimelinePoint {
  at: number;
  lane: TimelineLane;
  /** A few words, e.g. "identified". */
  label: string;
}

export interface TimelineStripInput {
  ref: string;
  declaredAt: number;
  resolvedAt: number | null;
  events: readonly TimelinePoint[];
}

const LANES: readonly TimelineLane[] = ['status', 'roles', 'playbooks', 'other'];
const LANE_COLOR: Record<TimelineLane, string> = { status: COLORS.warn, roles: COLORS.neutral, playbooks: '#7b5ea7', other: COLORS.muted };
/** Events drawn; the postmortem's table has all of them. */
export const MAX_EVENTS = 200;

export function timelineChart(i: TimelineStripInput, timeZone: string): ChartDef {
  const events = [...i.events].sort((a, b) => a.at - b.at).slice(0, MAX_EVENTS);
  const values = events.map((e) => ({ t: wallClock(e.at, timeZone), lane: e.lane, label: e.label.length > 24 ? `${e.label.slice(0, 23)}…` : e.label }));
  const marks = [{ t: wallClock(i.declaredAt, timeZone), text: 'declared', color: COLORS.critical }, ...(i.resolvedAt !== null ? [{ t: wallClock(i.resolvedAt, timeZone), text: 'resolved', color: COLORS.ok }] : [])];
  const x = timeAxis('t', `time (${timeZone})`);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${i.ref} timeline`, subtitle: `${events.length} events` },
    width: 680,
    height: LANES.length * 34,
    layer: [
      { data: { values: marks }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { x, color: { field: 'color', type: 'nominal', scale: null } } },
      { data: { values: marks }, mark: { type: 'text', align: 'left', dx: 3, y: -6, fontWeight: 600 }, encoding: { x, text: { field: 'text' }, color: { field: 'color', type: 'nominal', scale: null } } },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 80, opacity: 1 },
        encoding: {
          x,
          y: { field: 'lane', type: 'nominal', title: null, scale: { domain: [...LANES] } },
          color: { field: 'lane', type: 'nominal', scale: { domain: [...LANES], range: LANES.map((l) => LANE_COLOR[l]) }, legend: null },
        },
      },
      { data: { values: values.filter((v) => v.lane === 'status') }, mark: { type: 'text', dy: -11, fontSize: 9 }, encoding: { x, y: { field: 'lane', type: 'nominal', scale: { domain: [...LANES] } }, text: { field: 'label' } } },
    ],
  };
  const end = i.resolvedAt ?? events[events.length - 1]?.at ?? i.declaredAt;
  const count = (l: TimelineLane) => events.filter((e) => e.lane === l).length;
  const statuses = events.filter((e) => e.lane === 'status').map((e) => `${e.label} at ${clock(e.at, timeZone)}`);
  const alt = [
    `Timeline strip of ${i.ref}: declared ${stamp(i.declaredAt, timeZone)}, ${i.resolvedAt !== null ? `resolved ${stamp(i.resolvedAt, timeZone)} after ${Math.round((end - i.declaredAt) / 60_000)} min` : 'not resolved'}.`,
    `${events.length} events: ${count('status')} status changes${statuses.length ? ` (${statuses.join(', ')})` : ''}, ${count('roles')} role changes, ${count('playbooks')} playbook steps, ${count('other')} other.`,
  ].join(' ');
  return { name: `timeline-${i.ref.toLowerCase()}`, title: `${i.ref} timeline`, alt, spec };
}
