// Slack mrkdwn to DOM nodes, never to HTML strings: the bot's text is untrusted, so every piece
// of it becomes a text node. Handles *bold*, _italic_, ~strike~, `code`, ```pre```, > quotes,
// <url|text> links, <@U…> / <#C…|name> / <!here> / <!subteam^S…> mentions, :emoji: and the
// &amp; &lt; &gt; entities Slack asks apps to use.

/** A few common emoji by shortcode; an unknown one stays as typed, as in Slack without the emoji. */
export const EMOJI = {
  white_check_mark: '✅', heavy_check_mark: '✔️', ballot_box_with_check: '☑️', x: '❌', warning: '⚠️',
  rotating_light: '🚨', red_circle: '🔴', large_yellow_circle: '🟡', large_green_circle: '🟢',
  large_blue_circle: '🔵', white_circle: '⚪', black_circle: '⚫', white_large_square: '⬜',
  no_entry: '⛔', no_entry_sign: '🚫', hourglass: '⌛', hourglass_flowing_sand: '⏳', alarm_clock: '⏰',
  arrow_forward: '▶️', heavy_minus_sign: '➖', mag: '🔍', floppy_disk: '💾', pushpin: '📌', fire: '🔥',
  lock: '🔒', unlock: '🔓', information_source: 'ℹ️', tada: '🎉', eyes: '👀', '+1': '👍', thumbsup: '👍',
  '-1': '👎', memo: '📝', robot_face: '🤖', bell: '🔔', calendar: '📅', wrench: '🔧', hammer_and_wrench: '🛠️',
  stopwatch: '⏱️', bulb: '💡', question: '❓', exclamation: '❗', clipboard: '📋', chart_with_upwards_trend: '📈',
  rocket: '🚀', sos: '🆘', shield: '🛡️', key: '🔑', construction: '🚧', pencil: '📝', page_facing_up: '📄',
};

const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/** Decodes Slack's three entities (and nothing else). */
export function decodeEntities(s) {
  return s.replace(/&(amp|lt|gt);/g, (m) => ENTITIES[m]);
}

function text(doc, s) {
  return doc.createTextNode(decodeEntities(s));
}

function el(doc, tag, cls, children) {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  for (const c of children || []) e.append(c);
  return e;
}

/** Only http(s) and mailto links become links; anything else (javascript:, data:) stays text. */
export function safeHref(url) {
  try {
    const u = new URL(decodeEntities(url));
    return ['http:', 'https:', 'mailto:'].includes(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

function angle(doc, inner, ctx) {
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1) : '';
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return el(doc, 'span', 'mention user-mention', [text(doc, '@' + (label || ctx.userName(id)))]);
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return el(doc, 'span', 'mention channel-mention', [text(doc, '#' + (label || ctx.channelName(id)))]);
  }
  if (target.startsWith('!subteam^')) return el(doc, 'span', 'mention group-mention', [text(doc, label || '@' + ctx.groupName(target.slice('!subteam^'.length)))]);
  if (target.startsWith('!date^')) return el(doc, 'span', 'date', [text(doc, label || target)]);
  if (target.startsWith('!')) return el(doc, 'span', 'mention broadcast-mention', [text(doc, '@' + target.slice(1))]);
  const href = safeHref(target);
  if (!href) return text(doc, '<' + inner + '>');
  const a = el(doc, 'a', 'link', [text(doc, label || target)]);
  a.href = href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}

// Slack formats a marker pair only at word boundaries: "*bold*" but not "a*b*c".
const STYLES = [
  { mark: '*', tag: 'b' },
  { mark: '_', tag: 'i' },
  { mark: '~', tag: 's' },
];

function styled(doc, s, ctx, out) {
  for (const { mark, tag } of STYLES) {
    const m = mark === '*' ? '\\*' : mark;
    // Lazy, so "_(see max_connections)_" closes at the last marker followed by a boundary.
    const re = new RegExp(`(^|[\\s(\\[{"'“])${m}([^\\s${m}](?:[^\\n]*?[^\\s])?)${m}(?=$|[\\s).,!?:;\\]}"'”…-])`);
    const hit = re.exec(s);
    if (hit) {
      const start = hit.index + hit[1].length;
      styled(doc, s.slice(0, start), ctx, out);
      const inner = el(doc, tag, null, []);
      styled(doc, hit[2], ctx, inner);
      out.append(inner);
      styled(doc, s.slice(start + hit[2].length + 2), ctx, out);
      return;
    }
  }
  emoji(doc, s, out);
}

function emoji(doc, s, out) {
  const re = /:([a-z0-9_+'-]+):/g;
  let last = 0;
  for (const m of s.matchAll(re)) {
    const glyph = Object.hasOwn(EMOJI, m[1]) ? EMOJI[m[1]] : null;
    if (!glyph) continue;
    if (m.index > last) out.append(text(doc, s.slice(last, m.index)));
    const span = el(doc, 'span', 'emoji', [doc.createTextNode(glyph)]);
    span.title = m[0];
    out.append(span);
    last = m.index + m[0].length;
  }
  if (last < s.length) out.append(text(doc, s.slice(last)));
}

function inline(doc, s, ctx, out) {
  // Code spans first (nothing inside is formatted), then <…> tokens, then styles.
  const parts = s.split(/(`[^`\n]+`)/);
  for (const part of parts) {
    if (part.length > 2 && part.startsWith('`') && part.endsWith('`')) {
      out.append(el(doc, 'code', null, [text(doc, part.slice(1, -1))]));
      continue;
    }
    const re = /<([^<>\n]+)>/g;
    let last = 0;
    for (const m of part.matchAll(re)) {
      if (m.index > last) styled(doc, part.slice(last, m.index), ctx, out);
      out.append(angle(doc, m[1], ctx));
      last = m.index + m[0].length;
    }
    if (last < part.length) styled(doc, part.slice(last), ctx, out);
  }
}

function lines(doc, s, ctx, out) {
  const rows = s.split('\n');
  let quote = null;
  rows.forEach((row, i) => {
    const q = /^(>|&gt;)\s?/.exec(row);
    if (q) {
      if (!quote) {
        quote = el(doc, 'blockquote', null, []);
        out.append(quote);
      } else quote.append(doc.createElement('br'));
      inline(doc, row.slice(q[0].length), ctx, quote);
      return;
    }
    quote = null;
    inline(doc, row, ctx, out);
    if (i < rows.length - 1 && !(rows[i + 1] && /^(>|&gt;)/.test(rows[i + 1]))) out.append(doc.createElement('br'));
  });
}

/** Renders mrkdwn into a new element (span by default). */
export function mrkdwn(doc, s, ctx, tag = 'span') {
  const out = el(doc, tag, 'mrkdwn', []);
  const parts = String(s).split('```');
  parts.forEach((part, i) => {
    if (i % 2 === 1 && i < parts.length - 1) out.append(el(doc, 'pre', null, [text(doc, part.replace(/^\n/, ''))]));
    else lines(doc, i % 2 === 1 ? '```' + part : part, ctx, out);
  });
  return out;
}

/** Plain text (plain_text objects): no formatting; entities and emoji shortcodes are shown as Slack shows them. */
export function plain(doc, s, ctx, tag = 'span') {
  const out = el(doc, tag, 'plain', []);
  const str = String(s);
  const re = /:([a-z0-9_+'-]+):/g;
  let last = 0;
  for (const m of str.matchAll(re)) {
    const glyph = Object.hasOwn(EMOJI, m[1]) ? EMOJI[m[1]] : null;
    if (!glyph) continue;
    if (m.index > last) out.append(text(doc, str.slice(last, m.index)));
    out.append(el(doc, 'span', 'emoji', [doc.createTextNode(glyph)]));
    last = m.index + m[0].length;
  }
  if (last < str.length) out.append(text(doc, str.slice(last)));
  return out;
}
