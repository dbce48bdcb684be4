// `opsbot incident list|show|timeline|stats|postmortem [--json]` against a real state store, for
// when Slack is down: the same records the war room wrote, as text and as JSON, the exit codes
// scripts rely on, and clear words for a wrong id or a missing one.
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/app/cli/main.js';
import type { Incident, IncidentStats } from '../../src/incidents/types.js';
import { declared, incidentDb } from '../support/incidents.js';

const MIN = 60_000;
// Two hours ago, so the CLI's real clock puts every record in its 30-day window.
const t = incidentDb({ start: Date.now() - 2 * 60 * MIN });
let open: Incident;
let closed: Incident;

beforeAll(async () => {
  closed = await declared(t.h.service, { title: 'Dashboards are slow', severity: 'P1', kind: 'performance' });
  t.h.clock.advance(5 * MIN);
  await t.h.service.setRole(closed.id, 'commander', 'U0LEAD', 'U0LEAD');
  await t.h.service.addUpdate(closed.id, { status: 'identified', impact: 'Lead lists take 20 s', nextSteps: 'Add the index', nextUpdateMinutes: 60, by: 'U0LEAD' });
  t.h.clock.advance(60 * MIN);
  await t.h.service.resolve(closed.id, 'Added the missing index on leads(org_id)', 'U0LEAD');
  await t.h.service.savePostmortem({ incidentId: closed.id, source: 'offline', offlineReason: 'no Gemini API key configured', markdown: '# INC postmortem\n\nAdded the missing index.\n', createdAt: new Date(t.h.clock.now()) });
  open = await declared(t.h.service, { title: 'Checkout is down', severity: 'P0', kind: 'service_outage' });
  await t.h.service.setRole(open.id, 'commander', 'U0DANA', 'U0DANA');
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['incident', ...argv], { env: { DATABASE_URL: t.db.url, OPS_TIMEZONE: 'UTC' }, stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('opsbot incident', () => {
  it('list: the open incidents, most severe first; exit 2 while a P0 is open; --json has the records', async () => {
    const text = await cli('list');
    expect(text.code).toBe(2);
    expect(text.out).toMatch(new RegExp(`^INC-${open.id}  P0  investigating\\s+Service outage\\s+open .*commander U0DANA  no update  Checkout is down\\n$`));
    const json = await cli('list', '--json');
    expect(json.code).toBe(2);
    const list = JSON.parse(json.out) as Incident[];
    expect(list.map((i) => [i.id, i.severity, i.roles.commander, i.channelId])).toEqual([[open.id, 'P0', 'U0DANA', open.channelId]]);
  });

  it('show and timeline: one incident, and what happened with who and when', async () => {
    const show = await cli('show', `INC-${closed.id}`);
    expect(show.code).toBe(0);
    expect(show.out).toContain(`INC-${closed.id}: Dashboards are slow`);
    expect(show.out).toContain('commander: U0LEAD');
    expect(show.out).toMatch(/resolved .* by U0LEAD: Added the missing index on leads\(org_id\)/);
    expect(JSON.parse((await cli('show', String(closed.id), '--json')).out)).toMatchObject({
      id: closed.id,
      status: 'resolved',
      resolvedBy: 'U0LEAD',
      acknowledgedAt: new Date(closed.declaredAt.getTime() + 5 * MIN).toISOString(),
      resolvedAt: new Date(closed.declaredAt.getTime() + 65 * MIN).toISOString(),
    });

    const timeline = await cli('timeline', String(closed.id));
    expect(timeline.code).toBe(0);
    const lines = timeline.out.trim().split('\n');
    expect(lines[0]).toBe(`INC-${closed.id} timeline: Dashboards are slow`);
    expect(lines.slice(1).map((l) => l.replace(/^.*?\s{2}/, ''))).toEqual([
      "U0DECLARER  declared P1 Performance degradation 'Dashboards are slow' (what users see: Pages load slowly)",
      'U0LEAD  took the commander role',
      'U0LEAD  posted a stakeholder update: Lead lists take 20 s (next update in 1 h)',
      'U0LEAD  resolved the incident: Added the missing index on leads(org_id)',
      'opsbot  wrote the postmortem draft (offline draft)',
    ]);
    const json = JSON.parse((await cli('timeline', String(closed.id), '--json')).out) as { incident: Incident; entries: { action: string; actor: string; at: string }[] };
    expect(json.entries.map((e) => [e.action, e.actor])).toEqual([
      ['incident.declared', 'U0DECLARER'],
      ['incident.role', 'U0LEAD'],
      ['incident.update', 'U0LEAD'],
      ['incident.resolved', 'U0LEAD'],
      ['incident.postmortem', 'opsbot'],
    ]);
    // Times are ISO strings in JSON (not {}), in the order they were written.
    const at = json.entries.map((e) => Date.parse(e.at));
    expect(at.every((t, n) => Number.isFinite(t) && (n === 0 || t >= at[n - 1]!))).toBe(true);
    expect(json.incident.declaredAt).toBe(closed.declaredAt.toISOString());
  });

  it('stats: count, MTTA and MTTR by severity and kind, as text and --json', async () => {
    const text = await cli('stats');
    expect(text.code).toBe(0);
    expect(text.out).toContain('Incidents in the last 30 days');
    expect(text.out).toContain('all: 2 · MTTA 2 min 30 s · MTTR 1 h 5 min');
    expect(text.out).toContain('P1 high: 1 · MTTA 5 min 0 s · MTTR 1 h 5 min');
    expect(text.out).toContain('P0 critical: 1 · MTTA 0 ms · MTTR –');
    const stats = JSON.parse((await cli('stats', '90d', '--json')).out) as IncidentStats;
    expect(stats.days).toBe(90);
    expect(stats.total).toEqual({ count: 2, mttaMs: 2.5 * MIN, mttrMs: 65 * MIN });
    expect(stats.byKind.performance).toEqual({ count: 1, mttaMs: 5 * MIN, mttrMs: 65 * MIN });
    expect(stats.bySeverity.P0).toEqual({ count: 1, mttaMs: 0, mttrMs: null });
  });

  it('postmortem: the stored draft as Markdown, or --json with its source', async () => {
    const md = await cli('postmortem', String(closed.id));
    expect(md).toEqual({ code: 0, out: '# INC postmortem\n\nAdded the missing index.\n\n', err: '' });
    expect(JSON.parse((await cli('postmortem', String(closed.id), '--json')).out)).toMatchObject({ incidentId: closed.id, source: 'offline', offlineReason: 'no Gemini API key configured' });
    const none = await cli('postmortem', String(open.id));
    expect(none.code).toBe(3);
    expect(none.err).toMatch(new RegExp(`INC-${open.id} has no postmortem draft yet: it is written when the incident is resolved`));
  });

  it('a wrong or missing id: a clear message, the usage exit code, nothing printed on stdout', async () => {
    for (const [argv, words] of [
      [['show', '999'], /There is no incident INC-999/],
      [['show', 'abc'], /"abc" is not an incident id/],
      [['timeline'], /Name the incident \(there is no war room here\): `opsbot incident timeline <id>`/],
      [['stats', '9000d'], /not a period/],
    ] as const) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(3);
      expect(r.out, argv.join(' ')).toBe('');
      expect(r.err, argv.join(' ')).toMatch(words);
    }
  });
});
