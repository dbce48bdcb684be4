// Two replicas of the whole bot on one state store, in one test process: Slack's deliveries are
// split and raced between them. One declaration gives one incident and one channel, however the
// retries land; each lapse of the stakeholder-update cadence gives one reminder, however many
// sweeps run; resolving from both at once gives one closing summary and one postmortem.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { settled } from '../support/settle.js';
import { postCommand, type RecordedCall } from '../support/slack.js';
import { click, DECLARE_VALUES, isMethod, openedForm, postsTo, submitDeclare, submitResolve, submitUpdate, textOf, UPLOAD_URL, warRoomRoutes } from '../support/incident-slack.js';

let db: TestDatabase;
let replicas: TestBot[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  replicas = [];
});
afterAll(async () => {
  await db.drop();
});

const WAR = 'C0WAR1';
const ENV = { ALERTS_CHANNEL_ID: 'C0ALERTS', STATUS_CHANNEL_ID: 'C0STATUS' };
/** Calls of both replicas that match. */
const all = (pred: (c: RecordedCall) => boolean) => replicas.flatMap((r) => r.http.calls.filter(pred));
const posts = (channel: string, text: string) => replicas.flatMap((r) => postsTo(r, channel)).filter((c) => textOf(c).includes(text));
const settleAll = () => Promise.all(replicas.map((r) => settled(r)));
const count = async (sql: string, params: unknown[] = []) => (await db.pool.query<{ n: number }>(sql, params)).rows[0]!.n;

describe('two replicas on one state store', () => {
  it('one channel per declaration, one reminder per lapse, one postmortem', async () => {
    // Started one after the other: the second finds the state store migrated.
    for (let n = 0; n < 2; n++) replicas.push(await startTestBot({ env: testEnv(db.url, ENV) }));
    const [a, b] = replicas as [TestBot, TestBot];
    // Either replica may win the declaration: each has the war-room routes, none has to use them.
    for (const r of replicas) warRoomRoutes(r.http, { upload: true, optional: 'the other replica may be the one that does it' });

    // Six deliveries of one submission, three to each replica, all at once.
    await postCommand(a.baseUrl, '/incident', 'declare', { fields: { user_id: 'U0ONCALL', channel_id: 'C0OPS' } });
    const form = await openedForm(a);
    const acks = await submitDeclare(replicas, { viewId: 'VREPLICA1', user: 'U0ONCALL', meta: form.meta, values: DECLARE_VALUES({ title: 'Checkout is down', kind: 'service_outage' }), times: 6 });
    expect(acks.map((x) => x.status)).toEqual([200, 200, 200, 200, 200, 200]);
    await settleAll();
    expect(all(isMethod('conversations.create'))).toHaveLength(1);
    expect(all(isMethod('pins.add'))).toHaveLength(1);
    expect(posts('C0STATUS', 'declared')).toHaveLength(1);
    expect(all(isMethod('chat.postEphemeral'))).toHaveLength(1);
    expect(await count('SELECT count(*)::int AS n FROM opsbot.incidents')).toBe(1);
    const id = (await a.bot.incidents.byChannel(WAR))!.id;
    expect((await b.bot.incidents.byChannel(WAR))?.id).toBe(id);
    expect(await count(`SELECT count(*)::int AS n FROM opsbot.audit_log WHERE action = 'incident.declared'`)).toBe(1);

    // The commander, taken on one replica, is seen by the other.
    await click(a, 'incident.role.commander', `${id}:commander`, 'U0LEAD', WAR);
    await settleAll();
    expect((await b.bot.incidents.get(id))?.roles.commander).toBe('U0LEAD');

    // The first update's due time lapses: both replicas sweep, twice each, at once — one reminder.
    const lapse = () => db.pool.query(`UPDATE opsbot.incidents SET next_update_due_at = now() - interval '1 minute' WHERE id = $1`, [id]);
    const sweepBoth = () => Promise.all([a.bot.tick(), b.bot.tick(), a.bot.tick(), b.bot.tick()]);
    await lapse();
    await sweepBoth();
    expect(posts(WAR, 'was due')).toHaveLength(1);
    expect(textOf(posts(WAR, 'was due')[0]!)).toContain('<@U0LEAD>');

    // An update (through the other replica) sets a new due time; its lapse is reminded once more.
    await submitUpdate(b, id, 'U0LEAD', { viewId: 'VREPUPD1' });
    await settleAll();
    expect(posts('C0STATUS', `INC-${id} update`)).toHaveLength(1);
    await lapse();
    await sweepBoth();
    await sweepBoth();
    expect(posts(WAR, 'was due')).toHaveLength(2);
    expect(await count(`SELECT count(*)::int AS n FROM opsbot.audit_log WHERE action = 'incident.reminder'`)).toBe(2);

    // Resolved from both replicas at once (the form on one, the command on the other).
    const [, cmd] = await Promise.all([
      submitResolve(a, id, 'U0LEAD', 'Restarted the checkout service; error rate back to 0.1 %', 'VREPRES1'),
      postCommand(b.baseUrl, '/incident', 'resolve restarted checkout, errors gone', { fields: { user_id: 'U0LEAD', channel_id: WAR } }),
    ]);
    expect(cmd.status).toBe(200);
    await settleAll();
    await Promise.race(replicas.map((r) => r.http.waitFor(isMethod('files.completeUploadExternal'))));
    await settleAll();
    expect(posts('C0STATUS', `INC-${id} resolved`)).toHaveLength(1);
    expect(posts(WAR, `INC-${id} resolved`)).toHaveLength(1);
    expect(all(isMethod('files.getUploadURLExternal'))).toHaveLength(1);
    expect(all((c) => c.url === UPLOAD_URL)).toHaveLength(1);
    expect(await count('SELECT count(*)::int AS n FROM opsbot.incident_postmortems WHERE incident_id = $1', [id])).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM opsbot.audit_log WHERE action IN ('incident.resolved', 'incident.postmortem')`)).toBe(2);
    // Whichever lost the race: the command is told it was resolved already, never that something broke.
    const answers = b.http.responses().map((c) => String((c.json as { text?: string }).text));
    const byCommand = (await a.bot.incidents.get(id))?.resolution === 'restarted checkout, errors gone';
    expect(answers.filter((t) => (byCommand ? /resolved by <@U0LEAD>/ : /already resolved|is resolved, so it cannot change/).test(t))).toHaveLength(1);
    expect(answers.some((t) => /Something went wrong/.test(t))).toBe(false);
  });
});
