// Overall status and the monitoring-plugin exit codes of `opsbot health`.
import { describe, expect, it } from 'vitest';
import { exitCode, STATUSES, worst, type Status } from '../../src/health/types.js';

describe('worst', () => {
  it('is ok for nothing at all', () => {
    expect(worst([])).toBe('ok');
  });

  it.each([
    [['ok', 'ok'], 'ok'],
    [['ok', 'warn', 'ok'], 'warn'],
    [['warn', 'unknown'], 'unknown'],
    [['unknown', 'warn'], 'unknown'],
    [['unknown', 'critical'], 'critical'],
    [['critical', 'ok', 'warn', 'unknown'], 'critical'],
  ] as [Status[], Status][])('%j → %s', (statuses, expected) => {
    expect(worst(statuses)).toBe(expected);
  });

  it('does not depend on order', () => {
    const all: Status[] = ['ok', 'warn', 'unknown', 'critical'];
    expect(worst(all)).toBe('critical');
    expect(worst([...all].reverse())).toBe('critical');
    expect(worst(['unknown', 'warn', 'ok'])).toBe('unknown');
    expect(worst(['ok', 'warn', 'unknown'])).toBe('unknown');
  });

  it('accepts any iterable', () => {
    expect(worst(new Set<Status>(['warn', 'ok']))).toBe('warn');
  });
});

describe('exitCode', () => {
  it('follows the monitoring-plugin convention: 0 ok, 1 warning, 2 critical, 3 unknown', () => {
    expect(STATUSES.map((s) => [s, exitCode(s)])).toEqual([
      ['ok', 0],
      ['warn', 1],
      ['critical', 2],
      ['unknown', 3],
    ]);
  });
});
