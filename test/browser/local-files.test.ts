// Pictures and files in the local workspace (src/local/runtime/start.ts) in a real headless
// Chromium: `/logs summarize` puts its chart in the summary's thread, shown as a decoded image
// with its alt text; `/slowqueries total 200` answers with the top findings and sends the whole
// report to the caller's direct message with the bot, as Markdown, CSV and JSON files and the
// chart, in a thread. Screenshots in .tmp/screenshots (docs/screenshots with OPSBOT_UPDATE_SCREENSHOTS=1).
/* eslint-disable @typescript-eslint/no-explicit-any -- functions evaluated inside the page, where the DOM types are not loaded (tsconfig has no DOM lib) */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { ensureLocalDatabases } from '../../src/local/db/seed.js';
import { startLocalWorkspace, type LocalWorkspace } from '../../src/local/runtime/start.js';
import { settled, trackListeners } from '../support/settle.js';
import { dropDatabase } from '../support/template.js';
import { actAs, hasChromium, launch, NO_CHROMIUM, screenshot, type } from './support.js';

const server = inject('pgServerUrl');
const names = { target: `opsbot_bfiles_${process.pid}_t`, state: `opsbot_bfiles_${process.pid}_s` };

let dir: string;
let ws: LocalWorkspace;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!hasChromium) return;
  const seeded = await ensureLocalDatabases(server, () => systemClock.monotonic(), names);
  // Enough distinct statements on the target for a report longer than a message (> 10 findings).
  const c = new pg.Client({ connectionString: seeded.targetUrl, application_name: 'opsbot-test/statements' });
  await c.connect();
  try {
    for (let i = 0; i < 30; i++) await c.query(`SELECT count(*) FROM generate_series(1, ${1000 + i}) AS g${i}`);
  } finally {
    await c.end();
  }
  dir = await mkdtemp(path.join(tmpdir(), 'opsbot-bfiles-'));
  ws = await startLocalWorkspace({
    env: { DATABASE_URL: seeded.targetUrl, STATE_DATABASE_URL: seeded.stateUrl, OPSBOT_LOCAL_DIR: dir, SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'warn' },
    clock: systemClock,
    fetch,
    port: 0,
    logDestination: new Writable({ write: (_c, _e, cb) => cb() }),
  });
  trackListeners(ws.bot.slack.app);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(ws.url);
  await page.waitForSelector('#channels [data-channel="ops"]');
}, 120_000);

afterAll(async () => {
  if (!hasChromium) return;
  await browser?.close();
  await ws?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  for (const n of [names.target, names.state]) await dropDatabase(server, n).catch(() => undefined);
});

/** Waits until the bot has finished with what the page sent and the page has caught up. */
async function caughtUp(): Promise<void> {
  await settled({ app: ws.bot.slack.app, idle: () => ws.bot.playbooks.idle() }, 60_000);
  await page.waitForFunction((v) => Number((globalThis as any).document.body.dataset.version) >= v, ws.slack.workspace.version);
}

/** The images of the open thread pane: decoded size and the alt and title attributes. */
function threadImages(): Promise<{ naturalWidth: number; naturalHeight: number; alt: string; title: string }[]> {
  return page.$$eval('#thread img.file-image-img', (imgs: any[]) => imgs.map((i) => ({ naturalWidth: i.naturalWidth, naturalHeight: i.naturalHeight, alt: i.alt, title: i.title })));
}

/** Waits until every image of the thread pane has loaded (or failed). */
async function imagesLoaded(): Promise<void> {
  await page.waitForFunction(() => {
    const imgs = [...(globalThis as any).document.querySelectorAll('#thread img.file-image-img')];
    return imgs.length > 0 && imgs.every((i: any) => i.complete);
  });
}

describe('pictures and files in the page', () => {
  it('/logs summarize: the chart is an image in the summary thread, decoded, with its alt text', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    await actAs(page, 'on-call responder');
    await page.click('#channels [data-channel="ops"]');
    await type(page, '/logs summarize');
    await caughtUp();
    const stored = [...ws.slack.workspace.uploads.values()].find((f) => f.mimetype === 'image/png' && f.complete);
    expect(stored, 'the bot uploaded its chart as a PNG').toBeDefined();
    expect(stored!.altText).toMatch(/\d/);
    const summary = page.locator('#messages .message[data-author="bot"]', { has: page.locator('.thread-link') }).last();
    await summary.locator('.thread-link').click();
    await page.waitForSelector('#thread img.file-image-img');
    await imagesLoaded();
    const [img] = await threadImages();
    expect(img!.naturalWidth).toBeGreaterThan(0);
    expect(img!.naturalWidth).toBe(stored!.width);
    expect(img!.naturalHeight).toBe(stored!.height);
    expect(img!.alt).toBe(stored!.altText);
    expect(img!.title).toBe(stored!.altText);
    // The chart is not shown as text in the channel itself.
    expect(await page.locator('#messages img.file-image-img').count()).toBe(0);
    await page.locator('#thread img.file-image-img').scrollIntoViewIfNeeded();
    await screenshot(page, 'charts-in-thread', true);
    expect(ws.slack.rejections()).toEqual([]);
  }, 90_000);

  it('/slowqueries total 200: the top findings where asked, the full report as files in the DM thread', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    await page.click('#channels [data-channel="ops"]');
    await type(page, '/slowqueries total 200');
    await caughtUp();
    await page.locator('#messages .message', { hasText: 'The full report (Markdown, CSV and JSON) is in your direct messages with me.' }).last().waitFor();
    await page.click('#channels [data-channel="dm"]');
    expect(await page.locator('#channel-title').innerText()).toBe((await page.locator('#channels [data-channel="dm"]').innerText()).replace(/^🤖\s*/, ''));
    const head = page.locator('#messages .message[data-author="bot"]', { hasText: 'Full report of' }).last();
    await head.locator('.thread-link').click();
    await page.waitForSelector('#thread a.file');
    const files: { name: string; href: string; text: string }[] = await page.$$eval('#thread a.file', (as: any[]) => as.map((a) => ({ name: String(a.getAttribute('download')), href: String(a.getAttribute('href')), text: String(a.textContent) })));
    const reports = files.map((f) => f.name).sort();
    expect(reports).toHaveLength(3);
    expect(reports.map((n) => path.extname(n))).toEqual(['.csv', '.json', '.md']);
    for (const f of files) expect(f.text).toMatch(/\d+(\.\d)? (B|KB|MB)/);
    // The links download the bytes with their real type.
    const md = files.find((f) => f.name.endsWith('.md'))!;
    const res = await fetch(new URL(md.href, ws.url));
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(await res.text()).toMatch(/generate_series/);
    await imagesLoaded();
    const [chart] = await threadImages();
    expect(chart!.naturalWidth).toBeGreaterThan(0);
    expect(chart!.alt).toMatch(/\d/);
    await screenshot(page, 'report-files-in-dm', true);
    // Another person sees neither the DM nor its files.
    await actAs(page, 'manager');
    await page.waitForFunction(() => !(globalThis as any).document.body.textContent.includes('Full report of'));
    expect(ws.slack.rejections()).toEqual([]);
  }, 120_000);
});
