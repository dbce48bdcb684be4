// The App Home tab of the page, Slack's side of it, in a real headless Chromium: opening the
// Home tab sends the app a signed app_home_opened event; the app answers with views.publish
// (validated as Slack validates it); the page renders the view for that person only; a button
// in it sends block_actions from the home view; a view Slack would refuse is refused and shown.
// The app here is a small stand-in of our own that checks Slack's signature (the bot's Home tab
// is built on another branch; test/browser/local-workspace.test.ts runs the real bot).
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackStandIn, type SlackStandIn } from '../../src/local/slack/server.js';
import { DEFAULT_PERSONAS } from '../../src/local/slack/personas.js';
import { actAs, captureLogger, hasChromium, launch, MANIFEST, NO_CHROMIUM, screenshot } from './support.js';

const SECRET = 'home-tab-signing-secret';
const [ONCALL, APPROVER] = DEFAULT_PERSONAS.map((p) => p.id);

let standIn: SlackStandIn;
let app: http.Server;
let client: webApi.WebClient;
let browser: Browser;
let page: Page;
/** The fields of Slack's payloads this test reads. */
interface Payload {
  type?: string;
  event?: { type: string; user: string; tab?: string };
  user?: { id: string };
  container?: Record<string, unknown>;
  view?: { id: string; type: string };
  actions?: Record<string, unknown>[];
}
const received: { type: string; data: Payload }[] = [];

/** The Home view the app publishes for a person: what Slack's Block Kit allows on a Home tab. */
function homeView(user: string, opened: number) {
  return {
    type: 'home' as const,
    callback_id: 'home',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'AutoRepAi operations' } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `Hello <@${user}>, this is your Home tab (opened ${opened} time${opened === 1 ? '' : 's'}).` },
        accessory: { type: 'button', action_id: 'home.refresh', text: { type: 'plain_text', text: 'Refresh' }, value: 'refresh' },
      },
      { type: 'section', fields: [{ type: 'mrkdwn', text: '*Open incidents*\n0' }, { type: 'mrkdwn', text: '*Approvals waiting for you*\n1' }] },
      { type: 'divider' },
      { type: 'actions', elements: [{ type: 'button', action_id: 'home.health', style: 'primary', text: { type: 'plain_text', text: 'Run /health' }, value: 'health' }] },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Next maintenance: first Sunday 02:00 America/New_York' }] },
    ],
  };
}

function verified(req: http.IncomingMessage, body: string): boolean {
  const ts = String(req.headers['x-slack-request-timestamp']);
  const expected = 'v0=' + crypto.createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex');
  return req.headers['x-slack-signature'] === expected && Math.abs(Date.now() / 1000 - Number(ts)) < 300;
}

beforeAll(async () => {
  if (!hasChromium) return;
  const opened = new Map<string, number>();
  app = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (!verified(req, body)) {
        res.writeHead(401).end();
        return;
      }
      const form = Object.fromEntries(new URLSearchParams(body));
      const data = (req.headers['content-type'] === 'application/json' ? JSON.parse(body) : JSON.parse(form.payload ?? '{}')) as Payload;
      received.push({ type: (data.type === 'event_callback' ? data.event?.type : data.type) ?? '', data });
      res.writeHead(200).end();
      // As a Bolt app does after its ack: publish the opener's Home tab.
      if (data.type === 'event_callback' && data.event?.type === 'app_home_opened') {
        const user = data.event.user;
        opened.set(user, (opened.get(user) ?? 0) + 1);
        void client.views.publish({ user_id: user, view: homeView(user, opened.get(user)!) });
      }
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  standIn = createSlackStandIn({ botEventsUrl: `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/events`, signingSecret: SECRET, manifestPath: MANIFEST, logger: captureLogger([]) });
  await standIn.listen(0);
  client = new webApi.WebClient(standIn.botToken, { slackApiUrl: standIn.apiUrl, retryConfig: { retries: 0 } });
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(standIn.pageUrl);
  await page.waitForSelector('#channels [data-channel="home"]');
});

afterAll(async () => {
  if (!hasChromium) return;
  await browser?.close();
  await standIn?.close();
  await new Promise((resolve) => app?.close(resolve));
});

describe('the App Home tab', () => {
  it('opening it sends app_home_opened; the view the app publishes is rendered for that person', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    await actAs(page, 'on-call responder');
    await page.click('#channels [data-channel="home"]');
    await page.locator('.home-view .bk-header', { hasText: 'AutoRepAi operations' }).waitFor();
    const opened = received.filter((r) => r.type === 'app_home_opened');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.data.event).toMatchObject({ type: 'app_home_opened', user: ONCALL, tab: 'home' });
    const text = await page.innerText('.home-view');
    expect(text).toContain('Hello @dana.oncall, this is your Home tab (opened 1 time).');
    expect(text).toContain('Approvals waiting for you');
    expect(await page.locator('#composer').isHidden()).toBe(true);
    expect(await page.locator('.bk-unknown').count()).toBe(0);
    await screenshot(page, 'app-home', true);
  });

  it('a button in the Home tab sends block_actions from the home view', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    await page.click('.home-view [data-action-id="home.health"]');
    await expect.poll(() => received.filter((r) => r.type === 'block_actions').length).toBe(1);
    const click = received.find((r) => r.type === 'block_actions')!.data;
    expect(click.user?.id).toBe(ONCALL);
    expect(click.container).toMatchObject({ type: 'view', view_id: click.view?.id });
    expect(click.view?.type).toBe('home');
    expect(click.actions?.[0]).toMatchObject({ action_id: 'home.health', value: 'health' });
  });

  it('each person has their own Home tab: another persona opening it gets their own view', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    await actAs(page, 'approver');
    await page.locator('.home-view', { hasText: 'Hello @sam.approver' }).waitFor();
    expect(received.filter((r) => r.type === 'app_home_opened').map((r) => r.data.event?.user)).toEqual([ONCALL, APPROVER]);
    expect(await page.innerText('.home-view')).not.toContain('dana.oncall');
  });

  it('views.publish refuses what Slack refuses (a modal-only field, too many blocks) and the page says so', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    const refused = async (view: unknown) => {
      try {
        await client.views.publish({ user_id: APPROVER!, view: view as never });
      } catch (err) {
        return (err as { data?: { error?: string; errors?: string[] } }).data;
      }
      throw new Error('expected views.publish to be refused');
    };
    expect(await refused({ type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] })).toMatchObject({ error: 'invalid_arguments' });
    const tooMany = await refused({ type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) });
    expect(tooMany?.error).toBe('invalid_blocks');
    expect(await refused({ type: 'home', blocks: [{ type: 'input', label: { type: 'plain_text', text: 'x' } }] })).toMatchObject({ error: 'invalid_blocks' });
    await page.locator('#rejections', { hasText: 'views.publish' }).waitFor();
    // The view already published stays as it was.
    expect(await page.innerText('.home-view')).toContain('Hello @sam.approver');
    await expect(client.views.publish({ user_id: 'U0NOBODY', view: homeView('U0NOBODY', 1) })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
  });
});
