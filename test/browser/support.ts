// The real bot against the local Slack stand-in, and a real headless Chromium driving the page.
// Slack goes to the stand-in over real HTTP; Supabase and the app URL are answered by a strict
// FakeHttp (healthy). Browser tests skip, saying why, when no Chromium is installed.
/* eslint-disable @typescript-eslint/no-explicit-any -- functions evaluated inside the page, where the DOM types are not loaded (tsconfig has no DOM lib) */
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildBot, type Bot } from '../../src/app/bot.js';
import { loadConfig } from '../../src/app/config.js';
import { systemClock } from '../../src/core/clock.js';
import { createSlackStandIn, type SlackStandIn } from '../../src/local/slack/server.js';
import { LOCAL_USERGROUPS } from '../../src/local/slack/personas.js';
import { healthyUpstreams, SECRET_VALUES } from '../support/bot.js';
import { settled, trackListeners } from '../support/settle.js';
import { FakeHttp } from '../support/slack.js';

export const CHROMIUM = '/usr/bin/chromium';
export const NO_CHROMIUM = `no Chromium at ${CHROMIUM} (install it: apt-get install -y chromium; .ci/run does so as root)`;
export const hasChromium = existsSync(CHROMIUM);
export const MANIFEST = path.resolve('manifest.yml');
export const SCREENSHOTS = path.resolve('.tmp', 'screenshots');

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** A silent logger whose lines are kept (tests may assert on them). */
export function captureLogger(lines: string[]): pino.Logger {
  return pino(
    { level: 'info', base: undefined },
    new Writable({
      write(chunk: Buffer, _e, cb) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        cb();
      },
    }),
  );
}

/** A port nobody listens on right now (the bot's, which the stand-in must know before the bot starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface LocalWorkspace {
  standIn: SlackStandIn;
  bot: Bot;
  http: FakeHttp;
  logs: string[];
  stop(): Promise<void>;
}

/** Starts the stand-in and the whole bot (src/app/bot.ts) wired to it, on `databaseUrl`. */
export async function startLocalWorkspace(databaseUrl: string, manifestPath = MANIFEST): Promise<LocalWorkspace> {
  const logs: string[] = [];
  const botPort = await freePort();
  const standIn = createSlackStandIn({
    botEventsUrl: `http://127.0.0.1:${botPort}/slack/events`,
    signingSecret: SECRET_VALUES.SLACK_SIGNING_SECRET,
    manifestPath,
    logger: captureLogger(logs),
  });
  await standIn.listen(0);
  const http = healthyUpstreams(new FakeHttp());
  const origin = new URL(standIn.apiUrl).origin;
  // Slack calls go to the stand-in for real; everything else to the strict fake.
  const fetchBoth: typeof fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return url.startsWith(`${origin}/`) ? fetch(input, init) : http.fetch(input, init);
  };
  const env = {
    SLACK_BOT_TOKEN: standIn.botToken,
    SLACK_SIGNING_SECRET: SECRET_VALUES.SLACK_SIGNING_SECRET,
    SLACK_API_URL: standIn.apiUrl,
    DATABASE_URL: databaseUrl,
    APP_URL: 'https://app.autorepai.test/',
    SUPABASE_URL: 'https://proj.supabase.test',
    SUPABASE_ANON_KEY: SECRET_VALUES.SUPABASE_ANON_KEY,
    SUPABASE_SERVICE_ROLE_KEY: SECRET_VALUES.SUPABASE_SERVICE_ROLE_KEY,
    ONCALL_USERGROUP_ID: LOCAL_USERGROUPS.oncall,
    APPROVER_USERGROUP_ID: LOCAL_USERGROUPS.approvers,
    LOG_LEVEL: 'info',
    SCHEDULER_ENABLED: 'false',
  };
  const bot = buildBot({
    config: loadConfig(env, 'bot'),
    clock: systemClock,
    fetch: fetchBoth,
    logDestination: new Writable({
      write(chunk: Buffer, _e, cb) {
        logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        cb();
      },
    }),
    botIdentity: { botId: 'B0LOCALBOT', botUserId: standIn.botUserId },
  });
  // So tests can wait until the bot has finished with what the page sent (settled()).
  trackListeners(bot.slack.app);
  await bot.start(botPort);
  return {
    standIn,
    bot,
    http,
    logs,
    async stop() {
      await bot.stop();
      await standIn.close();
    },
  };
}

/**
 * Saves a screenshot under .tmp/screenshots/ (the test artifacts). Those marked for the docs are
 * also written to docs/screenshots/ when OPSBOT_UPDATE_SCREENSHOTS=1, so a plain test run never
 * changes tracked files.
 */
export async function screenshot(page: Page, name: string, docsCopy = false): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  if (docsCopy && process.env.OPSBOT_UPDATE_SCREENSHOTS === '1') {
    mkdirSync(path.resolve('docs', 'screenshots'), { recursive: true });
    await page.screenshot({ path: path.resolve('docs', 'screenshots', `${name}.png`) });
  }
}

/** Acts as a persona in the page (the switcher). */
export async function actAs(page: Page, title: string): Promise<void> {
  const value = await page.$eval('#persona', (sel: { options: ArrayLike<{ textContent: string | null; value: string }> }, t: string) => Array.from(sel.options).find((o) => o.textContent?.endsWith(`— ${t}`))?.value ?? '', title);
  if (!value) throw new Error(`no persona titled ${title}`);
  await page.selectOption('#persona', value);
  // Functions, not strings: the page's CSP forbids eval.
  await page.waitForFunction((v) => (globalThis as any).document.querySelector('#persona').value === v, value);
}

/** Types a line in the composer and sends it. */
export async function type(page: Page, text: string): Promise<void> {
  await page.fill('#composer-input', text);
  await page.press('#composer-input', 'Enter');
}

/** Types a slash command, waits for the bot's ack and then for everything the bot does after it. */
export async function run(page: Page, ws: LocalWorkspace, text: string): Promise<void> {
  const acked = page.waitForResponse((r) => r.url().endsWith('/ui/command'));
  await type(page, text);
  await acked;
  await settled({ bot: ws.bot, http: ws.http }, 20_000);
  // The page has caught up with the stand-in (it follows over Server-Sent Events).
  await page.waitForFunction((v) => Number((globalThis as any).document.body.dataset.version) >= v, ws.standIn.workspace.version);
}
