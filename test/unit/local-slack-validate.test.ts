// The local stand-in's Block Kit validator against Slack's published limits: each limit is
// accepted at its value and refused one past it, with Slack's error code and a JSON pointer.
import { describe, expect, it } from 'vitest';
import { validateBlocks, validateMessage, validateView } from '../../src/local/slack/validate.js';

const x = (n: number) => 'x'.repeat(n);
const plain = (text: string) => ({ type: 'plain_text', text });
const md = (text: string) => ({ type: 'mrkdwn', text });
const section = (text = 'hi') => ({ type: 'section', text: md(text) });
const button = (extra: Record<string, unknown> = {}) => ({ type: 'button', text: plain('Go'), action_id: 'go', ...extra });
const actions = (...elements: unknown[]) => [{ type: 'actions', elements }];
const confirm = (over: Record<string, unknown> = {}) => ({ title: plain('Sure?'), text: md('Really?'), confirm: plain('Yes'), deny: plain('No'), ...over });
const option = (text: string, value = 'v') => ({ text: plain(text), value });

function refused(v: ReturnType<typeof validateBlocks>, pointer: string, message?: RegExp): void {
  expect(v.ok).toBe(false);
  if (v.ok) return;
  expect(v.error).toBe('invalid_blocks');
  const hit = v.errors.find((e) => e.endsWith(`[json-pointer:${pointer}]`));
  expect(hit, `no error at ${pointer}: ${v.errors.join(' | ')}`).toBeDefined();
  if (message) expect(hit).toMatch(message);
}

describe('message limits', () => {
  it('50 blocks per message, 100 per modal or home', () => {
    expect(validateBlocks(Array.from({ length: 50 }, () => section()))).toEqual({ ok: true });
    refused(validateBlocks(Array.from({ length: 51 }, () => section())), '/blocks', /less than 51 items/);
    expect(validateView({ type: 'modal', title: plain('T'), blocks: Array.from({ length: 100 }, () => section()) })).toEqual({ ok: true });
    expect(validateView({ type: 'home', blocks: Array.from({ length: 101 }, () => section()) }).ok).toBe(false);
  });

  it('section text 1–3000, fields ≤ 10 × 2000, text or fields required', () => {
    expect(validateBlocks([section(x(3000))]).ok).toBe(true);
    refused(validateBlocks([section(x(3001))]), '/blocks/0/text/text', /must be less than 3001 characters/);
    refused(validateBlocks([section('')]), '/blocks/0/text/text', /more than 0/);
    expect(validateBlocks([{ type: 'section', fields: Array.from({ length: 10 }, () => md(x(2000))) }]).ok).toBe(true);
    refused(validateBlocks([{ type: 'section', fields: Array.from({ length: 11 }, () => md('a')) }]), '/blocks/0/fields');
    refused(validateBlocks([{ type: 'section', fields: [md(x(2001))] }]), '/blocks/0/fields/0/text');
    refused(validateBlocks([{ type: 'section' }]), '/blocks/0', /either text or fields/);
  });

  it('header: plain_text only, ≤ 150', () => {
    expect(validateBlocks([{ type: 'header', text: plain(x(150)) }]).ok).toBe(true);
    refused(validateBlocks([{ type: 'header', text: plain(x(151)) }]), '/blocks/0/text/text');
    refused(validateBlocks([{ type: 'header', text: md('*bold*') }]), '/blocks/0/text/type');
  });

  it('context: 1–10 elements of text or image', () => {
    expect(validateBlocks([{ type: 'context', elements: Array.from({ length: 10 }, () => md('a')) }]).ok).toBe(true);
    refused(validateBlocks([{ type: 'context', elements: Array.from({ length: 11 }, () => md('a')) }]), '/blocks/0/elements');
    refused(validateBlocks([{ type: 'context', elements: [] }]), '/blocks/0/elements');
    expect(validateBlocks([{ type: 'context', elements: [{ type: 'image', image_url: 'https://x.test/a.png', alt_text: 'a' }] }]).ok).toBe(true);
  });

  it('actions: 1–25 elements; button text ≤ 75, action_id ≤ 255 and unique in its block, value ≤ 2000, url ≤ 3000, style primary|danger', () => {
    const many = (n: number) => Array.from({ length: n }, (_v, i) => button({ action_id: `a${i}` }));
    expect(validateBlocks(actions(...many(25))).ok).toBe(true);
    refused(validateBlocks(actions(...many(26))), '/blocks/0/elements');
    expect(validateBlocks(actions(button({ text: plain(x(75)), action_id: x(255), value: x(2000), url: `https://a.test/${x(2000)}` }))).ok).toBe(true);
    refused(validateBlocks(actions(button({ text: plain(x(76)) }))), '/blocks/0/elements/0/text/text');
    refused(validateBlocks(actions(button({ action_id: x(256) }))), '/blocks/0/elements/0/action_id');
    refused(validateBlocks(actions(button({ value: x(2001) }))), '/blocks/0/elements/0/value');
    refused(validateBlocks(actions(button({ url: x(3001) }))), '/blocks/0/elements/0/url');
    refused(validateBlocks(actions(button({ style: 'warning' }))), '/blocks/0/elements/0/style');
    refused(validateBlocks(actions(button(), button())), '/blocks/0/elements/1/action_id', /duplicate action_id/);
    // Slack asks for unique action_ids within a block: the same id in two blocks is accepted
    // (the bot's modal names every input "value", each in its own block).
    expect(validateBlocks([...actions(button()), ...actions(button())]).ok).toBe(true);
    refused(validateBlocks(actions(button({ text: md('*go*') }))), '/blocks/0/elements/0/text/type');
  });

  it('confirm dialog: title ≤ 100, text ≤ 300, confirm/deny ≤ 30, all required, style primary|danger', () => {
    expect(validateBlocks(actions(button({ confirm: confirm({ title: plain(x(100)), text: md(x(300)), confirm: plain(x(30)), deny: plain(x(30)), style: 'danger' }) }))).ok).toBe(true);
    refused(validateBlocks(actions(button({ confirm: confirm({ title: plain(x(101)) }) }))), '/blocks/0/elements/0/confirm/title/text');
    refused(validateBlocks(actions(button({ confirm: confirm({ text: md(x(301)) }) }))), '/blocks/0/elements/0/confirm/text/text');
    refused(validateBlocks(actions(button({ confirm: confirm({ confirm: plain(x(31)) }) }))), '/blocks/0/elements/0/confirm/confirm/text');
    refused(validateBlocks(actions(button({ confirm: confirm({ deny: plain(x(31)) }) }))), '/blocks/0/elements/0/confirm/deny/text');
    refused(validateBlocks(actions(button({ confirm: { title: plain('t'), text: md('t'), confirm: plain('y') } }))), '/blocks/0/elements/0/confirm/deny');
  });

  it('options: text ≤ 75, value ≤ 150, ≤ 100 per select, ≤ 10 checkboxes, ≤ 5 overflow', () => {
    const select = (options: unknown[]) => actions({ type: 'static_select', action_id: 's', placeholder: plain('Pick'), options });
    expect(validateBlocks(select(Array.from({ length: 100 }, (_v, i) => option(x(75), `v${i}`)))).ok).toBe(true);
    refused(validateBlocks(select(Array.from({ length: 101 }, (_v, i) => option('a', `v${i}`)))), '/blocks/0/elements/0/options');
    refused(validateBlocks(select([option(x(76))])), '/blocks/0/elements/0/options/0/text/text');
    refused(validateBlocks(select([option('a', x(151))])), '/blocks/0/elements/0/options/0/value');
    const boxes = (n: number) => actions({ type: 'checkboxes', action_id: 'c', options: Array.from({ length: n }, (_v, i) => ({ text: md(`*${i}*`), value: `v${i}` })) });
    expect(validateBlocks(boxes(10)).ok).toBe(true);
    refused(validateBlocks(boxes(11)), '/blocks/0/elements/0/options');
    const overflow = (n: number) => actions({ type: 'overflow', action_id: 'o', options: Array.from({ length: n }, (_v, i) => option('a', `v${i}`)) });
    expect(validateBlocks(overflow(5)).ok).toBe(true);
    refused(validateBlocks(overflow(6)), '/blocks/0/elements/0/options');
  });

  it('image: image_url ≤ 3000 and alt_text ≤ 2000 required; title plain ≤ 2000', () => {
    expect(validateBlocks([{ type: 'image', image_url: `https://a.test/${x(2980)}`, alt_text: x(2000), title: plain(x(2000)) }]).ok).toBe(true);
    refused(validateBlocks([{ type: 'image', image_url: x(3001), alt_text: 'a' }]), '/blocks/0/image_url');
    refused(validateBlocks([{ type: 'image', image_url: 'https://a.test/a.png' }]), '/blocks/0/alt_text');
    refused(validateBlocks([{ type: 'image', image_url: 'https://a.test/a.png', alt_text: x(2001) }]), '/blocks/0/alt_text');
  });

  it('block_id ≤ 255 and unique; unknown block types refused', () => {
    expect(validateBlocks([{ ...section(), block_id: x(255) }]).ok).toBe(true);
    refused(validateBlocks([{ ...section(), block_id: x(256) }]), '/blocks/0/block_id');
    refused(validateBlocks([{ ...section(), block_id: 'a' }, { ...section(), block_id: 'a' }]), '/blocks/1/block_id', /duplicate block_id/);
    refused(validateBlocks([{ type: 'carousel' }]), '/blocks/0/type', /unsupported type/);
  });

  it('rich_text: containers at the top, leaves inside', () => {
    const rt = { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'hi', style: { bold: true } }, { type: 'link', url: 'https://a.test' }] }, { type: 'rich_text_list', style: 'bullet', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'one' }] }] }] };
    expect(validateBlocks([rt]).ok).toBe(true);
    refused(validateBlocks([{ type: 'rich_text', elements: [{ type: 'text', text: 'x' }] }]), '/blocks/0/elements/0/type');
  });

  it('message text: no_text without text or blocks, msg_too_long above 40,000', () => {
    expect(validateMessage({ text: x(40_000) })).toEqual({ ok: true });
    expect(validateMessage({ text: x(40_001) })).toMatchObject({ ok: false, error: 'msg_too_long' });
    expect(validateMessage({})).toMatchObject({ ok: false, error: 'no_text' });
    expect(validateMessage({ text: 'fallback', blocks: [section(x(3001))] })).toMatchObject({ ok: false, error: 'invalid_blocks' });
    // chat.update may change the blocks only.
    expect(validateMessage({ blocks: [section()] }, { requireContent: false })).toEqual({ ok: true });
  });
});

describe('views', () => {
  const input = (el: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'input', block_id: 'in', label: plain('Reason'), element: el, ...extra });
  const modal = (over: Record<string, unknown> = {}) => ({ type: 'modal', title: plain('Run playbook'), submit: plain('Request'), close: plain('Cancel'), blocks: [input({ type: 'plain_text_input', action_id: 'value' })], ...over });

  it('modal title, submit and close ≤ 24; private_metadata ≤ 3000; callback_id ≤ 255', () => {
    expect(validateView(modal({ title: plain(x(24)), submit: plain(x(24)), close: plain(x(24)), private_metadata: x(3000), callback_id: x(255) }))).toEqual({ ok: true });
    for (const [field, over] of [
      ['/view/title/text', { title: plain(x(25)) }],
      ['/view/submit/text', { submit: plain(x(25)) }],
      ['/view/close/text', { close: plain(x(25)) }],
      ['/view/private_metadata', { private_metadata: x(3001) }],
      ['/view/callback_id', { callback_id: x(256) }],
    ] as const) {
      const v = validateView(modal(over));
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.errors.some((e) => e.endsWith(`[json-pointer:${field}]`)), field).toBe(true);
    }
  });

  it('a modal with inputs needs submit; title is required; the view type must fit the method', () => {
    expect(validateView(modal({ submit: undefined }))).toMatchObject({ ok: false, errors: [expect.stringMatching(/must provide submit/)] });
    expect(validateView(modal({ title: undefined })).ok).toBe(false);
    expect(validateView({ type: 'home', blocks: [] }, 'modal')).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(validateView({ type: 'home', blocks: [section()] }, 'home')).toEqual({ ok: true });
  });

  it('inputs: label ≤ 2000, plain_text_input lengths 0–3000, number_input needs is_decimal_allowed, a block problem is invalid_blocks', () => {
    expect(validateView(modal({ blocks: [input({ type: 'plain_text_input', action_id: 'value', multiline: true, min_length: 10, max_length: 3000 }, { label: plain(x(2000)), hint: plain('why') })] })).ok).toBe(true);
    expect(validateView(modal({ blocks: [input({ type: 'plain_text_input', action_id: 'value', max_length: 3001 })] }))).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(validateView(modal({ blocks: [input({ type: 'plain_text_input', action_id: 'v' }, { label: plain(x(2001)) })] })).ok).toBe(false);
    expect(validateView(modal({ blocks: [input({ type: 'number_input', action_id: 'n' })] })).ok).toBe(false);
    expect(validateView(modal({ blocks: [input({ type: 'number_input', action_id: 'n', is_decimal_allowed: false, min_value: '1' })] })).ok).toBe(true);
    expect(validateView(modal({ blocks: [input({ type: 'button', text: plain('x'), action_id: 'b' })] })).ok).toBe(false);
  });
});
