// /logs summarize file through signed Slack requests: a file whose url_private_download names
// another host (or plain http) is refused with a message naming the file and the host, and the
// bot token reaches no host but Slack's, not even through a redirect.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { postCommand, RESPONSE_URL, type RecordedCall } from '../support/slack.js';

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

const LOG_FILE = Array.from({ length: 20 }, (_, i) => `2026-11-25T03:0${i % 10}:00Z ERROR ai-chat upstream 429 attempt ${i}`).join('\n');
const text = (c: RecordedCall) => String((c.json as { text?: string } | undefined)?.text ?? '');
const withToken = (bot: TestBot) => bot.http.calls.filter((c) => /xoxb-/.test(c.headers.authorization ?? '') && !c.url.startsWith('https://slack.test/api/') && !c.url.startsWith('https://files.slack.test/'));

async function summarizeFileAt(url: string, extra?: (b: TestBot) => void): Promise<TestBot> {
  const b = await startTestBot({ env: testEnv(db.url) });
  b.http.slackMethod('files.list', { ok: true, files: [{ name: 'ai-chat.log', size: LOG_FILE.length, url_private_download: url }] });
  extra?.(b);
  await postCommand(b.baseUrl, '/logs', 'summarize file');
  return b;
}

describe('/logs summarize file: the bot token goes only to Slack', () => {
  it.each([
    ['https://collector.evil.example/files-pri/T1-F1/ai-chat.log', /ai-chat\.log.*collector\.evil\.example.*not one of Slack's file hosts/],
    ['http://files.slack.test/files-pri/T1-F1/ai-chat.log', /ai-chat\.log.*http:\/\/.*only over https/],
  ])('refuses %s, with no request carrying the token', async (url, says) => {
    // Answers only if the bot wrongly fetches the file; the test asserts that it never does.
    bot = await summarizeFileAt(url, (b) => b.http.on((c) => (c.url === url ? new Response(LOG_FILE) : undefined), { optional: 'must stay unused' }));
    const reply = await bot.http.waitFor((c) => c.url === RESPONSE_URL && says.test(text(c)), 20_000);
    expect(text(reply)).not.toMatch(/xoxb-/);
    expect(bot.http.calls.filter((c) => c.url === url)).toEqual([]);
    expect(withToken(bot)).toEqual([]);
  });

  it('does not carry the token along a redirect from Slack to another host', async () => {
    const start = 'https://files.slack.test/files-pri/T1-F1/ai-chat.log';
    const elsewhere = 'https://cdn.elsewhere.example/signed/ai-chat.log?sig=abc';
    bot = await summarizeFileAt(start, (b) =>
      b.http
        .on((c) => (c.url === start ? new Response(null, { status: 302, headers: { location: elsewhere } }) : undefined))
        .on((c) => (c.url === elsewhere ? new Response(LOG_FILE, { headers: { 'content-type': 'text/plain' } }) : undefined)),
    );
    await bot.http.waitFor((c) => c.url === RESPONSE_URL && (c.json as { response_type?: string }).response_type === 'in_channel', 20_000);
    expect(bot.http.calls.find((c) => c.url === start)?.headers.authorization).toMatch(/^Bearer xoxb-/);
    const hop = bot.http.calls.find((c) => c.url === elsewhere);
    expect(hop).toBeDefined();
    expect(hop?.headers.authorization).toBeUndefined();
    expect(withToken(bot)).toEqual([]);
  });
});
