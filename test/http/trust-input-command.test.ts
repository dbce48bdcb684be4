// Through signed Slack requests: outside text never becomes a
// mention or a link in anything the bot sends; bad values are refused before any query with a
// message naming the field; a replayed /playbook run (same trigger_id) creates nothing; and an
// outage of Slack or the state store is named, with what still works.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { seedBreachFixture } from '../support/lockdown.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { seedOrg } from '../support/playbooks.js';
import { settled } from '../support/settle.js';
import { messageOf } from '../support/request-message.js';
import { commandBody, postAction, postCommand, postViewSubmission, RESPONSE_URL, sign, type RecordedCall } from '../support/slack.js';

let db: TestDatabase;
let bot: TestBot | undefined;
let org: string;

beforeAll(async () => {
  db = await createTestDatabase();
  org = await seedOrg(db.pool);
});
beforeEach(async () => {
  await db.pool.query('DELETE FROM public.leads');
  await db.pool.query(`INSERT INTO public.leads (organization_id, email) SELECT $1, 'l' || g || '@test.com' FROM generate_series(1, 3) g`, [org]);
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});
afterAll(async () => {
  await db.drop();
});

const blocksOf = (c: RecordedCall) => {
  const b = (c.json as { blocks?: unknown }).blocks;
  return typeof b === 'string' ? b : JSON.stringify(b ?? '');
};
const textOf = (c: RecordedCall) => String((c.json as { text?: string }).text ?? '');
const count = async (q: string, params: unknown[] = []) => (await db.pool.query<{ n: number }>(q, params)).rows[0]!.n;
const requests = () => count('SELECT count(*)::int AS n FROM opsbot.playbook_requests');
const hook = (suffix: string) => (c: RecordedCall) => c.url === `https://hooks.slack.test/${suffix}`;
/** Everything the bot sent to Slack (Web API and response_url), decoded, text and blocks alike. */
const outbound = (b: TestBot) => b.http.calls.filter((c) => c.url.startsWith('https://slack.test/') || c.url.startsWith('https://hooks.slack.test/'));

/** Every kind of Slack markup that notifies people or hides a link. */
const HOSTILE = '<!channel> <!here> <!everyone> <@U0VICTIM> <#C0OTHER|general> <!subteam^S0EVIL> <https://evil.test/login|open the runbook> & more';
const UNESCAPED = /<!(channel|here|everyone)|<@U0VICTIM|<#C0OTHER|<!subteam\^S0EVIL|<https?:/;

/** A weekday `days` from now (YYYY-MM-DD): maintenance windows must be ahead, and off the regular Sunday window. */
function weekdayAhead(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  if (d.getUTCDay() === 0) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Posts one signed body; a replay is the same body signed again with a fresh timestamp. */
async function postRaw(baseUrl: string, body: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${baseUrl}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body });
  return { status: res.status, body: await res.text() };
}

describe('outside text is escaped in every post, text and blocks', () => {
  it('a hostile lockdown reason, break-glass reason and maintenance reason never reach Slack as mentions or links', async () => {
    await seedBreachFixture(db.pool, { sessions: 2, integrationsActive: 1, integrationsInactive: 0 });
    bot = await startTestBot({ env: testEnv(db.url, { BREAK_GLASS_ENABLED: 'true', ALERTS_CHANNEL_ID: 'C0ALERTS', MAINTENANCE_CHANNEL_ID: 'C0MAINT' }) });
    await postCommand(bot.baseUrl, '/lockdown', `start ${HOSTILE}`, { fields: { channel_id: 'C0WAR' } });
    const request = await bot.http.waitFor((c) => c.url.endsWith('/chat.update') && blocksOf(c).includes('playbook_break_glass'));
    const id = /"value":"([0-9a-f-]{36})"/.exec(blocksOf(request))![1]!;
    await postAction(bot.baseUrl, { action_id: 'playbook_break_glass', value: id }, { userId: 'U0ONCALL', ...messageOf(request) });
    const modal = await bot.http.waitFor((c) => c.url.endsWith('/views.open'));
    const meta = (JSON.parse(String((modal.json as { view: string }).view)) as { private_metadata: string }).private_metadata;
    await postViewSubmission(bot.baseUrl, { callback_id: 'playbook_break_glass_reason', private_metadata: meta, values: { reason: { value: { value: `nobody answers ${HOSTILE}` } } } }, 'U0ONCALL');
    const alert = await bot.http.waitFor((c) => c.url.endsWith('/chat.postMessage') && (c.json as { channel?: string }).channel === 'C0ALERTS');
    expect(textOf(alert)).toContain('Reason: nobody answers &lt;!channel&gt; &lt;!here&gt;');
    await bot.http.waitFor((c) => c.url.endsWith('/chat.update') && blocksOf(c).includes('lockdown active'));
    await bot.bot.playbooks.idle();

    await postCommand(bot.baseUrl, '/lockdown', 'status', { fields: { channel_id: 'C0WAR' } });
    const status = await bot.http.waitFor((c) => c.url === RESPONSE_URL && textOf(c).startsWith('LOCKDOWN ACTIVE'));
    expect(textOf(status)).toContain('&lt;@U0VICTIM&gt;');
    await postCommand(bot.baseUrl, '/health', 'db', { fields: { channel_id: 'C0WAR' } });
    await bot.http.waitFor((c) => c.url === RESPONSE_URL && blocksOf(c).includes('AutoRepAi health'));

    await postCommand(bot.baseUrl, '/maintenance', `add ${weekdayAhead(20)}T02:00 1h ${HOSTILE}`, { fields: { channel_id: 'C0WAR' } });
    const announced = await bot.http.waitFor((c) => c.url.endsWith('/chat.postMessage') && (c.json as { channel?: string }).channel === 'C0MAINT');
    expect(textOf(announced)).toContain('&lt;https://evil.test/login|open the runbook&gt; &amp; more');

    // Echoed words in errors are escaped too.
    await postCommand(bot.baseUrl, '/playbook', 'run <!channel>', { fields: { response_url: 'https://hooks.slack.test/echo' } });
    await postCommand(bot.baseUrl, '/logs', 'summarize <!here>');

    const sent = outbound(bot);
    expect(sent.length).toBeGreaterThan(8);
    for (const c of sent) expect(JSON.stringify(c.json), c.url).not.toMatch(UNESCAPED);
  });
});

describe('bad values are refused before any query, naming the field', () => {
  it('a NUL byte in a lockdown reason, a maintenance reason or a playbook parameter is refused in the ack', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    const before = await requests();
    const lockdown = JSON.parse((await postCommand(bot.baseUrl, '/lockdown', 'start leaked key\u0000 in a gist')).body) as { text: string };
    expect(lockdown.text).toMatch(/^The lockdown reason contains an invisible control character \(U\+0000\)/);
    const maintenance = JSON.parse((await postCommand(bot.baseUrl, '/maintenance', 'add 2031-01-05T02:00 1h pg\u0000 upgrade')).body) as { text: string };
    expect(maintenance.text).toMatch(/^The maintenance reason contains an invisible control character/);
    const param = JSON.parse((await postCommand(bot.baseUrl, '/playbook', 'run clear-test-data domain=test.com\u0000')).body) as { text: string };
    expect(param.text).toMatch(/^The value of `domain` contains an invisible control character/);
    const long = JSON.parse((await postCommand(bot.baseUrl, '/lockdown', `start ${'x'.repeat(600)}`)).body) as { text: string };
    expect(long.text).toMatch(/^The lockdown reason is too long \(600 characters; at most 500\)/);
    await settled(bot);
    expect(await requests()).toBe(before);
    expect(bot.http.calls.filter((c) => c.url.endsWith('/chat.postMessage'))).toEqual([]);
    expect(bot.logs.join('\n')).not.toMatch(/unexpected error in handler/);
  });

  it('garbled ids in buttons and forms get a message naming the id, never "Something went wrong"', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { BREAK_GLASS_ENABLED: 'true' }) });
    const garbled = ['not-a-uuid', "1'; DROP TABLE opsbot.audit_log; --", '', '00000000-0000-0000-0000-00000000000g'];
    let n = 0;
    for (const value of garbled) {
      for (const action_id of ['playbook_approve', 'playbook_deny', 'playbook_break_glass']) {
        await postAction(bot.baseUrl, { action_id, value }, { userId: 'U0APPROVER', responseUrl: `https://hooks.slack.test/bad/${++n}` });
        expect(textOf(await bot.http.waitFor(hook(`bad/${n}`))), `${action_id} ${value}`).toMatch(/carries a request id I cannot read \(expected a uuid\)\. Nothing was done/);
      }
    }
    await postAction(bot.baseUrl, { action_id: 'lockdown_reminder_done', value: 'nonsense:24h' }, { userId: 'U0ONCALL', responseUrl: 'https://hooks.slack.test/bad/reminder' });
    expect(textOf(await bot.http.waitFor(hook('bad/reminder')))).toMatch(/carries a lockdown id I cannot read/);
    // A NUL in a button value is stopped before any listener.
    await postAction(bot.baseUrl, { action_id: 'playbook_approve', value: 'a\u0000b' }, { userId: 'U0APPROVER', responseUrl: 'https://hooks.slack.test/bad/nul' });
    expect(textOf(await bot.http.waitFor(hook('bad/nul')))).toMatch(/^The value of playbook_approve contains an invisible control character/);
    // A NUL in the break-glass reason is shown on the form field.
    const form = await postViewSubmission(
      bot.baseUrl,
      { callback_id: 'playbook_break_glass_reason', private_metadata: JSON.stringify({ requestId: '3f2a1b4c-0000-4000-8000-000000000000' }), values: { reason: { value: { value: 'nobody\u0000 answers the phone' } } } },
      'U0ONCALL',
    );
    expect(JSON.parse(form.body)).toMatchObject({ response_action: 'errors', errors: { reason: expect.stringMatching(/field reason contains an invisible control character/) } });
    await settled(bot);
    for (const c of bot.http.responses()) expect(textOf(c)).not.toMatch(/Something went wrong/);
    expect(bot.logs.join('\n')).not.toMatch(/unexpected error in handler|invalid input syntax|invalid byte sequence/);
  });
});

describe('a replayed /playbook run creates nothing', () => {
  it('the same signed body again (fresh timestamp, same trigger_id), also concurrently and on a second replica, makes one request', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    const replica = await startTestBot({ env: testEnv(db.url) });
    const before = await requests();
    try {
      const body = commandBody('/playbook', 'run clear-test-data domain=test.com', { trigger_id: '4242.1111.replayed', response_url: 'https://hooks.slack.test/replay' });
      expect((await postRaw(bot.baseUrl, body)).status).toBe(200);
      await bot.http.waitFor((c) => c.url.endsWith('/chat.update') && blocksOf(c).includes('playbook_approve'));
      await new Promise((r) => setTimeout(r, 1100)); // a later timestamp, as a replay would have
      const again = await Promise.all([postRaw(bot.baseUrl, body), postRaw(bot.baseUrl, body), postRaw(replica.baseUrl, body)]);
      expect(again.map((r) => r.status)).toEqual([200, 200, 200]);
      await bot.http.waitFor((c) => hook('replay')(c) && /already handled this exact request/.test(textOf(c)));
      await replica.http.waitFor((c) => hook('replay')(c) && /already handled this exact request/.test(textOf(c)));
      await Promise.all([settled(bot), settled(replica)]);
      expect(await requests()).toBe(before + 1);
      expect([...bot.http.calls, ...replica.http.calls].filter((c) => c.url.endsWith('/chat.postMessage'))).toHaveLength(1);
      // A new delivery (its own trigger_id) is a new request.
      await postCommand(bot.baseUrl, '/playbook', 'run clear-test-data domain=test.com');
      await expect.poll(requests).toBe(before + 2);
    } finally {
      await replica.stop();
    }
  });

  it('lockdown start and maintenance add are once per delivery too', async () => {
    // A database of its own: no lockdown left open by another test.
    const own = await createTestDatabase();
    bot = await startTestBot({ env: testEnv(own.url, { MAINTENANCE_CHANNEL_ID: 'C0MAINT' }) });
    const ownCount = async (q: string) => (await own.pool.query<{ n: number }>(q)).rows[0]!.n;
    const lockdown = commandBody('/lockdown', 'start service key leaked in a gist', { trigger_id: '4242.2222.lockdown' });
    const maintenance = commandBody('/maintenance', `add ${weekdayAhead(40)}T02:00 1h planned upgrade`, { trigger_id: '4242.3333.maint' });
    for (let i = 0; i < 3; i++) {
      await postRaw(bot.baseUrl, lockdown);
      await postRaw(bot.baseUrl, maintenance);
    }
    await expect.poll(() => bot!.http.responses().filter((c) => /already handled this exact request/.test(textOf(c))).length, { timeout: 10_000 }).toBe(4);
    await bot.bot.playbooks.idle();
    expect(await ownCount(`SELECT count(*)::int AS n FROM opsbot.playbook_requests WHERE playbook_id = 'lockdown-start'`)).toBe(1);
    expect(await ownCount(`SELECT count(*)::int AS n FROM opsbot.maintenance_windows WHERE reason = 'planned upgrade'`)).toBe(1);
    await bot.stop();
    bot = undefined;
    await own.drop();
  });
});

describe('outages are named, with what still works', () => {
  it('Slack answering 500 while posting the request message: says so, and nothing was requested', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    const before = await requests();
    bot.http.slackMethod('chat.postMessage', { ok: false, error: 'internal_error' }, 500);
    await postCommand(bot.baseUrl, '/playbook', 'run clear-test-data domain=test.com');
    const reply = await bot.http.waitFor((c) => c.url === RESPONSE_URL && /Slack/.test(textOf(c)), 15_000);
    expect(textOf(reply)).toMatch(/^Slack's API answered 500 while posting the request message; nothing was requested — try again.*\/health and the opsbot CLI still work/);
    expect(await requests()).toBe(before);
  });

  it('Slack refusing with not_in_channel or is_archived says what to do', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    bot.http.slackMethod('chat.postMessage', (c: RecordedCall) => ({ ok: false, error: (c.json as { channel?: string }).channel === 'C0ARCHIVED' ? 'is_archived' : 'not_in_channel' }));
    await postCommand(bot.baseUrl, '/playbook', 'run clear-test-data domain=test.com', { fields: { channel_id: 'C0NEW', response_url: 'https://hooks.slack.test/new' } });
    expect(textOf(await bot.http.waitFor(hook('new')))).toMatch(/I can't post in <#C0NEW> \(Slack said not_in_channel\); nothing was requested\. Invite me first with `\/invite @opsbot`/);
    await postCommand(bot.baseUrl, '/playbook', 'run clear-test-data domain=test.com', { fields: { channel_id: 'C0ARCHIVED', response_url: 'https://hooks.slack.test/archived' } });
    expect(textOf(await bot.http.waitFor(hook('archived')))).toMatch(/<#C0ARCHIVED> is archived, so Slack refused posting the request message; nothing was requested\. Unarchive it/);
  });

  it('with the state store gone, /playbook run names the state store instead of "Something went wrong"', async () => {
    const state = await createTestDatabase();
    bot = await startTestBot({ env: testEnv(db.url, { STATE_DATABASE_URL: state.url }) });
    await state.drop();
    await postCommand(bot.baseUrl, '/playbook', 'run clear-test-data domain=test.com');
    const reply = await bot.http.waitFor((c) => c.url === RESPONSE_URL && !/^Preparing/.test(textOf(c)), 20_000);
    expect(textOf(reply)).toMatch(/state store/i);
    expect(textOf(reply)).toMatch(/\/health/);
    expect(textOf(reply)).not.toMatch(/Something went wrong/);
  });
});
