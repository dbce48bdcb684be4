// /health end to end: signed requests to the real receiver, the real database, fake upstreams.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHealthService } from '../../src/health/runner.js';
import type { HealthCheck } from '../../src/health/types.js';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { settled } from '../support/settle.js';
import { FakeHttp, postCommand, RESPONSE_URL } from '../support/slack.js';
import pino from 'pino';
import { systemClock } from '../../src/core/clock.js';

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

interface SlackMessage {
  response_type?: string;
  text?: string;
  blocks?: { type: string; text?: { text: string } }[];
}

describe('/health over signed HTTP', () => {
  it('acks at once with an ephemeral note and posts the full report in the channel via response_url', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    const res = await postCommand(bot.baseUrl, '/health');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ response_type: 'ephemeral', text: 'Running all health checks…' });
    const report = await bot.http.waitFor((c) => c.url === RESPONSE_URL && (c.json as SlackMessage).response_type === 'in_channel');
    const msg = report.json as SlackMessage;
    expect(msg.blocks?.[0]).toMatchObject({ type: 'header' });
    const text = JSON.stringify(msg.blocks);
    for (const title of ['Front end', 'Database', 'Edge function ai-chat', 'Auth']) expect(text).toContain(title);
    expect(text).toContain('Connections');
    expect(msg.blocks?.at(-1)?.type).toBe('context');
    expect(bot.http.unmatched).toEqual([]);
  });

  it('acknowledges before a 5-second check finishes, then delivers the report', async () => {
    let finished = false;
    const slow: HealthCheck = {
      component: 'database',
      title: 'Slow database',
      run: async () => {
        await new Promise((r) => setTimeout(r, 5000));
        finished = true;
        return [{ key: 'ping', label: 'Ping', status: 'ok', value: '5 s', threshold: 'any' }];
      },
    };
    const health = createHealthService({ checks: [slow], clock: systemClock, timeoutMs: 8000, logger: pino({ level: 'silent' }) });
    bot = await startTestBot({ env: testEnv(db.url), health });
    const res = await postCommand(bot.baseUrl, '/health');
    expect(res.status).toBe(200);
    expect(finished).toBe(false);
    const report = await bot.http.waitFor((c) => c.url === RESPONSE_URL && (c.json as SlackMessage).response_type === 'in_channel', 10_000);
    expect(finished).toBe(true);
    expect(JSON.stringify(report.json)).toContain('Slow database');
  });

  it.each([
    ['a forged signature', { secret: 'not-the-signing-secret' }],
    ['a timestamp 6 minutes old', { ts: Math.floor(Date.now() / 1000) - 360 }],
    ['a timestamp 6 minutes in the future', { ts: Math.floor(Date.now() / 1000) + 360 }],
  ])('rejects %s with 401 and runs no handler', async (_name, opts) => {
    let ran = 0;
    const health = createHealthService({
      checks: [{ component: 'database', title: 'x', run: () => (ran++, Promise.resolve([])) }],
      clock: systemClock,
      timeoutMs: 1000,
      logger: pino({ level: 'silent' }),
    });
    bot = await startTestBot({ env: testEnv(db.url), health });
    const res = await postCommand(bot.baseUrl, '/health', '', opts);
    expect(res.status).toBe(401);
    await settled(bot);
    expect(ran).toBe(0);
    expect(bot.http.calls).toEqual([]);
  });

  it('accepts a timestamp within the 5-minute window on either side', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    const now = Math.floor(Date.now() / 1000);
    expect((await postCommand(bot.baseUrl, '/health', 'db', { ts: now + 240 })).status).toBe(200);
    expect((await postCommand(bot.baseUrl, '/health', 'db', { ts: now - 240 })).status).toBe(200);
  });

  it('answers a bad component with an ephemeral usage message and runs nothing', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    const res = await postCommand(bot.baseUrl, '/health', 'dtabase');
    expect(JSON.parse(res.body)).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.parse(res.body).text).toMatch(/don't know the component "dtabase".*\/health db/s);
    await settled(bot);
    expect(bot.http.calls).toEqual([]);
  });

  it('refuses outside the allowed channels with a clear ephemeral message', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { ALLOWED_CHANNEL_IDS: 'C0WARROOM,C0OPS2' }) });
    await postCommand(bot.baseUrl, '/health');
    const reply = await bot.http.waitFor((c) => c.url === RESPONSE_URL && (c.json as SlackMessage).response_type === 'ephemeral' && !!(c.json as SlackMessage).text?.includes('runs only in'));
    expect((reply.json as SlackMessage).text).toContain('<#C0WARROOM>, <#C0OPS2>');
    // The health checks never ran: no probe of the app, the edge function or auth.
    expect(bot.http.calls.some((c) => c.url.includes('supabase.test') || c.url.includes('app.autorepai.test'))).toBe(false);
    const { rows } = await db.pool.query(`SELECT outcome FROM opsbot.audit_log WHERE target = '/health' ORDER BY id DESC LIMIT 1`);
    expect(rows[0]?.outcome).toBe('refused');
  });

  it('during an active lockdown the header and the notification text say so, whatever the status', async () => {
    // An open lockdown as the lockdown service leaves it (its own tests cover getting there).
    await db.pool.query(
      `INSERT INTO opsbot.lockdowns (id, state, reason, channel, started_by, created_at, active_since)
       VALUES (gen_random_uuid(), 'active', 'leaked service key', 'C0WAR', 'U0ONCALL', now(), now())`,
    );
    try {
      bot = await startTestBot({ env: testEnv(db.url) });
      await postCommand(bot.baseUrl, '/health', 'db');
      const report = await bot.http.waitFor((c) => c.url === RESPONSE_URL && (c.json as SlackMessage).response_type === 'in_channel');
      const msg = report.json as SlackMessage;
      const headerText = msg.blocks?.[0]?.text?.text ?? '';
      expect(msg.blocks?.[0]?.type).toBe('header');
      expect(headerText).toMatch(/^:rotating_light: LOCKDOWN ACTIVE — AutoRepAi health: /);
      expect(msg.text).toMatch(/^:rotating_light: LOCKDOWN ACTIVE — AutoRepAi health: /);
      // The full notice, with its reason, right under the header.
      expect(msg.blocks?.[1]?.text?.text).toContain('LOCKDOWN ACTIVE since');
      expect(msg.blocks?.[1]?.text?.text).toContain('leaked service key');
    } finally {
      await db.pool.query(`UPDATE opsbot.lockdowns SET state = 'lifted', lifted_at = now() WHERE state = 'active'`);
    }
  });

  it('records each /health run in the audit log', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    await postCommand(bot.baseUrl, '/health', 'db');
    await bot.http.waitFor((c) => c.url === RESPONSE_URL && (c.json as SlackMessage).response_type === 'in_channel');
    await expect
      .poll(async () => (await db.pool.query<{ actor: string }>(`SELECT actor, outcome, detail->>'component' AS component FROM opsbot.audit_log WHERE target = '/health' AND outcome = 'ok'`)).rows)
      .toContainEqual({ actor: 'U0ONCALL', outcome: 'ok', component: 'database' });
  });
});

describe('/ops help', () => {
  it('lists only what the caller may run in this channel', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    await postCommand(bot.baseUrl, '/ops', 'help');
    const reply = await bot.http.waitFor((c) => c.url === RESPONSE_URL);
    const text = (reply.json as SlackMessage).text ?? '';
    expect(text).toContain('`/health`');
    expect(text).toContain('`/ops help`');
    // U0ONCALL is on call: the on-call commands are listed too; approver-only ones are not.
    expect(text).toContain('`/playbook run kill-idle-connections minutes=60`');
    expect(text).toContain('`/lockdown start leaked service key`');
  });

  it('lists only read-only commands for someone without a role', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    await postCommand(bot.baseUrl, '/ops', 'help', { fields: { user_id: 'U0NOBODY' } });
    const reply = await bot.http.waitFor((c) => c.url === RESPONSE_URL);
    const text = (reply.json as SlackMessage).text ?? '';
    expect(text).toContain('`/health`');
    expect(text).toContain('`/lockdown`');
    expect(text).not.toContain('/playbook run');
    expect(text).not.toContain('/lockdown start');
  });

  it('tells a caller without a role, in a channel where read-only commands are not allowed, that there is nothing to run', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { ALLOWED_CHANNEL_IDS: 'C0WARROOM' }) });
    await postCommand(bot.baseUrl, '/ops', 'help', { fields: { user_id: 'U0NOBODY' } });
    const reply = await bot.http.waitFor((c) => c.url === RESPONSE_URL);
    expect((reply.json as SlackMessage).text).toMatch(/nothing you can run in this channel/);
    expect((reply.json as SlackMessage).text).not.toContain('/health');
  });
});

void FakeHttp;
