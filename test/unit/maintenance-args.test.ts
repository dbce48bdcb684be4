// /maintenance parsing: accepted forms, and errors that show the accepted format.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { parseMaintenanceArgs } from '../../src/maintenance/args.js';
import { describeWindow } from '../../src/maintenance/calendar.js';

const NY = 'America/New_York';
const parse = (text: string) => parseMaintenanceArgs(text, NY);
const failure = (text: string): string => {
  try {
    parse(text);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error(`"${text}" was accepted`);
};

describe('/maintenance arguments', () => {
  it('defaults to next and knows list and help', () => {
    expect(parse('')).toEqual({ sub: 'next' });
    expect(parse('  LIST ')).toEqual({ sub: 'list' });
    expect(parse('help')).toEqual({ sub: 'help' });
  });

  it('reads add with a local start in the bot time zone, a duration and a reason', () => {
    const a = parse('add 2026-12-13T02:00 2h Postgres 16 upgrade');
    expect(a).toMatchObject({ sub: 'add', durationMs: 2 * 3_600_000, reason: 'Postgres 16 upgrade' });
    expect(new Date((a as { startsAt: number }).startsAt).toISOString()).toBe('2026-12-13T07:00:00.000Z');
    // Summer time: 02:00 EDT is 06:00 UTC.
    expect(new Date((parse('add 2027-07-11T02:00 90m x') as { startsAt: number }).startsAt).toISOString()).toBe('2027-07-11T06:00:00.000Z');
  });

  it('accepts "date time" as two words, explicit UTC or offsets, and 1h30m durations', () => {
    expect(parse('add 2026-12-13 02:00 1h30m reindex')).toMatchObject({ durationMs: 90 * 60_000, reason: 'reindex' });
    expect(new Date((parse('add 2026-12-13T07:00Z 30m x') as { startsAt: number }).startsAt).toISOString()).toBe('2026-12-13T07:00:00.000Z');
    expect(new Date((parse('add 2026-12-13T02:00-05:00 30m x') as { startsAt: number }).startsAt).toISOString()).toBe('2026-12-13T07:00:00.000Z');
  });

  it('answers a bad start with the accepted format and an example', () => {
    for (const bad of ['add 13/12/2026 2h x', 'add 2026-12-13 2h x', 'add tomorrow 2h x']) {
      const msg = failure(bad);
      expect(msg).toContain('YYYY-MM-DDTHH:MM in America/New_York');
      expect(msg).toContain('/maintenance add 2026-12-13T02:00 2h');
    }
    expect(failure('add 2026-02-30T02:00 2h x')).toMatch(/not a real date/);
    expect(failure('add 2026-12-13T25:00 2h x')).toMatch(/not a real date/);
  });

  it('refuses a start inside the spring-forward gap, saying why', () => {
    expect(failure('add 2027-03-14T02:30 1h x')).toMatch(/does not exist in America\/New_York.*daylight saving/);
  });

  it('answers a bad duration or a missing reason with the format', () => {
    expect(failure('add 2026-12-13T02:00 2 x')).toMatch(/like 90m, 2h or 1h30m/);
    expect(failure('add 2026-12-13T02:00 25h x')).toMatch(/at most 24h/);
    expect(failure('add 2026-12-13T02:00 2h')).toMatch(/needs a start, a duration and a reason/);
  });

  it('reads skip with a date and an optional reason; a bad date shows YYYY-MM-DD', () => {
    expect(parse('skip 2026-12-06 holiday freeze')).toEqual({ sub: 'skip', date: { year: 2026, month: 12, day: 6 }, reason: 'holiday freeze' });
    expect(parse('skip 2026-12-06')).toMatchObject({ reason: null });
    expect(failure('skip 12/06')).toMatch(/Write it as YYYY-MM-DD, e\.g\. `\/maintenance skip 2026-12-06/);
    expect(failure('skip 2026-11-31')).toMatch(/YYYY-MM-DD/);
    expect(failure('skip')).toMatch(/needs the date/);
  });

  it('names an unknown subcommand and lists the usage', () => {
    const msg = failure('postpone 2026-12-06');
    expect(msg).toContain("I don't know `/maintenance postpone`");
    expect(msg).toContain('/maintenance skip <date>');
  });
});

describe('window descriptions', () => {
  it('show one zone for a normal window and both across the fall-back hour', () => {
    const start = Date.parse('2026-11-01T07:00:00Z');
    expect(describeWindow({ startsAt: start, endsAt: start + 2 * 3_600_000 }, NY)).toBe('Sun 2026-11-01 02:00–04:00 EST');
    const early = Date.parse('2026-11-01T05:00:00Z'); // 01:00 EDT
    expect(describeWindow({ startsAt: early, endsAt: early + 2 * 3_600_000 }, NY)).toBe('Sun 2026-11-01 01:00 EDT–02:00 EST');
    expect(describeWindow({ startsAt: start, endsAt: start + 23 * 3_600_000 }, NY)).toBe('Sun 2026-11-01 02:00 EST – Mon 2026-11-02 01:00 EST');
  });
});
