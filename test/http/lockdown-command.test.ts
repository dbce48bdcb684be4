// /lockdown through signed Slack requests: status, an approved start, /health's banner, the
// containment checklist, break-glass with its announcement, and the deadline reminders.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { seedBreachFixture } from '../support/lockdown.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { messageOf, type MessageRef } from '../support/request-message.js';
import { postAction, postCommand, postViewSubmission, RESPONSE_URL, type RecordedCall } from '../support/slack.js';

let db: TestDatabase;
let bot: TestBot | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await db.pool.query(`UPDATE opsbot.lockdowns SET state = 'lifted', lifted_at = now() WHERE state IN ('starting', 'active')`);
});
afterAll(async () => {
  await db.drop();
});

// Web API calls carry blocks as a JSON string (form encoded), response_url posts as an array.
const blocksOf = (c: RecordedCall) => {
  const { blocks, text } = c.json as { blocks?: unknown; text?: unknown };
  return (typeof blocks === 'string' ? blocks : JSON.stringify(blocks ?? '')) + (typeof text === 'string' ? text : '');
};
const inChannel = (c: RecordedCall) => c.url === RESPONSE_URL && (c.json as { response_type?: string }).response_type === 'in_channel';

async function requestStart(b: TestBot, user = 'U0ONCALL'): Promise<{ id: string; at: MessageRef }> {
  await postCommand(b.baseUrl, '/lockdown', 'start service-role key pasted in a public gist', { fields: { user_id: user, channel_id: 'C0WAR' } });
  const msg = await b.http.waitFor((c) => c.url.endsWith('/chat.update') && blocksOf(c).includes('playbook_approve'));
  return { id: /"value":"([0-9a-f-]{36})"/.exec(blocksOf(msg))![1]!, at: messageOf(msg) };
}

describe('/lockdown', () => {
  it('shows the state and what a start would revoke', async () => {
    await seedBreachFixture(db.pool, { sessions: 12, legacyTokens: 2, integrationsActive: 3, integrationsInactive: 2 });
    bot = await startTestBot({ env: testEnv(db.url) });
    await postCommand(bot.baseUrl, '/lockdown', '', { fields: { user_id: 'U0NOBODY' } });
    const status = await bot.http.waitFor(inChannel);
    expect(blocksOf(status)).toContain('No lockdown is active');
    expect(blocksOf(status)).toContain('revoke 12 sessions and 2 session-less refresh tokens (14 refresh tokens in all), switch off 3 of 5 integrations');
  });

  it('an approved start revokes everything, posts the checklist, and /health and /lockdown show it', async () => {
    await seedBreachFixture(db.pool, { sessions: 40, integrationsActive: 3, integrationsInactive: 2 });
    bot = await startTestBot({ env: testEnv(db.url) });
    const { id, at } = await requestStart(bot);
    await postAction(bot.baseUrl, { action_id: 'playbook_approve', value: id }, { userId: 'U0APPROVER', ...at });
    const done = await bot.http.waitFor((c) => c.url.endsWith('/chat.update') && blocksOf(c).includes('lockdown active'));
    expect(blocksOf(done)).toContain('40 sessions');
    expect(blocksOf(done)).toContain('Access tokens already issued stay valid until they expire');
    const checklist = bot.http.calls.find((c) => c.url.endsWith('/chat.postMessage') && blocksOf(c).includes('checklist.toggle'));
    expect(checklist && blocksOf(checklist)).toContain('Rotate LOVABLE_API_KEY');
    expect((await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM auth.sessions')).rows[0]?.n).toBe(0);

    await postCommand(bot.baseUrl, '/health', 'db');
    const health = await bot.http.waitFor((c) => inChannel(c) && blocksOf(c).includes('AutoRepAi health'));
    // The notice comes right after the header, before any component.
    expect(JSON.stringify((health.json as { blocks: unknown[] }).blocks[1])).toContain('LOCKDOWN ACTIVE');

    await postCommand(bot.baseUrl, '/lockdown', 'status');
    const status = await bot.http.waitFor((c) => inChannel(c) && blocksOf(c).includes('LOCKDOWN ACTIVE') && blocksOf(c).includes('Timeline'));
    const text = blocksOf(status);
    expect(text).toContain('requested the lockdown');
    expect(text).toContain('<@U0APPROVER> approved');
    expect(text).toContain('revoke sessions: 40');
    expect(text).toContain('Notification deadlines');
    expect(text).toContain('Evidence preserved');
  });

  it('break-glass: the requester self-approves with a reason and the alerts channel is told', async () => {
    await seedBreachFixture(db.pool, { sessions: 3, integrationsActive: 1, integrationsInactive: 0 });
    bot = await startTestBot({ env: testEnv(db.url, { BREAK_GLASS_ENABLED: 'true', ALERTS_CHANNEL_ID: 'C0ALERTS' }) });
    const { id, at } = await requestStart(bot);
    const request = bot.http.calls.find((c) => c.url.endsWith('/chat.update') && blocksOf(c).includes('playbook_approve'))!;
    expect(blocksOf(request)).toContain('playbook_break_glass');
    await postAction(bot.baseUrl, { action_id: 'playbook_break_glass', value: id }, { userId: 'U0ONCALL', ...at });
    const modal = await bot.http.waitFor((c) => c.url.endsWith('/views.open'));
    const meta = JSON.parse(String((JSON.parse(String((modal.json as { view: string }).view)) as { private_metadata: string }).private_metadata)) as object;
    const short = await postViewSubmission(bot.baseUrl, { callback_id: 'playbook_break_glass_reason', private_metadata: JSON.stringify(meta), values: { reason: { value: { value: 'hurry' } } } }, 'U0ONCALL');
    expect(JSON.parse(short.body)).toMatchObject({ response_action: 'errors', errors: { reason: expect.stringMatching(/at least 10 characters/) } });
    await postViewSubmission(
      bot.baseUrl,
      { callback_id: 'playbook_break_glass_reason', private_metadata: JSON.stringify(meta), values: { reason: { value: { value: 'approvers unreachable, data leaving now' } } } },
      'U0ONCALL',
    );
    const announce = await bot.http.waitFor((c) => c.url.endsWith('/chat.postMessage') && (c.json as { channel?: string }).channel === 'C0ALERTS');
    expect(blocksOf(announce)).toMatch(/BREAK-GLASS: <@U0ONCALL> self-approved lockdown-start .* approvers unreachable, data leaving now/);
    await bot.bot.playbooks.idle();
    expect((await bot.bot.lockdown.current())?.breakGlass).toBe(true);
  });

  it('without break-glass the requester is refused and no break-glass button is offered', async () => {
    await seedBreachFixture(db.pool, { sessions: 2, integrationsActive: 0, integrationsInactive: 0 });
    bot = await startTestBot({ env: testEnv(db.url) });
    const { id, at } = await requestStart(bot, 'U0LEAD');
    const request = bot.http.calls.find((c) => c.url.endsWith('/chat.update') && blocksOf(c).includes('playbook_approve'))!;
    expect(blocksOf(request)).not.toContain('playbook_break_glass');
    await postAction(bot.baseUrl, { action_id: 'playbook_approve', value: id }, { userId: 'U0LEAD', ...at, responseUrl: 'https://hooks.slack.test/actions/self' });
    const refused = await bot.http.waitFor((c) => c.url.endsWith('/self'));
    expect((refused.json as { text: string }).text).toMatch(/someone else/);
    expect((await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM auth.sessions')).rows[0]?.n).toBe(2);
  });

  it('posts a due deadline reminder once per interval, and "Mark done" stops it', async () => {
    await seedBreachFixture(db.pool, { sessions: 1, integrationsActive: 0, integrationsInactive: 0 });
    bot = await startTestBot({ env: testEnv(db.url, { ALERTS_CHANNEL_ID: 'C0ALERTS' }) });
    const { id, at } = await requestStart(bot);
    await postAction(bot.baseUrl, { action_id: 'playbook_approve', value: id }, { userId: 'U0APPROVER', ...at });
    await bot.http.waitFor((c) => c.url.endsWith('/chat.update') && blocksOf(c).includes('lockdown active'));
    const lockdownId = (await bot.bot.lockdown.current())!.id;
    // Make the 24 h deadline due now (the bot runs on the real clock here).
    await db.pool.query(`UPDATE opsbot.lockdown_reminders SET due_at = now() - interval '1 minute' WHERE lockdown_id = $1 AND kind = '24h'`, [lockdownId]);
    await bot.bot.tick();
    await bot.bot.tick();
    const reminders = bot.http.calls.filter((c) => c.url.endsWith('/chat.postMessage') && blocksOf(c).includes('lockdown_reminder_done'));
    expect(reminders.map((c) => (c.json as { channel: string }).channel).sort()).toEqual(['C0ALERTS', 'C0WAR']);
    expect(blocksOf(reminders[0]!)).toContain('insurance carrier');
    await postAction(bot.baseUrl, { action_id: 'lockdown_reminder_done', value: `${lockdownId}:24h` }, { userId: 'U0ONCALL', responseUrl: 'https://hooks.slack.test/actions/done' });
    const done = await bot.http.waitFor((c) => c.url.endsWith('/done'));
    expect((done.json as { text: string }).text).toMatch(/marked done by <@U0ONCALL>/);
    const [r] = (await bot.bot.lockdown.reminders(lockdownId)).filter((x) => x.kind === '24h');
    expect(r?.doneBy).toBe('U0ONCALL');
  });
});
