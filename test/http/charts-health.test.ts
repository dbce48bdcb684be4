// /health db with charts on, through signed Slack requests and the whole bot: samples stored as
// the alert evaluation stores them are drawn as the 24 h chart in the report's thread, with alt
// text giving the figures; without samples, the report alone arrives as before.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetricSampleStore } from '../../src/metrics/samples.js';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { settled } from '../support/settle.js';
import { postCommand, RESPONSE_URL, type RecordedCall } from '../support/slack.js';

let db: TestDatabase;
let bot: TestBot | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE opsbot.metric_samples');
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});
afterAll(async () => {
  await db.drop();
});

const UPLOAD_URL = 'https://files.slack.test/upload/v1/F0DB';
const method = (m: string) => (c: RecordedCall) => c.url.endsWith(`/api/${m}`);
const json = (c: RecordedCall) => c.json as Record<string, unknown>;

describe('/health db with charts', () => {
  it('posts the report and the 24 h connections and size chart in its thread', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { CHARTS_ENABLED: 'true' }) });
    // The last 3 hours, one sample a minute, one spike to 52 connections.
    const store = createMetricSampleStore(db.pool, 48 * 3_600_000);
    const now = Date.now();
    for (let i = 180; i >= 1; i--) await store.record({ at: now - i * 60_000, connections: i === 30 ? 52 : 12, maxConnections: 100, dbSizeBytes: 2 * 1024 ** 3 });
    bot.http
      .slackMethod('files.getUploadURLExternal', { ok: true, upload_url: UPLOAD_URL, file_id: 'F0DB' })
      .on((c) => (c.url === UPLOAD_URL ? new Response('OK') : undefined))
      .slackMethod('files.completeUploadExternal', { ok: true, files: [{ id: 'F0DB', title: 'chart' }] });
    await postCommand(bot.baseUrl, '/health', 'db');
    const done = await bot.http.waitFor(method('files.completeUploadExternal'), 20_000);
    await settled(bot);
    const report = bot.http.calls.find((c) => method('chat.postMessage')(c) && json(c).channel === 'C0OPS')!;
    expect(String(json(report).text)).toMatch(/Database/i);
    const asked = bot.http.calls.find(method('files.getUploadURLExternal'))!;
    expect(json(asked).filename).toBe('db-health.png');
    const alt = String(json(asked).alt_text);
    expect(alt).toMatch(/Charts of 180 database samples/);
    expect(alt).toContain('Connections: now 12, peak 52');
    expect(alt).toContain('1 at or over the critical line');
    expect(alt).toContain('Database size: now 2.00 GiB of the 8.00 GiB limit (25.0 %)');
    expect(json(done)).toMatchObject({ channel_id: 'C0OPS', thread_ts: '1700000000.000001' });
  });

  it('without samples: the report through response_url, no upload', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { CHARTS_ENABLED: 'true' }) });
    await postCommand(bot.baseUrl, '/health', 'db');
    const report = await bot.http.waitFor((c) => c.url === RESPONSE_URL && json(c).response_type === 'in_channel', 20_000);
    await settled(bot);
    expect(JSON.stringify(report.json)).toMatch(/Connections/);
    expect(bot.http.calls.some(method('files.getUploadURLExternal'))).toBe(false);
  });
});
