// Timeline sentences are read in the war room as mrkdwn: text people wrote (titles, notes,
// pinned messages, refusal reasons) is escaped so it cannot ping @channel or hide a link, every
// line stays short, and rows of any shape — unknown actions, odd detail — still read as a line.
import { describe, expect, it } from 'vitest';
import { MAX_TIMELINE_TEXT, timelineText } from '../../src/incidents/timeline-text.js';

const row = (action: string, detail: Record<string, unknown> = {}, o: { target?: string | null; outcome?: string; actor?: string } = {}) => ({
  actor: o.actor ?? 'U0ALICE',
  action,
  target: o.target ?? null,
  outcome: o.outcome ?? 'ok',
  detail,
});

describe('timeline sentences', () => {
  it('escape what people wrote and keep mentions only for real user ids', () => {
    expect(timelineText(row('incident.declared', { severity: 'P0', kind: 'data_breach', title: '<!channel> key leaked & rotated', userImpact: '<https://x.example|click>' }))).toBe(
      "declared P0 Data breach '&lt;!channel&gt; key leaked &amp; rotated' (what users see: &lt;https://x.example|click&gt;)",
    );
    expect(timelineText(row('incident.role', { role: 'commander', userId: '<!here>' }))).toBe('gave the commander role to &lt;!here&gt;');
    expect(timelineText(row('incident.role', { role: 'communications', userId: 'U0BOB', previous: 'U0CAROL' }))).toBe('gave the communications lead role to <@U0BOB> (was <@U0CAROL>)');
  });

  it('cap long user text and the whole line, without cutting an entity in half', () => {
    const long = timelineText(row('incident.pinned', { author: 'U0DAVE', text: '&'.repeat(5000) }));
    expect(long.length).toBeLessThanOrEqual(MAX_TIMELINE_TEXT);
    expect(long).not.toMatch(/&(a|am|amp)?…/);
    expect(long).toMatch(/^added a message by <@U0DAVE> to the timeline: “(&amp;)+…$/);
  });

  it('say how playbooks, backups, checklists and refusals went', () => {
    expect(timelineText(row('playbook.finished', { playbook: 'kill-idle-connections', rowsAffected: 1, outcome: 'failed', error: 'lock timeout' }, { outcome: 'failed' }))).toBe(
      'playbook `kill-idle-connections` finished: failed, 1 row: lock timeout',
    );
    expect(timelineText(row('playbook.approved', { requestId: 'r1', approvers: ['U0BOB'], approvalsRequired: 2 }, { target: 'restore-backup' }))).toBe(
      'approved playbook `restore-backup` (request `r1`) (1 of 2 approvals)',
    );
    expect(timelineText(row('playbook.denied', { requestId: 'r2' }, { target: 'disable-user', outcome: 'denied' }))).toBe('denied playbook `disable-user` (request `r2`)');
    expect(timelineText(row('backup.failed', { backupId: 'b1', reason: 'pg_dump: disk full' }, { outcome: 'failed' }))).toBe('backup `b1` failed: pg_dump: disk full');
    expect(timelineText(row('checklist.tick', { kind: 'lockdown.containment', changes: [{ itemKey: 'revoke-sessions', action: 'ticked' }, { itemKey: 'notify', action: 'unticked' }] }))).toBe(
      'ticked `revoke-sessions`, unticked `notify` on the lockdown.containment checklist',
    );
    expect(timelineText(row('command', { why: 'Only approvers may do that.' }, { target: '/playbook approve', outcome: 'refused' }))).toBe('was refused `/playbook approve`: Only approvers may do that.');
    // A refused button names its action, and the reason's mentions stay mentions (a broadcast does not).
    expect(timelineText(row('incident.status', { why: 'Only the commander of INC-3 (<@U0LEAD>) may; see <#C0ROOM> <!channel>' }, { target: 'incident:3', outcome: 'refused' }))).toBe(
      'was refused `incident.status`: Only the commander of INC-3 (<@U0LEAD>) may; see <#C0ROOM> &lt;!channel&gt;',
    );
    expect(timelineText(row('command', { source: 'edge' }, { target: '/logs summarize' }))).toBe('ran `/logs summarize edge`');
    expect(timelineText(row('command', { component: 'all', status: 'warn' }, { target: '/health' }))).toBe('ran `/health`: WARN');
  });

  it('read any row: unknown actions and detail of the wrong type', () => {
    expect(timelineText(row('webhook.sent', { x: 1 }, { target: 'pagerduty', outcome: 'failed' }))).toBe('`webhook.sent` on `pagerduty`: failed');
    expect(timelineText(row('incident.status', { from: 7, to: { x: 1 }, note: ['a'] }))).toBe('status 7 → ');
    expect(timelineText(row('playbook.finished', { rowsAffected: 'many' }, { target: 'vacuum-analyze', outcome: 'succeeded' }))).toBe('playbook `vacuum-analyze` finished: succeeded');
    expect(timelineText({ ...row('incident.update'), detail: undefined as unknown as Record<string, unknown> })).toBe('posted a stakeholder update: no impact given');
  });
});
