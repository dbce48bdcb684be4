// Retention planning on its own: one backup per day/week/month bucket (the newest), ISO weeks
// across the new year, days in the ops time zone, safety backups by age, the last verified one.
import { describe, expect, it } from 'vitest';
import { isoWeek, planRetention } from '../../src/backup/retention.js';
import type { BackupEntry } from '../../src/backup/types.js';

const entry = (id: string, at: string, extra: Partial<BackupEntry> = {}): BackupEntry => ({
  id,
  kind: 'scheduled',
  state: 'succeeded',
  startedBy: 'scheduler',
  startedAt: Date.parse(at),
  finishedAt: null,
  durationMs: null,
  store: 'local',
  objectKey: `${id}.dump`,
  parts: 1,
  sizeBytes: 1,
  sha256: null,
  serverVersion: null,
  clientVersion: null,
  tableCount: null,
  rowCount: null,
  manifest: null,
  error: null,
  verifyState: null,
  verifiedAt: null,
  prunedAt: null,
  ...extra,
});
const policy = { daily: 2, weekly: 0, monthly: 0, safetyDays: 30, timezone: 'America/New_York', now: Date.parse('2026-03-10T12:00:00Z') };
const ids = (es: BackupEntry[]) => es.map((e) => e.id);

describe('planRetention', () => {
  it('keeps the newest backup of each day; an extra manual one earlier that day goes', () => {
    const plan = planRetention(
      [entry('d1-early', '2026-03-09T13:00:00Z', { kind: 'manual' }), entry('d1-late', '2026-03-09T20:00:00Z'), entry('d0', '2026-03-08T07:00:00Z'), entry('dm1', '2026-03-07T07:00:00Z')],
      policy,
    );
    expect(ids(plan.keep)).toEqual(['d1-late', 'd0']);
    expect(ids(plan.prune)).toEqual(['d1-early', 'dm1']);
  });

  it('counts days in the ops time zone: 03:00 UTC is the evening before in New York', () => {
    const plan = planRetention([entry('a', '2026-03-10T03:00:00Z'), entry('b', '2026-03-09T22:00:00Z'), entry('c', '2026-03-08T22:00:00Z')], policy);
    // a and b are both 2026-03-09 in New York; a is newer.
    expect(ids(plan.keep)).toEqual(['a', 'c']);
  });

  it('uses ISO weeks, which run Monday to Sunday and may start in the previous year', () => {
    expect(isoWeek(2026, 1, 1)).toBe('2026-W01');
    expect(isoWeek(2027, 1, 1)).toBe('2026-W53');
    expect(isoWeek(2024, 12, 30)).toBe('2025-W01');
    expect(isoWeek(2026, 2, 1)).toBe('2026-W05');
    expect(isoWeek(2026, 2, 2)).toBe('2026-W06');
  });

  it('keeps safety backups for their days, and always one verified backup', () => {
    const plan = planRetention(
      [
        entry('new', '2026-03-09T07:00:00Z'),
        entry('newer', '2026-03-10T07:00:00Z'),
        entry('safety-fresh', '2026-03-01T07:00:00Z', { kind: 'safety' }),
        entry('safety-old', '2026-01-01T07:00:00Z', { kind: 'safety' }),
        entry('verified-old', '2025-12-01T07:00:00Z', { verifyState: 'passed' }),
        entry('verified-older', '2025-11-01T07:00:00Z', { verifyState: 'passed' }),
        entry('failed-verify', '2025-12-15T07:00:00Z', { verifyState: 'failed' }),
      ],
      policy,
    );
    expect(ids(plan.keep)).toEqual(['newer', 'new', 'safety-fresh', 'verified-old']);
    expect(plan.keptAsOnlyVerified?.id).toBe('verified-old');
    expect(ids(plan.prune)).toEqual(['safety-old', 'failed-verify', 'verified-older']);
  });

  it('ignores entries that are not succeeded', () => {
    const plan = planRetention([entry('x', '2026-03-09T07:00:00Z', { state: 'failed' }), entry('y', '2026-03-08T07:00:00Z', { state: 'pruned' })], policy);
    expect(plan.keep).toEqual([]);
    expect(plan.prune).toEqual([]);
  });
});
