// Rendering of diagnostic reports: Slack limits by construction, escaping of database text,
// and lock chains ordered root blocker first.
import { describe, expect, it } from 'vitest';
import { blockingOrder } from '../../src/diagnostics/locks.js';
import { diagnosticBlocks } from '../../src/diagnostics/render-blocks.js';
import { diagnosticText } from '../../src/diagnostics/render-text.js';
import type { DiagnosticReport, Section } from '../../src/diagnostics/types.js';
import { LIMITS } from '../../src/slack/blocks.js';

function report(sections: Section[]): DiagnosticReport {
  return {
    request: { command: 'db', topic: 'indexes' },
    command: '/db indexes',
    title: 'Indexes',
    status: 'warn',
    startedAt: new Date(Date.UTC(2026, 0, 4, 7, 0, 0)).toISOString(),
    durationMs: 42,
    database: 'postgres',
    notes: ['Scan counts since 2026-01-01'],
    statsResetAt: null,
    sections,
  };
}

function section(i: number, findings: number, factLength = 40): Section {
  return {
    key: `s${i}`,
    title: `Section ${i}`,
    status: 'warn',
    summary: `summary ${i}`,
    findings: Array.from({ length: findings }, (_, j) => ({
      status: 'warn' as const,
      title: `finding ${i}.${j}`,
      facts: ['f'.repeat(factLength)],
      query: `SELECT ${j} FROM t${i}`,
      data: {},
    })),
    omitted: 3,
    nextStep: 'Run VACUUM (playbook vacuum-analyze).',
    playbook: 'vacuum-analyze',
  };
}

describe('diagnosticBlocks', () => {
  it('keeps a huge report within 50 blocks and 3000 characters per section, and says what was cut', () => {
    const msg = diagnosticBlocks(report(Array.from({ length: 30 }, (_, i) => section(i, 40, 200))), 'America/New_York');
    expect(msg.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    for (const b of msg.blocks) {
      if (b.type === 'section') expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.sectionText);
    }
    const notes = msg.blocks.filter((b) => b.type === 'context').map((b) => JSON.stringify(b));
    expect(notes.some((n) => /more blocks? not shown.*opsbot db indexes --json/.test(n))).toBe(true);
  });

  it('shows every section with status, next step and omitted count when it fits', () => {
    const msg = diagnosticBlocks(report([section(1, 2), section(2, 1)]), 'UTC');
    const text = JSON.stringify(msg.blocks);
    expect(msg.blocks[0]).toMatchObject({ type: 'header', text: { text: ':large_yellow_circle: Indexes: WARNING' } });
    expect(text).toContain('*Next step:* Run VACUUM (playbook vacuum-analyze).');
    expect(text).toContain('…and 3 more not listed');
    expect(text).toContain('2026-01-04 07:00:00 UTC');
    expect(msg.text).toBe('Indexes: WARNING (Section 1 warning, Section 2 warning)');
  });

  it('escapes text from the database so it cannot ping channels or break the code span', () => {
    const s = section(1, 1);
    s.findings[0]!.title = '<!channel> public.<b>';
    s.findings[0]!.query = 'SELECT `x` FROM t WHERE a < b';
    const text = JSON.stringify(diagnosticBlocks(report([s]), 'UTC').blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('`SELECT ʹxʹ FROM t WHERE a &lt; b`');
  });
});

describe('diagnosticText', () => {
  it('prints sections, findings with their query, and the next step', () => {
    const text = diagnosticText(report([section(1, 1)]), 'UTC');
    expect(text).toMatch(/^Indexes: WARN {2}\(\/db indexes, 2026-01-04 07:00:00 UTC, 42 ms\)/);
    expect(text).toContain('[WARN] finding 1.0 | ffff');
    expect(text).toContain('SELECT 0 FROM t1');
    expect(text).toContain('-> Next step: Run VACUUM (playbook vacuum-analyze).');
  });
});

describe('blockingOrder', () => {
  const row = (pid: number, blockedBy: number[], waitS = 0) => ({ pid, blocked_by: blockedBy, wait_s: waitS });

  it('puts the root blocker first and each waiter under the session it waits for', () => {
    // 10 holds the lock; 11 waits for 10; 12 waits for 10 and 11 (queued behind 11's request).
    const order = blockingOrder([row(12, [10, 11], 5), row(11, [10], 9), row(10, [])]);
    expect(order.map((e) => [e.node.pid, e.depth, e.root])).toEqual([
      [10, 0, true],
      [11, 1, false],
      [12, 2, false],
    ]);
    expect(order[0]!.blocking).toBe(2);
  });

  it('orders independent chains by how many sessions each root holds up', () => {
    const order = blockingOrder([row(2, [1], 1), row(5, [4], 1), row(6, [4], 1), row(1, []), row(4, [])]);
    expect(order.filter((e) => e.root).map((e) => e.node.pid)).toEqual([4, 1]);
  });

  it('still lists every member of a deadlock cycle (no root until Postgres breaks it)', () => {
    const order = blockingOrder([row(7, [8], 2), row(8, [7], 1)]);
    expect(order.map((e) => e.node.pid).sort()).toEqual([7, 8]);
  });
});
