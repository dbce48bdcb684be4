// The Home tab's view builder, empty and busy: within Slack's limits (checked by the same
// validator the local workspace applies to views.publish), outside text escaped, approvals only
// for approvers, and long lists cut with a pointer to where the rest is. Also how a failed
// views.publish is planned (retry, Retry-After, give up) and the App Home's place in the allow-list.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Incident } from '../../src/incidents/types.js';
import type { Lockdown } from '../../src/lockdown/service.js';
import type { PlaybookRequest } from '../../src/playbooks/request.js';
import { homeView, HOME_MAX_BLOCKS, MAX_APPROVALS, MAX_INCIDENTS, type HomeData } from '../../src/home/view.js';
import { MAX_FAILURES, planFailure } from '../../src/home/publisher.js';
import { validateView } from '../../src/local/slack/validate.js';
import { APP_HOME_CHANNEL, createAuthorizer } from '../../src/slack/authz.js';
import { fixedClock } from '../../src/core/clock.js';

const NOW = Date.parse('2026-12-07T14:00:00Z');
const TZ = 'America/New_York';

function incident(id: number, o: Partial<Incident> = {}): Incident {
  return {
    id,
    title: `Checkout is down ${id}`,
    severity: 'P0',
    kind: 'service_outage',
    status: 'investigating',
    userImpact: 'Dealers cannot check out',
    channelId: `C0WAR${id}`,
    channelName: `inc-20261207-checkout-${id}`,
    cardTs: '1.2',
    declaredBy: 'U0ONCALL',
    declaredAt: new Date(NOW - 90 * 60_000),
    acknowledgedAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    roles: { commander: 'U0LEAD' },
    source: { kind: 'manual' },
    lockdownId: null,
    lastUpdateAt: new Date(NOW - 20 * 60_000),
    nextUpdateDueAt: null,
    ...o,
  };
}

function request(n: number, o: Partial<PlaybookRequest> = {}): PlaybookRequest {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    playbookId: 'clear-test-data',
    params: { domain: 'test.com' },
    preview: { summary: '4 leads at test.com', count: 4, items: [] },
    planHash: 'h',
    risk: 'destructive',
    approvalsRequired: 1,
    requestedBy: 'U0ONCALL',
    channel: 'C0OPS',
    messageTs: '1700000000.000100',
    state: 'pending',
    breakGlassReason: null,
    createdAt: new Date(NOW - 60_000),
    expiresAt: new Date(NOW + 14 * 60_000),
    decidedBy: null,
    decidedAt: null,
    startedAt: null,
    finishedAt: null,
    rowsAffected: null,
    result: null,
    error: null,
    approvers: [],
    ...o,
  };
}

const lockdown: Lockdown = {
  id: 'l1',
  state: 'active',
  reason: 'Service-role key leaked <!channel>',
  channel: 'C0WAR1',
  startedBy: 'U0ONCALL',
  approvedBy: 'U0APPROVER',
  breakGlass: false,
  createdAt: new Date(NOW - 30 * 60_000),
  activeSince: new Date(NOW - 29 * 60_000),
  evidenceAt: null,
  evidenceFile: null,
  sessionsRevoked: 120,
  refreshTokensRevoked: 80,
  sessionsDoneAt: null,
  integrationsDoneAt: null,
  checklistId: null,
  liftedAt: null,
  liftedBy: null,
  liftReason: null,
};

const base: HomeData = { viewer: 'U0MANAGER', now: NOW, timezone: TZ, incidents: [], lockdown: undefined, health: [], approvals: undefined, maintenance: undefined };

type Block = { type: string; block_id?: string; text?: { text: string }; elements?: { type: string; action_id?: string; value?: string; text?: { text: string } }[] };
const blocksOf = (d: HomeData) => homeView(d).blocks as unknown as Block[];
const textOf = (d: HomeData) => JSON.stringify(homeView(d).blocks);

describe('the Home view', () => {
  it('empty: says there is nothing open, no health yet, no window; offers Declare; no approval section for a non-approver', () => {
    const view = homeView(base);
    expect(validateView(view, 'home')).toEqual({ ok: true });
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('No open incidents.');
    expect(text).toContain('No health report yet');
    expect(text).toContain('No maintenance window is scheduled.');
    expect(text).toContain('"action_id":"incident.declare"');
    expect(text).not.toContain('Waiting for your approval');
    expect(text).not.toContain('home_playbook_approve');
    expect(JSON.parse(view.private_metadata!)).toEqual({ viewer: 'U0MANAGER' });
    // Someone who may not declare gets no Declare button, and is told who may.
    const noDeclare = textOf({ ...base, canDeclare: false });
    expect(noDeclare).not.toContain('incident.declare');
    expect(noDeclare).toContain('INCIDENT_DECLARE_ACCESS');
    // An approver with nothing waiting is told so.
    expect(textOf({ ...base, viewer: 'U0APPROVER', approvals: [] })).toContain('Nothing is waiting for your approval.');
  });

  it('busy: 200 incidents, 40 requests, a lockdown, every component — at most 100 blocks, every limit kept, the rest counted', () => {
    const long = 'x'.repeat(5000);
    const d: HomeData = {
      ...base,
      viewer: 'U0APPROVER',
      incidents: Array.from({ length: 200 }, (_, i) => incident(i + 1, { title: i === 0 ? `<!channel> ${long}` : `Checkout is down ${i + 1}` })),
      lockdown,
      health: ['frontend', 'database', 'edge', 'auth', 'backups'].map((c, i) => ({ component: c, title: c, status: (['ok', 'warn', 'critical', 'unknown', 'ok'] as const)[i]!, checkedAt: new Date(NOW - 5 * 60_000) })),
      approvals: Array.from({ length: 40 }, (_, i) => request(i + 1, { preview: { summary: long, count: 1, items: [] }, params: { note: long } })),
      maintenance: { id: 'rule:x', kind: 'rule', startsAt: NOW + 3 * 86_400_000, endsAt: NOW + 3 * 86_400_000 + 7_200_000, reason: 'Monthly maintenance', createdBy: null, createdAt: null, skipped: null },
      notice: ':x: Only the approvers group may run this.',
      problems: Array.from({ length: 9 }, (_, i) => `Part ${i} could not be read`),
      database: { figures: long, image: { fileId: 'F0CHART', alt: long, title: long } },
    };
    const view = homeView(d);
    expect(validateView(view, 'home')).toEqual({ ok: true });
    const blocks = blocksOf(d);
    expect(blocks.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS);
    const ids = blocks.map((b) => b.block_id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    for (const b of blocks) if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(3000);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Open incidents (200)');
    expect(text).toContain(`…and ${200 - MAX_INCIDENTS} more: \`/incident list\``);
    expect(text).toContain('Waiting for your approval (40)');
    expect(text).toContain(`…and ${40 - MAX_APPROVALS} more waiting`);
    expect(blocks.flatMap((b) => b.elements ?? []).filter((e) => e.action_id === 'home_playbook_approve')).toHaveLength(MAX_APPROVALS);
    expect(text).toContain('Lockdown ACTIVE');
    expect(text).toContain(':red_circle:');
    expect(text).toContain('CRITICAL');
    expect(text).toContain('Next maintenance:');
    // Outside text cannot notify a channel.
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    // The chart and its long figures still leave room for the last line.
    expect(JSON.stringify(blocks.at(-1))).toContain('this tab refreshes itself');
    // The notice comes first, then at most five problems.
    expect(blocks[0]!.text!.text).toContain('Only the approvers group');
    expect(blocks.filter((b) => b.text?.text.startsWith(':warning: Part'))).toHaveLength(5);
  });

  it('shows the database chart by its file id under the health check, and its figures in words with images off', () => {
    const figures = 'Connections: now 12, peak 52 at 2026-12-07 08:30 EST; warning line 40, critical line 50. Database size: now 2.00 GiB of the 8.00 GiB limit (25.0 %).';
    const withImage: HomeData = { ...base, database: { figures, image: { fileId: 'F0CHART', alt: `Charts of 180 database samples. ${figures}`, title: 'Database: connections and size, 24 h to 09:00' } } };
    expect(validateView(homeView(withImage), 'home')).toEqual({ ok: true });
    const blocks = blocksOf(withImage) as (Block & { slack_file?: unknown; alt_text?: string; title?: { text: string } })[];
    const at = blocks.findIndex((b) => b.type === 'image');
    expect(blocks[at - 1]!.text!.text).toContain('No health report yet');
    expect(blocks[at]).toMatchObject({ slack_file: { id: 'F0CHART' }, alt_text: `Charts of 180 database samples. ${figures}`, title: { type: 'plain_text', text: 'Database: connections and size, 24 h to 09:00' } });
    expect(blocks[at + 1]).toMatchObject({ type: 'context', elements: [{ type: 'mrkdwn', text: `:chart_with_upwards_trend: *Database, last 24 h:* ${figures}` }] });
    // No image (charts off, or the upload failed): the same figures, no image block.
    const textOnly = blocksOf({ ...base, database: { figures } });
    expect(textOnly.some((b) => b.type === 'image')).toBe(false);
    expect(JSON.stringify(textOnly)).toContain('Connections: now 12, peak 52');
    expect(JSON.stringify(blocksOf(base))).not.toContain('Database, last 24 h');
  });

  it('lists an approver\'s requests before the incidents, with who else approved and when it expires', () => {
    const d: HomeData = { ...base, viewer: 'U0APPROVER', incidents: [incident(7)], approvals: [request(1, { approvalsRequired: 2, approvers: ['U0LEAD'] })] };
    const text = textOf(d);
    expect(text.indexOf('Waiting for your approval (1)')).toBeLessThan(text.indexOf('Open incidents (1)'));
    expect(text).toContain('approved so far by <@U0LEAD>');
    expect(text).toContain('needs 2 approvals');
    expect(text).toContain('expires in 14');
    expect(text).toContain('*INC-7*');
    expect(text).toContain('commander <@U0LEAD>');
  });
});

describe('a failed views.publish', () => {
  it('waits out Retry-After, backs off on other errors, gives up on the MAX_FAILURES-th, and never retries a refused view', () => {
    expect(planFailure({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 }, 1)).toMatchObject({ retry: true, retryInMs: 7000, pauseMs: 7000 });
    expect(planFailure({ code: 'slack_webapi_platform_error', data: { error: 'internal_error' } }, 1)).toMatchObject({ retry: true, retryInMs: 5000 });
    expect(planFailure({ code: 'slack_webapi_platform_error', data: { error: 'internal_error' } }, 3)).toMatchObject({ retry: true, retryInMs: 20_000 });
    expect(planFailure(new Error('socket hang up'), MAX_FAILURES)).toMatchObject({ retry: false });
    expect(planFailure({ code: 'slack_webapi_rate_limited_error', retryAfter: 1 }, MAX_FAILURES)).toMatchObject({ retry: false });
    expect(planFailure({ code: 'slack_webapi_platform_error', data: { error: 'invalid_blocks' } }, 1)).toMatchObject({ retry: false, ours: true });
    expect(planFailure({ code: 'slack_webapi_platform_error', data: { error: 'not_enabled' } }, 1)).toMatchObject({ retry: false, ours: false });
  });
});

describe('the App Home and the channel allow-list', () => {
  it('is outside the list (the role still counts); a channel outside the list is still refused', async () => {
    const authz = createAuthorizer(
      { oncallGroup: undefined, approverGroup: undefined, oncallUsers: [], approverUsers: ['U0APPROVER'], allowedChannels: ['C0OPS'], cacheTtlMs: 60_000 },
      { usergroupMembers: () => Promise.resolve([]) },
      fixedClock(NOW),
      pino({ level: 'silent' }),
    );
    expect(await authz.check('approver', { userId: 'U0APPROVER', channelId: APP_HOME_CHANNEL })).toEqual({ allowed: true });
    expect((await authz.check('approver', { userId: 'U0MANAGER', channelId: APP_HOME_CHANNEL })).allowed).toBe(false);
    expect((await authz.check('approver', { userId: 'U0APPROVER', channelId: 'C0ELSEWHERE' })).allowed).toBe(false);
    expect((await authz.check('read', { userId: 'U0MANAGER', channelId: 'APP_HOME' })).allowed).toBe(false);
  });
});
