// The bot's own App Home in the page, with the real bot behind it, in a real headless Chromium:
// the on-call responder requests a playbook in #ops; the approver opens the Home tab, sees the
// request waiting for them with Approve / Deny, approves it from Home — the rows are gone from
// the database and the Home tab is republished without it; a manager's Home tab shows the
// operations status and no approval buttons, and the database chart as an image (an upload shown
// by slack_file) that the browser decodes, with its figures as alt text and under it. Nothing the
// bot sent was refused.
/* eslint-disable @typescript-eslint/no-explicit-any -- functions evaluated inside the page, where the DOM types are not loaded (tsconfig has no DOM lib) */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricSampleStore } from '../../src/metrics/samples.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { seedOrg } from '../support/playbooks.js';
import { actAs, hasChromium, launch, NO_CHROMIUM, screenshot, startLocalWorkspace, type, type LocalWorkspace } from './support.js';

let db: TestDatabase;
let ws: LocalWorkspace;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!hasChromium) return;
  db = await createTestDatabase();
  const org = await seedOrg(db.pool);
  await db.pool.query(`INSERT INTO public.leads (organization_id, email) SELECT $1, 'home' || g || '@test.com' FROM generate_series(1, 3) g`, [org]);
  await db.pool.query(`INSERT INTO public.leads (organization_id, email) VALUES ($1, 'customer@example.com')`, [org]);
  // Two hours of the samples the alert evaluation stores: 14 connections, a spike to 47, 3 GiB.
  const samples = createMetricSampleStore(db.pool, 48 * 3_600_000);
  const now = Date.now();
  for (let i = 120; i >= 1; i--) await samples.record({ at: now - i * 60_000, connections: i === 40 ? 47 : 14, maxConnections: 100, dbSizeBytes: 3 * 1024 ** 3 });
  ws = await startLocalWorkspace(db.url);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(ws.standIn.pageUrl);
  await page.waitForSelector('#channels [data-channel="ops"]');
});

afterAll(async () => {
  if (!hasChromium) return;
  await browser?.close();
  await ws?.stop();
  await db?.drop();
});

const leads = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM public.leads')).rows[0]!.n;
const APPROVE = '.home-view [data-action-id="home_playbook_approve"]';

describe('the bot’s App Home in the page', () => {
  it('the approver sees the waiting request on Home and approves it there; Home is republished without it', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    await actAs(page, 'second approver');
    await page.click('#channels [data-channel="ops"]');
    await type(page, '/playbook run clear-test-data domain=test.com');
    await page.locator('.message[data-author="bot"]', { has: page.locator('[data-action-id="playbook_approve"]') }).waitFor();

    await actAs(page, 'approver');
    await page.click('#channels [data-channel="home"]');
    const request = page.locator('.home-view .bk-section', { hasText: 'clear-test-data' }).first();
    await request.waitFor({ timeout: 30_000 });
    expect(await page.locator(APPROVE).count()).toBe(1);
    await screenshot(page, 'app-home', true);

    await page.click(APPROVE);
    if (await page.locator('.confirm-dialog').count()) await page.click('.confirm-dialog [data-confirm="yes"]');
    await expect.poll(leads, { timeout: 30_000 }).toBe(1);
    // Republished for the approver: the request is no longer waiting.
    await page.waitForFunction((sel) => (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } }).document.querySelectorAll(sel).length === 0, APPROVE, { timeout: 30_000 });
    await page.click('#channels [data-channel="ops"]');
    await page.locator('.message[data-author="bot"]', { hasText: 'Done' }).waitFor();
  }, 90_000);

  it('a manager’s Home tab shows the status and no approval buttons', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    await actAs(page, 'manager');
    await page.click('#channels [data-channel="home"]');
    await page.locator('.home-view .bk-header').first().waitFor({ timeout: 30_000 });
    const text = await page.locator('.home-view').innerText();
    expect(text).toMatch(/incident/i);
    expect(await page.locator('.home-view [data-action-id="home_playbook_approve"]').count()).toBe(0);

    // The database chart: the uploaded PNG, decoded by the browser, with the figures.
    const chart = page.locator('.home-view figure.bk-image img');
    await chart.waitFor({ timeout: 30_000 });
    await chart.scrollIntoViewIfNeeded();
    const natural = await chart.evaluate(async (img: any) => {
      await img.decode();
      return { width: img.naturalWidth as number, height: img.naturalHeight as number, src: img.getAttribute('src') as string, alt: img.alt as string };
    });
    expect(natural.width).toBeGreaterThan(600);
    expect(natural.height).toBeGreaterThan(200);
    const fileId = /^\/files\/(F[A-Z0-9]+)\//.exec(natural.src)?.[1];
    expect(ws.standIn.workspace.uploads.get(fileId ?? '')).toMatchObject({ mimetype: 'image/png', channels: [] });
    expect(natural.alt).toContain('Connections: now 14, peak 47');
    expect(natural.alt).toContain('Database size: now 3.00 GiB of the 8.00 GiB limit (37.5 %)');
    expect(await page.locator('.home-view figure.bk-image figcaption').innerText()).toMatch(/^Database: connections and size, 24 h to \d\d:\d\d$/);
    expect(await page.locator('.home-view .bk-context', { hasText: 'Database, last 24 h' }).innerText()).toContain('peak 47');
    await screenshot(page, 'app-home-chart');
  }, 60_000);

  it('nothing the bot sent was refused and nothing rendered as an unknown block', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    expect(ws.standIn.rejections()).toEqual([]);
    expect(await page.locator('.bk-unknown').count()).toBe(0);
  });
});
