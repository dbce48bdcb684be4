// The whole local workspace (src/local/runtime/start.ts) in a real headless Chromium: the Drill
// menu starts the pool-exhaustion drill and times it; an on-call responder requests
// kill-idle-connections, their own Approve is refused, the approver's ends the held sessions
// in the target database, the request message is updated and the drill shows how long it took.
// Then the login-storm drill worked through the disable-user form (a modal-driven playbook),
// and `/logs summarize edge` on the simulated Supabase logs. Screenshots of each are kept in
// .tmp/screenshots (and docs/screenshots with OPSBOT_UPDATE_SCREENSHOTS=1).
/* eslint-disable @typescript-eslint/no-explicit-any -- functions evaluated inside the page, where the DOM types are not loaded (tsconfig has no DOM lib) */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { sql } from '../../src/core/sql.js';
import { ensureLocalDatabases } from '../../src/local/db/seed.js';
import { DRILLS } from '../../src/local/drills/runner.js';
import { startLocalWorkspace, type LocalWorkspace } from '../../src/local/runtime/start.js';
import { settled, trackListeners } from '../support/settle.js';
import { dropDatabase } from '../support/template.js';
import { actAs, hasChromium, launch, NO_CHROMIUM, screenshot, type } from './support.js';

const server = inject('pgServerUrl');
// The test server is shared (max_connections 100) with test files running alongside: the drill
// holds 20 sessions here instead of its 55 (test/db/local-drills.test.ts runs the full size).
const POOL_SESSIONS = 20;
const names = { target: `opsbot_bdrill_${process.pid}_t`, state: `opsbot_bdrill_${process.pid}_s` };

let dir: string;
let ws: LocalWorkspace;
let browser: Browser;
let page: Page;
let targetUrl: string;

beforeAll(async () => {
  if (!hasChromium) return;
  const seeded = await ensureLocalDatabases(server, () => systemClock.monotonic(), names);
  targetUrl = seeded.targetUrl;
  dir = await mkdtemp(path.join(tmpdir(), 'opsbot-bdrill-'));
  ws = await startLocalWorkspace({
    env: { DATABASE_URL: seeded.targetUrl, STATE_DATABASE_URL: seeded.stateUrl, OPSBOT_LOCAL_DIR: dir, SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'warn' },
    clock: systemClock,
    fetch,
    port: 0,
    drillPollMs: 300,
    poolSessions: POOL_SESSIONS,
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

/** Sessions of the API role still connected to the target (the drill's held ones). */
async function heldSessions(): Promise<number> {
  const c = new pg.Client({ connectionString: targetUrl, application_name: 'opsbot-test/count' });
  await c.connect();
  try {
    return (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'autorepai_api' AND datname = current_database()`)).rows[0]!.n;
  } finally {
    await c.end();
  }
}

/** Waits until the bot has finished with what the page sent and the page has caught up. */
async function caughtUp(): Promise<void> {
  await settled({ app: ws.bot.slack.app, idle: () => ws.bot.playbooks.idle() }, 30_000);
  await page.waitForFunction((v) => Number((globalThis as any).document.body.dataset.version) >= v, ws.slack.workspace.version);
}

describe('drills in the page', () => {
  it('the Drill menu lists every drill with its script, starts one and shows it running with a clock', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    await page.click('#drill-menu-button');
    await page.waitForSelector('#drills [data-drill]');
    expect(await page.locator('#drills [data-drill]').count()).toBe(DRILLS.length);
    const pool = page.locator('#drills [data-drill="pool-exhaustion"]');
    expect(await pool.locator('.drill-script code', { hasText: '/playbook run kill-idle-connections minutes=0' }).count()).toBe(1);
    expect(await pool.locator('[data-drill-timing]').innerText()).toBe('not started');
    await pool.locator('[data-drill-action="start"]').click();
    await pool.locator('[data-drill-timing="running"]').waitFor();
    expect(await heldSessions()).toBe(POOL_SESSIONS);
    // The banner over the channel keeps the clock in view while the panel is closed.
    await page.waitForFunction(() => /Connection pool exhausted — running for [1-9]/.test((globalThis as any).document.querySelector('#drill-banner').textContent));
    expect(await pool.locator('[data-drill-action="start"]').isDisabled()).toBe(true);
    await screenshot(page, 'drill-menu', true);
    await page.click('[data-drill-close]');
  });

  it('kill-idle-connections during the drill: refused for the requester, run on the approver’s Approve, sessions gone, drill done', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    // On call and an approver too: the refusal below is the two-person rule, not a missing role.
    await actAs(page, 'second approver');
    await page.click('#channels [data-channel="ops"]');
    await type(page, '/playbook run kill-idle-connections minutes=0');
    await caughtUp();
    const request = page.locator('.message[data-author="bot"]', { has: page.locator('[data-action-id="playbook_approve"]') });
    await request.waitFor();
    expect(await request.innerText()).toContain(`${POOL_SESSIONS} sessions idle`);
    await screenshot(page, 'drill-kill-idle-request');

    // The requester's own Approve: confirm dialog, then a refusal only they see; nothing ended.
    await request.locator('[data-action-id="playbook_approve"]').click();
    await page.click('.confirm-dialog [data-confirm="yes"]');
    await page.locator('.message.ephemeral', { hasText: 'You asked for this run' }).waitFor();
    await caughtUp();
    expect(await heldSessions()).toBe(POOL_SESSIONS);

    await actAs(page, 'approver');
    await request.locator('[data-action-id="playbook_approve"]').click();
    await page.click('.confirm-dialog [data-confirm="yes"]');
    await caughtUp();
    const done = page.locator('.message[data-author="bot"]', { hasText: 'Done' });
    await done.waitFor();
    expect(await done.locator('[data-action-id="playbook_approve"]').count()).toBe(0);
    expect(await heldSessions()).toBe(0);

    // The drill sees the sessions gone (its poll) and shows the responder's time.
    await page.click('#drill-menu-button');
    const timing = page.locator('#drills [data-drill="pool-exhaustion"] [data-drill-timing="finished"]');
    await timing.waitFor();
    expect(await timing.innerText()).toMatch(/^done in \d+ (s|min \d\d s): the held sessions are gone$/);
    expect(await page.locator('#drill-banner').isHidden()).toBe(true);
    await screenshot(page, 'drill-kill-idle-done', true);
    // Finished, not yet put back: Reset, then Start again.
    const pool = page.locator('#drills [data-drill="pool-exhaustion"]');
    expect(await pool.locator('[data-drill-action="start"]').isDisabled()).toBe(true);
    await pool.locator('[data-drill-action="reset"]').click();
    await page.waitForFunction(() => !(globalThis as any).document.querySelector('#drills [data-drill="pool-exhaustion"] [data-drill-action="start"]').disabled);
    expect(await pool.locator('[data-drill-action="reset"]').isDisabled()).toBe(true);
    expect(ws.slack.rejections()).toEqual([]);
    expect(await page.locator('.bk-unknown').count()).toBe(0);
    await page.click('[data-drill-close]');
  }, 90_000);

  it('a modal-driven playbook in the login-storm drill: the form, a bad value under its field, the request, the approval, the account banned', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    await ws.drills.start('login-storm');
    const c = new pg.Client({ connectionString: targetUrl });
    await c.connect();
    const banned = async (id: string) => (await c.query<{ b: boolean }>(`SELECT banned_until > now() AS b FROM auth.users WHERE id = $1`, [id])).rows[0]?.b === true;
    try {
      const { rows } = await c.query<{ id: string; email: string }>(sql('local/drills/storm-target'));
      const victim = rows[0]!;
      await actAs(page, 'on-call responder');
      await page.click('#channels [data-channel="ops"]');
      // No user given: the playbook's form opens instead of a request.
      await type(page, '/playbook run disable-user');
      const modal = page.locator('#modal .modal-box');
      await modal.waitFor();
      expect(await modal.getAttribute('data-callback-id')).toBe('playbook_params');
      await screenshot(page, 'playbook-modal-form', true);
      const field = modal.locator('.bk-input-block').first();
      await field.locator('input, textarea').fill('not a user !!');
      await modal.locator('[data-modal="submit"]').click();
      await field.locator('.bk-error:not([hidden])').waitFor();
      expect(await field.locator('.bk-error').textContent()).toMatch(/uuid|UUID|id/);
      await screenshot(page, 'playbook-modal-error', true);
      expect(await banned(victim.id)).toBe(false);

      await field.locator('input, textarea').fill(victim.id);
      await modal.locator('[data-modal="submit"]').click();
      await page.locator('#modal').waitFor({ state: 'hidden' });
      await caughtUp();
      const request = page.locator('.message[data-author="bot"]', { hasText: `disable ${victim.email}` }).filter({ has: page.locator('[data-action-id="playbook_approve"]') });
      await request.waitFor();
      await screenshot(page, 'playbook-modal-request', true);

      await actAs(page, 'approver');
      await request.locator('[data-action-id="playbook_approve"]').click();
      await page.click('.confirm-dialog [data-confirm="yes"]');
      await caughtUp();
      await page.locator('.message[data-author="bot"]', { hasText: `disable ${victim.email}` }).filter({ hasText: 'Done' }).waitFor();
      expect(await banned(victim.id)).toBe(true);
      await page.click('#drill-menu-button');
      await page.locator('#drills [data-drill="login-storm"] [data-drill-timing="finished"]').waitFor();
      await screenshot(page, 'playbook-modal-approved', true);
      await page.click('[data-drill-close]');
    } finally {
      await ws.drills.reset('login-storm');
      await c.end();
    }
    expect(ws.slack.rejections()).toEqual([]);
  }, 90_000);

  it('/logs summarize edge on the simulated Supabase logs: the offline summary, labelled, in the channel', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    await actAs(page, 'on-call responder');
    await page.click('#channels [data-channel="ops"]');
    await type(page, '/logs summarize edge 1h');
    await caughtUp();
    const summary = page.locator('.message[data-author="bot"]', { hasText: 'Offline summary, no AI' }).last();
    await summary.waitFor();
    expect(await summary.innerText()).toMatch(/functions\/v1\/ai-chat|Chat request for dealership|Gemini answered/);
    await summary.scrollIntoViewIfNeeded();
    await screenshot(page, 'logs-summarize-edge', true);
    expect(ws.slack.rejections()).toEqual([]);
    expect(await page.locator('.bk-unknown').count()).toBe(0);
  }, 60_000);
});
