// Block Kit to DOM, for messages, modals and the Home tab. Every string from the bot goes
// through text nodes (mrkdwn.js); nothing is parsed as HTML. A block or element this renderer
// does not know shows a visible "unknown block: <type>" placeholder (the tests assert none).
import { mrkdwn, plain, safeHref } from './mrkdwn.js';

function el(doc, tag, cls, children) {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  for (const c of children || []) if (c) e.append(c);
  return e;
}

/** A text object (plain_text or mrkdwn). */
export function textObject(ctx, t, tag = 'span') {
  if (!t || typeof t !== 'object') return ctx.doc.createTextNode('');
  return t.type === 'mrkdwn' ? mrkdwn(ctx.doc, t.text ?? '', ctx, tag) : plain(ctx.doc, t.text ?? '', ctx, tag);
}

function unknown(ctx, what, type) {
  const e = el(ctx.doc, 'div', 'bk-unknown', [ctx.doc.createTextNode(`unknown ${what}: ${type}`)]);
  e.dataset.unknown = String(type);
  return e;
}

/** Sets the value of an input in the surface's state (block_id → action_id → value). */
function setState(ctx, blockId, actionId, value) {
  if (!ctx.state) return;
  ctx.state[blockId] = ctx.state[blockId] || {};
  ctx.state[blockId][actionId] = value;
}

function optionValue(o) {
  return { text: o.text, value: o.value, ...(o.description ? { description: o.description } : {}) };
}

/** Asks the person to confirm (Slack's confirm dialog); resolves true on confirm. */
export function confirmDialog(ctx, confirm) {
  const doc = ctx.doc;
  return new Promise((resolve) => {
    const ok = el(doc, 'button', `bk-button ${confirm.style === 'danger' ? 'danger' : 'primary'}`, [plain(doc, confirm.confirm?.text ?? 'Yes', ctx)]);
    const no = el(doc, 'button', 'bk-button', [plain(doc, confirm.deny?.text ?? 'Cancel', ctx)]);
    ok.dataset.confirm = 'yes';
    no.dataset.confirm = 'no';
    const box = el(doc, 'div', 'confirm-dialog', [
      el(doc, 'h3', null, [plain(doc, confirm.title?.text ?? 'Are you sure?', ctx)]),
      el(doc, 'div', 'confirm-text', [textObject(ctx, confirm.text)]),
      el(doc, 'div', 'confirm-buttons', [no, ok]),
    ]);
    const overlay = el(doc, 'div', 'confirm-overlay', [box]);
    const done = (v) => {
      overlay.remove();
      resolve(v);
    };
    ok.addEventListener('click', () => done(true));
    no.addEventListener('click', () => done(false));
    doc.body.append(overlay);
    ok.focus();
  });
}

async function fire(ctx, element, blockId, action) {
  if (element.confirm && !(await confirmDialog(ctx, element.confirm))) return;
  ctx.onAction?.({ block_id: blockId, action_id: element.action_id, type: element.type, ...action });
}

function button(ctx, b, blockId) {
  const e = el(ctx.doc, 'button', `bk-button${b.style ? ' ' + b.style : ''}`, [plain(ctx.doc, b.text?.text ?? '', ctx)]);
  e.type = 'button';
  e.dataset.actionId = b.action_id ?? '';
  if (b.accessibility_label) e.setAttribute('aria-label', b.accessibility_label);
  e.addEventListener('click', () => {
    const href = b.url ? safeHref(b.url) : null;
    if (href) ctx.doc.defaultView?.open(href, '_blank', 'noopener');
    void fire(ctx, b, blockId, { text: b.text, ...(b.value !== undefined ? { value: b.value } : {}), ...(b.style ? { style: b.style } : {}) });
  });
  return e;
}

function staticSelect(ctx, s, blockId, input) {
  const doc = ctx.doc;
  const sel = el(doc, 'select', 'bk-select', []);
  sel.dataset.actionId = s.action_id ?? '';
  const ph = el(doc, 'option', null, [doc.createTextNode(s.placeholder?.text ?? 'Select an item')]);
  ph.value = '';
  ph.disabled = true;
  sel.append(ph);
  const all = [];
  const addOption = (parent, o) => {
    const opt = el(doc, 'option', null, [doc.createTextNode(o.text?.text ?? o.value)]);
    opt.value = String(all.length);
    all.push(o);
    parent.append(opt);
  };
  if (Array.isArray(s.option_groups)) {
    for (const g of s.option_groups) {
      const group = el(doc, 'optgroup', null, []);
      group.label = g.label?.text ?? '';
      for (const o of g.options ?? []) addOption(group, o);
      sel.append(group);
    }
  } else for (const o of s.options ?? []) addOption(sel, o);
  const initial = all.findIndex((o) => s.initial_option && o.value === s.initial_option.value);
  sel.value = initial >= 0 ? String(initial) : '';
  if (initial >= 0) setState(ctx, blockId, s.action_id, { type: 'static_select', selected_option: optionValue(all[initial]) });
  sel.addEventListener('change', () => {
    const o = all[Number(sel.value)];
    setState(ctx, blockId, s.action_id, { type: 'static_select', selected_option: o ? optionValue(o) : null });
    if (!input || input.dispatch_action) void fire(ctx, s, blockId, { selected_option: o ? optionValue(o) : null });
  });
  return sel;
}

function choices(ctx, c, blockId, input, kind) {
  const doc = ctx.doc;
  const box = el(doc, 'div', `bk-${kind}`, []);
  box.dataset.actionId = c.action_id ?? '';
  const initial = kind === 'checkboxes' ? (c.initial_options ?? []).map((o) => o.value) : c.initial_option ? [c.initial_option.value] : [];
  const inputs = [];
  const name = `${blockId}:${c.action_id}:${Math.random().toString(36).slice(2)}`;
  const collect = () => (c.options ?? []).filter((_o, i) => inputs[i].checked).map(optionValue);
  const save = () => {
    const picked = collect();
    setState(ctx, blockId, c.action_id, kind === 'checkboxes' ? { type: 'checkboxes', selected_options: picked } : { type: 'radio_buttons', selected_option: picked[0] ?? null });
    return picked;
  };
  (c.options ?? []).forEach((o) => {
    const i = el(doc, 'input', null, []);
    i.type = kind === 'checkboxes' ? 'checkbox' : 'radio';
    i.name = name;
    i.value = o.value;
    i.checked = initial.includes(o.value);
    inputs.push(i);
    const label = el(doc, 'label', 'bk-choice', [i, el(doc, 'span', 'bk-choice-text', [textObject(ctx, o.text), o.description ? el(doc, 'span', 'bk-choice-desc', [textObject(ctx, o.description)]) : null])]);
    i.addEventListener('change', () => {
      const picked = save();
      if (!input || input.dispatch_action) {
        void fire(ctx, c, blockId, kind === 'checkboxes' ? { selected_options: picked } : { selected_option: picked[0] ?? null });
      }
    });
    box.append(label);
  });
  if (initial.length) save();
  return box;
}

function overflow(ctx, o, blockId) {
  const doc = ctx.doc;
  const wrap = el(doc, 'span', 'bk-overflow', []);
  const trigger = el(doc, 'button', 'bk-button bk-overflow-button', [doc.createTextNode('⋯')]);
  trigger.type = 'button';
  trigger.dataset.actionId = o.action_id ?? '';
  const menu = el(doc, 'div', 'bk-overflow-menu', []);
  menu.hidden = true;
  for (const opt of o.options ?? []) {
    const item = el(doc, 'button', 'bk-overflow-item', [plain(doc, opt.text?.text ?? '', ctx)]);
    item.type = 'button';
    item.addEventListener('click', () => {
      menu.hidden = true;
      const href = opt.url ? safeHref(opt.url) : null;
      if (href) doc.defaultView?.open(href, '_blank', 'noopener');
      void fire(ctx, o, blockId, { selected_option: optionValue(opt) });
    });
    menu.append(item);
  }
  trigger.addEventListener('click', () => (menu.hidden = !menu.hidden));
  wrap.append(trigger, menu);
  return wrap;
}

function textInput(ctx, t, blockId, input, type) {
  const doc = ctx.doc;
  const multi = type === 'plain_text_input' && t.multiline;
  const i = el(doc, multi ? 'textarea' : 'input', 'bk-input', []);
  if (!multi) i.type = type === 'number_input' ? 'number' : type === 'email_text_input' ? 'email' : type === 'url_text_input' ? 'url' : type === 'datepicker' ? 'date' : type === 'timepicker' ? 'time' : 'text';
  if (type === 'number_input') {
    i.step = t.is_decimal_allowed ? 'any' : '1';
    if (t.min_value !== undefined) i.min = t.min_value;
    if (t.max_value !== undefined) i.max = t.max_value;
  }
  if (t.placeholder?.text) i.placeholder = t.placeholder.text;
  if (t.max_length) i.maxLength = t.max_length;
  i.dataset.actionId = t.action_id ?? '';
  const initial = t.initial_value ?? t.initial_date ?? t.initial_time;
  if (initial !== undefined) i.value = initial;
  const key = type === 'datepicker' ? 'selected_date' : type === 'timepicker' ? 'selected_time' : 'value';
  const save = () => setState(ctx, blockId, t.action_id, { type, [key]: i.value === '' ? null : i.value });
  save();
  i.addEventListener('input', save);
  i.addEventListener('change', () => {
    save();
    if (input?.dispatch_action || !input) void fire(ctx, t, blockId, { [key]: i.value });
  });
  return i;
}

function personSelect(ctx, s, blockId, input) {
  const opts = (ctx.people?.() ?? []).map((p) => ({ text: { type: 'plain_text', text: p.name }, value: p.id }));
  const sel = staticSelect(ctx, { ...s, options: opts.length ? opts : [{ text: { type: 'plain_text', text: 'nobody' }, value: '' }] }, blockId, input);
  return sel;
}

/** Where an image's bytes are: its image_url, or a file uploaded here (slack_file by id or url_private). */
function imageSource(img) {
  const file = img.slack_file;
  if (file && typeof file === 'object') {
    if (typeof file.id === 'string') return `/files/${encodeURIComponent(file.id)}/image`;
    return safeHref(String(file.url ?? ''));
  }
  return safeHref(img.image_url ?? '') ?? (String(img.image_url ?? '').startsWith('data:image/') ? img.image_url : null);
}

function imageElement(ctx, img, cls) {
  const i = el(ctx.doc, 'img', cls, []);
  const href = imageSource(img);
  if (href) i.src = href;
  i.alt = img.alt_text ?? '';
  return i;
}

/** An interactive element in a section accessory, an actions block or an input block. */
export function element(ctx, e, blockId, input) {
  switch (e?.type) {
    case 'button':
      return button(ctx, e, blockId);
    case 'static_select':
      return staticSelect(ctx, e, blockId, input);
    case 'users_select':
    case 'conversations_select':
    case 'channels_select':
      return personSelect(ctx, e, blockId, input);
    case 'checkboxes':
      return choices(ctx, e, blockId, input, 'checkboxes');
    case 'radio_buttons':
      return choices(ctx, e, blockId, input, 'radio_buttons');
    case 'overflow':
      return overflow(ctx, e, blockId);
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'datepicker':
    case 'timepicker':
      return textInput(ctx, e, blockId, input, e.type);
    case 'image':
      return imageElement(ctx, e, 'bk-accessory-image');
    default:
      return unknown(ctx, 'element', e?.type);
  }
}

function richText(ctx, elements) {
  const doc = ctx.doc;
  const out = el(doc, 'div', 'bk-rich-text', []);
  const leaf = (l) => {
    let node;
    switch (l.type) {
      case 'text':
        node = doc.createTextNode(l.text ?? '');
        break;
      case 'link': {
        const href = safeHref(l.url ?? '');
        node = el(doc, href ? 'a' : 'span', 'link', [doc.createTextNode(l.text || l.url || '')]);
        if (href) {
          node.href = href;
          node.target = '_blank';
          node.rel = 'noopener noreferrer';
        }
        break;
      }
      case 'emoji':
        node = plain(doc, `:${l.name}:`, ctx);
        break;
      case 'user':
        node = el(doc, 'span', 'mention user-mention', [doc.createTextNode('@' + ctx.userName(l.user_id))]);
        break;
      case 'channel':
        node = el(doc, 'span', 'mention channel-mention', [doc.createTextNode('#' + ctx.channelName(l.channel_id))]);
        break;
      case 'usergroup':
        node = el(doc, 'span', 'mention group-mention', [doc.createTextNode('@' + (ctx.groupName?.(l.usergroup_id) ?? l.usergroup_id))]);
        break;
      case 'broadcast':
        node = el(doc, 'span', 'mention broadcast-mention', [doc.createTextNode('@' + (l.range ?? 'here'))]);
        break;
      case 'date':
        node = doc.createTextNode(l.fallback ?? String(l.timestamp ?? ''));
        break;
      case 'color':
        node = doc.createTextNode(l.value ?? '');
        break;
      default:
        return unknown(ctx, 'rich text element', l.type);
    }
    const st = l.style || {};
    for (const [flag, tag] of [['code', 'code'], ['strike', 's'], ['italic', 'i'], ['bold', 'b']]) if (st[flag]) node = el(doc, tag, null, [node]);
    return node;
  };
  const container = (c) => {
    switch (c.type) {
      case 'rich_text_section':
        return el(doc, 'div', 'rt-section', (c.elements ?? []).map(leaf));
      case 'rich_text_preformatted':
        return el(doc, 'pre', null, (c.elements ?? []).map(leaf));
      case 'rich_text_quote':
        return el(doc, 'blockquote', null, (c.elements ?? []).map(leaf));
      case 'rich_text_list': {
        const list = el(doc, c.style === 'ordered' ? 'ol' : 'ul', `rt-list indent-${c.indent ?? 0}`, []);
        for (const item of c.elements ?? []) list.append(el(doc, 'li', null, [container(item)]));
        return list;
      }
      default:
        return unknown(ctx, 'rich text element', c.type);
    }
  };
  for (const c of elements ?? []) out.append(container(c));
  return out;
}

/** One block; `index` names blocks without a block_id. */
export function block(ctx, b, index) {
  const doc = ctx.doc;
  const blockId = b?.block_id ?? `b${index}`;
  let out;
  switch (b?.type) {
    case 'header':
      out = el(doc, 'h3', 'bk-header', [plain(doc, b.text?.text ?? '', ctx)]);
      break;
    case 'section': {
      const body = el(doc, 'div', 'bk-section-body', []);
      if (b.text) body.append(textObject(ctx, b.text, 'div'));
      if (Array.isArray(b.fields)) body.append(el(doc, 'div', 'bk-fields', b.fields.map((f) => el(doc, 'div', 'bk-field', [textObject(ctx, f, 'div')]))));
      out = el(doc, 'div', 'bk-section', [body, b.accessory ? el(doc, 'div', 'bk-accessory', [element(ctx, b.accessory, blockId)]) : null]);
      break;
    }
    case 'context':
      out = el(
        doc,
        'div',
        'bk-context',
        (b.elements ?? []).map((e) => (e?.type === 'image' ? imageElement(ctx, e, 'bk-context-image') : textObject(ctx, e))),
      );
      break;
    case 'divider':
      out = el(doc, 'hr', 'bk-divider', []);
      break;
    case 'actions':
      out = el(doc, 'div', 'bk-actions', (b.elements ?? []).map((e) => element(ctx, e, blockId)));
      break;
    case 'image': {
      out = el(doc, 'figure', 'bk-image', [b.title ? el(doc, 'figcaption', null, [plain(doc, b.title.text, ctx)]) : null, imageElement(ctx, b, null)]);
      break;
    }
    case 'input': {
      const label = el(doc, 'label', 'bk-label', [plain(doc, b.label?.text ?? '', ctx), b.optional ? el(doc, 'span', 'bk-optional', [doc.createTextNode(' (optional)')]) : null]);
      const err = el(doc, 'div', 'bk-error', []);
      err.hidden = true;
      out = el(doc, 'div', 'bk-input-block', [label, element(ctx, b.element, blockId, b), b.hint ? el(doc, 'div', 'bk-hint', [plain(doc, b.hint.text, ctx)]) : null, err]);
      break;
    }
    case 'rich_text':
      out = richText(ctx, b.elements);
      break;
    case 'markdown':
      out = el(doc, 'div', 'bk-markdown', [mrkdwn(doc, String(b.text ?? '').replace(/\*\*([^*]+)\*\*/g, '*$1*'), ctx, 'div')]);
      break;
    case 'file':
      out = el(doc, 'div', 'bk-file', [doc.createTextNode(`file ${b.external_id ?? ''}`)]);
      break;
    default:
      return unknown(ctx, 'block', b?.type);
  }
  out.classList.add('bk-block');
  out.dataset.blockId = blockId;
  out.dataset.type = b.type;
  return out;
}

/** A list of blocks into one container element. */
export function renderBlocks(ctx, blocks) {
  const out = el(ctx.doc, 'div', 'bk-blocks', []);
  (Array.isArray(blocks) ? blocks : []).forEach((b, i) => out.append(block(ctx, b, i)));
  return out;
}

/** Shows response_action errors under their input blocks; returns how many found a block. */
export function showErrors(root, errors) {
  let shown = 0;
  for (const box of root.querySelectorAll('.bk-error')) box.hidden = true;
  for (const [blockId, message] of Object.entries(errors || {})) {
    const blockEl = [...root.querySelectorAll('.bk-input-block')].find((b) => b.dataset.blockId === blockId);
    const box = blockEl?.querySelector('.bk-error');
    if (!box) continue;
    box.textContent = String(message);
    box.hidden = false;
    shown++;
  }
  return shown;
}
