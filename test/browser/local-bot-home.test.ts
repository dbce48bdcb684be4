// The bot's own App Home in the page, with the real bot behind it, in a real headless Chromium:
// the on-call responder requests a playbook in #ops; the approver opens the Home tab, sees the
// request waiting for them with Approve / Deny, approves it from Home — the rows are gone from
// the database and the Home tab is republished without it; a manager's Home tab shows the
// operations status and no approval buttons. Nothing the bot sent was refused.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  }, 60_000);

  it('nothing the bot sent was refused and nothing rendered as an unknown block', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    expect(ws.standIn.rejections()).toEqual([]);
    expect(await page.locator('.bk-unknown').count()).toBe(0);
  });
});
