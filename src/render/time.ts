// Times shown to people, in the configured time zone.
import { formatStamp } from '../time/zoned-time.js';

/** `2026-11-01 02:00:05 EST` (zoned-time keeps one formatter per zone: building one costs ~0.2 ms). */
export function formatTime(epochMs: number, timeZone: string): string {
  return formatStamp(epochMs, timeZone);
}
