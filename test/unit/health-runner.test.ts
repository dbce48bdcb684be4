// The health service: checks in parallel, each with its own time limit; a check that hangs or
// throws becomes a critical item and the others still report.
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { UpstreamError } from '../../src/core/errors.js';
import { createHealthService } from '../../src/health/runner.js';
import type { CheckContext, Component, HealthCheck, HealthItem, Status } from '../../src/health/types.js';
import { capturedLogger } from '../support/unit-log.js';

const silent = pino({ level: 'silent' });
const START = Date.UTC(2025, 0, 15, 17, 0, 0);

function item(status: Status, key = 'probe'): HealthItem {
  return { key, label: key, status, value: status, threshold: 'x', ...(status === 'ok' ? {} : { advice: `fix ${key}` }) };
}

function check(component: Component, run: (ctx: CheckContext) => Promise<HealthItem[]>): HealthCheck {
  return { component, title: `Title of ${component}`, run };
}

const okCheck = (component: Component, ...statuses: Status[]) =>
  check(component, () => Promise.resolve(statuses.length ? statuses.map((s, i) => item(s, `${component}-${i}`)) : [item('ok')]));

afterEach(() => {
  vi.useRealTimers();
});

describe('parallel checks', () => {
  it('starts every check before any finishes (three 200 ms checks overlap)', async () => {
    const events: string[] = [];
    const slow = (c: Component) =>
      check(c, async () => {
        events.push(`start ${c}`);
        await new Promise((r) => setTimeout(r, 200));
        events.push(`end ${c}`);
        return [item('ok')];
      });
    const service = createHealthService({
      checks: [slow('frontend'), slow('database'), slow('edge')],
      clock: fixedClock(START),
      timeoutMs: 5000,
      logger: silent,
    });
    const report = await service.run();
    expect(events.slice(0, 3).sort()).toEqual(['start database', 'start edge', 'start frontend']);
    expect(events.slice(3).sort()).toEqual(['end database', 'end edge', 'end frontend']);
    expect(report.components.map((c) => c.status)).toEqual(['ok', 'ok', 'ok']);
  });

  it('a check waiting for the others to start completes (it would time out if run one after another)', async () => {
    let started = 0;
    let allStarted!: () => void;
    const barrier = new Promise<void>((r) => (allStarted = r));
    const waiting = (c: Component) =>
      check(c, async () => {
        if (++started === 4) allStarted();
        await barrier;
        return [item('ok')];
      });
    const service = createHealthService({
      checks: [waiting('frontend'), waiting('database'), waiting('edge'), waiting('auth')],
      clock: fixedClock(START),
      timeoutMs: 1000,
      logger: silent,
    });
    const report = await service.run();
    expect(report.status).toBe('ok');
    expect(report.components).toHaveLength(4);
  });

  it('reports components in the configured order, with titles, and when they started', async () => {
    const service = createHealthService({
      checks: [okCheck('frontend'), okCheck('database'), okCheck('edge'), okCheck('auth')],
      clock: fixedClock(START),
      timeoutMs: 5000,
      logger: silent,
    });
    expect(service.components()).toEqual(['frontend', 'database', 'edge', 'auth']);
    const report = await service.run();
    expect(report.components.map((c) => [c.component, c.title])).toEqual([
      ['frontend', 'Title of frontend'],
      ['database', 'Title of database'],
      ['edge', 'Title of edge'],
      ['auth', 'Title of auth'],
    ]);
    expect(report.startedAt).toBe('2025-01-15T17:00:00.000Z');
  });

  it('runs only the requested component', async () => {
    const ran: Component[] = [];
    const tracked = (c: Component) =>
      check(c, () => {
        ran.push(c);
        return Promise.resolve([item('ok')]);
      });
    const service = createHealthService({
      checks: [tracked('frontend'), tracked('database'), tracked('edge')],
      clock: fixedClock(START),
      timeoutMs: 5000,
      logger: silent,
    });
    const report = await service.run('edge');
    expect(ran).toEqual(['edge']);
    expect(report.components.map((c) => c.component)).toEqual(['edge']);
  });

  it('measures durations with the clock', async () => {
    const clock = fixedClock(START);
    const service = createHealthService({
      checks: [
        check('database', () => {
          clock.advance(1234);
          return Promise.resolve([item('ok')]);
        }),
      ],
      clock,
      timeoutMs: 5000,
      logger: silent,
    });
    const report = await service.run();
    expect(report.components[0]!.durationMs).toBe(1234);
    expect(report.durationMs).toBe(1234);
  });
});

describe('timeouts', () => {
  it('a check that does not answer becomes critical "no answer within 5.0 s" and the others still report', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let seenSignal: AbortSignal | undefined;
    const hanging = check('database', ({ signal }) => {
      seenSignal = signal;
      return new Promise<HealthItem[]>(() => undefined);
    });
    const service = createHealthService({
      checks: [okCheck('frontend'), hanging, okCheck('edge', 'warn')],
      clock: fixedClock(START),
      timeoutMs: 5000,
      logger: silent,
    });
    let settled = false;
    const pending = service.run().then((r) => {
      settled = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(4999);
    expect(settled).toBe(false);
    expect(seenSignal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const report = await pending;
    expect(seenSignal?.aborted).toBe(true);

    const db = report.components.find((c) => c.component === 'database')!;
    expect(db.status).toBe('critical');
    expect(db.items).toHaveLength(1);
    expect(db.items[0]).toMatchObject({ status: 'critical', value: 'no answer within 5.0 s', threshold: 'answers within 5.0 s' });
    expect(db.items[0]!.advice).toContain('DATABASE_URL');
    expect(report.components.find((c) => c.component === 'frontend')!.status).toBe('ok');
    expect(report.components.find((c) => c.component === 'edge')!.status).toBe('warn');
    expect(report.status).toBe('critical');
  });

  it('a check that gives up when aborted still reports the timeout, not its abort error', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const honoursSignal = check('edge', async ({ signal }) => {
      await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('This operation was aborted'))));
      return [item('ok')];
    });
    const service = createHealthService({ checks: [honoursSignal], clock: fixedClock(START), timeoutMs: 2000, logger: silent });
    const pending = service.run();
    await vi.advanceTimersByTimeAsync(2000);
    const report = await pending;
    expect(report.components[0]!.items[0]!.value).toBe('no answer within 2.0 s');
  });

  it('each check has its own limit: a fast check is not cut short by a slow one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const after = (c: Component, ms: number) => check(c, () => new Promise((r) => setTimeout(() => r([item('ok')]), ms)));
    const service = createHealthService({
      checks: [after('frontend', 4000), after('auth', 6000)],
      clock: fixedClock(START),
      timeoutMs: 5000,
      logger: silent,
    });
    const pending = service.run();
    await vi.advanceTimersByTimeAsync(6000);
    const report = await pending;
    expect(report.components.map((c) => [c.component, c.status])).toEqual([
      ['frontend', 'ok'],
      ['auth', 'critical'],
    ]);
  });
});

describe('failing checks', () => {
  it('a check that throws becomes critical with its message and component advice; the others still report', async () => {
    const { logger, logs } = capturedLogger();
    const service = createHealthService({
      checks: [
        okCheck('frontend'),
        check('auth', () => Promise.reject(new Error('unexpected token < in JSON'))),
        check('database', () => Promise.reject(new UpstreamError('Cannot connect to the target database: connection refused at 127.0.0.1:5432'))),
      ],
      clock: fixedClock(START),
      timeoutMs: 5000,
      logger,
    });
    const report = await service.run();
    const [frontend, auth, db] = report.components;
    expect(frontend!.status).toBe('ok');
    expect(auth!.items).toEqual([
      expect.objectContaining({ status: 'critical', value: 'unexpected token < in JSON', advice: expect.stringContaining('auth logs') }),
    ]);
    expect(db!.items).toEqual([
      expect.objectContaining({
        status: 'critical',
        value: 'Cannot connect to the target database: connection refused at 127.0.0.1:5432',
        advice: expect.stringContaining('DATABASE_URL'),
      }),
    ]);
    expect(report.status).toBe('critical');
    // A surprise is a warning in the log; an expected, typed failure is only debug.
    const failed = logs.lines().filter((l) => l.msg === 'health check failed');
    expect(failed.map((l) => [l.level, l.component])).toEqual(
      expect.arrayContaining([
        ['warn', 'auth'],
        ['debug', 'database'],
      ]),
    );
    expect(failed).toHaveLength(2);
  });
});

describe('overall status', () => {
  it.each([
    [['ok', 'ok'], 'ok'],
    [['ok', 'warn'], 'warn'],
    [['warn', 'unknown'], 'unknown'],
    [['unknown', 'critical', 'warn'], 'critical'],
  ] as [Status[], Status][])('items %j give %s for the component and the report', async (statuses, expected) => {
    const service = createHealthService({
      checks: [okCheck('database', ...statuses), okCheck('frontend')],
      clock: fixedClock(START),
      timeoutMs: 5000,
      logger: silent,
    });
    const report = await service.run();
    expect(report.components[0]!.status).toBe(expected);
    expect(report.status).toBe(expected);
  });
});

describe('notices', () => {
  it('a structured notice gives the report its alert (the header headline) and the full text', async () => {
    const service = createHealthService({
      checks: [okCheck('database')],
      clock: fixedClock(START),
      timeoutMs: 5000,
      logger: silent,
      notices: () => Promise.resolve([{ headline: 'LOCKDOWN ACTIVE', text: 'LOCKDOWN ACTIVE since noon: leaked key.' }, 'Maintenance starts in 10 min']),
    });
    const report = await service.run();
    expect(report.status).toBe('ok');
    expect(report.alert).toBe('LOCKDOWN ACTIVE · Maintenance starts in 10 min');
    expect(report.notices).toEqual(['LOCKDOWN ACTIVE since noon: leaked key.', 'Maintenance starts in 10 min']);
  });

  it('no notices, no alert; a notice source that fails does not break the report', async () => {
    const service = createHealthService({
      checks: [okCheck('database')],
      clock: fixedClock(START),
      timeoutMs: 5000,
      logger: silent,
      notices: () => Promise.reject(new Error('state store down')),
    });
    const report = await service.run();
    expect(report.alert).toBeUndefined();
    expect(report.notices).toBeUndefined();
  });
});
