// Block Kit fidelity of the page: every message and view the bot's HTTP tests produced
// (recorded by test/support/blockkit-recorder.ts into fixtures/blockkit-corpus.json — refresh it with
// scripts/blockkit-corpus.ts after changing what the bot sends — plus any
// fresh recording in $OPSBOT_BLOCKKIT_RECORD) and every one the real bot sends now for each of its
// commands, a modal-driven playbook included, passes Slack's limits (validate.ts) and renders
// without a single "unknown block" placeholder.
/* eslint-disable @typescript-eslint/no-explicit-any -- functions evaluated inside the page, where the DOM types are not loaded (tsconfig has no DOM lib) */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateMessage, validateView } from '../../src/local/slack/validate.js';
import type { BlockKitRecord } from '../support/blockkit-recorder.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { seedOrg } from '../support/playbooks.js';
import { actAs, hasChromium, launch, NO_CHROMIUM, run, screenshot, startLocalWorkspace, type LocalWorkspace } from './support.js';

type Recorded = BlockKitRecord & { test?: string };

function corpus(): Recorded[] {
  const out: Recorded[] = JSON.parse(readFileSync(path.resolve('test/browser/fixtures/blockkit-corpus.json'), 'utf8'));
  const dir = process.env.OPSBOT_BLOCKKIT_RECORD;
  if (dir && existsSync(dir)) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
      for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean)) out.push(JSON.parse(line));
    }
  }
  return out;
}

const verdict = (r: Recorded) => (r.surface === 'message' ? validateMessage(r.payload) : validateView(r.payload, r.surface));

let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!hasChromium) return;
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** Renders each payload's blocks in the page; returns the unknown placeholders per payload index. */
async function unknownsWhenRendered(p: Page, payloads: Recorded[]): Promise<{ index: number; unknown: string[]; blocks: number; rendered: number }[]> {
  return p.evaluate((list) => {
    const g = globalThis as any;
    const ctx = { doc: g.document, userName: (id: string) => id, channelName: (id: string) => id, groupName: (id: string) => id, onAction: () => undefined, state: {} };
    return list.map((r, index) => {
      const blocks = (r.payload as { blocks?: unknown[] }).blocks ?? [];
      const root = g.localSlack.renderBlocks(ctx, blocks);
      return { index, blocks: blocks.length, rendered: root.querySelectorAll('.bk-block').length, unknown: [...root.querySelectorAll('.bk-unknown')].map((e: any) => e.textContent as string) };
    });
  }, payloads);
}

describe('every payload the bot’s tests produced', () => {
  it('passes Slack’s limits and renders with no unknown block', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    const all = corpus();
    // The corpus covers the bot's surfaces; a test over an empty list would prove nothing.
    expect(all.length).toBeGreaterThan(100);
    expect(new Set(all.flatMap((r) => ((r.payload as { blocks?: { type: string }[] }).blocks ?? []).map((b) => b.type)))).toEqual(new Set(['header', 'section', 'context', 'divider', 'actions', 'input']));
    expect(all.filter((r) => r.surface === 'modal').length).toBeGreaterThan(0);
    const refused = all.map((r) => ({ r, v: verdict(r) })).filter((x) => !x.v.ok);
    expect(refused.map((x) => `${x.r.test} ${x.r.via}: ${JSON.stringify(x.v)}`)).toEqual([]);

    const { createSlackStandIn } = await import('../../src/local/slack/server.js');
    const { captureLogger, MANIFEST } = await import('./support.js');
    const standIn = createSlackStandIn({ botEventsUrl: 'http://127.0.0.1:9/slack/events', signingSecret: 's', manifestPath: MANIFEST, logger: captureLogger([]) });
    await standIn.listen(0);
    try {
      page = await browser.newPage();
      await page.goto(standIn.pageUrl);
      await page.waitForSelector('#channels [data-channel="ops"]');
      const results = await unknownsWhenRendered(page, all);
      expect(results.filter((x) => x.unknown.length > 0).map((x) => `${all[x.index]!.test}: ${x.unknown.join(', ')}`)).toEqual([]);
      // Every block became an element: nothing was silently dropped.
      expect(results.filter((x) => x.rendered !== x.blocks)).toEqual([]);
    } finally {
      await page?.close();
      await standIn.close();
    }
  });
});

describe('what the real bot sends now, command by command', () => {
  let db: TestDatabase;
  let ws: LocalWorkspace;

  beforeAll(async () => {
    if (!hasChromium) return;
    db = await createTestDatabase();
    const org = await seedOrg(db.pool);
    await db.pool.query(`INSERT INTO public.leads (organization_id, email) SELECT $1, 'f' || g || '@test.com' FROM generate_series(1, 3) g`, [org]);
    ws = await startLocalWorkspace(db.url);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(ws.standIn.pageUrl);
    await page.waitForSelector('#channels [data-channel="ops"]');
    await actAs(page, 'second approver');
    await page.click('#channels [data-channel="ops"]');
  });
  afterAll(async () => {
    if (!hasChromium) return;
    await page?.close();
    await ws?.stop();
    await db?.drop();
  });

  const COMMANDS = [
    '/ops help',
    '/health db',
    '/slowqueries',
    '/db connections',
    '/db locks',
    '/db long',
    '/db tables',
    '/db indexes',
    '/db cache',
    '/db wraparound',
    '/db migrations',
    '/playbook list',
    '/playbook run clear-test-data domain=test.com',
    '/playbook audit',
    '/lockdown',
    '/maintenance next',
    '/maintenance list',
    '/backup list',
    '/logs summarize file',
    '/health nonsense',
  ];

  it('every command’s replies pass the validator and render with no unknown block', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    for (const command of COMMANDS) {
      const before = ws.standIn.workspace.messages.length;
      await run(page, ws, command);
      // Each command answered something the person can see.
      expect(ws.standIn.workspace.messages.length, command).toBeGreaterThan(before);
    }
    expect(ws.standIn.rejections()).toEqual([]);
    expect(await page.locator('.bk-unknown').count()).toBe(0);
    const withBlocks = ws.standIn.workspace.messages.filter((m) => m.isBot && m.blocks?.length);
    expect(withBlocks.length).toBeGreaterThan(10);
  });

  it('a modal-driven playbook: a missing parameter opens the form, a bad value is shown under its field, Cancel closes it', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    await run(page, ws, '/playbook run disable-user');
    const modal = page.locator('#modal .modal-box');
    await modal.waitFor();
    await screenshot(page, 'playbook-modal', true);
    const field = modal.locator('.bk-input-block').first();
    await field.locator('input, textarea').fill('not a user !!');
    await modal.locator('[data-modal="submit"]').click();
    await field.locator('.bk-error:not([hidden])').waitFor();
    expect(await field.locator('.bk-error').textContent()).not.toBe('');
    expect(await page.locator('.bk-unknown').count()).toBe(0);
    await modal.locator('[data-modal="close"]').click();
    await page.locator('#modal').waitFor({ state: 'hidden' });
    expect(ws.standIn.rejections()).toEqual([]);
  });
});
