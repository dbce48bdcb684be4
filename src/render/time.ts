// Times shown to people, in the configured time zone.

// Building an Intl.DateTimeFormat costs ~0.2 ms; every report renders several times, so one
// formatter per zone is kept (a handful of zones at most: the configured one).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      // hour12: false lets en-US print midnight as 24:00:00; h23 gives 00:00:00.
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function formatTime(epochMs: number, timeZone: string): string {
  const parts = formatter(timeZone).formatToParts(epochMs);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')} ${get('timeZoneName')}`;
}
