// The page's Block Kit and mrkdwn renderer in a real headless Chromium: what each element looks
// like, that the bot's text can never become markup, confirm dialogs, and the action payloads
// the page builds from clicks, ticks and picks.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- functions evaluated inside the page, where the DOM types are not loaded (tsconfig has no DOM lib) */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackStandIn, type SlackStandIn } from '../../src/local/slack/server.js';
import { captureLogger, hasChromium, launch, MANIFEST, NO_CHROMIUM } from './support.js';

let standIn: SlackStandIn;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!hasChromium) return;
  // No bot: these tests render only (the events URL is never called).
  standIn = createSlackStandIn({ botEventsUrl: 'http://127.0.0.1:9/slack/events', signingSecret: 's', manifestPath: MANIFEST, logger: captureLogger([]) });
  await standIn.listen(0);
  browser = await launch();
  page = await browser.newPage();
  await page.goto(standIn.pageUrl);
  await page.waitForSelector('#channels [data-channel="ops"]');
});

afterAll(async () => {
  if (!hasChromium) return;
  await browser?.close();
  await standIn?.close();
});

/** Renders blocks into #render-root; returns the root's HTML; clicks are kept in window.__actions. */
async function render(blocks: unknown[]): Promise<string> {
  return page.evaluate((b) => {
    const g = globalThis as any;
    const { renderBlocks } = g.localSlack;
    g.__actions = [];
    g.__state = {};
    const ctx = { doc: g.document, userName: (id: string) => ({ U0LOCONCALL: 'dana.oncall' })[id] ?? id, channelName: (id: string) => ({ C0LOCOPS: 'ops' })[id] ?? id, groupName: (id: string) => id, onAction: (a: unknown) => g.__actions.push(a), state: g.__state };
    g.document.querySelector('#render-root')?.remove();
    const root = g.document.createElement('div');
    root.id = 'render-root';
    root.append(renderBlocks(ctx, b));
    g.document.body.append(root);
    return root.innerHTML as string;
  }, blocks);
}
const actions = () => page.evaluate(() => (globalThis as any).__actions as unknown[]);
const state = () => page.evaluate(() => (globalThis as any).__state as unknown);
const md = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text', text });

describe('mrkdwn', () => {
  it('bold, italic, strike, code, pre, quotes, links, mentions and emoji', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    const html = await render([{ type: 'section', text: md('*bold* _it (see max_conn)_ ~gone~ `a*b*c` <https://a.test/x|the link> <@U0LOCONCALL> <#C0LOCOPS> <!here> :white_check_mark: :no_such_emoji:\n&gt; quoted\n```select 1;\n*not bold*```') }]);
    expect(html).toContain('<b>bold</b>');
    expect(html).toContain('<i>it (see max_conn)</i>');
    expect(html).toContain('<s>gone</s>');
    expect(html).toContain('<code>a*b*c</code>');
    expect(html).toMatch(/<a class="link" href="https:\/\/a.test\/x" target="_blank" rel="noopener noreferrer">the link<\/a>/);
    expect(html).toContain('@dana.oncall');
    expect(html).toContain('#ops');
    expect(html).toContain('@here');
    expect(html).toContain('✅');
    expect(html).toContain(':no_such_emoji:');
    expect(html).toContain('<blockquote>quoted</blockquote>');
    expect(html).toContain('<pre>select 1;\n*not bold*</pre>');
  });

  it('the bot’s text never becomes markup: entities decode to text, script and javascript: links stay inert', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    const html = await render([
      { type: 'section', text: md('&lt;img src=x onerror=alert(1)&gt; <javascript:alert(1)|click> <script>x</script>') },
      { type: 'header', text: plain('<b>not bold</b> &amp; co') },
    ]);
    expect(await page.locator('#render-root img, #render-root script, #render-root a').count()).toBe(0);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(await page.textContent('#render-root .bk-header')).toBe('<b>not bold</b> & co');
  });
});

describe('blocks', () => {
  it('header, section with fields and a button accessory, context, divider, image, rich text', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    await render([
      { type: 'header', text: plain('Health: OK') },
      { type: 'section', block_id: 's1', text: md('*Database*'), fields: [md('*Connections*\n6'), md('*Size*\n8 MiB')], accessory: { type: 'button', action_id: 'more', text: plain('More'), value: 'db' } },
      { type: 'context', elements: [md('checked _now_'), { type: 'image', image_url: 'data:image/png;base64,iVBORw0KGgo=', alt_text: 'dot' }] },
      { type: 'divider' },
      { type: 'image', image_url: 'https://img.test/chart.png', alt_text: 'chart', title: plain('Chart') },
      { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'bold', style: { bold: true } }] }, { type: 'rich_text_list', style: 'ordered', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'one' }] }] }, { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'pre' }] }] },
    ]);
    expect(await page.textContent('#render-root .bk-header')).toBe('Health: OK');
    expect(await page.locator('#render-root .bk-field').count()).toBe(2);
    expect(await page.locator('#render-root .bk-context img[alt="dot"]').count()).toBe(1);
    expect(await page.locator('#render-root hr.bk-divider').count()).toBe(1);
    expect(await page.getAttribute('#render-root figure.bk-image img', 'src')).toBe('https://img.test/chart.png');
    expect(await page.locator('#render-root .bk-rich-text b').textContent()).toBe('bold');
    expect(await page.locator('#render-root .bk-rich-text ol li').textContent()).toBe('one');
    await page.click('#render-root [data-action-id="more"]');
    expect(await actions()).toEqual([{ block_id: 's1', action_id: 'more', type: 'button', text: plain('More'), value: 'db' }]);
    expect(await page.locator('#render-root .bk-unknown').count()).toBe(0);
  });

  it('buttons keep their style; a confirm dialog shows its texts and sends the click only on confirm', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    const confirm = { title: plain('Approve this run?'), text: md('It deletes *4* leads.'), confirm: plain('Approve'), deny: plain('Not yet'), style: 'danger' };
    await render([{ type: 'actions', block_id: 'a1', elements: [{ type: 'button', action_id: 'approve', text: plain('Approve'), style: 'primary', value: 'r1', confirm }, { type: 'button', action_id: 'deny', text: plain('Deny'), style: 'danger', value: 'r1' }] }]);
    expect(await page.getAttribute('#render-root [data-action-id="approve"]', 'class')).toBe('bk-button primary');
    expect(await page.getAttribute('#render-root [data-action-id="deny"]', 'class')).toBe('bk-button danger');
    await page.click('#render-root [data-action-id="approve"]');
    expect(await page.textContent('.confirm-dialog h3')).toBe('Approve this run?');
    expect(await page.innerHTML('.confirm-dialog .confirm-text')).toContain('<b>4</b>');
    expect(await page.getAttribute('.confirm-dialog [data-confirm="yes"]', 'class')).toBe('bk-button danger');
    await page.click('.confirm-dialog [data-confirm="no"]');
    expect(await actions()).toEqual([]);
    await page.click('#render-root [data-action-id="approve"]');
    await page.click('.confirm-dialog [data-confirm="yes"]');
    expect(await actions()).toMatchObject([{ action_id: 'approve', value: 'r1', block_id: 'a1' }]);
  });

  it('checkboxes, static selects and overflow menus send what Slack sends', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    const opt = (t: string, v: string) => ({ text: plain(t), value: v });
    await render([
      { type: 'actions', block_id: 'c', elements: [{ type: 'checkboxes', action_id: 'tick', options: [{ text: md('*Revoke sessions*'), value: 'a' }, { text: md('Rotate keys'), value: 'b', description: md('all of them') }], initial_options: [{ text: md('*Revoke sessions*'), value: 'a' }] }] },
      { type: 'section', block_id: 's', text: md('Pick'), accessory: { type: 'static_select', action_id: 'pick', placeholder: plain('Choose'), options: [opt('Edge', 'edge'), opt('Auth', 'auth')] } },
      { type: 'section', block_id: 'o', text: md('More'), accessory: { type: 'overflow', action_id: 'menu', options: [opt('Silence', 'silence')] } },
    ]);
    expect(await page.isChecked('#render-root .bk-checkboxes input[value="a"]')).toBe(true);
    await page.check('#render-root .bk-checkboxes input[value="b"]');
    await page.selectOption('#render-root select[data-action-id="pick"]', { label: 'Auth' });
    await page.click('#render-root .bk-overflow-button');
    await page.click('#render-root .bk-overflow-item');
    expect(await actions()).toEqual([
      { block_id: 'c', action_id: 'tick', type: 'checkboxes', selected_options: [{ text: md('*Revoke sessions*'), value: 'a' }, { text: md('Rotate keys'), value: 'b', description: md('all of them') }] },
      { block_id: 's', action_id: 'pick', type: 'static_select', selected_option: opt('Auth', 'auth') },
      { block_id: 'o', action_id: 'menu', type: 'overflow', selected_option: opt('Silence', 'silence') },
    ]);
  });

  it('modal inputs fill the view state without sending anything; errors show under their block', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    await render([
      { type: 'input', block_id: 'param_minutes', label: plain('minutes'), hint: plain('whole minutes'), element: { type: 'plain_text_input', action_id: 'value', initial_value: '60' } },
      { type: 'input', block_id: 'reason', label: plain('Reason'), optional: true, element: { type: 'plain_text_input', action_id: 'value', multiline: true } },
      { type: 'input', block_id: 'n', label: plain('Count'), element: { type: 'number_input', action_id: 'value', is_decimal_allowed: false } },
      { type: 'input', block_id: 'zone', label: plain('Zone'), element: { type: 'static_select', action_id: 'value', options: [{ text: plain('db'), value: 'db' }] } },
    ]);
    await page.fill('#render-root [data-block-id="reason"] textarea', 'keys leaked');
    await page.fill('#render-root [data-block-id="n"] input', '5');
    await page.selectOption('#render-root [data-block-id="zone"] select', { label: 'db' });
    expect(await actions()).toEqual([]);
    expect(await state()).toEqual({
      param_minutes: { value: { type: 'plain_text_input', value: '60' } },
      reason: { value: { type: 'plain_text_input', value: 'keys leaked' } },
      n: { value: { type: 'number_input', value: '5' } },
      zone: { value: { type: 'static_select', selected_option: { text: plain('db'), value: 'db' } } },
    });
    expect(await page.textContent('#render-root [data-block-id="reason"] .bk-optional')).toBe(' (optional)');
    const shown = await page.evaluate(() => {
      const g = globalThis as any;
      return g.localSlack.showErrors(g.document.querySelector('#render-root'), { param_minutes: 'must be a whole number' });
    });
    expect(shown).toBe(1);
    expect(await page.textContent('#render-root [data-block-id="param_minutes"] .bk-error')).toBe('must be a whole number');
  });

  it('an unknown block or element shows a visible placeholder', async (ctx) => {
    if (!hasChromium) return ctx.skip(NO_CHROMIUM);
    await render([{ type: 'carousel' }, { type: 'actions', elements: [{ type: 'workflow_button', action_id: 'w' }] }]);
    expect(await page.locator('#render-root .bk-unknown').allTextContents()).toEqual(['unknown block: carousel', 'unknown element: workflow_button']);
  });
});
