// The page that plays Slack: channels, messages and threads, a composer with slash-command
// completion from manifest.yml, modals, the Home tab, reactions, shortcuts and a persona
// switcher. It follows the stand-in's state over Server-Sent Events and asks the stand-in to
// act as the chosen person (the stand-in signs and sends what Slack would).
import { confirmDialog, renderBlocks, showErrors } from './blocks.js';
import { mrkdwn, plain } from './mrkdwn.js';
import { setupDrills } from './drills.js';

const doc = document;
const $ = (sel) => doc.querySelector(sel);
const ui = {
  data: null,
  user: localStorage.getItem('local-slack-user') || '',
  channel: localStorage.getItem('local-slack-channel') || '',
  thread: null,
  modalState: {},
  homeState: {},
  shownModal: null,
};

function el(tag, cls, children) {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  for (const c of children || []) if (c) e.append(typeof c === 'string' ? doc.createTextNode(c) : c);
  return e;
}

async function call(path, body) {
  const res = await fetch(`/ui/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-local-slack': '1' }, body: JSON.stringify({ user: ui.user, ...body }) });
  const out = await res.json().catch(() => ({ ok: false, error: `HTTP ${res.status}` }));
  if (!res.ok && out.error) toast(out.error);
  return out;
}

function toast(text) {
  const t = el('div', 'toast', [text]);
  doc.body.append(t);
  setTimeout(() => t.remove(), 4000);
}

const personaName = (id) => {
  if (!ui.data) return id;
  if (id === ui.data.botUserId) return ui.data.botName;
  if (id === 'USLACKBOT') return 'Slackbot';
  return ui.data.personas.find((p) => p.id === id)?.name ?? id;
};
/** How a conversation is called: #name, the bot for a direct message, the people of a group DM. */
function conversationLabel(c) {
  if (c.kind === 'im') return ui.data.botName;
  if (c.kind === 'mpim') return c.members.filter((u) => u !== ui.user && u !== ui.data.botUserId).map(personaName).concat(ui.data.botName).join(', ');
  return c.name;
}
const channelName = (id) => {
  const c = ui.data?.channels.find((x) => x.id === id);
  return c ? conversationLabel(c) : id;
};

function ctxFor(surface, extra) {
  return { doc, surface, userName: personaName, channelName, groupName: (id) => ui.data?.usergroups?.[id] ?? id, people: () => ui.data?.personas ?? [], ...extra };
}

async function refresh() {
  const res = await fetch(`/ui/state?user=${encodeURIComponent(ui.user)}`);
  const data = await res.json();
  ui.data = data;
  if (!data.personas.some((p) => p.id === ui.user)) ui.user = data.personas[0]?.id ?? '';
  if (ui.channel !== 'home' && !data.channels.some((c) => c.id === ui.channel)) ui.channel = data.channels[0]?.id ?? '';
  render();
}

function render() {
  renderPersonas();
  renderChannels();
  renderMain();
  renderThread();
  renderModal();
  renderRejections();
  doc.body.dataset.version = String(ui.data.version);
}

function renderPersonas() {
  const sel = $('#persona');
  if (sel.options.length !== ui.data.personas.length) {
    sel.replaceChildren(...ui.data.personas.map((p) => {
      const o = el('option', null, [`${p.realName} — ${p.title}`]);
      o.value = p.id;
      return o;
    }));
  }
  sel.value = ui.user;
}

function renderChannels() {
  const list = $('#channels');
  const items = ui.data.channels.filter((c) => !c.kind && (!c.isArchived || c.id === ui.channel)).map((c) => {
    const a = el('button', `channel${c.id === ui.channel ? ' active' : ''}${c.isArchived ? ' archived' : ''}`, [`${c.isPrivate ? '🔒' : '#'} ${c.name}`]);
    a.dataset.channel = c.name;
    a.addEventListener('click', () => select(c.id));
    return a;
  });
  const home = el('button', `channel app-home${ui.channel === 'home' ? ' active' : ''}`, [`🤖 ${ui.data.botName} — Home`]);
  home.dataset.channel = 'home';
  home.addEventListener('click', () => select('home'));
  // Direct messages: the person's own with the bot (the app's Messages tab), and group DMs they are in.
  const dms = ui.data.channels.filter((c) => c.kind).map((c) => {
    const a = el('button', `channel dm${c.id === ui.channel ? ' active' : ''}`, [`${c.kind === 'im' ? '🤖' : '👥'} ${conversationLabel(c)}`]);
    a.dataset.channel = c.kind === 'im' ? 'dm' : c.id;
    a.dataset.dm = c.id;
    a.addEventListener('click', () => select(c.id));
    return a;
  });
  list.replaceChildren(...items, el('div', 'sidebar-label', ['Direct messages']), ...dms, el('div', 'sidebar-label', ['Apps']), home);
}

function select(channel) {
  ui.channel = channel;
  ui.thread = null;
  localStorage.setItem('local-slack-channel', channel);
  if (channel === 'home') void call('home', {});
  render();
}

function messageEl(m, inThread) {
  const ctx = ctxFor('message', {
    onAction: (action) => void call('action', { channel: m.channel, messageTs: m.ts, action, state: ctx.state }),
    state: {},
  });
  const author = el('span', 'author', [personaName(m.user)]);
  const head = el('div', 'message-head', [author, m.isBot && m.user !== 'USLACKBOT' ? el('span', 'app-badge', ['APP']) : null, el('span', 'time', [new Date(Number(m.ts) * 1000).toLocaleTimeString()]), m.edited ? el('span', 'edited', ['(edited)']) : null]);
  const body = el('div', 'message-body', []);
  if (Array.isArray(m.blocks) && m.blocks.length) body.append(renderBlocks(ctx, m.blocks));
  else if (m.text) body.append(mrkdwn(doc, m.text, ctx, 'div'));
  for (const f of m.files ?? []) body.append(fileEl(f));
  const reactions = el('div', 'reactions', (m.reactions ?? []).map((r) => {
    const chip = el('button', `reaction${r.users.includes(ui.user) ? ' mine' : ''}`, [plain(doc, `:${r.name}:`, ctx), ` ${r.count}`]);
    chip.dataset.reaction = r.name;
    chip.addEventListener('click', () => void call('react', { channel: m.channel, ts: m.ts, name: r.name }));
    return chip;
  }));
  const tools = el('div', 'message-tools', []);
  if (!m.ephemeral) {
    const pin = el('button', 'tool', ['📌']);
    pin.title = 'React with :pushpin:';
    pin.dataset.tool = 'pushpin';
    pin.addEventListener('click', () => void call('react', { channel: m.channel, ts: m.ts, name: 'pushpin' }));
    tools.append(pin);
    if (!inThread) {
      const reply = el('button', 'tool', ['💬']);
      reply.title = 'Reply in thread';
      reply.dataset.tool = 'reply';
      reply.addEventListener('click', () => {
        ui.thread = m.thread_ts ?? m.ts;
        render();
      });
      tools.append(reply);
    }
    for (const s of ui.data.shortcuts.filter((x) => x.type === 'message')) {
      const b = el('button', 'tool shortcut', [`⚡ ${s.name}`]);
      b.dataset.shortcut = s.callbackId;
      b.addEventListener('click', () => void call('shortcut', { callbackId: s.callbackId, channel: m.channel, messageTs: m.ts }));
      tools.append(b);
    }
  }
  const replies = ui.data.messages.filter((r) => r.channel === m.channel && r.thread_ts === m.ts && r.ts !== m.ts && !r.ephemeral);
  const thread = !inThread && replies.length
    ? (() => {
        const t = el('button', 'thread-link', [`${replies.length} repl${replies.length === 1 ? 'y' : 'ies'}`]);
        t.addEventListener('click', () => {
          ui.thread = m.ts;
          render();
        });
        return t;
      })()
    : null;
  const box = el('div', `message${m.ephemeral ? ' ephemeral' : ''}`, [
    el('div', 'avatar', [personaName(m.user).slice(0, 1).toUpperCase()]),
    el('div', 'message-main', [head, body, m.ephemeral ? el('div', 'ephemeral-note', ['👁 Only visible to you']) : null, reactions, thread]),
    tools,
  ]);
  box.dataset.ts = m.ts;
  box.dataset.author = m.isBot ? 'bot' : 'person';
  return box;
}

/** 1536 → "1.5 KB", as Slack writes sizes. */
function humanSize(n) {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** A shared file: an image inline (its alt text as alt and title, a click opens it), anything else as a download with its name and size. */
function fileEl(f) {
  const src = `/files/${encodeURIComponent(f.id)}/${encodeURIComponent(f.name)}`;
  if (typeof f.mimetype === 'string' && f.mimetype.startsWith('image/')) {
    const img = el('img', 'file-image-img', []);
    img.src = src;
    img.alt = f.alt_txt || f.title || f.name;
    img.title = f.alt_txt || f.title || f.name;
    img.loading = 'lazy';
    if (f.original_w && f.original_h) {
      img.width = Math.min(f.original_w, 480);
      img.height = Math.round((img.width * f.original_h) / f.original_w);
    }
    const link = el('a', null, [img]);
    link.href = src;
    link.target = '_blank';
    link.rel = 'noopener';
    const box = el('figure', 'file-image', [link, el('figcaption', 'file-caption', [f.title || f.name, el('span', 'file-size', [` ${humanSize(f.size)}`])])]);
    box.dataset.fileId = f.id;
    return box;
  }
  const a = el('a', 'file', [el('span', 'file-icon', ['📄']), el('span', 'file-meta', [el('span', 'file-name', [f.title && f.title !== f.name ? `${f.title} (${f.name})` : f.name]), el('span', 'file-size', [`${f.pretty_type || f.filetype || 'File'} · ${humanSize(f.size)}`])])]);
  a.href = `${src}?download=1`;
  a.setAttribute('download', f.name);
  a.dataset.fileId = f.id;
  a.title = `Download ${f.name}`;
  return a;
}

function renderMain() {
  const main = $('#messages');
  const title = $('#channel-title');
  const composer = $('#composer');
  if (ui.channel === 'home') {
    title.textContent = `${ui.data.botName} — Home`;
    composer.hidden = true;
    const home = ui.data.home;
    if (!home) {
      main.replaceChildren(el('div', 'empty', [ui.data.homeTab ? 'The app has not published a Home tab for you yet.' : 'The app manifest does not enable the Home tab (features.app_home.home_tab_enabled), so Slack would not show one.']));
      return;
    }
    const ctx = ctxFor('home', { state: ui.homeState, onAction: (action) => void call('action', { viewId: home.id, action, state: ui.homeState }) });
    main.replaceChildren(el('div', 'home-view', [renderBlocks(ctx, home.blocks)]));
    return;
  }
  const channel = ui.data.channels.find((c) => c.id === ui.channel);
  title.textContent = !channel ? '' : channel.kind ? conversationLabel(channel) : `# ${channel.name}${channel.isArchived ? ' (archived)' : ''}`;
  composer.hidden = false;
  const stick = main.scrollHeight - main.scrollTop - main.clientHeight < 40;
  const top = ui.data.messages.filter((m) => m.channel === ui.channel && (!m.thread_ts || m.thread_ts === m.ts));
  main.replaceChildren(...(top.length ? top.map((m) => messageEl(m, false)) : [el('div', 'empty', ['No messages yet. Type / for the commands.'])]));
  if (stick) main.scrollTop = main.scrollHeight;
}

function renderThread() {
  const pane = $('#thread');
  if (!ui.thread || ui.channel === 'home') {
    pane.hidden = true;
    return;
  }
  pane.hidden = false;
  const all = ui.data.messages.filter((m) => m.channel === ui.channel && (m.ts === ui.thread || m.thread_ts === ui.thread));
  const close = el('button', 'tool', ['✕']);
  close.addEventListener('click', () => {
    ui.thread = null;
    render();
  });
  const input = el('textarea', 'thread-input', []);
  input.placeholder = 'Reply… (slash commands cannot be used in threads)';
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      if (text.startsWith('/')) return toast('Slash commands are not supported in threads.');
      input.value = '';
      void call('message', { channel: ui.channel, text, threadTs: ui.thread });
    }
  });
  pane.replaceChildren(el('div', 'thread-head', [el('b', null, ['Thread']), close]), el('div', 'thread-messages', all.map((m) => messageEl(m, true))), input);
}

function renderModal() {
  const overlay = $('#modal');
  const stack = ui.data.modals;
  const view = stack[stack.length - 1];
  if (!view) {
    overlay.hidden = true;
    ui.shownModal = null;
    return;
  }
  // Re-render only when the view changed (an update or push), so typing is not lost.
  const key = `${view.id}:${view.hash}`;
  if (ui.shownModal === key) return;
  ui.shownModal = key;
  ui.modalState = {};
  overlay.hidden = false;
  const ctx = ctxFor('modal', { state: ui.modalState, onAction: (action) => void call('action', { viewId: view.id, action, state: ui.modalState }) });
  const body = renderBlocks(ctx, view.blocks);
  const error = el('div', 'modal-error', []);
  error.hidden = true;
  const close = el('button', 'bk-button', [plain(doc, view.close?.text ?? 'Cancel', ctx)]);
  close.dataset.modal = 'close';
  close.addEventListener('click', () => void call('close', { viewId: view.id, state: ui.modalState }));
  const buttons = [close];
  if (view.submit) {
    const submit = el('button', 'bk-button primary', [plain(doc, view.submit.text, ctx)]);
    submit.dataset.modal = 'submit';
    submit.disabled = view.submit_disabled === true;
    submit.addEventListener('click', async () => {
      submit.disabled = true;
      const out = await call('submit', { viewId: view.id, state: ui.modalState });
      submit.disabled = false;
      if (out.errors) {
        const shown = showErrors(body, out.errors);
        const rest = Object.entries(out.errors).filter(([k]) => ![...body.querySelectorAll('.bk-input-block')].some((b) => b.dataset.blockId === k));
        error.hidden = shown > 0 && rest.length === 0;
        error.textContent = rest.length ? rest.map(([, v]) => String(v)).join(' ') : shown ? '' : 'The app refused the form.';
      } else if (!out.ok && out.error) {
        error.hidden = false;
        error.textContent = out.error;
      }
    });
    buttons.push(submit);
  }
  const box = el('div', 'modal-box', [
    el('div', 'modal-head', [el('h2', null, [plain(doc, view.title?.text ?? '', ctx)]), stack.length > 1 ? el('span', 'modal-depth', [`${stack.length} / 3`]) : null]),
    el('div', 'modal-body', [body, error]),
    el('div', 'modal-foot', buttons),
  ]);
  box.dataset.callbackId = view.callback_id ?? '';
  overlay.replaceChildren(box);
}

function renderRejections() {
  const bar = $('#rejections');
  const list = ui.data.rejections;
  bar.hidden = list.length === 0;
  bar.replaceChildren(...list.slice(-3).map((r) => el('div', 'rejection', [`Slack would refuse a payload (${r.via}): ${r.error} — ${r.errors.slice(0, 2).join('; ')}`])));
}

// The composer: Enter sends; a leading "/" lists the manifest's commands with their usage hints.
function setupComposer() {
  const input = $('#composer-input');
  const menu = $('#completion');
  let picked = 0;
  const matches = () => {
    const v = input.value;
    if (!v.startsWith('/') || v.includes(' ')) return [];
    return ui.data.commands.filter((c) => c.command.startsWith(v));
  };
  const show = () => {
    const list = matches();
    menu.hidden = list.length === 0;
    picked = Math.min(picked, Math.max(0, list.length - 1));
    menu.replaceChildren(...list.map((c, i) => {
      const item = el('div', `completion-item${i === picked ? ' picked' : ''}`, [el('b', null, [c.command]), ' ', el('span', 'usage', [c.usageHint]), el('div', 'desc', [c.description])]);
      item.dataset.command = c.command;
      item.addEventListener('mousedown', (e) => {
        e.preventDefault();
        input.value = `${c.command} `;
        show();
        input.focus();
      });
      return item;
    }));
  };
  input.addEventListener('input', show);
  input.addEventListener('keydown', (e) => {
    const list = matches();
    if (list.length && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      picked = (picked + (e.key === 'ArrowDown' ? 1 : list.length - 1)) % list.length;
      return show();
    }
    if (list.length && e.key === 'Tab') {
      e.preventDefault();
      input.value = `${list[picked].command} `;
      return show();
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = '';
      show();
      void (text.startsWith('/') ? call('command', { channel: ui.channel, text }) : call('message', { channel: ui.channel, text }));
    }
  });
  $('#attach').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    await call('message', { channel: ui.channel, text: input.value.trim(), file: { name: file.name, mimetype: file.type, content: btoa(bin) } });
    input.value = '';
    e.target.value = '';
  });
}

function setup() {
  $('#persona').addEventListener('change', (e) => {
    ui.user = e.target.value;
    localStorage.setItem('local-slack-user', ui.user);
    ui.shownModal = null;
    void refresh().then(() => {
      if (ui.channel === 'home') void call('home', {});
    });
  });
  setupComposer();
  // The drills' scripts are written in mrkdwn (the commands in `code`), like the bot's messages.
  setupDrills({ doc, toast, text: (s) => mrkdwn(doc, s, ctxFor('drills'), 'span') });
  let pending = false;
  const events = new EventSource('/ui/events');
  events.onmessage = () => {
    if (pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      void refresh();
    }, 30);
  };
  // The renderer, for the browser tests (they render fixtures into this page).
  window.localSlack = { confirmDialog, renderBlocks, showErrors, refresh };
  void refresh();
}

setup();
