// /logs summarize with charts on, through signed Slack requests: the summary is posted in the
// channel and the chart goes in its thread with alt text (getUploadURLExternal → upload →
// completeUploadExternal); when Slack refuses the upload, the summary is there all the same and
// the thread says why there is no chart.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { settled } from '../support/settle.js';
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

const LOG_FILE = [
  ...Array.from({ length: 30 }, (_, i) => `2026-11-25T08:0${i % 10}:00Z ERROR ai-chat upstream 429 for request ${i}`),
  ...Array.from({ length: 10 }, (_, i) => `2026-11-25T08:0${i}:30Z INFO ai-chat answered in ${100 + i}ms`),
].join('\n');
const UPLOAD_URL = 'https://files.slack.test/upload/v1/F0CHART';
const method = (m: string) => (c: RecordedCall) => c.url.endsWith(`/api/${m}`);
const json = (c: RecordedCall) => c.json as Record<string, unknown>;

async function botWithFile(): Promise<TestBot> {
  const b = await startTestBot({ env: testEnv(db.url, { CHARTS_ENABLED: 'true' }) });
  b.http
    .slackMethod('files.list', { ok: true, files: [{ name: 'ai-chat.log', size: LOG_FILE.length, url_private_download: 'https://files.slack.test/ai-chat.log' }] })
    .on((c) => (c.url === 'https://files.slack.test/ai-chat.log' ? new Response(LOG_FILE, { headers: { 'content-type': 'text/plain' } }) : undefined));
  return b;
}

describe('/logs summarize file with charts', () => {
  it('posts the summary and uploads the chart in its thread with alt text', async () => {
    bot = await botWithFile();
    bot.http
      .slackMethod('files.getUploadURLExternal', { ok: true, upload_url: UPLOAD_URL, file_id: 'F0CHART' })
      .on((c) => (c.url === UPLOAD_URL && c.method === 'POST' ? new Response('OK - 1234') : undefined))
      .slackMethod('files.completeUploadExternal', { ok: true, files: [{ id: 'F0CHART', title: 'chart' }] });
    await postCommand(bot.baseUrl, '/logs', 'summarize file');
    const done = await bot.http.waitFor(method('files.completeUploadExternal'), 20_000);
    await settled(bot);
    const summary = bot.http.calls.find((c) => method('chat.postMessage')(c) && json(c).channel === 'C0OPS' && !json(c).thread_ts);
    expect(String(json(summary!).text)).toMatch(/offline/i);
    const asked = bot.http.calls.find(method('files.getUploadURLExternal'))!;
    expect(json(asked).filename).toBe('logs-per-minute.png');
    expect(Number(json(asked).length)).toBeGreaterThan(10_000);
    const alt = String(json(asked).alt_text);
    expect(alt).toContain('log lines per minute from 03:00 to 03:10 (America/New_York), log file ai-chat.log: 40 timed lines');
    expect(alt).toContain('T1 (error) "ai-chat upstream 429 for request <NUM>": 30 lines, at most 3 a minute at 03:00');
    expect(alt).toContain('Errors: 30 of 40 lines (75.0 %)');
    const upload = bot.http.calls.find((c) => c.url === UPLOAD_URL)!;
    expect(upload.headers['content-type']).toBe('application/octet-stream');
    // Shared in the summary's thread, in the channel the command came from.
    expect(json(done).channel_id).toBe('C0OPS');
    expect(json(done).thread_ts).toBe('1700000000.000001');
  });

  it('a refused upload still leaves the summary, and the thread says why there is no chart', async () => {
    bot = await botWithFile();
    bot.http.slackMethod('files.getUploadURLExternal', { ok: false, error: 'not_allowed_token_type' });
    await postCommand(bot.baseUrl, '/logs', 'summarize file');
    const note = await bot.http.waitFor((c) => method('chat.postMessage')(c) && Boolean(json(c).thread_ts), 20_000);
    await settled(bot);
    expect(String(json(note).text)).toMatch(/^No chart this time: Slack refused asking Slack where to upload logs-per-minute\.png \(not_allowed_token_type\)/);
    const summary = bot.http.calls.find((c) => method('chat.postMessage')(c) && !json(c).thread_ts)!;
    expect(String(json(summary).text)).toMatch(/offline/i);
    expect(bot.http.calls.some(method('files.completeUploadExternal'))).toBe(false);
  });

  it('CHARTS_ENABLED=false: the summary through response_url as before, no upload', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { CHARTS_ENABLED: 'false' }) });
    bot.http
      .slackMethod('files.list', { ok: true, files: [{ name: 'ai-chat.log', size: LOG_FILE.length, url_private_download: 'https://files.slack.test/ai-chat.log' }] })
      .on((c) => (c.url === 'https://files.slack.test/ai-chat.log' ? new Response(LOG_FILE, { headers: { 'content-type': 'text/plain' } }) : undefined));
    await postCommand(bot.baseUrl, '/logs', 'summarize file');
    const post = await bot.http.waitFor((c) => c.url === RESPONSE_URL && json(c).response_type === 'in_channel', 20_000);
    await settled(bot);
    expect(JSON.stringify(post.json)).toMatch(/offline/i);
    expect(bot.http.calls.some((c) => /files\.(getUploadURLExternal|completeUploadExternal)/.test(c.url))).toBe(false);
  });
});
