// Block Kit validation for the local Slack stand-in: every payload the bot sends is checked
// against Slack's published limits (shared/reference/slack-platform.md §3) for the fields the bot
// uses, and refused the way Slack refuses it — `invalid_blocks` with one message per problem,
// each ending in a JSON pointer ("must be less than 3001 characters [json-pointer:/blocks/0/text/text]").
// No more and no less strict than Slack for those fields: what Slack accepts passes, what it
// rejects fails, so the local workspace never hides a payload production would refuse.

/** Where the blocks go: a message allows 50 blocks, a modal or the Home tab 100. */
export type Surface = 'message' | 'modal' | 'home';

/** The outcome of a validation: Slack's error code and its messages, or nothing wrong. */
export type Verdict = { ok: true } | { ok: false; error: string; errors: string[] };

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collects problems with their JSON pointers while walking a payload. */
class Problems {
  readonly list: string[] = [];
  add(message: string, pointer: string): void {
    this.list.push(`${message} [json-pointer:${pointer}]`);
  }
}

const TEXT_TYPES = ['plain_text', 'mrkdwn'] as const;

interface TextRule {
  max: number;
  /** Only plain_text allowed (headers, buttons, labels, titles). */
  plainOnly?: boolean;
  /** Absent is fine (the caller checks required-ness). */
  required?: boolean;
}

function checkString(p: Problems, v: unknown, ptr: string, max: number, opts: { required?: boolean; min?: number } = {}): void {
  if (v === undefined) {
    if (opts.required) p.add('must provide a string', ptr);
    return;
  }
  if (typeof v !== 'string') {
    p.add('must be a string', ptr);
    return;
  }
  if (v.length > max) p.add(`must be less than ${max + 1} characters`, ptr);
  if (opts.min !== undefined && v.length < opts.min) p.add(`must be more than ${opts.min - 1} characters`, ptr);
}

function checkText(p: Problems, v: unknown, ptr: string, rule: TextRule): void {
  if (v === undefined) {
    if (rule.required) p.add('must provide an object', ptr);
    return;
  }
  if (!isObj(v)) {
    p.add('must provide an object', ptr);
    return;
  }
  const allowed: readonly string[] = rule.plainOnly ? ['plain_text'] : TEXT_TYPES;
  if (typeof v.type !== 'string' || !allowed.includes(v.type)) {
    p.add(`must be one of ${allowed.join(', ')}`, `${ptr}/type`);
    return;
  }
  if (typeof v.text !== 'string') {
    p.add('must provide a string', `${ptr}/text`);
    return;
  }
  if (v.text.length === 0) p.add('must be more than 0 characters', `${ptr}/text`);
  if (v.text.length > rule.max) p.add(`must be less than ${rule.max + 1} characters`, `${ptr}/text`);
  if (v.emoji !== undefined && (v.type !== 'plain_text' || typeof v.emoji !== 'boolean')) p.add('emoji is only allowed as a boolean on plain_text', `${ptr}/emoji`);
  if (v.verbatim !== undefined && (v.type !== 'mrkdwn' || typeof v.verbatim !== 'boolean')) p.add('verbatim is only allowed as a boolean on mrkdwn', `${ptr}/verbatim`);
}

function checkArray(p: Problems, v: unknown, ptr: string, max: number, opts: { min?: number; required?: boolean } = {}): unknown[] {
  if (v === undefined) {
    if (opts.required) p.add('must provide an array', ptr);
    return [];
  }
  if (!Array.isArray(v)) {
    p.add('must provide an array', ptr);
    return [];
  }
  if (v.length > max) p.add(`must be less than ${max + 1} items`, ptr);
  if (opts.min !== undefined && v.length < opts.min) p.add(`must provide at least ${opts.min} item${opts.min === 1 ? '' : 's'}`, ptr);
  return v as unknown[];
}

function checkConfirm(p: Problems, v: unknown, ptr: string): void {
  if (v === undefined) return;
  if (!isObj(v)) {
    p.add('must provide an object', ptr);
    return;
  }
  checkText(p, v.title, `${ptr}/title`, { max: 100, plainOnly: true, required: true });
  checkText(p, v.text, `${ptr}/text`, { max: 300, required: true });
  checkText(p, v.confirm, `${ptr}/confirm`, { max: 30, plainOnly: true, required: true });
  checkText(p, v.deny, `${ptr}/deny`, { max: 30, plainOnly: true, required: true });
  if (v.style !== undefined && v.style !== 'primary' && v.style !== 'danger') p.add('must be one of primary, danger', `${ptr}/style`);
}

function checkOption(p: Problems, v: unknown, ptr: string, opts: { plainOnly: boolean; url?: boolean }): void {
  if (!isObj(v)) {
    p.add('must provide an object', ptr);
    return;
  }
  checkText(p, v.text, `${ptr}/text`, { max: 75, plainOnly: opts.plainOnly, required: true });
  checkString(p, v.value, `${ptr}/value`, 150, { required: true });
  checkText(p, v.description, `${ptr}/description`, { max: 75, plainOnly: opts.plainOnly });
  if (opts.url) checkString(p, v.url, `${ptr}/url`, 3000);
  else if (v.url !== undefined) p.add('url is only allowed on overflow menu options', `${ptr}/url`);
}

function checkOptions(p: Problems, v: unknown, ptr: string, max: number, opts: { plainOnly: boolean; url?: boolean; min?: number; required?: boolean }): void {
  checkArray(p, v, ptr, max, { min: opts.min ?? 1, required: opts.required ?? true }).forEach((o, i) => checkOption(p, o, `${ptr}/${i}`, opts));
}

function checkActionId(p: Problems, el: Json, ptr: string, seen: Set<string>): void {
  checkString(p, el.action_id, `${ptr}/action_id`, 255);
  if (typeof el.action_id === 'string') {
    if (seen.has(el.action_id)) p.add('duplicate action_id', `${ptr}/action_id`);
    seen.add(el.action_id);
  }
}

/** Element types allowed where, for the elements the bot (and the page) use. */
const ACTIONS_ELEMENTS = ['button', 'checkboxes', 'static_select', 'overflow', 'datepicker', 'radio_buttons', 'users_select', 'conversations_select', 'channels_select', 'timepicker'];
const ACCESSORY_ELEMENTS = ['button', 'checkboxes', 'static_select', 'overflow', 'datepicker', 'radio_buttons', 'image', 'users_select', 'conversations_select', 'channels_select', 'timepicker'];
const INPUT_ELEMENTS = ['plain_text_input', 'number_input', 'static_select', 'checkboxes', 'radio_buttons', 'datepicker', 'timepicker', 'users_select', 'conversations_select', 'channels_select', 'email_text_input', 'url_text_input'];

function checkElement(p: Problems, v: unknown, ptr: string, allowed: string[], seen: Set<string>): void {
  if (!isObj(v)) {
    p.add('must provide an object', ptr);
    return;
  }
  const type = v.type;
  if (typeof type !== 'string' || !allowed.includes(type)) {
    p.add(`unsupported type: ${typeof type === 'string' ? type : 'missing'}`, `${ptr}/type`);
    return;
  }
  if (type !== 'image') checkActionId(p, v, ptr, seen);
  checkConfirm(p, v.confirm, `${ptr}/confirm`);
  switch (type) {
    case 'button':
      checkText(p, v.text, `${ptr}/text`, { max: 75, plainOnly: true, required: true });
      checkString(p, v.value, `${ptr}/value`, 2000);
      checkString(p, v.url, `${ptr}/url`, 3000);
      checkString(p, v.accessibility_label, `${ptr}/accessibility_label`, 75);
      if (v.style !== undefined && v.style !== 'primary' && v.style !== 'danger') p.add('must be one of primary, danger', `${ptr}/style`);
      break;
    case 'static_select':
      checkText(p, v.placeholder, `${ptr}/placeholder`, { max: 150, plainOnly: true });
      if (v.option_groups !== undefined) {
        checkArray(p, v.option_groups, `${ptr}/option_groups`, 100, { min: 1 }).forEach((g, i) => {
          const gp = `${ptr}/option_groups/${i}`;
          if (!isObj(g)) return p.add('must provide an object', gp);
          checkText(p, g.label, `${gp}/label`, { max: 75, plainOnly: true, required: true });
          checkOptions(p, g.options, `${gp}/options`, 100, { plainOnly: true });
        });
      } else {
        checkOptions(p, v.options, `${ptr}/options`, 100, { plainOnly: true });
      }
      if (v.initial_option !== undefined) checkOption(p, v.initial_option, `${ptr}/initial_option`, { plainOnly: true });
      break;
    case 'overflow':
      checkOptions(p, v.options, `${ptr}/options`, 5, { plainOnly: true, url: true });
      break;
    case 'checkboxes':
    case 'radio_buttons':
      checkOptions(p, v.options, `${ptr}/options`, 10, { plainOnly: false });
      if (type === 'checkboxes') checkArray(p, v.initial_options, `${ptr}/initial_options`, 10).forEach((o, i) => checkOption(p, o, `${ptr}/initial_options/${i}`, { plainOnly: false }));
      else if (v.initial_option !== undefined) checkOption(p, v.initial_option, `${ptr}/initial_option`, { plainOnly: false });
      break;
    case 'plain_text_input':
      checkText(p, v.placeholder, `${ptr}/placeholder`, { max: 150, plainOnly: true });
      checkString(p, v.initial_value, `${ptr}/initial_value`, 3000);
      for (const k of ['min_length', 'max_length'] as const) {
        const n = v[k];
        if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 3000)) p.add('must be an integer from 0 to 3000', `${ptr}/${k}`);
      }
      if (v.multiline !== undefined && typeof v.multiline !== 'boolean') p.add('must be a boolean', `${ptr}/multiline`);
      break;
    case 'number_input':
      if (typeof v.is_decimal_allowed !== 'boolean') p.add('must provide a boolean', `${ptr}/is_decimal_allowed`);
      checkText(p, v.placeholder, `${ptr}/placeholder`, { max: 150, plainOnly: true });
      for (const k of ['initial_value', 'min_value', 'max_value'] as const) checkString(p, v[k], `${ptr}/${k}`, 3000);
      break;
    case 'image':
      checkImage(p, v, ptr, false);
      break;
    default:
      checkText(p, v.placeholder, `${ptr}/placeholder`, { max: 150, plainOnly: true });
  }
}

function checkImage(p: Problems, v: Json, ptr: string, block: boolean): void {
  if (v.slack_file === undefined) checkString(p, v.image_url, `${ptr}/image_url`, 3000, { required: true, min: 1 });
  checkString(p, v.alt_text, `${ptr}/alt_text`, 2000, { required: true, min: 1 });
  if (block) checkText(p, v.title, `${ptr}/title`, { max: 2000, plainOnly: true });
}

const RICH_TEXT_CONTAINERS = ['rich_text_section', 'rich_text_list', 'rich_text_preformatted', 'rich_text_quote'];
const RICH_TEXT_LEAVES = ['text', 'link', 'emoji', 'user', 'channel', 'usergroup', 'broadcast', 'date', 'color'];

function checkRichText(p: Problems, v: unknown, ptr: string, depth = 0): void {
  checkArray(p, v, ptr, Infinity, { required: true }).forEach((el, i) => {
    const ep = `${ptr}/${i}`;
    if (!isObj(el) || typeof el.type !== 'string') return p.add('must provide an object with a type', ep);
    // The block holds containers; a section, quote or preformatted block holds leaves.
    if (depth === 0 && !RICH_TEXT_CONTAINERS.includes(el.type)) return p.add(`unsupported type: ${el.type}`, `${ep}/type`);
    if (RICH_TEXT_CONTAINERS.includes(el.type)) {
      if (el.type === 'rich_text_list' && el.style !== 'bullet' && el.style !== 'ordered') p.add('must be one of bullet, ordered', `${ep}/style`);
      checkRichText(p, el.elements, `${ep}/elements`, depth + 1);
    } else if (!RICH_TEXT_LEAVES.includes(el.type)) {
      p.add(`unsupported type: ${el.type}`, `${ep}/type`);
    } else if (el.type === 'text' && typeof el.text !== 'string') {
      p.add('must provide a string', `${ep}/text`);
    } else if (el.type === 'link') {
      checkString(p, el.url, `${ep}/url`, 3000, { required: true });
    }
  });
}

const BLOCK_TYPES: Record<Surface, string[]> = {
  message: ['header', 'section', 'context', 'divider', 'actions', 'image', 'rich_text', 'markdown', 'input', 'file', 'video'],
  modal: ['header', 'section', 'context', 'divider', 'actions', 'image', 'rich_text', 'input', 'video'],
  home: ['header', 'section', 'context', 'divider', 'actions', 'image', 'rich_text', 'input', 'video'],
};

function checkBlock(p: Problems, b: unknown, ptr: string, surface: Surface, blockIds: Set<string>): void {
  if (!isObj(b)) return p.add('must provide an object', ptr);
  const type = b.type;
  if (typeof type !== 'string' || !BLOCK_TYPES[surface].includes(type)) return p.add(`unsupported type: ${typeof type === 'string' ? type : 'missing'}`, `${ptr}/type`);
  checkString(p, b.block_id, `${ptr}/block_id`, 255);
  if (typeof b.block_id === 'string') {
    if (blockIds.has(b.block_id)) p.add('duplicate block_id', `${ptr}/block_id`);
    blockIds.add(b.block_id);
  }
  const seen = new Set<string>();
  switch (type) {
    case 'header':
      checkText(p, b.text, `${ptr}/text`, { max: 150, plainOnly: true, required: true });
      break;
    case 'section':
      if (b.text === undefined && b.fields === undefined) p.add('must provide either text or fields', ptr);
      checkText(p, b.text, `${ptr}/text`, { max: 3000 });
      checkArray(p, b.fields, `${ptr}/fields`, 10, { min: 1 }).forEach((f, i) => checkText(p, f, `${ptr}/fields/${i}`, { max: 2000, required: true }));
      if (b.accessory !== undefined) checkElement(p, b.accessory, `${ptr}/accessory`, ACCESSORY_ELEMENTS, seen);
      break;
    case 'context':
      checkArray(p, b.elements, `${ptr}/elements`, 10, { min: 1, required: true }).forEach((e, i) => {
        const ep = `${ptr}/elements/${i}`;
        if (isObj(e) && e.type === 'image') checkImage(p, e, ep, false);
        else checkText(p, e, ep, { max: 3000, required: true });
      });
      break;
    case 'divider':
      break;
    case 'actions':
      checkArray(p, b.elements, `${ptr}/elements`, 25, { min: 1, required: true }).forEach((e, i) => checkElement(p, e, `${ptr}/elements/${i}`, ACTIONS_ELEMENTS, seen));
      break;
    case 'image':
      checkImage(p, b, ptr, true);
      break;
    case 'rich_text':
      checkRichText(p, b.elements, `${ptr}/elements`);
      break;
    case 'markdown':
      checkString(p, b.text, `${ptr}/text`, 12_000, { required: true, min: 1 });
      break;
    case 'input':
      checkText(p, b.label, `${ptr}/label`, { max: 2000, plainOnly: true, required: true });
      checkText(p, b.hint, `${ptr}/hint`, { max: 2000, plainOnly: true });
      if (b.optional !== undefined && typeof b.optional !== 'boolean') p.add('must be a boolean', `${ptr}/optional`);
      if (b.element === undefined) p.add('must provide an object', `${ptr}/element`);
      else checkElement(p, b.element, `${ptr}/element`, INPUT_ELEMENTS, seen);
      break;
    default:
      break;
  }
}

/** Checks a `blocks` array for a surface; problems are added to `p`. */
function checkBlocks(p: Problems, blocks: unknown, surface: Surface, ptr = '/blocks'): void {
  const list = checkArray(p, blocks, ptr, surface === 'message' ? 50 : 100);
  const ids = new Set<string>();
  list.forEach((b, i) => checkBlock(p, b, `${ptr}/${i}`, surface, ids));
}

/** Validates a blocks array as Slack does for `surface`. */
export function validateBlocks(blocks: unknown, surface: Surface = 'message'): Verdict {
  const p = new Problems();
  checkBlocks(p, blocks, surface);
  return p.list.length ? { ok: false, error: 'invalid_blocks', errors: p.list } : { ok: true };
}

/** The message fields Slack checks on chat.postMessage / chat.update / chat.postEphemeral / response_url. */
export interface MessageFields {
  text?: unknown;
  blocks?: unknown;
}

/**
 * Validates a message: `no_text` when it has neither text nor blocks, `msg_too_long` above
 * 40,000 characters of text, `invalid_blocks` for a Block Kit violation.
 */
export function validateMessage(msg: MessageFields, opts: { requireContent?: boolean } = {}): Verdict {
  const hasBlocks = Array.isArray(msg.blocks) && msg.blocks.length > 0;
  const text = msg.text;
  if (opts.requireContent !== false && !hasBlocks && (typeof text !== 'string' || text.trim() === '')) return { ok: false, error: 'no_text', errors: ['must provide text or blocks'] };
  if (text !== undefined && typeof text !== 'string') return { ok: false, error: 'invalid_arguments', errors: ['must be a string [json-pointer:/text]'] };
  if (typeof text === 'string' && text.length > 40_000) return { ok: false, error: 'msg_too_long', errors: ['must be less than 40001 characters [json-pointer:/text]'] };
  if (msg.blocks === undefined) return { ok: true };
  return validateBlocks(msg.blocks, 'message');
}

/**
 * Validates a view for views.open / views.update / views.push (modal) or views.publish (home).
 * Slack answers problems with the view's own fields and its blocks alike as `invalid_arguments`
 * for the view object and `invalid_blocks` for a block; we keep that split.
 */
export function validateView(view: unknown, expected: 'modal' | 'home' | 'any' = 'any'): Verdict {
  const p = new Problems();
  if (!isObj(view)) return { ok: false, error: 'invalid_arguments', errors: ['must provide an object [json-pointer:/view]'] };
  const type = view.type;
  if ((type !== 'modal' && type !== 'home') || (expected !== 'any' && type !== expected)) {
    return { ok: false, error: 'invalid_arguments', errors: [`must be ${expected === 'any' ? 'one of modal, home' : expected} [json-pointer:/view/type]`] };
  }
  if (type === 'modal') {
    checkText(p, view.title, '/view/title', { max: 24, plainOnly: true, required: true });
    checkText(p, view.close, '/view/close', { max: 24, plainOnly: true });
    checkText(p, view.submit, '/view/submit', { max: 24, plainOnly: true });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) p.add('must provide submit when using input blocks', '/view/submit');
    if (view.submit_disabled !== undefined && typeof view.submit_disabled !== 'boolean') p.add('must be a boolean', '/view/submit_disabled');
    if (view.clear_on_close !== undefined && typeof view.clear_on_close !== 'boolean') p.add('must be a boolean', '/view/clear_on_close');
    if (view.notify_on_close !== undefined && typeof view.notify_on_close !== 'boolean') p.add('must be a boolean', '/view/notify_on_close');
  }
  checkString(p, view.private_metadata, '/view/private_metadata', 3000);
  checkString(p, view.callback_id, '/view/callback_id', 255);
  checkString(p, view.external_id, '/view/external_id', 255);
  const viewProblems = p.list.length;
  if (view.blocks === undefined) p.add('must provide an array', '/view/blocks');
  else checkBlocks(p, view.blocks, type, '/view/blocks');
  if (!p.list.length) return { ok: true };
  const error = p.list.length > viewProblems && viewProblems === 0 ? 'invalid_blocks' : 'invalid_arguments';
  return { ok: false, error, errors: p.list };
}
