// Wall-clock time in an IANA time zone, without a date library. Schedules are written in local
// time ("first Sunday 02:00 America/New_York") but stored and compared as UTC instants, so the
// conversion has to get the DST gap (a local time that does not exist) and the overlap (one that
// exists twice) right.

/** A local date and time in some time zone; month is 1–12. */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** A calendar date without a time. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock reading of instant `ms` in `timeZone`. */
export function localParts(ms: number, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of partsFormatter(timeZone).formatToParts(ms)) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    year: out.year ?? 0,
    month: out.month ?? 0,
    day: out.day ?? 0,
    hour: out.hour ?? 0,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

/** Offset of `timeZone` from UTC at instant `ms`, in milliseconds (EST = −5 h). */
export function offsetMs(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

function sameParts(a: LocalParts, b: LocalParts): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.second === b.second;
}

/**
 * The UTC instant at which the clocks in `timeZone` read `parts`. In the fall-back overlap the
 * first occurrence is returned (as cron fires there); inside the spring-forward gap the time
 * does not exist and the result is undefined (such a run is skipped for that day).
 */
export function localToUtc(parts: LocalParts, timeZone: string): number | undefined {
  const naive = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  // The offsets a day either side bracket any single DST transition near this date.
  const before = offsetMs(naive - 86_400_000, timeZone);
  const after = offsetMs(naive + 86_400_000, timeZone);
  if (before === after) {
    // No transition nearby (the usual case): one candidate, checked once.
    const candidate = naive - before;
    return sameParts(localParts(candidate, timeZone), parts) ? candidate : undefined;
  }
  let best: number | undefined;
  for (const off of new Set([before, after, offsetMs(naive, timeZone)])) {
    const candidate = naive - off;
    if (sameParts(localParts(candidate, timeZone), parts) && (best === undefined || candidate < best)) best = candidate;
  }
  return best;
}

/** Day of week of a calendar date, 0 = Sunday. */
export function weekday(d: LocalDate): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
}

/** The calendar date after `d`. */
export function nextDate(d: LocalDate): LocalDate {
  const n = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return { year: n.getUTCFullYear(), month: n.getUTCMonth() + 1, day: n.getUTCDate() };
}

/** True when year/month/day name a real calendar date (rejects 2026-02-30). */
export function isRealDate(d: LocalDate): boolean {
  if (d.month < 1 || d.month > 12 || d.day < 1) return false;
  const n = new Date(Date.UTC(d.year, d.month - 1, d.day));
  return n.getUTCFullYear() === d.year && n.getUTCMonth() === d.month - 1 && n.getUTCDate() === d.day;
}

/** `2026-11-01`. */
export function formatDate(d: LocalDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

const labelFormatters = new Map<string, Intl.DateTimeFormat>();

/** The short weekday and zone abbreviation (EST / EDT) at instant `ms` in `timeZone`. */
function labels(ms: number, timeZone: string): { weekday: string; zone: string } {
  let f = labelFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', timeZoneName: 'short' });
    labelFormatters.set(timeZone, f);
  }
  const parts = f.formatToParts(ms);
  return { weekday: parts.find((p) => p.type === 'weekday')?.value ?? '', zone: parts.find((p) => p.type === 'timeZoneName')?.value ?? '' };
}

/** `2026-11-01 02:00:05 EST`: a full timestamp for people, to the second. */
export function formatStamp(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${formatDate(p)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)} ${labels(ms, timeZone).zone}`;
}

/**
 * A time for people: `Sun 2026-11-01 02:00 EST`. The zone abbreviation is included because a
 * window on the fall-back day would otherwise be ambiguous.
 */
export function formatLocal(ms: number, timeZone: string, opts: { weekday?: boolean; zone?: boolean } = {}): string {
  const { weekday: wd, zone: tz } = labels(ms, timeZone);
  const p = localParts(ms, timeZone);
  const hm = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  const text = `${formatDate(p)} ${hm}`;
  return `${opts.weekday === false ? '' : `${wd} `}${text}${opts.zone === false ? '' : ` ${tz}`}`;
}

/** `02:00` in the zone. */
export function formatClock(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/** "in 2 d 4 h", "in 35 min", "3 h ago": a rough distance for people. */
export function formatDistance(ms: number): string {
  const future = ms >= 0;
  const abs = Math.abs(ms);
  const min = Math.round(abs / 60_000);
  let text: string;
  if (min < 60) text = `${min} min`;
  else if (min < 48 * 60) text = `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
  else text = `${Math.floor(min / 1440)} d${Math.floor((min % 1440) / 60) ? ` ${Math.floor((min % 1440) / 60)} h` : ''}`;
  return future ? `in ${text}` : `${text} ago`;
}
