// The App Home's database chart through signed Slack events and the whole bot: with samples
// stored as the alert evaluation stores them, opening the Home tab uploads the /health db chart
// as a private PNG (no channel) and the published view shows it by file id with the figures in
// its alt text and in its text; an unchanged republish reuses the file; new figures upload a new
// one and the file pushed out is deleted; a failed upload, or a view Slack refuses for its image,
// still publishes the Home tab without the image; with charts off there is no image and no
// upload, the figures still in the text.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetricSampleStore } from '../../src/metrics/samples.js';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { decodePng } from '../support/png.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { settled } from '../support/settle.js';
import { jsonResponse, nextTriggerId, sign, type RecordedCall } from '../support/slack.js';

let db: TestDatabase;
let bot: TestBot | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE opsbot.metric_samples, opsbot.home_charts, opsbot.home_viewers');
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});
afterAll(async () => {
  await db.drop();
});

const ENV = { HOME_REPUBLISH_SECONDS: '1' };
const VIEWER = 'U0ONCALL';
const UPLOAD = 'https://files.slack.test/upload/v1/';
const GIB = 1024 ** 3;

interface Block {
  type: string;
  slack_file?: { id?: string };
  alt_text?: string;
  title?: { text: string };
  elements?: { text?: string }[];
}

const isMethod = (m: string) => (c: RecordedCall) => c.url.endsWith(`/api/${m}`);
const form = (c: RecordedCall) => c.json as Record<string, string | undefined>;
const isPublish = (c: RecordedCall) => isMethod('views.publish')(c) && form(c).user_id === VIEWER;
const blocksOf = (c: RecordedCall): Block[] => (JSON.parse(form(c).view ?? '{}') as { blocks: Block[] }).blocks;
const imageOf = (c: RecordedCall) => blocksOf(c).find((b) => b.type === 'image');
const figuresOf = (c: RecordedCall) => blocksOf(c).flatMap((b) => (b.type === 'context' ? (b.elements ?? []).map((e) => e.text ?? '') : [])).find((t) => t.includes('Database, last 24 h'));
const publishes = (b: TestBot) => b.http.calls.filter(isPublish);
const calls = (b: TestBot, m: string) => b.http.calls.filter(isMethod(m));

/** Three hours of samples up to a minute ago, one a minute, 12 connections with one spike to 52, 2 GiB. */
async function seedSamples(now: number): Promise<void> {
  const store = createMetricSampleStore(db.pool, 48 * 3_600_000);
  for (let i = 180; i >= 1; i--) await store.record({ at: now - i * 60_000, connections: i === 30 ? 52 : 12, maxConnections: 100, dbSizeBytes: 2 * GIB });
}

/** Slack telling the bot that VIEWER opened its Home tab (a signed event_callback). */
async function openHome(b: TestBot): Promise<void> {
  const body = JSON.stringify({
    token: 'ignored',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `Ev${nextTriggerId().replace(/\W/g, '')}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_home_opened', user: VIEWER, channel: 'D0ONCALL', tab: 'home', event_ts: '1700000000.000001' },
  });
  const res = await fetch(`${b.baseUrl}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...sign(body) }, body });
  expect(res.status).toBe(200);
}

/** Opens the Home tab and waits for the publish after the `seen` ones that `ready` accepts. */
async function openAndWait(b: TestBot, ready: (c: RecordedCall) => boolean = () => true): Promise<RecordedCall> {
  const seen = publishes(b).length;
  await openHome(b);
  return b.http.waitFor((c) => isPublish(c) && publishes(b).indexOf(c) >= seen && ready(c), 30_000);
}

/** views.publish answered like Slack; files.* like Slack, each upload a new file id F0HOME<n>. */
function slackRoutes(b: TestBot, o: { files: boolean }): void {
  b.http.on((c) => (isMethod('views.publish')(c) ? jsonResponse({ ok: true, view: { id: 'VHOME', type: 'home' } }) : undefined));
  if (!o.files) return;
  let n = 0;
  b.http
    .slackMethod('files.getUploadURLExternal', () => {
      n++;
      return { ok: true, upload_url: `${UPLOAD}F0HOME${n}`, file_id: `F0HOME${n}` };
    })
    .on((c) => (c.url.startsWith(UPLOAD) ? new Response('OK') : undefined))
    .slackMethod('files.completeUploadExternal', (c) => ({ ok: true, files: JSON.parse(form(c).files ?? '[]') as unknown }));
}

describe('the App Home database chart', () => {
  it('shows the uploaded PNG by file id with the figures; reuses it while nothing changed; a new one deletes the one pushed out', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { ...ENV, CHARTS_ENABLED: 'true' }) });
    const b = bot;
    await seedSamples(Date.now());
    slackRoutes(b, { files: true });
    b.http.slackMethod('files.delete', { ok: true });

    const first = await openAndWait(b, (c) => imageOf(c) !== undefined);
    const image = imageOf(first)!;
    expect(image.slack_file).toEqual({ id: 'F0HOME1' });
    for (const text of [image.alt_text!, figuresOf(first)!]) {
      expect(text).toMatch(/Charts of 180 database samples/);
      expect(text).toContain('Connections: now 12, peak 52');
      expect(text).toContain('warning line 40, critical line 50');
      expect(text).toContain('Database size: now 2.00 GiB of the 8.00 GiB limit (25.0 %)');
    }
    expect(image.title!.text).toMatch(/^Database: connections and size, 24 h to \d\d:\d\d$/);
    // Uploaded as a PNG, with its alt text, and shared nowhere (private to the app).
    const asked = calls(b, 'files.getUploadURLExternal');
    expect(asked).toHaveLength(1);
    expect(form(asked[0]!)).toMatchObject({ filename: 'db-health.png' });
    expect(form(asked[0]!).alt_text).toContain('Connections: now 12, peak 52');
    const bytes = b.http.calls.find((c) => c.url === `${UPLOAD}F0HOME1`)!.bytes!;
    const png = decodePng(bytes);
    expect(png.width).toBeGreaterThan(600);
    expect(png.height).toBeGreaterThan(200);
    expect(Number(form(asked[0]!).length)).toBe(bytes.length);
    const complete = form(calls(b, 'files.completeUploadExternal')[0]!);
    expect(complete.channel_id).toBeUndefined();
    expect(JSON.parse(complete.files ?? '[]')).toEqual([{ id: 'F0HOME1', title: image.title!.text }]);

    // Republished with the same samples: the same file, nothing uploaded.
    const again = await openAndWait(b);
    expect(imageOf(again)?.slack_file).toEqual({ id: 'F0HOME1' });
    expect(calls(b, 'files.getUploadURLExternal')).toHaveLength(1);

    // A newer sample over the critical line: a new image at once; the first is kept (views
    // published moments ago show it) until the next one pushes it out.
    const store = createMetricSampleStore(db.pool, 48 * 3_600_000);
    await store.record({ at: Date.now(), connections: 61, maxConnections: 100, dbSizeBytes: 2 * GIB });
    const critical = await openAndWait(b, (c) => imageOf(c)?.slack_file?.id === 'F0HOME2');
    expect(imageOf(critical)!.alt_text).toContain('Connections: now 61, peak 61');
    expect(calls(b, 'files.delete')).toHaveLength(0);
    await store.record({ at: Date.now() + 60_000, connections: 45, maxConnections: 100, dbSizeBytes: 2 * GIB });
    await openAndWait(b, (c) => imageOf(c)?.slack_file?.id === 'F0HOME3');
    await b.bot.home.idle();
    await settled(b);
    expect(calls(b, 'files.delete').map((c) => form(c).file)).toEqual(['F0HOME1']);
    expect(calls(b, 'files.getUploadURLExternal')).toHaveLength(3);
    const row = await db.pool.query<{ file_id: string; previous_file_id: string }>('SELECT file_id, previous_file_id FROM opsbot.home_charts');
    expect(row.rows).toEqual([{ file_id: 'F0HOME3', previous_file_id: 'F0HOME2' }]);
  }, 90_000);

  it('a failed upload still publishes the Home tab, without the image and with the figures, and is logged', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { ...ENV, CHARTS_ENABLED: 'true' }) });
    const b = bot;
    await seedSamples(Date.now());
    slackRoutes(b, { files: false });
    b.http.slackMethod('files.getUploadURLExternal', { ok: false, error: 'missing_scope', needed: 'files:write' });

    const view = await openAndWait(b);
    expect(imageOf(view)).toBeUndefined();
    expect(figuresOf(view)).toContain('Connections: now 12, peak 52');
    expect(JSON.stringify(blocksOf(view))).toContain('Last health check');
    await b.bot.home.idle();
    expect(b.logs.some((l) => l.includes('the Home tab chart was not uploaded'))).toBe(true);
    const row = await db.pool.query<{ file_id: string | null; last_error: string }>('SELECT file_id, last_error FROM opsbot.home_charts');
    expect(row.rows[0]!.file_id).toBeNull();
    expect(row.rows[0]!.last_error).toMatch(/missing_scope/);
    // Not retried on the next publish: the wait after a failure holds every replica off.
    await openAndWait(b);
    expect(calls(b, 'files.getUploadURLExternal')).toHaveLength(1);
  }, 60_000);

  it('a view Slack refuses for its image (a file it cannot show) is published again without it', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { ...ENV, CHARTS_ENABLED: 'true' }) });
    const b = bot;
    await seedSamples(Date.now());
    slackRoutes(b, { files: true });
    b.http.on((c) =>
      isPublish(c) && imageOf(c) ? jsonResponse({ ok: false, error: 'invalid_blocks', errors: ['invalid slack_file [json-pointer:/view/blocks/7/slack_file]'] }) : undefined,
    );
    const view = await openAndWait(b, (c) => imageOf(c) === undefined && publishes(b).some(imageOf));
    expect(figuresOf(view)).toContain('Connections: now 12, peak 52');
    await b.bot.home.idle();
    expect(b.logs.some((l) => l.includes('the Home tab was refused with its image; publishing it without'))).toBe(true);
    const row = await db.pool.query<{ failures: number; published_at: Date | null }>('SELECT failures, published_at FROM opsbot.home_viewers WHERE user_id = $1', [VIEWER]);
    expect(row.rows[0]).toMatchObject({ failures: 0 });
    expect(row.rows[0]!.published_at).not.toBeNull();
  }, 60_000);

  it('with charts off: no image and no upload; the figures are still in the text', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { ...ENV, CHARTS_ENABLED: 'false' }) });
    const b = bot;
    await seedSamples(Date.now());
    slackRoutes(b, { files: false });
    const view = await openAndWait(b);
    await settled(b);
    expect(imageOf(view)).toBeUndefined();
    expect(figuresOf(view)).toContain('Database size: now 2.00 GiB of the 8.00 GiB limit');
    expect(b.http.calls.some((c) => c.url.includes('/api/files.'))).toBe(false);
  }, 60_000);

  it('without samples: no chart and no figures', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { ...ENV, CHARTS_ENABLED: 'true' }) });
    const b = bot;
    slackRoutes(b, { files: false });
    const view = await openAndWait(b);
    expect(imageOf(view)).toBeUndefined();
    expect(figuresOf(view)).toBeUndefined();
  }, 60_000);
});
