// Next-run computation (croner) on the dates the scheduling reference verified, cross-checked
// against node-cron's matcher and its getNextRuns() from the real now.
import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { createMaintenanceCalendar } from '../../src/maintenance/calendar.js';
import { compileCron, cronProblem } from '../../src/time/cron.js';
import { localParts, localToUtc, formatLocal } from '../../src/time/zoned-time.js';

const NY = 'America/New_York';
const noDb = { query: () => Promise.reject(new Error('no database in unit tests')) };

describe('maintenance rule: first Sunday of the month 02:00 America/New_York', () => {
  const calendar = createMaintenanceCalendar({ db: noDb, timezone: NY, rule: '0 2 * * 0#1', durationMs: 120 * 60_000 });
  const from = localToUtc({ year: 2026, month: 11, day: 1, hour: 0, minute: 0, second: 0 }, NY)!;
  const windows = calendar.ruleWindows(from, from + 2 * 366 * 86_400_000).slice(0, 24);

  it('lists the next 24 windows from 2026-11-01, correct across both DST changes', () => {
    expect(windows.map((w) => new Date(w.startsAt).toISOString())).toEqual([
      '2026-11-01T07:00:00.000Z', // fall-back day itself: 02:00 EST happens once
      '2026-12-06T07:00:00.000Z',
      '2027-01-03T07:00:00.000Z',
      '2027-02-07T07:00:00.000Z',
      '2027-03-07T07:00:00.000Z', // still EST: DST starts on the second Sunday of March
      '2027-04-04T06:00:00.000Z', // EDT
      '2027-05-02T06:00:00.000Z',
      '2027-06-06T06:00:00.000Z',
      '2027-07-04T06:00:00.000Z', // a summer window at 06:00 UTC
      '2027-08-01T06:00:00.000Z',
      '2027-09-05T06:00:00.000Z',
      '2027-10-03T06:00:00.000Z',
      '2027-11-07T07:00:00.000Z', // back to EST
      '2027-12-05T07:00:00.000Z',
      '2028-01-02T07:00:00.000Z',
      '2028-02-06T07:00:00.000Z',
      '2028-03-05T07:00:00.000Z',
      '2028-04-02T06:00:00.000Z',
      '2028-05-07T06:00:00.000Z',
      '2028-06-04T06:00:00.000Z',
      '2028-07-02T06:00:00.000Z',
      '2028-08-06T06:00:00.000Z',
      '2028-09-03T06:00:00.000Z',
      '2028-10-01T06:00:00.000Z',
    ]);
  });

  it('every window is a Sunday in days 1–7 from 02:00 to 04:00 local, and node-cron agrees', () => {
    const task = cron.createTask('0 2 * * 0#1', () => undefined, { timezone: NY });
    try {
      for (const w of windows) {
        const start = localParts(w.startsAt, NY);
        const end = localParts(w.endsAt, NY);
        expect(new Date(Date.UTC(start.year, start.month - 1, start.day)).getUTCDay()).toBe(0);
        expect(start.day).toBeLessThanOrEqual(7);
        expect([start.hour, start.minute, end.hour, end.minute]).toEqual([2, 0, 4, 0]);
        expect(task.match(new Date(w.startsAt))).toBe(true);
        // The other Sundays of that month do not match.
        expect(task.match(new Date(w.startsAt + 7 * 86_400_000))).toBe(false);
      }
    } finally {
      void task.destroy();
    }
  });

  it('shows the zone people see: EST in November, EDT in July', () => {
    expect(formatLocal(windows[0]!.startsAt, NY)).toBe('Sun 2026-11-01 02:00 EST');
    expect(formatLocal(windows[8]!.startsAt, NY)).toBe('Sun 2027-07-04 02:00 EDT');
  });

  it('matches the reference test dates of 2026 (EST 07:00Z in March, EDT 06:00Z in April)', () => {
    const c = compileCron('0 2 * * 0#1', NY);
    expect(c.next(Date.parse('2026-02-15T00:00:00Z'), 2).map((x) => new Date(x).toISOString())).toEqual([
      '2026-03-01T07:00:00.000Z',
      '2026-04-05T06:00:00.000Z',
    ]);
  });

  it('the classic 1-7 + Sunday form gives the same windows because the day fields are ANDed', () => {
    const a = compileCron('0 2 1-7 * 0', NY).next(Date.parse('2026-10-01T00:00:00Z'), 12);
    const b = compileCron('0 2 * * 0#1', NY).next(Date.parse('2026-10-01T00:00:00Z'), 12);
    expect(a).toEqual(b);
  });
});

describe('cron next runs', () => {
  it('agrees with node-cron getNextRuns() from the real now for every default schedule', () => {
    for (const expr of ['0 2 * * 0#1', '* * * * *', '0 10 * * 1', '0 10 * * 1#1', '0 10 * 1,4,7,10 1#1', '0 3 * * *', '0 10 * * 2#1', '*/15 9-17 * * 1-5', '0 2 1-7 * 0', '0 0 L * *', '0 12 13 * 5', '0 9 * * 5L']) {
      const task = cron.createTask(expr, () => undefined, { timezone: NY });
      try {
        const before = Date.now();
        const theirs = task.getNextRuns(5).map((d) => d.getTime());
        const ours = compileCron(expr, NY).next(before, 6);
        // A minute may tick over between the two calls; then ours has one extra run at the head.
        const offset = ours[0] === theirs[0] ? 0 : 1;
        expect(ours.slice(offset, offset + 5), expr).toEqual(theirs);
      } finally {
        void task.destroy();
      }
    }
  });

  it('runs a daily time inside the spring-forward gap at the first valid time after it (03:00 EDT), not never', () => {
    const runs = compileCron('30 2 * * *', NY).next(Date.parse('2026-03-07T12:00:00Z'), 2);
    expect(runs.map((x) => new Date(x).toISOString())).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
  });

  it('an interval schedule skips the spring-forward gap instead of bunching runs after it', () => {
    const runs = compileCron('*/30 * * * *', NY).between(Date.parse('2026-03-08T06:00:00Z'), Date.parse('2026-03-08T07:30:00Z'));
    // 01:30 EST, then 03:00 and 03:30 EDT: no 02:xx local time exists that night.
    expect(runs.map((x) => new Date(x).toISOString())).toEqual(['2026-03-08T06:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-08T07:30:00.000Z']);
  });

  it('runs a daily time inside the fall-back overlap once, at its first occurrence', () => {
    const runs = compileCron('30 1 * * *', NY).next(Date.parse('2026-10-31T12:00:00Z'), 2);
    expect(runs.map((x) => new Date(x).toISOString())).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  it('between() is exclusive of its start and inclusive of its end', () => {
    const c = compileCron('* * * * *', NY);
    const t = Date.parse('2026-11-25T15:00:00Z');
    expect(c.between(t, t + 3 * 60_000)).toEqual([t + 60_000, t + 120_000, t + 180_000]);
    expect(c.between(t - 1, t)).toEqual([t]);
    expect(c.between(t, t)).toEqual([]);
  });

  it('refuses expressions that are not 5 valid fields, saying what is expected', () => {
    expect(cronProblem('0 0 2 * * 0')).toMatch(/5 fields/);
    expect(cronProblem('61 * * * *')).toMatch(/minute/);
    expect(cronProblem('0 2 * * 0#1')).toBeUndefined();
    expect(() => compileCron('nonsense', NY)).toThrow(/5 fields/);
  });
});

describe('local time conversion', () => {
  it('returns undefined for a local time that does not exist and the first instant for one that exists twice', () => {
    expect(localToUtc({ year: 2027, month: 3, day: 14, hour: 2, minute: 30, second: 0 }, NY)).toBeUndefined();
    expect(new Date(localToUtc({ year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0 }, NY)!).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(new Date(localToUtc({ year: 2026, month: 7, day: 1, hour: 9, minute: 0, second: 0 }, 'Europe/Berlin')!).toISOString()).toBe('2026-07-01T07:00:00.000Z');
  });
});
