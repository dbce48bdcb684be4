// The maintenance calendar as people change it: add a one-off window, skip one, see the next
// and the list. Changes are announced in the maintenance channel; the scheduled notices follow
// from the calendar by themselves.
import type { Clock } from '../core/clock.js';
import { InputError, OpsError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { ChatPoster } from '../slack/chat-poster.js';
import type { JobRunStore, Queryable } from '../state/run-store.js';
import { formatDate, type LocalDate, localParts } from '../time/zoned-time.js';
import { escapeMrkdwn } from '../slack/blocks.js';
import { sql } from '../core/sql.js';
import { describeWindow, type MaintenanceCalendar, type MaintenanceWindow } from './calendar.js';
import { END_JOB, noticeJobId, START_JOB } from './jobs.js';
import { addedMessage, type Message, type NoticeStatus, skippedMessage } from './messages.js';

const HOUR = 3_600_000;
/** How far ahead a window may be added. */
export const MAX_AHEAD_MS = 400 * 86_400_000;

export interface MaintenanceServiceDeps {
  calendar: MaintenanceCalendar;
  db: Queryable;
  clock: Clock;
  logger: Logger;
  noticeHours: number[];
  /** For the notice status shown by `next`. */
  runs?: JobRunStore;
  /** Where calendar changes are announced; without them changes are only logged. */
  poster?: ChatPoster;
  channel?: string;
}

export interface AddWindowRequest {
  startsAt: number;
  durationMs: number;
  reason: string;
}

export interface AddResult {
  window: MaintenanceWindow;
  /** Notice lead times that had already passed when the window was added. */
  missedNotices: number[];
  /** Whether the channel was told. */
  announced: boolean;
}

export interface SkipResult {
  skipped: MaintenanceWindow[];
  next: MaintenanceWindow | undefined;
  announced: boolean;
}

export interface NextResult {
  window: MaintenanceWindow | undefined;
  notices: NoticeStatus[];
}

/** The maintenance calendar behind /maintenance. */
export interface MaintenanceService {
  readonly timezone: string;
  readonly calendar: MaintenanceCalendar;
  /** The service's current time, for rendering "in 3 days". */
  now(): number;
  /** The next window (or the one in progress) with the state of each of its posts. */
  next(): Promise<NextResult>;
  /** The next `count` windows, skipped ones included and flagged. */
  list(count?: number): Promise<MaintenanceWindow[]>;
  /** Adds a one-off window; refuses past starts and overlaps with another window. */
  add(req: AddWindowRequest, actor: string): Promise<AddResult>;
  /** Skips every window that starts on the local date and has not started yet. */
  skip(date: LocalDate, reason: string | null, actor: string): Promise<SkipResult>;
  /** The window in progress at `at`, if any (alerts are held during it). */
  activeWindow(at: number): Promise<MaintenanceWindow | undefined>;
}

const localDay = (ms: number, tz: string) => formatDate(localParts(ms, tz));

export function createMaintenanceService(d: MaintenanceServiceDeps): MaintenanceService {
  const tz = d.calendar.timezone;

  const announce = async (msg: Message): Promise<boolean> => {
    if (!d.poster || !d.channel) {
      d.logger.info({ text: msg.text }, 'maintenance change not announced: no channel configured');
      return false;
    }
    await d.poster.postMessage({ channel: d.channel, text: msg.text, blocks: msg.blocks });
    return true;
  };

  const postsOf = (w: MaintenanceWindow) => [
    ...d.noticeHours.map((h) => ({ jobId: noticeJobId(h), label: `${h} h notice`, at: w.startsAt - h * HOUR })),
    { jobId: START_JOB, label: 'start (health check, backup)', at: w.startsAt },
    { jobId: END_JOB, label: 'end (smoke test, post-maintenance checklist)', at: w.endsAt },
  ];

  return {
    timezone: tz,
    calendar: d.calendar,
    now: () => d.clock.now(),
    async next() {
      const [w] = await d.calendar.upcoming(d.clock.now(), 1);
      if (!w) return { window: undefined, notices: [] };
      const posts = postsOf(w).filter((p) => w.createdAt === null || p.at >= w.createdAt);
      const runs = d.runs ? await d.runs.runsAt(posts.map((p) => ({ jobId: p.jobId, at: p.at }))) : new Map<string, { status: NoticeStatus['status']; late: boolean }>();
      return {
        window: w,
        notices: posts.map((p) => {
          const r = runs.get(`${p.jobId}@${p.at}`);
          return { label: p.label, at: p.at, status: r?.status ?? 'due', late: r?.late ?? false };
        }),
      };
    },
    list: (count = 6) => d.calendar.upcoming(d.clock.now(), count, { includeSkipped: true }),
    activeWindow: (at) => d.calendar.activeAt(at),
    async add(req, actor) {
      const now = d.clock.now();
      const endsAt = req.startsAt + req.durationMs;
      if (req.startsAt <= now) {
        throw new InputError(`That start (${describeWindow({ startsAt: req.startsAt, endsAt }, tz)}) is in the past. Pick a time in the future, as YYYY-MM-DDTHH:MM in ${tz}.`);
      }
      if (req.startsAt - now > MAX_AHEAD_MS) throw new InputError('That start is more than 400 days ahead; add it closer to the date.');
      const clash = (await d.calendar.between(req.startsAt, endsAt)).find((w) => w.startsAt < endsAt && req.startsAt < w.endsAt);
      if (clash) {
        throw new OpsError(
          'conflict',
          `That window overlaps the ${clash.kind === 'rule' ? 'regular' : 'one-off'} window ${describeWindow(clash, tz)} (${escapeMrkdwn(clash.reason)}). Skip that one first with \`/maintenance skip ${localDay(clash.startsAt, tz)}\`, or pick another time.`,
        );
      }
      let id: number;
      try {
        const r = await d.db.query<{ id: string }>(sql('maintenance/window-insert'), [new Date(req.startsAt), new Date(endsAt), req.reason, actor, new Date(now)]);
        id = Number(r.rows[0]?.id);
      } catch (err) {
        // Another one-off window was added at the same moment and overlaps (exclusion constraint).
        if ((err as { code?: string }).code === '23P01') throw new OpsError('conflict', 'That window overlaps a one-off window that was just added. Run `/maintenance list` and pick another time.', { cause: err });
        throw err;
      }
      const window: MaintenanceWindow = {
        id: `custom:${id}`,
        kind: 'custom',
        startsAt: req.startsAt,
        endsAt,
        reason: req.reason,
        createdBy: actor,
        createdAt: now,
        skipped: null,
      };
      const missedNotices = d.noticeHours.filter((h) => req.startsAt - h * HOUR < now);
      const announced = await announce(addedMessage(window, tz, missedNotices));
      d.logger.info({ windowId: window.id, actor, startsAt: new Date(req.startsAt).toISOString(), durationMs: req.durationMs }, 'maintenance window added');
      return { window, missedNotices, announced };
    },
    async skip(date, reason, actor) {
      const now = d.clock.now();
      const day = formatDate(date);
      // Any window starting on that local date; a day is at most 25 h long.
      const noon = Date.UTC(date.year, date.month - 1, date.day, 12);
      const candidates = (await d.calendar.between(noon - 40 * HOUR, noon + 40 * HOUR, { includeSkipped: true })).filter((w) => localDay(w.startsAt, tz) === day);
      const open = candidates.filter((w) => !w.skipped && w.startsAt > now);
      if (open.length === 0) {
        const upcoming = (await d.calendar.upcoming(now, 3)).map((w) => `${localDay(w.startsAt, tz)} (${describeWindow(w, tz)})`);
        const running = candidates.find((w) => !w.skipped && w.startsAt <= now && now < w.endsAt);
        const why = running
          ? `The window on ${day} is already in progress; it ends ${describeWindow(running, tz)}.`
          : candidates.some((w) => w.skipped)
            ? `The window on ${day} is already skipped.`
            : candidates.length > 0
              ? `The window on ${day} is over.`
              : `There is no maintenance window on ${day}.`;
        throw new InputError(`${why} Upcoming: ${upcoming.length > 0 ? upcoming.join(', ') : 'none'}. Write the date as YYYY-MM-DD, e.g. \`/maintenance skip ${upcoming.length > 0 ? upcoming[0]!.slice(0, 10) : '2026-12-06'}\`.`);
      }
      const skipped: MaintenanceWindow[] = [];
      for (const w of open) {
        const r =
          w.kind === 'rule'
            ? await d.db.query(sql('maintenance/skip-insert'), [new Date(w.startsAt), reason, actor, new Date(now)])
            : await d.db.query(sql('maintenance/window-cancel'), [Number(w.id.slice('custom:'.length)), actor, new Date(now), reason]);
        // Another person skipping at the same moment wins; it is still skipped.
        if (r.rowCount === 1) skipped.push({ ...w, skipped: { by: actor, at: now, reason } });
      }
      if (skipped.length === 0) throw new InputError(`The window on ${day} was skipped by someone else a moment ago.`);
      const [next] = await d.calendar.upcoming(now, 1);
      const announced = await announce(skippedMessage(skipped, actor, reason, tz, next));
      d.logger.info({ windows: skipped.map((w) => w.id), actor }, 'maintenance window skipped');
      return { skipped, next, announced };
    },
  };
}
