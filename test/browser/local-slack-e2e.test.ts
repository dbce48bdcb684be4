// The page that plays Slack, with the real bot behind it: in a real headless Chromium the
// on-call responder types /health in #ops and sees the report, requests a playbook, is refused
// on their own Approve, and the approver approves it — the rows are gone from the database and
// the request message is updated in place. Every payload the bot sent passed the validator.
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
  await db.pool.query(`INSERT INTO public.leads (organization_id, email) SELECT $1, 'e2e' || g || '@test.com' FROM generate_series(1, 4) g`, [org]);
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

describe('the page with the real bot', () => {
  it('/health typed in #ops as the on-call responder shows the report in the channel', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    await actAs(page, 'on-call responder');
    await page.click('#channels [data-channel="ops"]');
    await page.fill('#composer-input', '/hea');
    await page.waitForSelector('.completion-item[data-command="/health"]');
    expect(await page.textContent('.completion-item[data-command="/health"]')).toContain('[db|frontend|edge|auth|backups|outage]');
    await screenshot(page, 'composer-completion');
    await page.fill('#composer-input', '');
    await type(page, '/health');
    const report = page.locator('.message[data-author="bot"]', { has: page.locator('.bk-header') }).first();
    await report.waitFor();
    const text = await report.innerText();
    expect(text).toMatch(/Database/);
    expect(text).toMatch(/Front end|Frontend/i);
    // In the channel, not only for the person who asked.
    expect(await report.evaluate((e: { classList: { contains(c: string): boolean } }) => e.classList.contains('ephemeral'))).toBe(false);
    await screenshot(page, 'health-report', true);
  });

  it('a playbook request: the requester’s own Approve is refused, the approver’s runs it and the message is updated', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    // The second approver is on call too: may request, may approve — but never their own request.
    await actAs(page, 'second approver');
    await type(page, '/playbook run clear-test-data domain=test.com');
    const request = page.locator('.message[data-author="bot"]', { has: page.locator('[data-action-id="playbook_approve"]') });
    await request.waitFor();
    expect(await request.innerText()).toContain('4 leads at test.com');
    await screenshot(page, 'playbook-request');

    // The requester clicks their own Approve: confirm dialog, then a refusal only they see.
    await request.locator('[data-action-id="playbook_approve"]').click();
    await page.click('.confirm-dialog [data-confirm="yes"]');
    const refusal = page.locator('.message.ephemeral', { hasText: 'You asked for this run' });
    await refusal.waitFor();
    expect(await leads()).toBe(5);

    // The approver does not see the requester's ephemeral refusal; their Approve runs it.
    await actAs(page, 'approver');
    await page.waitForFunction(() => !(globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText.includes('You asked for this run'));
    await request.locator('[data-action-id="playbook_approve"]').click();
    await page.click('.confirm-dialog [data-confirm="yes"]');
    const done = page.locator('.message[data-author="bot"]', { hasText: 'Done' });
    await done.waitFor();
    expect(await done.locator('[data-action-id="playbook_approve"]').count()).toBe(0);
    expect(await done.innerText()).toContain('4 row(s)');
    expect(await leads()).toBe(1);
    await screenshot(page, 'playbook-approved', true);
  });

  it('nothing the bot sent was refused and nothing rendered as an unknown block', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    expect(ws.standIn.rejections()).toEqual([]);
    expect(await page.locator('.bk-unknown').count()).toBe(0);
    expect(ws.http.unmatched).toEqual([]);
  });
});
