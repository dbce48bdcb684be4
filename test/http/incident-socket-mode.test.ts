// An incident walked entirely over Socket Mode (the manifest's default): /incident declare, the
// declare form, the commander's button, a stakeholder update and the resolve form all arrive as
// envelopes on the socket and are acked there; the war room, the update, the closing summary and
// the postmortem file reach Slack through the Web API as they do in HTTP mode.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { settled } from '../support/settle.js';
import { clickPayload, commandPayload, startSocketBot, viewSubmissionPayload, type SocketBot } from '../support/socket-mode.js';
import { DECLARE_VALUES, isMethod, openedForm, postsTo, textOf, UPLOAD_URL, warRoomRoutes } from '../support/incident-slack.js';

let db: TestDatabase;
let sb: SocketBot | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await sb?.stop();
  sb = undefined;
});
afterAll(async () => {
  await db.drop();
});

const WAR = 'C0WAR1';

describe('an incident over Socket Mode', () => {
  it('declare → commander → stakeholder update → resolve → postmortem file, every envelope acked', async () => {
    sb = await startSocketBot(db.url, { STATUS_CHANNEL_ID: 'C0STATUS' });
    const { server, http } = sb;
    const idle = () => settled({ bot: sb!.bot, http });
    warRoomRoutes(http, { channelId: WAR, upload: true });

    // The command's ack carries no text: the form opens instead.
    const ack = await server.send('slash_commands', commandPayload('/incident', 'declare checkout is down', 'U0ONCALL', 'C0OPS'), true);
    expect(ack.payload?.text).toBeUndefined();
    const form = await openedForm(sb);
    expect(JSON.stringify(form.view)).toContain('checkout is down');

    const values = DECLARE_VALUES({ title: 'Checkout is down', severity: 'P0', kind: 'service_outage', impact: 'Dealers cannot send quotes' });
    await server.send('interactive', viewSubmissionPayload({ callback_id: 'incident_declare', private_metadata: form.meta, values }, 'U0ONCALL', 'VSOCKET1'), true);
    await idle();
    expect(http.calls.filter(isMethod('conversations.create'))).toHaveLength(1);
    const incident = (await sb.bot.incidents.byChannel(WAR))!;
    const id = incident.id;
    expect(incident).toMatchObject({ title: 'Checkout is down', severity: 'P0', kind: 'service_outage', declaredBy: 'U0ONCALL' });
    expect(http.calls.filter(isMethod('pins.add'))).toHaveLength(1);
    expect(postsTo(sb, 'C0STATUS').filter((c) => textOf(c).includes(`INC-${id} declared`))).toHaveLength(1);

    await server.send('interactive', clickPayload('incident.role.commander', `${id}:commander`, 'U0LEAD', { channelId: WAR, messageTs: incident.cardTs! }), false);
    await idle();
    expect((await sb.bot.incidents.get(id))?.roles.commander).toBe('U0LEAD');

    const update = {
      status: { value: { selected_option: { value: 'identified' } } },
      impact: { value: { value: 'Quotes fail for every dealer' } },
      next: { value: { value: 'Roll back the checkout deploy' } },
      minutes: { value: { value: '30' } },
    };
    await server.send('interactive', viewSubmissionPayload({ callback_id: 'incident_update', private_metadata: JSON.stringify({ incidentId: id }), values: update }, 'U0LEAD', 'VSOCKUPD'), true);
    await idle();
    for (const channel of ['C0STATUS', WAR]) expect(postsTo(sb, channel).filter((c) => textOf(c).includes('Quotes fail for every dealer')), channel).toHaveLength(1);

    const resolution = { resolution: { value: { value: 'Rolled back the checkout deploy; quotes work again' } } };
    await server.send('interactive', viewSubmissionPayload({ callback_id: 'incident_resolve', private_metadata: JSON.stringify({ incidentId: id }), values: resolution }, 'U0LEAD', 'VSOCKRES'), true);
    await http.waitFor(isMethod('files.completeUploadExternal'));
    await idle();
    expect(postsTo(sb, 'C0STATUS').filter((c) => textOf(c).includes(`INC-${id} resolved`))).toHaveLength(1);
    expect(http.calls.filter(isMethod('files.getUploadURLExternal'))[0]?.json).toMatchObject({ filename: `postmortem-inc-${id}.md` });
    const file = http.calls.find((c) => c.url === UPLOAD_URL);
    const pm = await sb.bot.incidents.postmortem(id);
    expect(pm?.markdown).toContain('Rolled back the checkout deploy');
    expect(file).toBeDefined();

    // Five envelopes, five acks, and the timeline has each step.
    expect(server.acks).toHaveLength(5);
    const actions = (await sb.bot.incidents.timeline(id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['incident.declared', 'incident.role', 'incident.update', 'incident.resolved', 'incident.postmortem']));
    expect(sb.logs.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
  });
});
