// The incident service on the state store (schema opsbot, migration 050, sql/incidents/*.sql).
//
// - Declare once: declare() is one INSERT … ON CONFLICT (declare_key) DO NOTHING; every other
//   call with the key (retries, double clicks, replicas) gets the existing row. The row is a
//   reservation (channel_id NULL) until attachChannel: never listed or counted. abandon()
//   deletes it. A reservation older than RESERVATION_TTL_MS is treated as abandoned (its creator
//   crashed before the channel came): the next declare with its key takes it over as new, so a
//   retry still works, and no list ever shows it meanwhile.
// - Timeline: every audit row written in the war room (by any code: state.audit links it, see
//   sql/state/audit-insert.sql) or naming the incident in detail.incidentId. Each change below
//   takes the incident's row lock, changes it and writes its audit row in one transaction.
// - Stakeholder updates: declare sets the first due time from the severity's cadence; an update
//   sets the next one from its "next update in N min". A severity change moves the due time to
//   now + the new cadence while no update has been posted yet; after one, only an escalation can
//   bring it forward (the earlier of the promised time and now + the new cadence), so the
//   commander's promise to stakeholders stands. A reminder is claimed once per due time.
import type { Clock } from '../core/clock.js';
import { InputError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { auditParams, type AuditEntry, type StateQuery, type StateStore } from '../state/store.js';
import * as check from './input.js';
import type { IncidentService } from './port.js';
import { toAuditRow, toIncident, toPostmortem, toUpdate, type Row } from './rows.js';
import { computeStats } from './stats.js';
import { timelineText } from './timeline-text.js';
import { SEVERITIES, type Incident, type IncidentSource, type OverdueReminder, type Severity } from './types.js';

/** How long a reservation may wait for its channel before it counts as abandoned. */
export const RESERVATION_TTL_MS = 10 * 60_000;
/** Longest postmortem draft stored. */
export const MAX_POSTMORTEM_CHARS = 200_000;

export interface IncidentServiceDeps {
  state: StateStore;
  clock: Clock;
  logger: Logger;
  /** Time from declaration (or a severity change before any update) to the first stakeholder update, per severity. */
  cadenceMs: Record<Severity, number>;
}

const unknownIncident = (id: number) => new InputError(`There is no incident #${id}. \`/incident list\` shows the open ones.`);
const stillReserved = (id: number) => new InputError(`Incident #${id} is still being set up (its channel is being created). Try again in a moment.`);
const resolvedAlready = (id: number) =>
  new InputError(`Incident #${id} is resolved; it can no longer be changed. If the problem is back, declare a new incident with \`/incident declare\`.`);

function source(v: IncidentSource): IncidentSource {
  const kind = v?.kind;
  if (kind !== 'manual' && kind !== 'alert' && kind !== 'health') throw new InputError('The declaration names no source (manual, alert or health). Open the declare form again.');
  return {
    kind,
    ...(v.ref !== undefined ? { ref: check.text('source reference', v.ref, 200) } : {}),
    ...(v.channelId !== undefined ? { channelId: check.channelId(v.channelId) } : {}),
  };
}

function permalink(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && /^https:\/\/\S{1,500}$/.test(v)) return v;
  throw new InputError('The message link is not an https link. Use the message shortcut or reaction again.');
}

/** The service, plus the housekeeping the composition root schedules (not part of the port). */
export interface IncidentStore extends IncidentService {
  /**
   * Deletes reservations older than RESERVATION_TTL_MS that never got a channel, each with an
   * 'incident.abandoned' audit row; returns their ids. Optional: they are never listed or
   * counted anyway, and a retried declaration takes one over; this only keeps the table tidy.
   */
  sweepReservations(): Promise<number[]>;
}

export function createIncidentService(deps: IncidentServiceDeps): IncidentStore {
  const { state, clock, logger } = deps;
  for (const sev of SEVERITIES) {
    const ms = deps.cadenceMs[sev];
    if (!Number.isFinite(ms) || ms <= 0) throw new Error(`incident update cadence for ${sev} must be a positive number of milliseconds`);
  }
  const now = () => new Date(clock.now());
  const audit = (q: StateQuery, e: AuditEntry) => q('state/audit-insert', auditParams(e));

  const existing = async (id: number): Promise<Incident> => {
    const row = (await state.query('incidents/get', [id]))[0];
    if (!row) throw unknownIncident(id);
    return toIncident(row);
  };

  /** Runs `fn` on the open incident under its row lock, in one transaction with its audit rows. */
  const change = <T>(id: number, fn: (q: StateQuery, incident: Incident, channel: string) => Promise<T>): Promise<T> =>
    state.transaction(async (q) => {
      const row = (await q('incidents/lock', [id]))[0];
      if (!row) throw unknownIncident(id);
      const incident = toIncident(row);
      if (incident.resolvedAt) throw resolvedAlready(id);
      if (!incident.channelId) throw stillReserved(id);
      return fn(q, incident, incident.channelId);
    });

  const updated = (rows: Row[], id: number): Incident => {
    if (!rows[0]) throw resolvedAlready(id);
    return toIncident(rows[0]);
  };

  return {
    async declare(input) {
      const v = {
        key: check.declareKey(input.key),
        title: check.text('title', input.title, check.MAX_TITLE, 1).trim(),
        severity: check.severity(input.severity),
        kind: check.kind(input.kind),
        userImpact: check.text('"what users see"', input.userImpact ?? '', check.MAX_LONG_TEXT).trim(),
        declaredBy: check.actorId('declarer', input.declaredBy),
        source: JSON.stringify(source(input.source)),
      };
      const at = now();
      const due = new Date(at.getTime() + deps.cadenceMs[v.severity]);
      const fields = [v.title, v.severity, v.kind, v.userImpact, v.source, v.declaredBy, at, due];
      // Three rounds cover a reservation abandoned between our insert and our read.
      for (let round = 0; round < 3; round++) {
        const inserted = (await state.query('incidents/declare-insert', [v.key, ...fields]))[0];
        if (inserted) return { created: true, incident: toIncident(inserted) };
        const cutoff = new Date(at.getTime() - RESERVATION_TTL_MS);
        const taken = (await state.query('incidents/declare-takeover', [v.key, cutoff, ...fields]))[0];
        if (taken) {
          logger.warn({ incidentId: Number(taken.id) }, 'declaration retried over a reservation whose channel never came');
          return { created: true, incident: toIncident(taken) };
        }
        const prior = (await state.query('incidents/by-key', [v.key]))[0];
        if (prior) return { created: false, incident: toIncident(prior) };
      }
      throw new InputError('This declaration was started and abandoned several times at once. Nothing was declared; open the declare form again.');
    },

    async attachChannel(id, channel) {
      const iid = check.incidentId(id);
      const ch = { id: check.channelId(channel.id), name: check.channelName(channel.name) };
      let result: Incident;
      try {
        result = await state.transaction(async (q) => {
          const row = (await q('incidents/attach-channel', [iid, ch.id, ch.name]))[0];
          if (!row) {
            const prior = (await q('incidents/get', [iid]))[0];
            if (!prior) throw unknownIncident(iid);
            const inc = toIncident(prior);
            if (inc.channelId === ch.id) return inc;
            throw new InputError(`Incident #${iid} already has its channel <#${inc.channelId ?? '?'}>; nothing was changed.`);
          }
          const inc = toIncident(row);
          await audit(q, {
            actor: inc.declaredBy,
            action: 'incident.declared',
            target: `incident:${iid}`,
            channel: ch.id,
            outcome: 'ok',
            detail: { incidentId: iid, title: inc.title, severity: inc.severity, kind: inc.kind, userImpact: inc.userImpact, source: inc.source, channelName: ch.name },
          });
          return inc;
        });
      } catch (err) {
        if ((err as { code?: string }).code === '23505') {
          throw new InputError(`Channel <#${ch.id}> is already the war room of another open incident; nothing was changed. Use a new channel.`);
        }
        throw err;
      }
      logger.info({ incidentId: iid, channelId: ch.id }, 'incident declared');
      return result;
    },

    async setCard(id, cardTs) {
      const iid = check.incidentId(id);
      const ts = check.messageTs(cardTs);
      if (!(await state.query('incidents/set-card', [iid, ts]))[0]) throw unknownIncident(iid);
    },

    async abandon(id, reason) {
      const iid = check.incidentId(id);
      const why = check.text('reason', reason, check.MAX_NOTE);
      await state.transaction(async (q) => {
        const removed = (await q('incidents/delete-reservation', [iid]))[0];
        if (!removed) {
          const prior = (await q('incidents/get', [iid]))[0];
          // Gone already (a second abandon): nothing to do.
          if (!prior) return;
          throw new InputError(`Incident #${iid} has its channel already, so it cannot be abandoned; resolve it instead.`);
        }
        await audit(q, {
          actor: String(removed.declared_by),
          action: 'incident.abandoned',
          target: `incident:${iid}`,
          outcome: 'abandoned',
          detail: { incidentId: iid, reason: why, title: removed.title, severity: removed.severity, kind: removed.kind },
        });
      });
    },

    async sweepReservations() {
      const cutoff = new Date(clock.now() - RESERVATION_TTL_MS);
      const ids = await state.transaction(async (q) => {
        const removed = await q('incidents/reservations-sweep', [cutoff]);
        for (const r of removed) {
          await audit(q, {
            actor: String(r.declared_by),
            action: 'incident.abandoned',
            target: `incident:${Number(r.id)}`,
            outcome: 'abandoned',
            detail: { incidentId: Number(r.id), reason: 'its channel was never created (no channel within 10 minutes of declaring)', title: r.title, severity: r.severity, kind: r.kind },
          });
        }
        return removed.map((r) => Number(r.id));
      });
      if (ids.length > 0) logger.warn({ incidents: ids }, 'abandoned incident reservations swept');
      return ids;
    },

    async get(id) {
      const row = (await state.query('incidents/get', [check.incidentId(id)]))[0];
      return row ? toIncident(row) : undefined;
    },

    async byChannel(channelId) {
      const row = (await state.query('incidents/by-channel', [check.channelId(channelId)]))[0];
      return row ? toIncident(row) : undefined;
    },

    async listOpen() {
      return (await state.query('incidents/list-open')).map(toIncident);
    },

    async listRecent(days) {
      const d = check.wholeNumber('number of days', days, 1, check.MAX_STATS_DAYS);
      return (await state.query('incidents/list-recent', [new Date(clock.now() - d * 86_400_000)])).map(toIncident);
    },

    async setRole(id, role, userId, by) {
      const iid = check.incidentId(id);
      const r = check.role(role);
      const user = check.userId('person taking the role', userId);
      const actor = check.actorId('person giving the role', by);
      return change(iid, async (q, inc, channel) => {
        const previous = inc.roles[r];
        if (previous === user) return inc;
        const next = updated(await q('incidents/set-role', [iid, r, user, now()]), iid);
        await audit(q, { actor, action: 'incident.role', target: `incident:${iid}`, channel, outcome: 'ok', detail: { incidentId: iid, role: r, userId: user, previous: previous ?? null } });
        return next;
      });
    },

    async setStatus(id, status, note, by) {
      const iid = check.incidentId(id);
      const to = check.status(status);
      if (to === 'resolved') throw new InputError(`Resolve incident #${iid} with \`/incident resolve <what fixed it>\`, which also writes the postmortem.`);
      const text = check.text('note', note ?? '', check.MAX_NOTE).trim();
      const actor = check.actorId('person changing the status', by);
      return change(iid, async (q, inc, channel) => {
        if (inc.status === to) throw new InputError(`Incident #${iid} is already ${to}; nothing was changed.`);
        const next = updated(await q('incidents/set-status', [iid, to, now()]), iid);
        await audit(q, { actor, action: 'incident.status', target: `incident:${iid}`, channel, outcome: 'ok', detail: { incidentId: iid, from: inc.status, to, note: text } });
        return next;
      });
    },

    async setSeverity(id, severity, note, by) {
      const iid = check.incidentId(id);
      const to = check.severity(severity);
      const text = check.text('note', note ?? '', check.MAX_NOTE).trim();
      const actor = check.actorId('person changing the severity', by);
      return change(iid, async (q, inc, channel) => {
        if (inc.severity === to) throw new InputError(`Incident #${iid} is already ${to}; nothing was changed.`);
        const at = clock.now();
        const byCadence = at + deps.cadenceMs[to];
        const promised = inc.nextUpdateDueAt?.getTime();
        const due = inc.lastUpdateAt === null || promised === undefined ? byCadence : Math.min(promised, byCadence);
        const next = updated(await q('incidents/set-severity', [iid, to, new Date(due)]), iid);
        await audit(q, {
          actor,
          action: 'incident.severity',
          target: `incident:${iid}`,
          channel,
          outcome: 'ok',
          detail: { incidentId: iid, from: inc.severity, to, note: text, nextUpdateDueAt: new Date(due).toISOString() },
        });
        return next;
      });
    },

    async addUpdate(id, u) {
      const iid = check.incidentId(id);
      const v = {
        status: check.status(u.status),
        impact: check.text('impact', u.impact, check.MAX_LONG_TEXT, 1).trim(),
        nextSteps: check.text('next steps', u.nextSteps ?? '', check.MAX_LONG_TEXT).trim(),
        minutes: check.wholeNumber('next update (minutes)', u.nextUpdateMinutes, 1, check.MAX_NEXT_UPDATE_MINUTES),
        by: check.actorId('person posting the update', u.by),
      };
      return change(iid, async (q, _inc, channel) => {
        const at = now();
        const row = (await q('incidents/update-insert', [iid, v.by, at, v.status, v.impact, v.nextSteps, v.minutes]))[0]!;
        updated(await q('incidents/update-due', [iid, at, new Date(at.getTime() + v.minutes * 60_000)]), iid);
        await audit(q, {
          actor: v.by,
          action: 'incident.update',
          target: `incident:${iid}`,
          channel,
          outcome: 'ok',
          detail: { incidentId: iid, updateId: Number(row.id), status: v.status, impact: v.impact, nextSteps: v.nextSteps, nextUpdateMinutes: v.minutes },
        });
        return toUpdate(row);
      });
    },

    async updates(id) {
      const iid = check.incidentId(id);
      await existing(iid);
      return (await state.query('incidents/updates-list', [iid])).map(toUpdate);
    },

    async pinMessage(id, m) {
      const iid = check.incidentId(id);
      const v = {
        channelId: check.channelId(m.channelId),
        ts: check.messageTs(m.ts),
        author: check.actorId('author of the message', m.author),
        by: check.actorId('person adding the message', m.by),
        text: check.messageText(m.text),
        permalink: permalink(m.permalink),
      };
      return change(iid, async (q, _inc, channel) => {
        if (!(await q('incidents/pin-insert', [iid, v.ts, v.channelId, v.by, now()]))[0]) return 'already' as const;
        await audit(q, {
          actor: v.by,
          action: 'incident.pinned',
          target: `incident:${iid}`,
          channel,
          outcome: 'ok',
          detail: { incidentId: iid, author: v.author, ts: v.ts, text: v.text, messageChannel: v.channelId, ...(v.permalink ? { permalink: v.permalink } : {}) },
        });
        return 'added' as const;
      });
    },

    async linkLockdown(id, lockdownId) {
      const iid = check.incidentId(id);
      const lid = check.lockdownId(lockdownId);
      await change(iid, async (q, inc, channel) => {
        if (inc.lockdownId === lid) return;
        updated(await q('incidents/set-lockdown', [iid, lid]), iid);
        await audit(q, { actor: 'opsbot', action: 'incident.lockdown_linked', target: `incident:${iid}`, channel, outcome: 'ok', detail: { incidentId: iid, lockdownId: lid, previous: inc.lockdownId } });
      });
    },

    async resolve(id, note, by) {
      const iid = check.incidentId(id);
      const text = check.text('resolution note', note, check.MAX_NOTE, 1).trim();
      const actor = check.actorId('person resolving', by);
      const out = await state.transaction(async (q) => {
        const row = (await q('incidents/resolve', [iid, now(), actor, text]))[0];
        if (!row) {
          const prior = (await q('incidents/get', [iid]))[0];
          if (!prior) throw unknownIncident(iid);
          const inc = toIncident(prior);
          if (!inc.channelId) throw stillReserved(iid);
          return { status: 'already' as const, incident: inc };
        }
        const inc = toIncident(row);
        await audit(q, {
          actor,
          action: 'incident.resolved',
          target: `incident:${iid}`,
          channel: inc.channelId!,
          outcome: 'ok',
          detail: { incidentId: iid, note: text, durationMs: inc.resolvedAt!.getTime() - inc.declaredAt.getTime() },
        });
        return { status: 'resolved' as const, incident: inc };
      });
      if (out.status === 'resolved') logger.info({ incidentId: iid }, 'incident resolved');
      return out;
    },

    async timeline(id) {
      const iid = check.incidentId(id);
      await existing(iid);
      return (await state.query('incidents/timeline', [iid])).map((r) => {
        const row = toAuditRow(r);
        return { id: row.id, at: row.at, actor: row.actor, action: row.action, target: row.target, outcome: row.outcome, text: timelineText(row), detail: row.detail };
      });
    },

    async auditFacts(id) {
      const iid = check.incidentId(id);
      await existing(iid);
      return (await state.query('incidents/audit-facts', [iid])).map(toAuditRow);
    },

    async claimOverdueReminders() {
      const at = clock.now();
      const claimed = await state.transaction(async (q) => {
        const out: OverdueReminder[] = [];
        for (const row of await q('incidents/reminders-claim', [new Date(at)])) {
          const incident = toIncident(row);
          const due = row.reminded_for_due_at;
          const dueAt = due instanceof Date ? due : new Date(String(due));
          await audit(q, {
            actor: 'opsbot',
            action: 'incident.reminder',
            target: `incident:${incident.id}`,
            channel: incident.channelId!,
            outcome: 'ok',
            detail: { incidentId: incident.id, dueAt: dueAt.toISOString(), overdueMs: at - dueAt.getTime(), commander: incident.roles.commander ?? null },
          });
          out.push({ incident, dueAt });
        }
        return out;
      });
      if (claimed.length > 0) logger.info({ incidents: claimed.map((c) => c.incident.id) }, 'overdue stakeholder update reminders claimed');
      return claimed;
    },

    async savePostmortem(p) {
      const iid = check.incidentId(p.incidentId);
      if (p.source !== 'gemini' && p.source !== 'offline') throw new InputError('A postmortem draft is either from gemini or offline.');
      // The draft is the bot's own text (with model output in it): kept, minus control characters.
      // eslint-disable-next-line no-control-regex
      const markdown = String(p.markdown ?? '').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ');
      if (markdown.trim() === '' || markdown.length > MAX_POSTMORTEM_CHARS) throw new InputError(`A postmortem draft needs 1 to ${MAX_POSTMORTEM_CHARS} characters.`);
      const reason = p.offlineReason === undefined ? null : check.messageText(p.offlineReason).slice(0, check.MAX_NOTE);
      const createdAt = p.createdAt instanceof Date && Number.isFinite(p.createdAt.getTime()) ? p.createdAt : now();
      const inc = await existing(iid);
      return state.transaction(async (q) => {
        const row = (await q('incidents/postmortem-insert', [iid, p.source, reason, markdown, createdAt]))[0];
        if (!row) return { status: 'already' as const, postmortem: toPostmortem((await q('incidents/postmortem-get', [iid]))[0]!) };
        await audit(q, {
          actor: 'opsbot',
          action: 'incident.postmortem',
          target: `incident:${iid}`,
          ...(inc.channelId ? { channel: inc.channelId } : {}),
          outcome: 'ok',
          detail: { incidentId: iid, source: p.source, ...(reason ? { offlineReason: reason } : {}), chars: markdown.length },
        });
        return { status: 'saved' as const, postmortem: toPostmortem(row) };
      });
    },

    async postmortem(id) {
      const row = (await state.query('incidents/postmortem-get', [check.incidentId(id)]))[0];
      return row ? toPostmortem(row) : undefined;
    },

    async stats(days) {
      const d = check.wholeNumber('number of days', days, 1, check.MAX_STATS_DAYS);
      const until = clock.now();
      const since = until - d * 86_400_000;
      const rows = await state.query('incidents/stats', [new Date(since), new Date(until)]);
      return computeStats(rows, { since: new Date(since), until: new Date(until), days: d });
    },
  };
}
