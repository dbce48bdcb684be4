// The App Home tab through signed Slack requests: an approver opens it, sees the pending request
// and approves from it (it runs once; the tab is republished without it); a manager sees the open
// incidents and no approval buttons, and its Declare button opens the declare form; a forged Home
// payload from a non-approver changes nothing; someone outside the allowed channels sees why;
// views.publish rate limited (429 + Retry-After) or refused never crashes the bot: a 429 is
// retried after its wait, a refused view is not retried.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { DECLARE_VALUES, isMethod, openedForm, submitDeclare, warRoomRoutes } from '../support/incident-slack.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { seedOrg } from '../support/playbooks.js';
import { settled } from '../support/settle.js';
import { jsonResponse, nextTriggerId, postCommand, sign, type RecordedCall } from '../support/slack.js';

let db: TestDatabase;
let bot: TestBot | undefined;
let org: string;

beforeAll(async () => {
  db = await createTestDatabase();
  org = await seedOrg(db.pool);
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  // Each test starts with nobody having opened the Home tab.
  await db.pool.query('DELETE FROM public.leads; DELETE FROM opsbot.home_viewers');
});
afterAll(async () => {
  await db.drop();
});

// The allow-list is on: the Home tab has no channel, and approvals still follow the request's channel.
const ENV = { HOME_REPUBLISH_SECONDS: '1', ALLOWED_CHANNEL_IDS: 'C0OPS', STATUS_CHANNEL_ID: 'C0STATUS' };

interface PublishedView {
  id: string;
  type: string;
  callback_id: string;
  private_metadata: string;
  blocks: unknown[];
}

const isPublishFor = (user: string) => (c: RecordedCall) => isMethod('views.publish')(c) && (c.json as { user_id?: string }).user_id === user;
const viewOf = (c: RecordedCall): PublishedView => JSON.parse(String((c.json as { view: string }).view)) as PublishedView;
const publishesFor = (b: TestBot, user: string) => b.http.calls.filter(isPublishFor(user));

/** Answers views.publish like Slack (a view id per user); `fail` may answer some calls otherwise. */
function publishRoute(b: TestBot, fail?: (n: number) => Response | undefined): void {
  let n = 0;
  b.http.on((c) => {
    if (!isMethod('views.publish')(c)) return undefined;
    const answer = fail?.(++n);
    if (answer) return answer;
    return jsonResponse({ ok: true, view: { id: `VHOME${(c.json as { user_id: string }).user_id}`, type: 'home' } });
  });
}

/** Who is in the allowed channel C0OPS (conversations.members), for who may read the Home tab. */
function membersRoute(b: TestBot): void {
  b.http.slackMethod('conversations.members', { ok: true, members: ['U0ONCALL', 'U0MANAGER', 'U0NOBODY'], response_metadata: { next_cursor: '' } }, 200, {
    optional: 'asked only for viewers who are neither on call nor approvers',
  });
}

/** Slack telling the bot that `user` opened its Home tab (a signed event_callback). */
async function openHome(b: TestBot, user: string, tab = 'home'): Promise<number> {
  const body = JSON.stringify({
    token: 'ignored',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `Ev${nextTriggerId().replace(/\W/g, '')}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_home_opened', user, channel: `D0${user.slice(1)}`, tab, event_ts: '1700000000.000001' },
  });
  const res = await fetch(`${b.baseUrl}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...sign(body) }, body });
  return res.status;
}

/** A click on a button of a Home view, as Slack sends it: no channel, no response_url, the view itself. */
async function clickOnHome(b: TestBot, user: string, action: { action_id: string; value: string }, view: PublishedView): Promise<number> {
  const payload = {
    type: 'block_actions',
    user: { id: user },
    team: { id: 'T1' },
    api_app_id: 'A1',
    container: { type: 'view', view_id: view.id },
    trigger_id: nextTriggerId(),
    view,
    actions: [{ type: 'button', block_id: 'home', action_ts: '1', ...action }],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const res = await fetch(`${b.baseUrl}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body });
  return res.status;
}

/** A clear-test-data request by U0ONCALL in C0OPS, waiting for approval; its id. */
async function pendingRequest(b: TestBot): Promise<string> {
  await db.pool.query(`INSERT INTO public.leads (organization_id, email) SELECT $1, 'l' || g || '@test.com' FROM generate_series(1, 4) g`, [org]);
  await db.pool.query(`INSERT INTO public.leads (organization_id, email) VALUES ($1, 'keep@example.com')`, [org]);
  await postCommand(b.baseUrl, '/playbook', 'run clear-test-data domain=test.com', { fields: { user_id: 'U0ONCALL' } });
  const update = await b.http.waitFor((c) => isMethod('chat.update')(c) && String((c.json as { blocks?: string }).blocks).includes('playbook_approve'));
  const id = /"value":"([0-9a-f-]{36})"/.exec(String((update.json as { blocks: string }).blocks))?.[1];
  expect(id).toBeDefined();
  return id!;
}

const leads = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM public.leads')).rows[0]!.n;
const auditCount = async (requestId: string, action: string, outcome?: string) =>
  (
    await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM opsbot.audit_log WHERE detail->>'requestId' = $1 AND action = $2 AND ($3::text IS NULL OR outcome = $3)", [
      requestId,
      action,
      outcome ?? null,
    ])
  ).rows[0]!.n;

describe('the App Home tab', () => {
  it('shows an approver the pending request; approving from Home runs it once and republishes Home without it', async () => {
    bot = await startTestBot({ env: testEnv(db.url, ENV) });
    const b = bot;
    publishRoute(b);
    membersRoute(b);
    const requestId = await pendingRequest(b);

    expect(await openHome(b, 'U0APPROVER')).toBe(200);
    const first = viewOf(await b.http.waitFor(isPublishFor('U0APPROVER')));
    expect(first.type).toBe('home');
    const shown = JSON.stringify(first.blocks);
    expect(shown).toContain('Waiting for your approval (1)');
    expect(shown).toContain('clear-test-data');
    expect(shown).toContain('domain=test.com');
    expect(shown).toContain('<@U0ONCALL>');
    expect(shown).toContain(`"action_id":"home_playbook_approve","text":{"type":"plain_text","text":"Approve","emoji":true},"style":"primary","value":"${requestId}"`);
    expect(shown).toContain('"action_id":"incident.declare"');

    const before = b.http.calls.length;
    // Slack sends a click once, but people click twice: both arrive, the request runs once.
    await Promise.all([clickOnHome(b, 'U0APPROVER', { action_id: 'home_playbook_approve', value: requestId }, first), clickOnHome(b, 'U0APPROVER', { action_id: 'home_playbook_approve', value: requestId }, first)]);
    await b.http.waitFor((c) => isMethod('chat.update')(c) && String((c.json as { blocks?: string }).blocks).includes('Done'));
    await settled(b);
    await b.bot.playbooks.idle();
    expect(await leads()).toBe(1);
    expect(await auditCount(requestId, 'playbook.finished')).toBe(1);

    // The Home tab is republished without the request, and says what the click did.
    const after = b.http.calls.slice(before).filter(isPublishFor('U0APPROVER')).map((c) => JSON.stringify(viewOf(c).blocks));
    expect(after.length).toBeGreaterThan(0);
    const last = after.at(-1)!;
    expect(last).not.toContain(requestId);
    expect(last).toContain('Nothing is waiting for your approval.');
    expect(after.some((t) => t.includes('You approved *clear-test-data*; it is running'))).toBe(true);
    // The second click was answered on the Home tab too: the request was no longer pending.
    expect(after.some((t) => /already (running|succeeded)/.test(t))).toBe(true);
  });

  it('shows a manager the open incidents, live, with no approval buttons; Declare opens the declare form', async () => {
    bot = await startTestBot({ env: testEnv(db.url, ENV) });
    const b = bot;
    publishRoute(b);
    membersRoute(b);
    warRoomRoutes(b.http, { channelId: 'C0WARHOME' });
    await pendingRequest(b);

    // Opened before anything is declared; the Messages tab is not drawn.
    expect(await openHome(b, 'U0MANAGER', 'messages')).toBe(200);
    expect(await openHome(b, 'U0MANAGER')).toBe(200);
    const empty = viewOf(await b.http.waitFor(isPublishFor('U0MANAGER')));
    expect(publishesFor(b, 'U0MANAGER')).toHaveLength(1);
    expect(JSON.stringify(empty.blocks)).toContain('No open incidents.');

    await postCommand(b.baseUrl, '/incident', 'declare checkout is down', { fields: { user_id: 'U0ONCALL' } });
    const form = await openedForm(b);
    await submitDeclare([b], { viewId: 'VHOMEDECL', user: 'U0ONCALL', meta: form.meta, values: DECLARE_VALUES({ title: 'Checkout is down', severity: 'P0', kind: 'service_outage', impact: 'Dealers cannot check out' }) });
    await settled(b);
    const id = (await b.bot.incidents.byChannel('C0WARHOME'))!.id;

    // Republished on its own once the incident exists.
    const live = await b.http.waitFor((c) => isPublishFor('U0MANAGER')(c) && JSON.stringify(viewOf(c).blocks).includes(`INC-${id}`));
    const text = JSON.stringify(viewOf(live).blocks);
    expect(text).toContain('Checkout is down');
    expect(text).toContain('Service outage');
    expect(text).toContain('Investigating');
    expect(text).toContain('<#C0WARHOME>');
    expect(text).not.toContain('home_playbook_approve');
    expect(text).not.toContain('Waiting for your approval');

    // The Home tab's Declare button opens the same declare form as /incident declare.
    const since = b.http.calls.length;
    await clickOnHome(b, 'U0MANAGER', { action_id: 'incident.declare', value: JSON.stringify({ source: 'home', title: '' }) }, viewOf(live));
    const declare = await openedForm(b, since);
    expect(declare.callbackId).toBe('incident_declare');
    expect(JSON.parse(declare.meta)).toEqual({ kind: 'manual', surface: 'home' });
    await settled(b);
  });

  it('shows someone outside the allowed channels why there is nothing, and no Declare button', async () => {
    bot = await startTestBot({ env: testEnv(db.url, ENV) });
    const b = bot;
    publishRoute(b);
    membersRoute(b);
    expect(await openHome(b, 'U0OUTSIDER')).toBe(200);
    const view = viewOf(await b.http.waitFor(isPublishFor('U0OUTSIDER')));
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('The ops status is for members of <#C0OPS>');
    expect(text).not.toContain('incident.declare');
    expect(text).not.toContain('Open incidents');
    // Their Declare click (from an old view) is refused, and the refusal is shown on their Home tab.
    await clickOnHome(b, 'U0OUTSIDER', { action_id: 'incident.declare', value: '{}' }, view);
    await settled(b);
    await b.bot.home.idle();
    expect(b.http.calls.filter(isMethod('views.open'))).toHaveLength(0);
    const answer = JSON.stringify(viewOf(publishesFor(b, 'U0OUTSIDER').at(-1)!).blocks);
    expect(publishesFor(b, 'U0OUTSIDER')).toHaveLength(2);
    expect(answer).toContain(':x: The ops status is for members of <#C0OPS>');
  });

  it('refuses a non-approver and a forged Home payload; nothing runs and the refusal is audited', async () => {
    bot = await startTestBot({ env: testEnv(db.url, ENV) });
    const b = bot;
    publishRoute(b);
    membersRoute(b);
    const requestId = await pendingRequest(b);
    await openHome(b, 'U0APPROVER');
    const real = viewOf(await b.http.waitFor(isPublishFor('U0APPROVER')));

    // A non-approver with a Home view that shows the button (as a forged payload would).
    const forged: PublishedView = { ...real, private_metadata: JSON.stringify({ viewer: 'U0NOBODY' }) };
    await clickOnHome(b, 'U0NOBODY', { action_id: 'home_playbook_approve', value: requestId }, forged);
    const refused = await b.http.waitFor((c) => isPublishFor('U0NOBODY')(c) && JSON.stringify(viewOf(c).blocks).includes('Only the approvers'));
    expect(JSON.stringify(viewOf(refused).blocks)).toContain('Nothing ran.');
    // An approver clicking on somebody else's Home view, or on a view that never showed the request.
    await clickOnHome(b, 'U0LEAD', { action_id: 'home_playbook_approve', value: requestId }, real);
    await clickOnHome(b, 'U0APPROVER', { action_id: 'home_playbook_approve', value: requestId }, { ...real, blocks: [] });
    await settled(b);
    expect(JSON.stringify(viewOf(publishesFor(b, 'U0LEAD').at(-1)!).blocks)).toContain('count only on your own Home tab');

    const state = await db.pool.query<{ state: string }>('SELECT state FROM opsbot.playbook_requests WHERE id = $1', [requestId]);
    expect(state.rows[0]!.state).toBe('pending');
    expect(await leads()).toBe(5);
    expect(await auditCount(requestId, 'playbook.approved')).toBe(0);
    expect(await auditCount(requestId, 'playbook.approve', 'refused')).toBe(3);
  });

  it('keeps running when views.publish is rate limited, and publishes again after Retry-After', async () => {
    bot = await startTestBot({ env: testEnv(db.url, ENV) });
    const b = bot;
    const at: number[] = [];
    publishRoute(b, (n) => {
      at.push(Date.now());
      return n === 1 ? new Response(JSON.stringify({ ok: false, error: 'ratelimited' }), { status: 429, headers: { 'retry-after': '1', 'content-type': 'application/json' } }) : undefined;
    });
    expect(await openHome(b, 'U0APPROVER')).toBe(200);
    await b.http.waitFor(isPublishFor('U0APPROVER'));
    // The bot still answers while it waits.
    const health = await fetch(`${b.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const second = await b.http.waitFor((c) => isPublishFor('U0APPROVER')(c) && publishesFor(b, 'U0APPROVER').indexOf(c) === 1);
    expect(viewOf(second).type).toBe('home');
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(900);
    await b.bot.home.idle();
    expect(publishesFor(b, 'U0APPROVER')).toHaveLength(2);
    const row = await db.pool.query<{ failures: number; published_at: Date | null }>('SELECT failures, published_at FROM opsbot.home_viewers WHERE user_id = $1', ['U0APPROVER']);
    expect(row.rows[0]).toMatchObject({ failures: 0 });
    expect(row.rows[0]!.published_at).not.toBeNull();
    expect(b.logs.some((l) => l.includes('could not publish the Home tab'))).toBe(true);
  });

  it('survives views.publish errors: a refused view is logged and not retried; the next opening publishes again', async () => {
    bot = await startTestBot({ env: testEnv(db.url, ENV) });
    const b = bot;
    publishRoute(b, (n) => (n === 1 ? jsonResponse({ ok: false, error: 'not_enabled' }) : undefined));
    expect(await openHome(b, 'U0APPROVER')).toBe(200);
    await b.http.waitFor(isPublishFor('U0APPROVER'));
    await settled(b);
    await b.bot.home.idle();
    expect(publishesFor(b, 'U0APPROVER')).toHaveLength(1);
    const row = await db.pool.query<{ failures: number; last_error: string }>('SELECT failures, last_error FROM opsbot.home_viewers WHERE user_id = $1', ['U0APPROVER']);
    expect(row.rows[0]).toMatchObject({ failures: 1, last_error: 'Slack refused the view: not_enabled' });
    // Still up: the next opening is published.
    expect(await openHome(b, 'U0APPROVER')).toBe(200);
    await b.http.waitFor((c) => isPublishFor('U0APPROVER')(c) && publishesFor(b, 'U0APPROVER').indexOf(c) === 1);
    await b.bot.home.idle();
    expect(publishesFor(b, 'U0APPROVER')).toHaveLength(2);
  });
});
