// Parsing of `/maintenance …` (pure; errors say what is wrong and show the accepted format).
import { InputError } from '../core/errors.js';
import { quoteInput } from '../slack/blocks.js';
import { checkText } from '../slack/input.js';
import { formatDate, isRealDate, type LocalDate, localToUtc } from '../time/zoned-time.js';

export type MaintenanceArgs =
  | { sub: 'next' }
  | { sub: 'list' }
  | { sub: 'help' }
  | { sub: 'add'; startsAt: number; durationMs: number; reason: string; startText: string }
  | { sub: 'skip'; date: LocalDate; reason: string | null };

export const MAX_DURATION_MS = 24 * 3_600_000;
export const MAX_REASON = 300;

export function maintenanceUsage(timezone: string): string {
  return [
    '`/maintenance next` — the next window and its notices',
    '`/maintenance list` — upcoming windows, skipped ones included',
    `\`/maintenance add <start> <duration> <reason>\` — a one-off window, e.g. \`/maintenance add 2026-12-13T02:00 2h Postgres 16 upgrade\`. <start> is YYYY-MM-DDTHH:MM in ${timezone} (or with Z / +hh:mm); <duration> like 90m, 2h or 1h30m (at most 24h)`,
    '`/maintenance skip <date> [reason]` — skip the window(s) starting that day, e.g. `/maintenance skip 2026-12-06 holiday freeze`; <date> is YYYY-MM-DD',
  ].join('\n');
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})?$/i;

/** Parses a start time: local time in `timezone` unless it carries Z or an offset. */
export function parseStart(text: string, timezone: string): number {
  const example = '2026-12-13T02:00';
  const m = DATETIME.exec(text);
  if (!m) {
    throw new InputError(`I couldn't read the start time "${quoteInput(text, 40)}". Write it as YYYY-MM-DDTHH:MM in ${timezone}, e.g. \`/maintenance add ${example} 2h Postgres 16 upgrade\`.`);
  }
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  if (!isRealDate({ year, month, day }) || hour > 23 || minute > 59) {
    throw new InputError(`"${quoteInput(text, 40)}" is not a real date and time. Write it as YYYY-MM-DDTHH:MM in ${timezone}, e.g. \`${example}\`.`);
  }
  const zone = m[6];
  if (zone) {
    const offset = zone.toUpperCase() === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    return Date.UTC(year, month - 1, day, hour, minute) - offset * 60_000;
  }
  const at = localToUtc({ year, month, day, hour, minute, second: 0 }, timezone);
  if (at === undefined) {
    throw new InputError(
      `${formatDate({ year, month, day })} ${m[4]}:${m[5]} does not exist in ${timezone}: the clocks skip that hour for daylight saving time. Pick another start time.`,
    );
  }
  return at;
}

/** Parses `90m`, `2h`, `1h30m` (1 minute to 24 hours). */
export function parseDuration(text: string): number {
  const m = /^(?:(\d{1,2})h)?(?:(\d{1,4})m(?:in)?)?$/i.exec(text);
  const minutes = m && (m[1] || m[2]) ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) : NaN;
  if (!Number.isFinite(minutes) || minutes < 1 || minutes * 60_000 > MAX_DURATION_MS) {
    throw new InputError(`I couldn't read the duration "${quoteInput(text, 20)}". Write it like 90m, 2h or 1h30m (at most 24h), e.g. \`/maintenance add 2026-12-13T02:00 2h Postgres 16 upgrade\`.`);
  }
  return minutes * 60_000;
}

/** Parses `YYYY-MM-DD`. */
export function parseDate(text: string): LocalDate {
  const m = DATE.exec(text);
  const d = m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : undefined;
  if (!d || !isRealDate(d)) {
    throw new InputError(`I couldn't read the date "${quoteInput(text, 40)}". Write it as YYYY-MM-DD, e.g. \`/maintenance skip 2026-12-06 holiday freeze\`.`);
  }
  return d;
}

export function parseMaintenanceArgs(text: string, timezone: string): MaintenanceArgs {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const sub = (words.shift() ?? 'next').toLowerCase();
  switch (sub) {
    case 'next':
    case 'list':
    case 'help':
      if (words.length > 0) throw new InputError(`\`/maintenance ${sub}\` takes no arguments.\n${maintenanceUsage(timezone)}`);
      return { sub };
    case 'add': {
      if (words.length < 3) {
        throw new InputError(`\`/maintenance add\` needs a start, a duration and a reason.\n${maintenanceUsage(timezone)}`);
      }
      let startText = words.shift()!;
      // Accept "2026-12-13 02:00" as two words too.
      if (DATE.test(startText) && /^\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?$/i.test(words[0] ?? '')) startText = `${startText}T${words.shift()!}`;
      const startsAt = parseStart(startText, timezone);
      const durationMs = parseDuration(words.shift() ?? '');
      const reason = words.join(' ').trim();
      if (reason === '') throw new InputError(`Say why the window is needed, e.g. \`/maintenance add ${startText} 2h Postgres 16 upgrade\`.`);
      checkText('maintenance reason', reason, { max: MAX_REASON });
      return { sub, startsAt, durationMs, reason, startText };
    }
    case 'skip': {
      if (words.length === 0) throw new InputError(`\`/maintenance skip\` needs the date of the window, e.g. \`/maintenance skip 2026-12-06 holiday freeze\` (YYYY-MM-DD).`);
      const date = parseDate(words.shift()!);
      const reason = words.join(' ').trim();
      checkText('skip reason', reason, { max: MAX_REASON });
      return { sub, date, reason: reason === '' ? null : reason };
    }
    default:
      throw new InputError(`I don't know \`/maintenance ${quoteInput(sub, 30)}\`.\n${maintenanceUsage(timezone)}`);
  }
}
