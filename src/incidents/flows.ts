// The multi-step incident flows the Slack surface runs: declaring (reserve → channel → invite →
// card → attach → pin → announce → first steps), refreshing the card, resolving with the closing
// summary and the postmortem file, and the overdue-update reminders. A failure before the
// channel is attached removes the reservation and the channel; a later one is reported, and the
// incident stands.
import type { Clock } from '../core/clock.js';
import { isOpsError, UpstreamError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { ChatPoster } from '../slack/chat-poster.js';
import type { AuditRow } from '../state/audit-log.js';
import { describeSlackFailure } from '../slack/chat-poster.js';
import { firstStepsMessage } from './checklists.js';
import type { DeclareOutcome, IncidentService } from './port.js';
import { closingSummary, declaredAnnouncement, incidentCard, overdueMessage, ref, type CardLockdown, type LinkedLockdown, type LinkedReminder } from './render.js';
import type { IncidentSettings } from './settings.js';
import type { DeclareInput, Incident, Postmortem, StakeholderUpdate, TimelineEntry } from './types.js';
import type { WarRoom } from './war-room.js';
import type { TimelineStripInput } from '../charts/timeline-chart.js';
import { timelineStrip } from './timeline-strip.js';

/** Writes the postmortem draft (draftPostmortem of src/incidents/postmortem.ts, or a fake in tests). */
export type PostmortemDrafter = (input: { incident: Incident; timeline: TimelineEntry[]; updates: StakeholderUpdate[]; auditFacts: AuditRow[] }) => Promise<Postmortem>;

/** A file for the war room (files.uploadV2). */
export interface UploadFile {
  channel: string;
  filename: string;
  title: string;
  content: string;
  comment: string;
  /** The timeline strip drawn beside the file (when charts are on). */
  strip?: TimelineStripInput;
}

export interface IncidentFlowDeps {
  incidents: IncidentService;
  settings: IncidentSettings;
  warRoom: WarRoom;
  chat: ChatPoster;
  clock: Clock;
  timezone: string;
  logger: Logger;
  /** Members of the on-call user group (invited into every war room). */
  oncallMembers(): Promise<string[]>;
  /** The lockdown service (latest lockdown and its deadlines), for breach incidents. */
  lockdown?: { latest(): Promise<LinkedLockdown | undefined>; reminders(lockdownId: string): Promise<readonly LinkedReminder[]> };
  postmortem: PostmortemDrafter;
  upload(file: UploadFile): Promise<void>;
}

export type DeclareReport =
  | { status: 'created'; incident: Incident; warnings: string[] }
  | { status: 'already'; incident: Incident }
  | { status: 'failed'; message: string };

const says = (err: unknown, doing: string, outcome: string): string =>
  isOpsError(err) ? err.userMessage : (describeSlackFailure(err, { doing, outcome })?.userMessage ?? `${doing} failed (${err instanceof Error ? err.message.slice(0, 120) : 'unknown error'}); ${outcome}.`);

export interface IncidentFlows {
  /** Declares once per key and sets up the war room; never leaves a half-made incident. */
  declare(input: DeclareInput): Promise<DeclareReport>;
  /** Re-renders the pinned card (links an active lockdown of a breach incident first). */
  refreshCard(i: Incident): Promise<void>;
  /** The resolution's one caller posts the summaries and the postmortem; 'already' for the rest. */
  resolve(id: number, note: string, by: string): Promise<{ status: 'resolved' | 'already'; incident: Incident; warnings: string[] }>;
  /** Posts a reminder to the commander for every overdue update claimed now. */
  remindOverdue(): Promise<number>;
  /** Links the latest lockdown to the breach whose war room started it, or else to the open breaches it began during; refreshes their cards. */
  syncLockdowns(): Promise<void>;
}

export function createIncidentFlows(d: IncidentFlowDeps): IncidentFlows {
  const cardLockdown = async (i: Incident): Promise<CardLockdown | undefined> => {
    if (i.kind !== 'data_breach' || !d.lockdown || !i.channelId) return undefined;
    const ld = await d.lockdown.latest();
    if (!ld || (ld.id !== i.lockdownId && ld.channel !== i.channelId)) return undefined;
    if (i.lockdownId !== ld.id && ld.state !== 'starting') await d.incidents.linkLockdown(i.id, ld.id);
    return { lockdown: ld, reminders: await d.lockdown.reminders(ld.id) };
  };

  const card = async (i: Incident) => incidentCard(i, { timezone: d.timezone, now: d.clock.now(), ...(await cardLockdown(i).then((l) => (l ? { lockdown: l } : {}))) });

  const refreshCard = async (i: Incident): Promise<void> => {
    if (!i.channelId || !i.cardTs) return;
    const msg = await card(i);
    await d.chat.update({ channel: i.channelId, ts: i.cardTs, text: msg.text, blocks: msg.blocks, purpose: `the ${ref(i)} card` });
  };

  /** Undoes a reservation: the channel (when one was made) is archived, the record removed. */
  const undo = async (i: Incident, room: { id: string } | undefined, reason: string) => {
    if (room) await d.warRoom.archive(room.id).catch((err: unknown) => d.logger.warn({ err, channel: room.id }, 'could not archive the abandoned incident channel'));
    await d.incidents.abandon(i.id, reason);
  };

  const setUp = async (outcome: Extract<DeclareOutcome, { created: true }>): Promise<DeclareReport> => {
    let i = outcome.incident;
    let room: { id: string; name: string } | undefined;
    let posted: { ts: string } | undefined;
    try {
      room = await d.warRoom.create(i.title);
      // The card goes in before the incident is attached: a channel Slack will not post in
      // (archived, gone) must not become an incident's war room.
      const first = await card({ ...i, channelId: room.id, channelName: room.name });
      posted = await d.chat.postMessage({ channel: room.id, text: first.text, blocks: first.blocks, purpose: 'the incident card', ifFails: 'the incident was not declared' });
      i = await d.incidents.attachChannel(i.id, room);
    } catch (err) {
      let message = says(err, 'setting up the incident channel', 'no incident was declared');
      // The channel was made but Slack refused the card in it: what to do is not "unarchive it".
      if (room && !posted && /archived|channel_not_found|can't post/.test(message)) {
        const why = /archived/.test(message) ? 'it is archived' : 'Slack no longer finds it';
        message = `Slack created #${room.name} but refused the incident card there (${why}), so I archived the channel and declared nothing.`;
      }
      await undo(i, room, message.slice(0, 300));
      d.logger.warn({ err, incidentId: i.id }, 'incident declaration abandoned');
      return { status: 'failed', message: `${message}${/submit|again/i.test(message) ? '' : ' Nothing was left behind; declare it again.'}` };
    }
    const warnings: string[] = [];
    const attempt = async (what: string, step: () => Promise<unknown>) => {
      try {
        await step();
      } catch (err) {
        d.logger.warn({ err, incidentId: i.id, step: what }, 'incident set-up step failed');
        warnings.push(`${what} failed: ${says(err, what, 'the incident stands')}`);
      }
    };
    await attempt('recording the card', () => d.incidents.setCard(i.id, posted.ts));
    i = { ...i, cardTs: posted.ts };
    await attempt('inviting people', async () => {
      const members = await d.oncallMembers().catch(() => [] as string[]);
      const r = await d.warRoom.invite(room.id, [i.declaredBy, ...members]);
      if (r.failed.length) warnings.push(`Slack would not invite ${r.failed.map((u) => `<@${u}>`).join(', ')}; add them by hand.`);
    });
    await attempt('pinning the card', () => d.warRoom.pin(room.id, posted.ts));
    if (d.settings.statusChannel) {
      const a = declaredAnnouncement(i);
      await attempt('announcing it in the status channel', () => d.chat.postMessage({ channel: d.settings.statusChannel!, text: a.text, blocks: a.blocks, purpose: 'the incident announcement' }));
    }
    const steps = firstStepsMessage(i);
    await attempt('posting the first steps', () => d.chat.postMessage({ channel: room.id, text: steps.text, blocks: steps.blocks, purpose: 'the first steps' }));
    return { status: 'created', incident: i, warnings };
  };

  return {
    async declare(input) {
      const outcome = await d.incidents.declare(input);
      if (!outcome.created) return { status: 'already', incident: outcome.incident };
      return setUp(outcome);
    },

    refreshCard,

    async resolve(id, note, by) {
      const r = await d.incidents.resolve(id, note, by);
      if (r.status === 'already') return { status: 'already', incident: r.incident, warnings: [] };
      const i = r.incident;
      const warnings: string[] = [];
      const attempt = async (what: string, step: () => Promise<unknown>) => {
        try {
          await step();
        } catch (err) {
          d.logger.warn({ err, incidentId: i.id, step: what }, 'incident resolve step failed');
          warnings.push(`${what} failed: ${says(err, what, 'the incident is resolved all the same')}`);
        }
      };
      await attempt('updating the card', () => refreshCard(i));
      const summary = closingSummary(i, d.timezone);
      for (const channel of new Set([d.settings.statusChannel, i.channelId].filter((c): c is string => Boolean(c)))) {
        await attempt(`posting the closing summary in <#${channel}>`, () => d.chat.postMessage({ channel, text: summary.text, blocks: summary.blocks, purpose: 'the closing summary' }));
      }
      await attempt('writing the postmortem draft', async () => {
        const [timeline, updates, auditFacts] = await Promise.all([d.incidents.timeline(i.id), d.incidents.updates(i.id), d.incidents.auditFacts(i.id)]);
        const draft = await d.postmortem({ incident: i, timeline, updates, auditFacts });
        const saved = await d.incidents.savePostmortem(draft);
        if (saved.status === 'already' || !i.channelId) return;
        const label = saved.postmortem.source === 'gemini' ? 'drafted with Gemini from the redacted timeline' : `offline draft${saved.postmortem.offlineReason ? ` (${saved.postmortem.offlineReason})` : ''}`;
        await d.upload({
          channel: i.channelId,
          filename: `postmortem-${ref(i).toLowerCase()}.md`,
          title: `${ref(i)} postmortem draft`,
          content: saved.postmortem.markdown,
          comment: `Postmortem draft for ${ref(i)} — ${label}. Edit it, then share it. \`opsbot incident postmortem ${i.id}\` prints it.`,
          strip: timelineStrip(i, timeline),
        });
      });
      return { status: 'resolved', incident: i, warnings };
    },

    async remindOverdue() {
      let n = 0;
      for (const r of await d.incidents.claimOverdueReminders()) {
        if (!r.incident.channelId) continue;
        const msg = overdueMessage(r.incident, r.dueAt, d.clock.now(), d.timezone);
        try {
          await d.chat.postMessage({ channel: r.incident.channelId, text: msg.text, blocks: msg.blocks, purpose: 'the overdue-update reminder' });
          n++;
        } catch (err) {
          // Claimed means posted at most once: a lost reminder is logged, not repeated.
          d.logger.warn({ err, incidentId: r.incident.id }, 'overdue reminder not posted');
        }
      }
      return n;
    },

    async syncLockdowns() {
      if (!d.lockdown) return;
      const ld = await d.lockdown.latest();
      if (!ld || ld.state === 'starting') return;
      // Started from a breach's war room: that incident. Started elsewhere (#ops, the CLI)
      // during open breaches that have none: each of them, as long as it began after they were
      // declared — an older lockdown is not this breach's.
      const room = ld.channel ? await d.incidents.byChannel(ld.channel) : undefined;
      const during = (i: Incident) => i.kind === 'data_breach' && !i.lockdownId && ld.activeSince !== null && ld.activeSince.getTime() >= i.declaredAt.getTime();
      const targets = room?.kind === 'data_breach' ? [room] : (await d.incidents.listOpen()).filter(during);
      for (const i of targets) {
        if (i.lockdownId === ld.id) continue;
        await d.incidents.linkLockdown(i.id, ld.id);
        await refreshCard({ ...i, lockdownId: ld.id });
      }
    },
  };
}

/** A failure of the whole declare flow that is not Slack's or ours to explain further. */
export function declareFailure(err: unknown): UpstreamError {
  return new UpstreamError(says(err, 'declaring the incident', 'nothing was declared'), { cause: err });
}
