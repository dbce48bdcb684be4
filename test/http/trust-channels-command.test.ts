// Through signed Slack requests: the channel allow-list holds for every
// command and button, an approval counts only on the request's own message in its own channel,
// and every refusal (role, channel, own request, break-glass) writes exactly one audit row.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { seedOrg } from '../support/playbooks.js';
import { messageOf, type MessageRef } from '../support/request-message.js';
import { postAction, postCommand, type RecordedCall } from '../support/slack.js';

let db: TestDatabase;
let bot: TestBot | undefined;
let org: string;

beforeAll(async () => {
  db = await createTestDatabase();
  org = await seedOrg(db.pool);
});
beforeEach(async () => {
  await db.pool.query('DELETE FROM public.leads');
  await db.pool.query(`INSERT INTO public.leads (organization_id, email) SELECT $1, 'l' || g || '@test.com' FROM generate_series(1, 4) g`, [org]);
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});
afterAll(async () => {
  await db.drop();
});

const blocksOf = (c: RecordedCall) => String((c.json as { blocks?: string }).blocks ?? '');
const textOf = (c: RecordedCall) => String((c.json as { text?: string }).text ?? '');
const isHook = (suffix: string) => (c: RecordedCall) => c.url === `https://hooks.slack.test/${suffix}`;
const count = async (q: string, params: unknown[] = []) => (await db.pool.query<{ n: number }>(q, params)).rows[0]!.n;
const requests = () => count('SELECT count(*)::int AS n FROM opsbot.playbook_requests');
const leads = () => count('SELECT count(*)::int AS n FROM public.leads');
const refusals = async (actor: string) =>
  (await db.pool.query<{ action: string; target: string; channel: string | null }>(`SELECT action, target, channel FROM opsbot.audit_log WHERE actor = $1 AND outcome = 'refused' ORDER BY id`, [actor])).rows;

async function requestClear(b: TestBot, channel = 'C0OPS', requester = 'U0ONCALL'): Promise<{ requestId: string; at: MessageRef }> {
  await postCommand(b.baseUrl, '/playbook', 'run clear-test-data domain=test.com', { fields: { channel_id: channel, user_id: requester } });
  const update = await b.http.waitFor((c) => c.url.endsWith('/chat.update') && blocksOf(c).includes('playbook_approve'));
  return { requestId: /"value":"([0-9a-f-]{36})"/.exec(blocksOf(update))![1]!, at: messageOf(update) };
}

describe('the channel allow-list holds for every command', () => {
  it('on-call commands from a DM, a private group, another channel or a look-alike id are refused and create nothing', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { ALLOWED_CHANNEL_IDS: 'C0OPS' }) });
    const commands: [string, string][] = [
      ['/playbook', 'run clear-test-data domain=test.com'],
      ['/lockdown', 'start service key leaked in a gist'],
      ['/backup', 'now'],
      ['/maintenance', 'add 2030-01-06T02:00 1h planned upgrade'],
      ['/logs', 'summarize edge'],
      ['/db', 'connections'],
    ];
    let n = 0;
    for (const channel of ['D0DIRECT', 'G0PRIVATE', 'C0OTHER', 'c0ops', 'C0OPS ']) {
      for (const [command, text] of commands) {
        const url = `https://hooks.slack.test/cmd/${++n}`;
        await postCommand(bot.baseUrl, command, text, { fields: { channel_id: channel, response_url: url } });
        const reply = await bot.http.waitFor(isHook(`cmd/${n}`));
        expect(textOf(reply), `${command} in "${channel}"`).toMatch(/^This runs only in <#C0OPS>\. Run it there, or ask an admin to add this channel to ALLOWED_CHANNEL_IDS\./);
        expect((reply.json as { response_type: string }).response_type).toBe('ephemeral');
      }
    }
    expect(bot.http.calls.filter((c) => c.url.endsWith('/chat.postMessage'))).toEqual([]);
    expect(await requests()).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM opsbot.maintenance_windows')).toBe(0);
  });

  it('an approval counts only on the request message in the request channel; a DM, another channel or another message runs nothing', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { ALLOWED_CHANNEL_IDS: 'C0OPS,C0WAR' }) });
    const { requestId, at } = await requestClear(bot);
    const forged: [string, Partial<MessageRef>][] = [
      ['dm', { channelId: 'D0APPROVER' }],
      ['other-allowed-channel', { channelId: 'C0WAR' }],
      ['other-message', { messageTs: '1700000000.999999' }],
      ['ts-with-space', { messageTs: ` ${at.messageTs}` }],
    ];
    for (const [name, where] of forged) {
      await postAction(bot.baseUrl, { action_id: 'playbook_approve', value: requestId }, { userId: 'U0APPROVER', ...at, ...where, responseUrl: `https://hooks.slack.test/forged/${name}` });
      const reply = await bot.http.waitFor(isHook(`forged/${name}`));
      expect(textOf(reply), name).toMatch(/count only on the request message itself, in <#C0OPS>\. Nothing ran/);
    }
    // Deny from elsewhere is refused the same way; the request is still pending.
    await postAction(bot.baseUrl, { action_id: 'playbook_deny', value: requestId }, { userId: 'U0APPROVER', ...at, channelId: 'D0APPROVER', responseUrl: 'https://hooks.slack.test/forged/deny' });
    expect(textOf(await bot.http.waitFor(isHook('forged/deny')))).toMatch(/count only on the request message itself/);
    expect(await leads()).toBe(4);
    expect((await db.pool.query<{ state: string }>('SELECT state FROM opsbot.playbook_requests WHERE id = $1', [requestId])).rows[0]?.state).toBe('pending');

    // The real click on the real message runs it.
    await postAction(bot.baseUrl, { action_id: 'playbook_approve', value: requestId }, { userId: 'U0APPROVER', ...at });
    await bot.http.waitFor((c) => c.url.endsWith('/chat.update') && blocksOf(c).includes('Done'));
    expect(await leads()).toBe(0);
  });

  it('a request made in a channel later dropped from the list cannot be approved from it', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    const { requestId, at } = await requestClear(bot, 'C0OLD');
    await bot.stop();
    bot = await startTestBot({ env: testEnv(db.url, { ALLOWED_CHANNEL_IDS: 'C0OPS' }) });
    await postAction(bot.baseUrl, { action_id: 'playbook_approve', value: requestId }, { userId: 'U0APPROVER', ...at, responseUrl: 'https://hooks.slack.test/old' });
    expect(textOf(await bot.http.waitFor(isHook('old')))).toMatch(/runs only in <#C0OPS>/);
    expect(await leads()).toBe(4);
  });
});

describe('every refusal writes exactly one audit row', () => {
  it('a user in no group: each refused command and button is audited once, under its name', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    const { requestId, at } = await requestClear(bot);
    const attempts: [string, string, string][] = [
      ['/playbook', 'audit', '/playbook audit'],
      ['/playbook', 'run clear-test-data domain=test.com', '/playbook run'],
      ['/lockdown', 'start service key leaked in a gist', '/lockdown start'],
      ['/logs', 'summarize edge', '/logs summarize'],
      ['/backup', 'now', '/backup now'],
      ['/maintenance', 'add 2030-01-06T02:00 1h planned upgrade', '/maintenance add'],
      ['/db', 'locks', '/db'],
      ['/slowqueries', '', '/slowqueries'],
    ];
    let n = 0;
    for (const [command, text] of attempts) {
      await postCommand(bot.baseUrl, command, text, { fields: { user_id: 'U0NOBODY', response_url: `https://hooks.slack.test/nobody/${++n}` } });
      expect(textOf(await bot.http.waitFor(isHook(`nobody/${n}`)))).toMatch(/may run this/);
    }
    await postAction(bot.baseUrl, { action_id: 'playbook_approve', value: requestId }, { userId: 'U0NOBODY', ...at, responseUrl: 'https://hooks.slack.test/nobody/approve' });
    await bot.http.waitFor(isHook('nobody/approve'));
    const rows = await refusals('U0NOBODY');
    expect(rows.map((r) => r.target)).toEqual([...attempts.map((a) => a[2]), 'clear-test-data']);
    expect(rows.at(-1)?.action).toBe('playbook.approve');
    expect(rows.every((r) => r.channel === 'C0OPS')).toBe(true);
  });

  it('own-request, channel and break-glass refusals are audited once each', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { ALLOWED_CHANNEL_IDS: 'C0OPS' }) });
    // U0LEAD is on-call and an approver, so only the own-request rule stops the click.
    const { requestId, at } = await requestClear(bot, 'C0OPS', 'U0LEAD');
    await postAction(bot.baseUrl, { action_id: 'playbook_approve', value: requestId }, { userId: 'U0LEAD', ...at, responseUrl: 'https://hooks.slack.test/own' });
    expect(textOf(await bot.http.waitFor(isHook('own')))).toMatch(/You asked for this run/);
    // Break-glass: switched off, and not a lockdown playbook.
    await postAction(bot.baseUrl, { action_id: 'playbook_break_glass', value: requestId }, { userId: 'U0LEAD', ...at, responseUrl: 'https://hooks.slack.test/glass' });
    expect(textOf(await bot.http.waitFor(isHook('glass')))).toMatch(/Break-glass self-approval is switched off/);
    // Channel: /health outside the list.
    await postCommand(bot.baseUrl, '/health', '', { fields: { user_id: 'U0MANAGER', channel_id: 'C0ELSEWHERE', response_url: 'https://hooks.slack.test/chan' } });
    expect(textOf(await bot.http.waitFor(isHook('chan')))).toMatch(/runs only in/);
    expect(await refusals('U0LEAD')).toEqual([
      { action: 'playbook.approve', target: 'clear-test-data', channel: 'C0OPS' },
      { action: 'playbook.break_glass', target: 'clear-test-data', channel: 'C0OPS' },
    ]);
    expect(await refusals('U0MANAGER')).toEqual([{ action: 'command', target: '/health', channel: 'C0ELSEWHERE' }]);
  });
});
