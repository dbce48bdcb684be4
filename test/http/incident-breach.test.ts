// A whole P0 data-breach incident over signed Slack requests, against the real incident service
// on a test database: declared from an alert's button (five deliveries of the submission, one
// channel), roles taken, the breach first step requests the lockdown, an approver approves it,
// two stakeholder updates, one overdue reminder, resolved, the postmortem uploaded with the audit
// facts in it, and a timeline with each step.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { seedBreachFixture } from '../support/lockdown.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { messageOf } from '../support/request-message.js';
import { settled } from '../support/settle.js';
import { postAction, postCommand } from '../support/slack.js';
import { click, isMethod, only, openedForm, postsTo, submitDeclare, submitResolve, submitUpdate, textOf, UPLOAD_URL, warRoomRoutes } from '../support/incident-slack.js';

let db: TestDatabase;
let bot: TestBot | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});
afterAll(async () => {
  await db.drop();
});

const WAR = 'C0WAR1';

describe('a P0 data-breach incident, end to end', () => {
  it('declare from an alert → one channel → roles → lockdown → updates → reminder → resolve → postmortem', async () => {
    await seedBreachFixture(db.pool, { sessions: 6, integrationsActive: 2, integrationsInactive: 1 });
    bot = await startTestBot({ env: testEnv(db.url, { ALERTS_CHANNEL_ID: 'C0ALERTS', STATUS_CHANNEL_ID: 'C0STATUS' }) });
    const room = warRoomRoutes(bot.http, { upload: true });
    const b = bot;

    // The alert's Declare button opens the form, prefilled with the alert.
    await postAction(b.baseUrl, { action_id: 'incident.declare', value: JSON.stringify({ source: 'alert', ref: '7', title: 'Service-role key leaked', kind: 'data_breach' }) }, { userId: 'U0ONCALL', channelId: 'C0ALERTS' });
    const form = await openedForm(b);
    expect(form.callbackId).toBe('incident_declare');
    expect(JSON.stringify(form.view)).toContain('Service-role key leaked');
    expect(JSON.parse(form.meta)).toMatchObject({ kind: 'alert', ref: '7', channelId: 'C0ALERTS' });

    // Slack delivers the submission five times at once: one incident, one channel.
    const acks = await submitDeclare([b], { viewId: 'VDECL1', user: 'U0ONCALL', meta: form.meta, times: 5 });
    expect(acks.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    await settled(b);
    expect(b.http.calls.filter(isMethod('conversations.create'))).toHaveLength(1);
    expect(room.names[0]).toMatch(/^inc-\d{8}-service-role-key-leaked-in-a-public-gist$/);
    const rows = (await db.pool.query<{ id: number; channel_id: string }>('SELECT id, channel_id FROM opsbot.incidents')).rows;
    expect(rows).toEqual([{ id: expect.any(Number), channel_id: WAR }]);
    const id = rows[0]!.id;

    // Card posted and pinned in the war room, the declarer and on-call invited, announced, first steps.
    const card = postsTo(b, WAR).find((c) => textOf(c).includes('incident.role.commander'))!;
    expect(textOf(card)).toContain('P0 critical');
    const pin = only(b.http.calls.filter(isMethod('pins.add')), 'one pin');
    expect(pin.json).toMatchObject({ channel: WAR });
    const invited = b.http.calls.filter(isMethod('conversations.invite')).map((c) => (c.json as { users: string }).users).sort();
    expect(invited).toEqual(['U0LEAD', 'U0ONCALL']);
    expect(textOf(only(postsTo(b, 'C0STATUS'), 'one announcement'))).toContain(`INC-${id} declared`);
    const steps = postsTo(b, WAR).find((c) => textOf(c).includes('incident.step.lockdown'))!;
    expect(textOf(steps)).toContain('Request lockdown');
    expect(only(b.http.calls.filter(isMethod('chat.postEphemeral')), 'the declarer is told once').json).toMatchObject({ channel: 'C0ALERTS', user: 'U0ONCALL' });

    // Roles: U0LEAD takes commander, U0ONCALL scribe; a second commander click by someone else is refused.
    await click(b, 'incident.role.commander', `${id}:commander`, 'U0LEAD', WAR);
    await click(b, 'incident.role.scribe', `${id}:scribe`, 'U0ONCALL', WAR);
    await settled(b);
    await click(b, 'incident.role.commander', `${id}:commander`, 'U0ONCALL', WAR);
    const refused = await b.http.waitFor((c) => c.url.endsWith('/incident.role.commander/U0ONCALL'));
    expect((refused.json as { text: string }).text).toMatch(/Only the commander of INC-\d+ \(<@U0LEAD>\)/);
    const incident = await b.bot.incidents.get(id);
    expect(incident?.roles).toEqual({ commander: 'U0LEAD', scribe: 'U0ONCALL' });
    expect(incident?.acknowledgedAt).not.toBeNull();

    // The breach first step requests the lockdown in the war room; an approver approves it.
    await click(b, 'incident.step.lockdown', `${id}:lockdown`, 'U0ONCALL', WAR);
    const request = await b.http.waitFor((c) => isMethod('chat.update')(c) && textOf(c).includes('playbook_approve'));
    expect(channelOf(request)).toBe(WAR);
    expect(textOf(request)).toContain('Service-role key leaked in a public gist');
    const requestId = /"value":"([0-9a-f-]{36})"/.exec(textOf(request))![1]!;
    await postAction(b.baseUrl, { action_id: 'playbook_approve', value: requestId }, { userId: 'U0APPROVER', ...messageOf(request) });
    await b.http.waitFor((c) => isMethod('chat.update')(c) && textOf(c).includes('lockdown active'));
    await settled(b);
    await b.bot.tick();
    expect((await b.bot.incidents.get(id))?.lockdownId).toBe((await b.bot.lockdown.current())?.id);
    const withLockdown = b.http.calls.filter((c) => isMethod('chat.update')(c) && channelOf(c) === WAR && textOf(c).includes('*Lockdown* (active)')).at(-1)!;
    expect(textOf(withLockdown)).toMatch(/24h notifications due .*\*open\*/);
    expect(textOf(withLockdown)).toContain('72h notifications due');

    // The 24 h notification deadline comes: one reminder however often the sweep runs, and
    // marking it done from the war room; both are on the timeline.
    const lockdownId = (await b.bot.lockdown.current())!.id;
    await db.pool.query(`UPDATE opsbot.lockdown_reminders SET due_at = now() - interval '1 minute' WHERE kind = '24h'`);
    await b.bot.tick();
    await b.bot.tick();
    expect(postsTo(b, WAR).filter((c) => textOf(c).includes('lockdown_reminder_done'))).toHaveLength(1);
    await postAction(b.baseUrl, { action_id: 'lockdown_reminder_done', value: `${lockdownId}:24h` }, { userId: 'U0ONCALL', channelId: WAR, responseUrl: 'https://hooks.slack.test/actions/done24' });
    await b.http.waitFor((c) => c.url === 'https://hooks.slack.test/actions/done24');
    await settled(b);
    const deadlines = (await b.bot.incidents.timeline(id)).filter((e) => e.action.startsWith('lockdown.'));
    expect(deadlines.map((e) => [e.actor, e.text])).toEqual([
      ['opsbot', 'reminded: the 24 h breach notification deadline is due'],
      ['U0ONCALL', 'marked the 24 h lockdown notification deadline done'],
    ]);

    // Status by the commander; two stakeholder updates; the second's due time lapses once.
    await postCommand(b.baseUrl, '/incident', 'status identified key found in gist 3a9', { fields: { user_id: 'U0LEAD', channel_id: WAR } });
    await submitUpdate(b, id, 'U0LEAD', { viewId: 'VUPD1', impact: 'Sessions revoked; dealers sign in again' });
    await settled(b);
    await submitUpdate(b, id, 'U0LEAD', { viewId: 'VUPD2', status: 'monitoring', impact: 'No further access seen', minutes: '60' });
    await settled(b);
    const updates = postsTo(b, 'C0STATUS').filter((c) => textOf(c).includes(`INC-${id} update`));
    expect(updates).toHaveLength(2);
    expect(textOf(updates[1]!)).toContain('No further access seen');
    expect(postsTo(b, WAR).filter((c) => textOf(c).includes(`INC-${id} update`))).toHaveLength(2);
    await db.pool.query(`UPDATE opsbot.incidents SET next_update_due_at = now() - interval '1 minute' WHERE id = $1`, [id]);
    await b.bot.tick();
    await b.bot.tick();
    const reminders = postsTo(b, WAR).filter((c) => textOf(c).includes('was due'));
    expect(reminders).toHaveLength(1);
    expect(textOf(reminders[0]!)).toContain('<@U0LEAD>');

    // Resolved by the commander: closing summaries, and the postmortem uploaded to the war room.
    await submitResolve(b, id, 'U0LEAD', 'Key rotated, sessions revoked, no data left the database');
    await b.http.waitFor((c) => isMethod('files.completeUploadExternal')(c));
    await settled(b);
    expect(postsTo(b, 'C0STATUS').filter((c) => textOf(c).includes(`INC-${id} resolved`))).toHaveLength(1);
    expect(postsTo(b, WAR).filter((c) => textOf(c).includes(`INC-${id} resolved`))).toHaveLength(1);
    const asked = only(b.http.calls.filter(isMethod('files.getUploadURLExternal')), 'one upload');
    expect(asked.json).toMatchObject({ filename: `postmortem-inc-${id}.md` });
    expect(b.http.calls.filter((c) => c.url === UPLOAD_URL)).toHaveLength(1);
    expect(String((b.http.calls.find(isMethod('files.completeUploadExternal'))!.json as { channel_id?: string }).channel_id)).toBe(WAR);
    const pm = await b.bot.incidents.postmortem(id);
    expect(Number((asked.json as { length: string }).length)).toBe(Buffer.byteLength(pm!.markdown));
    // The audit facts: the lockdown request, who approved it, what it revoked.
    expect(pm!.markdown).toContain('lockdown-start');
    expect(pm!.markdown).toContain('U0APPROVER');
    expect(pm!.markdown).toContain('revoke sessions: 6 rows');
    expect(pm!.markdown).toMatch(/\| Resolved \| .* \| \d/);
    expect(pm!.source).toBe('offline');

    // The timeline has each step, in order.
    const actions = (await b.bot.incidents.timeline(id)).map((e) => e.action);
    for (const a of ['incident.declared', 'incident.role', 'playbook.requested', 'playbook.approved', 'playbook.finished', 'incident.lockdown_linked', 'lockdown.reminder', 'incident.status', 'incident.update', 'incident.reminder', 'incident.resolved', 'incident.postmortem']) {
      expect(actions, a).toContain(a);
    }
    expect(actions.indexOf('incident.declared')).toBeLessThan(actions.indexOf('playbook.requested'));
    expect((await b.bot.incidents.timeline(id)).find((e) => e.action === 'playbook.finished')?.text).toMatch(/^playbook `lockdown-start` finished: succeeded, \d+ rows$/);
    expect(actions.filter((a) => a === 'incident.update')).toHaveLength(2);

    // The 72 h deadline outlives the resolved incident: it still lands on the breach's timeline.
    await db.pool.query(`UPDATE opsbot.lockdown_reminders SET due_at = now() - interval '1 minute' WHERE kind = '72h'`);
    await b.bot.tick();
    expect((await b.bot.incidents.timeline(id)).filter((e) => e.action === 'lockdown.reminder').map((e) => e.text)).toEqual([
      'reminded: the 24 h breach notification deadline is due',
      'reminded: the 72 h breach notification deadline is due',
    ]);

    // A resolved incident cannot change: the answer says so, and nothing is written.
    const before = (await db.pool.query('SELECT count(*)::int AS n FROM opsbot.audit_log')).rows[0];
    await click(b, 'incident.role.comms', `${id}:communications`, 'U0ONCALL', WAR);
    const closed = await b.http.waitFor((c) => c.url.endsWith('/incident.role.comms/U0ONCALL'));
    expect((closed.json as { text: string }).text).toMatch(/resolved/);
    await settled(b);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM opsbot.audit_log')).rows[0]).toEqual(before);
  });
});

const channelOf = (c: { json: unknown }) => (c.json as { channel?: string }).channel;
