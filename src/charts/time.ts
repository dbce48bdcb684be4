// Time axes in the configured zone. Vega formats times in UTC or in the machine's own zone only;
// charts shift each instant by its zone offset and draw on a UTC scale, so the axis reads the ops
// time zone's wall clock whatever zone the server runs in (and the PNG never depends on it).
import { formatClock, formatLocal, offsetMs } from '../time/zoned-time.js';

/** The instant whose UTC wall clock reads what `timeZone`'s clocks read at `ms`. */
export function wallClock(ms: number, timeZone: string): number {
  return ms + offsetMs(ms, timeZone);
}

/** An x encoding for wall-clock times (see wallClock) on a UTC scale. */
export function timeAxis(field: string, title: string, format = '%H:%M') {
  return { field, type: 'temporal', title, scale: { type: 'utc' }, axis: { format, labelOverlap: true, tickCount: 6 } } as const;
}

/** `03:04` in the zone, for alt text. */
export function clock(ms: number, timeZone: string): string {
  return formatClock(ms, timeZone);
}

/** `2026-11-25 03:04 EST` in the zone, for alt text. */
export function stamp(ms: number, timeZone: string): string {
  return formatLocal(ms, timeZone, { weekday: false });
}
