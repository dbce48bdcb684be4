// Scheduled maintenance posts: a notice N hours before each window (72, 24 and 1 by default),
// the start (health check, backup, pre-maintenance checklist ticks) and the end (health check
// as smoke test, post-maintenance checklist). Each is a job whose occurrences come from the
// calendar, so skips and one-off windows change them without restarting anything.
import type { ChecklistService } from '../checklist/service.js';
import { BOT_ACTOR } from '../checklist/types.js';
import { errorMessage } from '../core/errors.js';
import type { HealthService } from '../health/runner.js';
import type { HealthReport } from '../health/types.js';
import { type BackupPort, type BackupResult, runBackupStep } from '../scheduler/backup-port.js';
import type { ChatPoster } from '../slack/chat-poster.js';
import type { JobContext, JobDefinition, JobResult, Slot } from '../scheduler/types.js';
import { describeWindow, type MaintenanceCalendar, type MaintenanceWindow } from './calendar.js';
import { POST_ITEMS, POST_KIND, PRE_ITEMS, PRE_KIND } from './checklists.js';
import { backupReply, endMessage, type Lateness, noticeMessage, startMessage } from './messages.js';

export const START_JOB = 'maintenance.start';
export const END_JOB = 'maintenance.end';
export const noticeJobId = (hours: number): string => `maintenance.notice-${hours}h`;

const HOUR = 3_600_000;

export interface MaintenanceJobDeps {
  calendar: MaintenanceCalendar;
  /** Hours before a window at which notices go out, largest first. */
  noticeHours: number[];
  /** Where posts go; without one the jobs are listed as disabled. */
  channel: string | undefined;
  poster: ChatPoster;
  checklists: ChecklistService;
  health: HealthService;
  /** The backup feature, when the bot has it. */
  backup?: BackupPort;
}

/** The notice that carries the pre-maintenance checklist: the first one at most 24 h ahead. */
export function checklistNoticeHours(noticeHours: number[]): number | undefined {
  return noticeHours.filter((h) => h <= 24).sort((a, b) => b - a)[0];
}

const windowLabel = (w: MaintenanceWindow, timezone: string) => `maintenance ${describeWindow(w, timezone)} (${w.kind === 'rule' ? 'regular' : 'one-off'})`;

const lateness = (ctx: JobContext): Lateness | undefined => (ctx.late ? { scheduledAt: ctx.scheduledAt, now: ctx.now } : undefined);

export function maintenanceJobs(d: MaintenanceJobDeps): JobDefinition[] {
  const tz = d.calendar.timezone;
  const disabledReason = d.channel ? undefined : 'no channel: set MAINTENANCE_CHANNEL_ID or ALERTS_CHANNEL_ID';
  const channel = d.channel ?? '';
  const preAt = checklistNoticeHours(d.noticeHours);

  /** Windows whose `edge` (start or end) shifted by `offset` falls in (from, to]. */
  const slotsBy = async (edge: 'startsAt' | 'endsAt', offset: number, from: number, to: number): Promise<Slot[]> => {
    const ws = await d.calendar.between(from + offset, to + offset);
    return ws
      .filter((w) => w[edge] > from + offset && w[edge] <= to + offset)
      // A one-off window added after one of its notice times gets the "added" post instead.
      .filter((w) => w.createdAt === null || w[edge] - offset >= w.createdAt)
      .map((w) => ({ at: w[edge] - offset, label: windowLabel(w, tz) }));
  };

  const windowStartingAt = async (at: number): Promise<MaintenanceWindow | undefined> =>
    (await d.calendar.between(at, at)).find((w) => w.startsAt === at);
  const windowEndingAt = async (at: number): Promise<MaintenanceWindow | undefined> =>
    (await d.calendar.between(at, at)).find((w) => w.endsAt === at);

  const postPreChecklist = async (w: MaintenanceWindow) =>
    d.checklists.post(
      {
        kind: PRE_KIND,
        title: `Pre-maintenance checklist — ${describeWindow(w, tz)}`,
        description: `Before the window starts. *Why:* ${w.reason}`,
        items: PRE_ITEMS,
        context: { windowId: w.id, windowStart: new Date(w.startsAt).toISOString() },
        createdBy: BOT_ACTOR,
      },
      { channel },
    );

  const runHealth = async (ctx: JobContext): Promise<HealthReport | string> => {
    try {
      return await d.health.run();
    } catch (err) {
      ctx.log.warn({ err }, 'maintenance health check failed');
      return errorMessage(err);
    }
  };

  const gone: JobResult = { summary: 'window was skipped or cancelled; nothing posted' };

  const notice = (hours: number): JobDefinition => ({
    id: noticeJobId(hours),
    description: `Maintenance notice ${hours} h before each window${hours === preAt ? ', with the pre-maintenance checklist' : ''}`,
    schedule: { kind: 'slots', describe: `${hours} h before each maintenance window`, slots: (from, to) => slotsBy('startsAt', hours * HOUR, from, to) },
    catchUp: 'late',
    ...(disabledReason ? { disabledReason } : {}),
    async run(ctx) {
      const w = await windowStartingAt(ctx.scheduledAt + hours * HOUR);
      if (!w) return gone;
      const msg = noticeMessage(w, hours, tz, lateness(ctx));
      const posted = await d.poster.postMessage({ channel, text: msg.text, blocks: msg.blocks });
      let checklistId: number | undefined;
      if (hours === preAt) {
        const c = await postPreChecklist(w);
        checklistId = c.id;
        // The bot has just announced the window, which is the first item.
        await d.checklists.setItem(c.id, 'announce', true, BOT_ACTOR);
      }
      return { summary: `posted ${hours} h notice`, detail: { windowId: w.id, ts: posted.ts, ...(checklistId ? { checklistId } : {}) } };
    },
  });

  const start: JobDefinition = {
    id: START_JOB,
    description: 'Maintenance start: health check, backup where available, alerts held',
    schedule: { kind: 'slots', describe: 'start of each maintenance window', slots: (from, to) => slotsBy('startsAt', 0, from, to) },
    catchUp: 'late',
    ...(disabledReason ? { disabledReason } : {}),
    async run(ctx) {
      const w = await windowStartingAt(ctx.scheduledAt);
      if (!w) return gone;
      const health = await runHealth(ctx);
      const backupNote = d.backup ? 'running now; the result follows in the thread.' : 'no backup command is available in this bot (see the thread).';
      const msg = startMessage(w, tz, health, backupNote, lateness(ctx));
      const posted = await d.poster.postMessage({ channel, text: msg.text, blocks: msg.blocks });
      let pre = await d.checklists.findLatest(PRE_KIND, { windowId: w.id });
      if (!pre) {
        pre = await postPreChecklist(w);
        await d.checklists.setItem(pre.id, 'announce', true, BOT_ACTOR);
      }
      let backup: BackupResult | undefined;
      if (d.backup) {
        const port = d.backup;
        backup = await runBackupStep(() => port.now());
      }
      const reply = backupReply(backup);
      await d.poster.postMessage({ channel, text: reply.text, blocks: reply.blocks, threadTs: posted.ts, broadcast: true });
      if (backup?.ok) await d.checklists.setItem(pre.id, 'backup', true, BOT_ACTOR);
      return {
        summary: `posted start; health ${typeof health === 'string' ? 'failed to run' : health.status}; backup ${backup ? (backup.ok ? 'ok' : 'failed') : 'not available'}`,
        detail: { windowId: w.id, ts: posted.ts, checklistId: pre.id },
      };
    },
  };

  const end: JobDefinition = {
    id: END_JOB,
    description: 'Maintenance end: health check as smoke test, post-maintenance checklist',
    schedule: { kind: 'slots', describe: 'end of each maintenance window', slots: (from, to) => slotsBy('endsAt', 0, from, to) },
    catchUp: 'late',
    ...(disabledReason ? { disabledReason } : {}),
    async run(ctx) {
      const w = await windowEndingAt(ctx.scheduledAt);
      if (!w) return gone;
      const health = await runHealth(ctx);
      const msg = endMessage(w, tz, health, lateness(ctx));
      const posted = await d.poster.postMessage({ channel, text: msg.text, blocks: msg.blocks });
      const post = await d.checklists.post(
        {
          kind: POST_KIND,
          title: `Post-maintenance checklist — ${describeWindow(w, tz)}`,
          description: 'After the window. The bot ticks "All services up" when its health check passed.',
          items: POST_ITEMS,
          context: { windowId: w.id, windowStart: new Date(w.startsAt).toISOString() },
          createdBy: BOT_ACTOR,
        },
        { channel },
      );
      if (typeof health !== 'string' && health.status === 'ok') await d.checklists.setItem(post.id, 'services-up', true, BOT_ACTOR);
      return {
        summary: `posted end; smoke test ${typeof health === 'string' ? 'failed to run' : health.status}`,
        detail: { windowId: w.id, ts: posted.ts, checklistId: post.id },
      };
    },
  };

  return [...d.noticeHours.map(notice), start, end];
}
