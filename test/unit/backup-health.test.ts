// /health backup items from a fake catalogue: RPO thresholds, advice only when not ok, and an
// unreadable catalogue reported as unknown rather than thrown.
import { describe, expect, it } from 'vitest';
import { backupHealthItems } from '../../src/backup/health.js';
import type { BackupEntry } from '../../src/backup/types.js';
import { fixedClock } from '../../src/core/clock.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const backup = (hoursAgo: number): BackupEntry => ({ id: `b${hoursAgo}`, startedAt: NOW - hoursAgo * 3_600_000 }) as BackupEntry;

describe('backupHealthItems', () => {
  it('custom thresholds; advice only when not ok', async () => {
    const items = await backupHealthItems({ latest: (o) => Promise.resolve(o?.verified ? backup(13) : backup(2)) }, fixedClock(NOW), { warnHours: 12, criticalHours: 36 });
    expect(items.map((i) => [i.key, i.status, i.value])).toEqual([
      ['backup_last_success', 'ok', '2 h ago (b2)'],
      ['backup_last_verified', 'warn', '13 h ago (b13)'],
    ]);
    expect(items[0]!.advice).toBeUndefined();
    expect(items[1]!.advice).toMatch(/\/backup verify latest/);
    expect(items[1]!.data).toMatchObject({ backupId: 'b13', ageHours: 13 });
  });

  it('the boundaries: exactly 24 h is ok, a minute more warns, over 48 h is critical', async () => {
    const at = async (h: number) => (await backupHealthItems({ latest: () => Promise.resolve(backup(h)) }, fixedClock(NOW)))[0]!.status;
    expect(await at(24)).toBe('ok');
    expect(await at(24 + 1 / 60)).toBe('warn');
    expect(await at(48)).toBe('warn');
    expect(await at(48 + 1 / 60)).toBe('critical');
  });

  it('a catalogue that cannot be read is unknown, with advice', async () => {
    const items = await backupHealthItems({ latest: () => Promise.reject(new Error('connection refused')) }, fixedClock(NOW));
    expect(items.map((i) => i.status)).toEqual(['unknown', 'unknown']);
    expect(items[0]!.advice).toMatch(/catalogue could not be read \(connection refused\)/);
  });
});
