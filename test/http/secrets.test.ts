// Secrets never reach logs, Slack payloads or error messages: every secret setting is set to a
// known value, the bot is driven through failures that tend to leak them, and everything it
// wrote or sent is searched for those values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/app/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { createHealthService } from '../../src/health/runner.js';
import { SECRET_VALUES, startTestBot, testEnv } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { postCommand, RESPONSE_URL, type RecordedCall } from '../support/slack.js';
import pino from 'pino';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const secrets = Object.values(SECRET_VALUES);
// A target URL with a password, on a port where nothing listens.
const unreachableTarget = `postgres://opsbot_ro:${SECRET_VALUES.DB_PASSWORD}@127.0.0.1:1/postgres`;

function leaks(text: string): string[] {
  return secrets.filter((s) => text.includes(s) || text.includes(encodeURIComponent(s)));
}

const toSlack = (calls: RecordedCall[]) => calls.filter((c) => c.url.startsWith('https://hooks.slack.test/') || c.url.startsWith('https://slack.test/'));

describe('secret hygiene', () => {
  it('a failing database URL with a password: reported critical, password nowhere', async () => {
    const bot = await startTestBot({
      env: testEnv(unreachableTarget, { STATE_DATABASE_URL: db.url, LOG_LEVEL: 'trace' }),
    });
    try {
      await postCommand(bot.baseUrl, '/health');
      const report = await bot.http.waitFor((c) => c.url === RESPONSE_URL && (c.json as { response_type?: string }).response_type === 'in_channel');
      const text = JSON.stringify(report.json);
      expect(text).toContain('connection refused');
      expect(text).toContain('CRITICAL');
      for (const c of toSlack(bot.http.calls)) expect(leaks(c.body + JSON.stringify(c.headers))).toEqual([]);
      expect(bot.logs.length).toBeGreaterThan(0);
      expect(leaks(bot.logs.join('\n'))).toEqual([]);
    } finally {
      await bot.stop();
    }
  });

  it('an unexpected error carrying secrets: the user gets a reference id, the log the redacted error under it', async () => {
    const health = createHealthService({
      checks: [],
      clock: systemClock,
      timeoutMs: 1000,
      logger: pino({ level: 'silent' }),
    });
    health.run = () =>
      Promise.reject(
        new Error(`driver exploded: ${unreachableTarget} apikey=${SECRET_VALUES.SUPABASE_ANON_KEY} token ${SECRET_VALUES.SLACK_BOT_TOKEN}`),
      );
    const bot = await startTestBot({ env: testEnv(db.url, { LOG_LEVEL: 'trace' }), health });
    try {
      await postCommand(bot.baseUrl, '/health');
      const reply = await bot.http.waitFor((c) => c.url === RESPONSE_URL && /reference/.test(String((c.json as { text?: string }).text)));
      const text = String((reply.json as { text: string }).text);
      const ref = /reference ([A-F0-9]{8})/.exec(text)?.[1];
      expect(ref).toBeDefined();
      expect(reply.json).toMatchObject({ response_type: 'ephemeral' });
      expect(leaks(text)).toEqual([]);
      const logged = bot.logs.map((l) => JSON.parse(l) as { ref?: string; err?: { message: string; stack: string } }).find((l) => l.ref === ref);
      expect(logged?.err?.message).toContain('driver exploded');
      expect(logged?.err?.message).toContain('[REDACTED]');
      expect(leaks(bot.logs.join('\n'))).toEqual([]);
      for (const c of toSlack(bot.http.calls)) expect(leaks(c.body)).toEqual([]);
    } finally {
      await bot.stop();
    }
  });

  it('configuration errors name the setting, never its value', () => {
    let err: unknown;
    try {
      loadConfig({
        ...testEnv(`mysql://u:${SECRET_VALUES.DB_PASSWORD}@h/db`),
        SLACK_BOT_TOKEN: `bad-${SECRET_VALUES.SLACK_BOT_TOKEN}`,
        SUPABASE_ANON_KEY: 'short',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    expect(msg).toContain('DATABASE_URL');
    expect(msg).toContain('SLACK_BOT_TOKEN');
    expect(msg).toContain('SUPABASE_ANON_KEY');
    expect(leaks(msg)).toEqual([]);
    expect(msg).not.toContain('short');
  });
});
