// The postmortem's timeline strip from an incident's timeline: each entry in its lane, labels
// from the action (never a pinned message's text, which can carry secrets), and the PNG drawn.
import { describe, expect, it } from 'vitest';
import { renderChart } from '../../src/charts/render.js';
import { timelineChart } from '../../src/charts/timeline-chart.js';
import { timelineStrip } from '../../src/incidents/timeline-strip.js';
import { decodePng } from '../support/png.js';
import { incident, PG_URL, SERVICE_ROLE_KEY, timeline, EMAIL } from './incident-postmortem-fixtures.js';

describe('timeline strip', () => {
  it('puts status, role and playbook entries in their lanes, with no entry text', async () => {
    const strip = timelineStrip(incident(), timeline());
    expect(strip.ref).toMatch(/7/);
    const lanes = strip.events.reduce<Record<string, number>>((a, e) => ({ ...a, [e.lane]: (a[e.lane] ?? 0) + 1 }), {});
    expect(lanes).toEqual({ status: 2, roles: 1, playbooks: 4, other: 5 });
    // This status entry has no `to` in its detail: the action names it.
    expect(strip.events.filter((e) => e.lane === 'status').map((e) => e.label)).toEqual(['status', 'resolved']);
    const all = JSON.stringify(strip);
    for (const secret of [SERVICE_ROLE_KEY, PG_URL, EMAIL]) expect(all).not.toContain(secret);
    const chart = timelineChart(strip, 'America/New_York');
    expect(chart.alt).toContain('resolved 2026-12-07 04:00 EST after 120 min');
    expect(chart.alt).toContain('2 status changes');
    const img = await renderChart(chart);
    expect(decodePng(img.png).width).toBe(img.width);
  });
});
