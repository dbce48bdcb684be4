// Concurrent /health requests share one run of the checks, so a crowd in a war room does not
// multiply the load on a struggling database; a request after the run finished starts a new one.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createHealthService } from '../../src/health/runner.js';
import type { HealthCheck } from '../../src/health/types.js';

describe('health single flight', () => {
  it('shares an in-flight run per scope and starts afresh afterwards', async () => {
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const check: HealthCheck = {
      component: 'database',
      title: 'DB',
      run: async () => {
        runs++;
        await gate;
        return [{ key: 'ping', label: 'Ping', status: 'ok', value: '1 ms', threshold: 'x' }];
      },
    };
    const service = createHealthService({ checks: [check], clock: systemClock, timeoutMs: 5000, logger: pino({ level: 'silent' }) });
    const first = Array.from({ length: 10 }, () => service.run());
    const scoped = service.run('database');
    release();
    const reports = await Promise.all([...first, scoped]);
    expect(runs).toBe(2); // one for "all", one for "database"
    expect(new Set(reports.slice(0, 10)).size).toBe(1);
    await service.run();
    expect(runs).toBe(3);
  });
});
