// /health rendered for Slack (Block Kit) and for the terminal.
import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { HealthReport } from '../../src/health/types.js';
import { healthBlocks, STATUS_EMOJI } from '../../src/render/health-blocks.js';
import { healthText } from '../../src/render/health-text.js';
import { formatTime } from '../../src/render/time.js';

const TZ = 'America/New_York';

function report(): HealthReport {
  return {
    status: 'critical',
    startedAt: '2025-01-15T17:04:05.000Z',
    durationMs: 1830,
    components: [
      {
        component: 'frontend',
        title: 'Front end',
        status: 'ok',
        durationMs: 80,
        items: [
          { key: 'http', label: 'HTTP', status: 'ok', value: '200', threshold: 'HTTP 200', advice: 'ADVICE-THAT-MUST-NOT-SHOW' },
          { key: 'latency', label: 'Response time', status: 'ok', value: '80 ms', threshold: '< 2.00 s' },
        ],
      },
      {
        component: 'database',
        title: 'Database',
        status: 'warn',
        durationMs: 420,
        items: [
          { key: 'ping', label: 'Connect + SELECT 1', status: 'ok', value: '4 ms', threshold: 'answers within 5.00 s' },
          {
            key: 'largest_tables',
            label: 'Largest tables',
            status: 'warn',
            value: 'public.<leads> & "quotes" > 2 GiB',
            threshold: '< 1 GiB & growth',
            advice: 'Purge <old> rows & VACUUM',
          },
        ],
      },
      {
        component: 'edge',
        title: 'Edge function ai-chat',
        status: 'critical',
        durationMs: 1830,
        items: [{ key: 'response', label: 'Probe', status: 'critical', value: '402 AI credits exhausted', threshold: '200 with a JSON message', advice: 'Top up credits' }],
      },
      {
        component: 'auth',
        title: 'Auth',
        status: 'unknown',
        durationMs: 60,
        items: [
          {
            key: 'failed_logins',
            label: 'Failed sign-ins (last 60 min)',
            status: 'unknown',
            value: 'auth.audit_log_entries is not readable',
            threshold: '≤ 10 per minute',
            advice: 'Grant SELECT',
          },
        ],
      },
    ],
  };
}

const textOf = (b: KnownBlock): string => {
  if (b.type === 'header') return b.text.text;
  if (b.type === 'section') return b.text?.text ?? '';
  if (b.type === 'context') return b.elements.map((e) => ('text' in e ? e.text : '')).join(' ');
  return '';
};

describe('healthBlocks', () => {
  const msg = healthBlocks(report(), TZ);
  const [head, ...rest] = msg.blocks;
  const sections = rest.filter((b) => b.type === 'section');
  const ctx = msg.blocks.at(-1)!;

  it('starts with a header showing the overall status', () => {
    expect(head!.type).toBe('header');
    expect(textOf(head!)).toBe(`${STATUS_EMOJI.critical} AutoRepAi health: CRITICAL`);
  });

  it('has one section per component, in order, each with its status and duration', () => {
    // A critical report ends with the Declare incident button, before the footer.
    expect(msg.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'section', 'actions', 'context']);
    expect(JSON.stringify(msg.blocks.at(-2))).toContain('"action_id":"incident.declare"');
    expect(sections.map((s) => textOf(s).split('\n')[0])).toEqual([
      `${STATUS_EMOJI.ok} *Front end* — OK _(80 ms)_`,
      `${STATUS_EMOJI.warn} *Database* — WARNING _(420 ms)_`,
      `${STATUS_EMOJI.critical} *Edge function ai-chat* — CRITICAL _(1.83 s)_`,
      `${STATUS_EMOJI.unknown} *Auth* — UNKNOWN _(60 ms)_`,
    ]);
  });

  it('shows each item with its value and threshold', () => {
    const frontend = textOf(sections[0]!);
    expect(frontend).toContain(`${STATUS_EMOJI.ok} *Response time*: 80 ms  _(&lt; 2.00 s)_`);
  });

  it('escapes <, > and & in values, thresholds and advice', () => {
    const db = textOf(sections[1]!);
    expect(db).toContain('public.&lt;leads&gt; &amp; "quotes" &gt; 2 GiB');
    expect(db).toContain('_(&lt; 1 GiB &amp; growth)_');
    expect(db).toContain('Purge &lt;old&gt; rows &amp; VACUUM');
    expect(db).not.toContain('<leads>');
    expect(db).not.toContain('<old>');
  });

  it('shows advice only for items that are not ok', () => {
    const all = msg.blocks.map(textOf).join('\n');
    expect(all).not.toContain('ADVICE-THAT-MUST-NOT-SHOW');
    expect(all).toContain('↳ Top up credits');
    expect(all).toContain('↳ Grant SELECT');
    expect(all.match(/↳/g)).toHaveLength(3);
  });

  it('ends with a context line giving the time in the configured zone and the duration', () => {
    expect(ctx.type).toBe('context');
    const text = textOf(ctx);
    expect(text).toContain('Checked 2025-01-15 12:04:05 EST');
    expect(text).toContain('took 1.83 s');
    expect(text).toContain('opsbot health --json');
  });

  it('has a plain-text fallback with the overall and per-component status', () => {
    expect(msg.text).toBe('AutoRepAi health: CRITICAL (frontend ok, database warning, edge critical, auth unknown)');
  });

  it('stays within 50 blocks and 3000 characters per section for a very long component', () => {
    const big = report();
    const db = big.components[1]!;
    db.items = Array.from({ length: 1000 }, (_, i) => ({
      key: `t${i}`,
      label: `public.table_${i}`,
      status: 'warn' as const,
      value: `${i} MiB`,
      threshold: '< 1 GiB',
      advice: 'x'.repeat(200),
    }));
    const out = healthBlocks(big, TZ);
    expect(out.blocks.length).toBeLessThanOrEqual(50);
    for (const b of out.blocks) if (b.type === 'section') expect(textOf(b).length).toBeLessThanOrEqual(3000);
    // The omission note comes just before the footer, which keeps the time and duration.
    const note = out.blocks.at(-2)!;
    expect(note.type).toBe('context');
    expect(textOf(note)).toMatch(/\d+ more blocks not shown/);
    expect(textOf(out.blocks.at(-1)!)).toMatch(/Checked .* took/);
  });
});

describe('healthText', () => {
  const text = healthText(report(), TZ);
  const lines = text.split('\n');

  it('starts with the overall status, time and duration', () => {
    expect(lines[0]).toBe('AutoRepAi health: CRIT  (2025-01-15 12:04:05 EST, 1.83 s)');
  });

  it('has one heading per component and exactly one line per item', () => {
    const r = report();
    for (const c of r.components) {
      expect(lines.filter((l) => l.startsWith('[') && l.includes(` ${c.title} (`))).toHaveLength(1);
      for (const i of c.items) {
        expect(lines.filter((l) => l.startsWith('  [') && l.includes(`] ${i.label}: `))).toHaveLength(1);
      }
    }
    const itemLines = lines.filter((l) => l.startsWith('  ['));
    expect(itemLines).toHaveLength(r.components.reduce((n, c) => n + c.items.length, 0));
    expect(itemLines).toContain('  [WARN] Largest tables: public.<leads> & "quotes" > 2 GiB   (threshold: < 1 GiB & growth)');
  });

  it('shows advice only below items that are not ok, and no colour codes', () => {
    const advice = lines.filter((l) => l.trimStart().startsWith('->'));
    expect(advice.map((l) => l.trim())).toEqual(['-> Purge <old> rows & VACUUM', '-> Top up credits', '-> Grant SELECT']);
    expect(text).not.toContain('ADVICE-THAT-MUST-NOT-SHOW');
    expect(text).not.toContain('\u001b[');
  });
});

describe('formatTime', () => {
  it('shows midnight as 00, not 24', () => {
    expect(formatTime(Date.UTC(2025, 0, 15, 5, 0, 0), TZ)).toBe('2025-01-15 00:00:00 EST');
    expect(formatTime(Date.UTC(2025, 6, 15, 4, 30, 0), TZ)).toBe('2025-07-15 00:30:00 EDT');
  });

  it('uses the configured zone', () => {
    expect(formatTime(Date.UTC(2025, 0, 15, 17, 4, 5), 'UTC')).toBe('2025-01-15 17:04:05 UTC');
  });
});


describe('a report with an alert (an active lockdown is never under a green OK)', () => {
  const locked = (): HealthReport => ({
    ...report(),
    status: 'ok',
    alert: 'LOCKDOWN ACTIVE',
    notices: ['LOCKDOWN ACTIVE since 2025-01-15 12:00:00 EST: leaked <!channel> key. See /lockdown.'],
  });

  it('leads the Slack header and the notification text with the alert, and keeps the status', () => {
    const msg = healthBlocks(locked(), TZ);
    const head = msg.blocks[0] as Extract<KnownBlock, { type: 'header' }>;
    expect(head.text.text).toBe(':rotating_light: LOCKDOWN ACTIVE — AutoRepAi health: OK');
    expect(msg.text.startsWith(':rotating_light: LOCKDOWN ACTIVE — AutoRepAi health: OK')).toBe(true);
    const notice = JSON.stringify(msg.blocks[1]);
    expect(notice).toContain('LOCKDOWN ACTIVE since');
    // Outside text in the notice (the reason) is escaped.
    expect(notice).toContain('&lt;!channel&gt;');
  });

  it('leads the first terminal line with it', () => {
    const first = healthText(locked(), TZ).split('\n')[0]!;
    expect(first).toMatch(/^!! LOCKDOWN ACTIVE !! AutoRepAi health: OK/);
  });

  it('shows no alert without one', () => {
    const head = healthBlocks({ ...report(), status: 'ok' }, TZ).blocks[0] as Extract<KnownBlock, { type: 'header' }>;
    expect(head.text.text).toBe(`${STATUS_EMOJI.ok} AutoRepAi health: OK`);
    expect(healthText({ ...report(), status: 'ok' }, TZ)).not.toContain('!!');
  });
});
