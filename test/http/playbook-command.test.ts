// /playbook through signed Slack requests: request, approval buttons, refusals, exactly-once
// under concurrent clicks, and the message following every state change.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { seedOrg } from '../support/playbooks.js';
import { settled } from '../support/settle.js';
import { messageOf, type MessageRef } from '../support/request-message.js';
import { postAction, postCommand, RESPONSE_URL, type RecordedCall } from '../support/slack.js';

let db: TestDatabase;
let bot: TestBot;
let org: string;

beforeAll(async () => {
  db = await createTestDatabase();
  org = await seedOrg(db.pool);
});
beforeEach(async () => {
  await db.pool.query('DELETE FROM public.leads');
  bot = await startTestBot({ env: testEnv(db.url) });
});
afterEach(async () => {
  await bot.stop();
});
afterAll(async () => {
  await db.drop();
});

const isUpdate = (c: RecordedCall) => c.url.endsWith('/chat.update');
const blocksOf = (c: RecordedCall) => String((c.json as { blocks?: string }).blocks ?? '');
const ephemeral = (c: RecordedCall) => c.url.startsWith('https://hooks.slack.test/actions/') && (c.json as { response_type?: string }).response_type === 'ephemeral';

async function requestClear(requester = 'U0ONCALL'): Promise<{ requestId: string; at: MessageRef }> {
  await db.pool.query(`INSERT INTO public.leads (organization_id, email) SELECT $1, 'l' || g || '@test.com' FROM generate_series(1, 6) g`, [org]);
  await db.pool.query(`INSERT INTO public.leads (organization_id, email) VALUES ($1, 'keep@example.com')`, [org]);
  const res = await postCommand(bot.baseUrl, '/playbook', 'run clear-test-data domain=test.com', { fields: { user_id: requester } });
  expect(JSON.parse(res.body)).toMatchObject({ text: 'Preparing a preview of clear-test-data…' });
  const update = await bot.http.waitFor((c) => isUpdate(c) && blocksOf(c).includes('playbook_approve'));
  const requestId = /"value":"([0-9a-f-]{36})"/.exec(blocksOf(update))?.[1];
  expect(requestId).toBeDefined();
  return { requestId: requestId!, at: messageOf(update) };
}
const leads = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM public.leads')).rows[0]!.n;

describe('/playbook run and approval', () => {
  it('posts the request with parameters, preview, requester and buttons; an approver runs it; the message ends as done', async () => {
    const { requestId, at } = await requestClear();
    const first = bot.http.calls.find((c) => isUpdate(c) && blocksOf(c).includes('playbook_approve'))!;
    const text = blocksOf(first);
    expect(text).toContain('clear-test-data');
    expect(text).toContain('domain=test.com');
    expect(text).toContain('6 leads at test.com');
    expect(text).toContain('<@U0ONCALL>');
    expect(text).toContain('Expires');
    expect(text).toContain('playbook_deny');
    expect(text).toContain('"confirm"');
    await postAction(bot.baseUrl, { action_id: 'playbook_approve', value: requestId }, { userId: 'U0APPROVER', ...at });
    const done = await bot.http.waitFor((c) => isUpdate(c) && blocksOf(c).includes('Done'));
    expect(blocksOf(done)).not.toContain('playbook_approve');
    expect(blocksOf(done)).toContain('6 row(s)');
    expect(await leads()).toBe(1);
    // Every state change updated the same message.
    const states = bot.http.calls.filter(isUpdate).map((c) => (/Waiting for approval|Running|Done/.exec(blocksOf(c)) ?? ['?'])[0]);
    expect(states).toEqual(expect.arrayContaining(['Waiting for approval', 'Running', 'Done']));
  });

  it('refuses the requester (even an approver), a non-approver, and a click after a denial, each with an ephemeral message; nothing runs', async () => {
    // U0LEAD is both on-call and an approver: still not allowed to approve their own request.
    const { requestId, at } = await requestClear('U0LEAD');
    await postAction(bot.baseUrl, { action_id: 'playbook_approve', value: requestId }, { userId: 'U0LEAD', ...at, responseUrl: 'https://hooks.slack.test/actions/own' });
    const own = await bot.http.waitFor((c) => c.url.endsWith('/own') && ephemeral(c));
    expect((own.json as { text: string }).text).toMatch(/You asked for this run, so someone else/);
    await postAction(bot.baseUrl, { action_id: 'playbook_approve', value: requestId }, { userId: 'U0NOBODY', ...at, responseUrl: 'https://hooks.slack.test/actions/outsider' });
    const outsider = await bot.http.waitFor((c) => c.url.endsWith('/outsider') && ephemeral(c));
    expect((outsider.json as { text: string }).text).toMatch(/Only the approvers group .* Nothing ran/);
    await postAction(bot.baseUrl, { action_id: 'playbook_deny', value: requestId }, { userId: 'U0APPROVER', ...at });
    await bot.http.waitFor((c) => isUpdate(c) && blocksOf(c).includes('Denied'));
    await postAction(bot.baseUrl, { action_id: 'playbook_approve', value: requestId }, { userId: 'U0APPROVER', ...at, responseUrl: 'https://hooks.slack.test/actions/late' });
    const late = await bot.http.waitFor((c) => c.url.endsWith('/late') && ephemeral(c));
    expect((late.json as { text: string }).text).toMatch(/already denied by <@U0APPROVER>/);
    expect(await leads()).toBe(7);
  });

  it('20 concurrent Approve clicks and a repeated delivery run the playbook exactly once', async () => {
    const { requestId, at } = await requestClear();
    const clicks = await Promise.all(
      Array.from({ length: 20 }, () => postAction(bot.baseUrl, { action_id: 'playbook_approve', value: requestId }, { userId: 'U0APPROVER', ...at })),
    );
    expect(clicks.every((c) => c.status === 200)).toBe(true);
    await bot.http.waitFor((c) => isUpdate(c) && blocksOf(c).includes('Done'));
    await bot.bot.playbooks.idle();
    await postAction(bot.baseUrl, { action_id: 'playbook_approve', value: requestId }, { userId: 'U0APPROVER', ...at });
    await bot.bot.playbooks.idle();
    const { rows } = await db.pool.query<{ action: string; n: number }>(
      `SELECT action, count(*)::int AS n FROM opsbot.audit_log WHERE detail->>'requestId' = $1 GROUP BY action ORDER BY action`,
      [requestId],
    );
    expect(rows).toEqual([
      { action: 'playbook.approved', n: 1 },
      { action: 'playbook.finished', n: 1 },
      { action: 'playbook.requested', n: 1 },
      { action: 'playbook.started', n: 1 },
    ]);
    expect(await leads()).toBe(1);
  });

  it('bad parameters get a message naming the parameter; nothing is posted or written', async () => {
    const before = (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM opsbot.playbook_requests')).rows[0]!.n;
    const res = await postCommand(bot.baseUrl, '/playbook', `run clear-test-data domain="x'; DROP TABLE public.leads; --"`);
    await settled(bot);
    const reply = bot.http.responses().at(-1);
    const text = (reply?.json as { text?: string } | undefined)?.text ?? JSON.parse(res.body).text;
    expect(text).toMatch(/`domain`: expected a domain name such as test.com/);
    expect(bot.http.calls.some((c) => c.url.endsWith('/chat.postMessage'))).toBe(false);
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM opsbot.playbook_requests');
    expect(rows[0]?.n).toBe(before);
  });

  it('an unknown playbook and a word that is not name=value are answered in the ack', async () => {
    expect(JSON.parse((await postCommand(bot.baseUrl, '/playbook', 'run drop-all')).body).text).toMatch(/no playbook "drop-all".*\/playbook list/);
    expect(JSON.parse((await postCommand(bot.baseUrl, '/playbook', 'run purge-old-interactions 90')).body).text).toMatch(/Write parameters as `name=value`/);
  });

  it('missing required parameters open a form (views.open with the trigger id)', async () => {
    await postCommand(bot.baseUrl, '/playbook', 'run disable-user', { fields: { trigger_id: '1.2.3' } });
    const open = await bot.http.waitFor((c) => c.url.endsWith('/views.open'));
    expect((open.json as { trigger_id: string }).trigger_id).toBe('1.2.3');
    expect(String((open.json as { view: string }).view)).toContain('param_user');
  });

  it('only on-call may request; /playbook list is open to everyone', async () => {
    await postCommand(bot.baseUrl, '/playbook', 'run clear-test-data', { fields: { user_id: 'U0NOBODY' } });
    const refusal = await bot.http.waitFor((c) => c.url === RESPONSE_URL && /on-call/.test(String((c.json as { text?: string }).text)));
    expect((refusal.json as { response_type: string }).response_type).toBe('ephemeral');
    await postCommand(bot.baseUrl, '/playbook', 'list', { fields: { user_id: 'U0NOBODY' } });
    const list = await bot.http.waitFor((c) => c.url === RESPONSE_URL && String((c.json as { blocks?: unknown }).blocks ? JSON.stringify(c.json) : '').includes('kill-idle-connections'));
    expect(JSON.stringify(list.json)).toContain('purge-old-interactions');
  });
});
