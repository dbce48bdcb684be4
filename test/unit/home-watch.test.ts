// What makes the Home tab republish: the wrapped services notify after the calls that change
// what it shows (also when such a call fails), never after reads, and a sweep only when it
// expired or interrupted something; health reports are saved per component in the background.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { HealthService } from '../../src/health/runner.js';
import type { HealthReport } from '../../src/health/types.js';
import type { IncidentService } from '../../src/incidents/port.js';
import type { LockdownService } from '../../src/lockdown/service.js';
import type { PlaybookEngine } from '../../src/playbooks/engine.js';
import { changeSignal, recordHealth, watchEngine, watchIncidents, watchLockdown } from '../../src/home/watch.js';

function counter() {
  const signal = changeSignal();
  const seen = { n: 0 };
  signal.connect(() => seen.n++);
  return { signal, seen };
}

describe('the Home tab watchers', () => {
  it('incidents: a change notifies, a failed change too, a read does not', async () => {
    const { signal, seen } = counter();
    const fake = {
      setStatus: () => Promise.resolve({ id: 1 }),
      resolve: () => Promise.reject(new Error('state store down')),
      listOpen: () => Promise.resolve([]),
      get: () => Promise.resolve(undefined),
    } as unknown as IncidentService;
    const s = watchIncidents(fake, signal);
    await s.listOpen();
    await s.get(1);
    expect(seen.n).toBe(0);
    await s.setStatus(1, 'identified', 'bad deploy', 'U0LEAD');
    expect(seen.n).toBe(1);
    await expect(s.resolve(1, 'done', 'U0LEAD')).rejects.toThrow('state store down');
    expect(seen.n).toBe(2);
  });

  it('requests: request, approve and deny notify; a sweep only when it expired or interrupted a request', async () => {
    const { signal, seen } = counter();
    let expired: unknown[] = [];
    const fake = {
      approve: () => Promise.resolve({ kind: 'recorded' }),
      deny: () => Promise.resolve(undefined),
      sweep: () => Promise.resolve({ expired, interrupted: [] }),
      recent: () => Promise.resolve([]),
    } as unknown as PlaybookEngine;
    const e = watchEngine(fake, signal);
    await e.recent(10);
    await e.sweep();
    expect(seen.n).toBe(0);
    await e.approve('r', 'U0APPROVER');
    await e.deny('r', 'U0APPROVER');
    expect(seen.n).toBe(2);
    expired = [{ id: 'r' }];
    await e.sweep();
    expect(seen.n).toBe(3);
  });

  it('the lockdown: start and lift notify; current does not', async () => {
    const { signal, seen } = counter();
    const fake = { start: () => Promise.resolve({}), lift: () => Promise.resolve({}), current: () => Promise.resolve(undefined) } as unknown as LockdownService;
    const l = watchLockdown(fake, signal);
    await l.current();
    expect(seen.n).toBe(0);
    await l.lift({ reason: 'contained', by: 'U0LEAD', requestId: 'r' });
    expect(seen.n).toBe(1);
  });

  it('a signal before anyone listens is dropped, not thrown', () => {
    expect(() => changeSignal().notify()).not.toThrow();
  });

  it('health: each component of a report is saved with the report\'s start; a failing save does not fail the report', async () => {
    const report: HealthReport = {
      status: 'critical',
      startedAt: '2026-12-07T14:00:00.000Z',
      durationMs: 10,
      components: [
        { component: 'database', title: 'Database', status: 'critical', durationMs: 5, items: [] },
        { component: 'edge', title: 'AI edge function', status: 'ok', durationMs: 5, items: [] },
      ],
    };
    const base: HealthService = { run: () => Promise.resolve(report), components: () => ['database', 'edge'] };
    const saved: unknown[] = [];
    const h = recordHealth(base, { saveHealth: (c, at) => Promise.resolve(void saved.push({ c, at: at.toISOString() })) }, pino({ level: 'silent' }));
    expect(await h.run()).toBe(report);
    expect(saved).toEqual([
      {
        c: [
          { component: 'database', title: 'Database', status: 'critical' },
          { component: 'edge', title: 'AI edge function', status: 'ok' },
        ],
        at: '2026-12-07T14:00:00.000Z',
      },
    ]);
    const failing = recordHealth(base, { saveHealth: () => Promise.reject(new Error('down')) }, pino({ level: 'silent' }));
    expect(await failing.run('database')).toBe(report);
    expect(failing.components()).toEqual(['database', 'edge']);
  });
});
