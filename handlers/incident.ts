// /incident declare | role | status | severity | update | resolve | timeline | list | show |
// stats | postmortem. Declaring, updates and resolving open modals (handlers/incident-actions.ts
// has their submissions, the card's buttons, the first steps, the :pushpin: reaction and the
// shortcut); list, show, timeline, stats and postmortem also run in the terminal.
import { InputError } from '../src/core/errors.js';
import { parseDays, parseIncidentId, parseOptionalId, parseRole, parseSeverity, parseStatus, requiredText } from '../src/incidents/args.js';
import {
  declareModal,
  listMessage,
  listText,
  MAX_NOTE,
  ref,
  resolveModal,
  showText,
  statsMessage,
  statsText,
  timelineLines,
  timelineMessages,
  updateModal,
  incidentCard,
} from '../src/incidents/render.js';
import { ROLE_LABEL, type Incident, type IncidentRole, type IncidentStats, type Postmortem, type TimelineEntry } from '../src/incidents/types.js';
import { context, sections, truncate } from '../src/slack/blocks.js';
import { noArgs, subcommand, textArgs, type CommandSpec } from '../src/slack/command.js';
import { requireAccess } from '../src/slack/pipeline.js';
import { incidentInteractions } from './incident-actions.js';
export type { IncidentHandlerServices } from './incident-access.js';
import { assertOpen, incidentById, incidentHere, requireLead, requireRoleChange, STATE, type IncidentHandlerServices } from './incident-access.js';

interface Refreshed {
  i: Incident;
}

export function incidentCommand(s: { incidents: IncidentHandlerServices }, commands: () => readonly CommandSpec[]): CommandSpec {
  const svc = () => s.incidents;
  const refresh = async (i: Incident): Promise<Refreshed> => {
    await svc().flows.refreshCard(i);
    return { i };
  };
  return {
    command: '/incident',
    description: 'Incidents: declare a war room, roles, status, stakeholder updates, timeline, postmortem',
    emptyHelp: 'Usage: `/incident declare`, `/incident list`, and inside a war room `/incident status identified <note>`, `/incident update`, `/incident resolve`. `/incident help` lists everything.',
    subcommands: [
      subcommand<string, undefined>({
        name: 'declare',
        argsHint: '[title]',
        example: '/incident declare checkout is down',
        description: 'open the declare form (title, severity, kind, what users see); a war-room channel is created',
        access: 'read',
        args: textArgs((t) => checkTitle(t, true)),
        visibility: 'ephemeral',
        audit: false,
        async run(title, ctx) {
          if (svc().settings.declareAccess === 'oncall') await requireAccess(ctx.deps, 'oncall', ctx.who, 'INCIDENT_DECLARE_ACCESS is oncall: only on-call members may declare incidents.');
          await ctx.client.views.open({ trigger_id: ctx.triggerId ?? '', view: declareModal({ ...(title ? { title } : {}), source: { kind: 'manual', channelId: ctx.who.channelId } }) });
          return undefined;
        },
      }),
      subcommand<{ userId: string; role: IncidentRole }, Refreshed>({
        name: 'role',
        argsHint: '@user commander|scribe|comms',
        example: '/incident role @dana commander',
        description: 'give a role of this war room’s incident to someone (on the card and the timeline)',
        access: 'read',
        args: textArgs(parseRole),
        visibility: 'in_channel',
        audit: false,
        async run(a, ctx) {
          const i = await incidentHere(svc().incidents, ctx.who.channelId, '/incident role');
          assertOpen(i);
          await requireRoleChange(ctx.deps, i, a.role, ctx.who);
          const r = await refresh(await svc().incidents.setRole(i.id, a.role, a.userId, ctx.who.userId));
          await ctx.respond({ text: `<@${a.userId}> is now ${ROLE_LABEL[a.role].toLowerCase()} of ${ref(i)} (set by <@${ctx.who.userId}>).` }, { inChannel: true });
          return r;
        },
      }),
      subcommand<ReturnType<typeof parseStatus>, Refreshed>({
        name: 'status',
        argsHint: 'investigating|identified|monitoring [note]',
        example: '/incident status identified bad deploy 4f2c, rolling back',
        description: 'move this war room’s incident on (commander, approvers; on-call before a commander)',
        access: 'read',
        args: textArgs(parseStatus),
        visibility: 'in_channel',
        audit: false,
        async run(a, ctx) {
          const i = await incidentHere(svc().incidents, ctx.who.channelId, '/incident status');
          assertOpen(i);
          await requireLead(ctx.deps, i, ctx.who, 'change the status');
          const r = await refresh(await svc().incidents.setStatus(i.id, a.status, a.note, ctx.who.userId));
          await ctx.respond({ text: `${ref(i)} is now *${a.status}* (<@${ctx.who.userId}>)${a.note ? `: ${escapeNote(a.note)}` : ''}` }, { inChannel: true });
          return r;
        },
      }),
      subcommand<ReturnType<typeof parseSeverity>, Refreshed>({
        name: 'severity',
        argsHint: 'P0|P1|P2|P3 [note]',
        example: '/incident severity P1 only one dealer affected',
        description: 'raise or lower this war room’s incident severity (commander, approvers)',
        access: 'read',
        args: textArgs(parseSeverity),
        visibility: 'in_channel',
        audit: false,
        async run(a, ctx) {
          const i = await incidentHere(svc().incidents, ctx.who.channelId, '/incident severity');
          assertOpen(i);
          await requireLead(ctx.deps, i, ctx.who, 'change the severity');
          const r = await refresh(await svc().incidents.setSeverity(i.id, a.severity, a.note, ctx.who.userId));
          await ctx.respond({ text: `${ref(i)} severity is now *${a.severity}* (<@${ctx.who.userId}>)${a.note ? `: ${escapeNote(a.note)}` : ''}` }, { inChannel: true });
          return r;
        },
      }),
      subcommand<undefined, undefined>({
        name: 'update',
        example: '/incident update',
        description: 'post a stakeholder update (commander or comms lead): status, impact, next steps, next update',
        access: 'read',
        args: noArgs('/incident update'),
        visibility: 'ephemeral',
        audit: false,
        async run(_a, ctx) {
          const i = await incidentHere(svc().incidents, ctx.who.channelId, '/incident update');
          assertOpen(i);
          await requireLead(ctx.deps, i, ctx.who, 'post stakeholder updates', 'communications');
          await ctx.client.views.open({ trigger_id: ctx.triggerId ?? '', view: updateModal(i, svc().settings.updateMinutes[i.severity]) });
          return undefined;
        },
      }),
      subcommand<string, undefined>({
        name: 'resolve',
        argsHint: '[resolution note]',
        example: '/incident resolve rolled back 4f2c; error rate normal for 30 min',
        description: 'resolve this war room’s incident: closing summary and postmortem draft (commander, approvers)',
        access: 'read',
        args: textArgs((t) => t.trim()),
        visibility: 'in_channel',
        audit: false,
        async run(note, ctx) {
          const i = await incidentHere(svc().incidents, ctx.who.channelId, '/incident resolve');
          assertOpen(i);
          await requireLead(ctx.deps, i, ctx.who, 'resolve it');
          if (note === '') {
            await ctx.client.views.open({ trigger_id: ctx.triggerId ?? '', view: resolveModal(i) });
            return undefined;
          }
          const text = requiredText('resolution note', note, 5, MAX_NOTE);
          const r = await svc().flows.resolve(i.id, text, ctx.who.userId);
          const extra = r.warnings.length ? `\n${r.warnings.join('\n')}` : '';
          await ctx.respond({ text: r.status === 'already' ? `${ref(i)} was already resolved.` : `${ref(i)} resolved by <@${ctx.who.userId}>.${extra}` }, { inChannel: r.status === 'resolved' });
          return undefined;
        },
      }),
      subcommand<number | undefined, { incident: Incident; entries: TimelineEntry[] }>({
        name: 'timeline',
        argsHint: '[id]',
        example: '/incident timeline INC-12',
        description: 'what happened, who and when (this war room’s incident, or the one named)',
        access: 'read',
        args: textArgs((t) => parseOptionalId(t, '/incident timeline [id]')),
        visibility: 'ephemeral',
        audit: false,
        async call(id, env) {
          if (id === undefined) throw new InputError(`Name the incident (${env.actor === 'cli' ? 'there is no war room here' : 'or run it in its channel'}): \`opsbot incident timeline <id>\`.`);
          const incident = await incidentById(svc().incidents, id);
          return { incident, entries: await svc().incidents.timeline(id) };
        },
        async run(id, ctx) {
          const incident = id === undefined ? await incidentHere(svc().incidents, ctx.who.channelId, '/incident timeline') : await incidentById(svc().incidents, id);
          const entries = await svc().incidents.timeline(incident.id);
          const pages = timelineMessages(incident, entries, ctx.deps.timezone);
          // response_url takes five posts: four pages, then where to read the rest.
          for (const p of pages.slice(0, 4)) await ctx.respond(p);
          if (pages.length > 4) await ctx.respond({ text: `The timeline has ${pages.length} pages; \`opsbot incident timeline ${incident.id}\` prints all of it.` });
          return { incident, entries };
        },
        terminal: { text: (r, env) => [`${ref(r.incident)} timeline: ${r.incident.title}`, ...timelineLines(r.entries, env.timezone, false)].join('\n') },
        cli: { requires: () => STATE },
      }),
      subcommand<undefined, Incident[]>({
        name: 'list',
        example: '/incident list',
        description: 'open incidents: severity, kind, age, commander, status, last update',
        access: 'read',
        args: noArgs('/incident list'),
        visibility: 'ephemeral',
        audit: false,
        call: () => svc().incidents.listOpen(),
        slack: (list, env) => listMessage(list, env.clock.now()),
        terminal: { text: (list, env) => listText(list, env.clock.now()), exitCode: (list) => (list.some((i) => i.severity === 'P0') ? 2 : list.length ? 1 : 0) },
        cli: { requires: () => STATE },
      }),
      subcommand<number, Incident>({
        name: 'show',
        argsHint: '<id>',
        example: '/incident show INC-12',
        description: 'one incident: its card, roles and times',
        access: 'read',
        args: textArgs((t) => parseIncidentId(t, '/incident show <id>')),
        visibility: 'ephemeral',
        audit: false,
        call: (id) => incidentById(svc().incidents, id),
        slack: (i, env) => incidentCard(i, { timezone: env.timezone, now: env.clock.now() }),
        terminal: { text: (i, env) => showText(i, env.timezone, env.clock.now()) },
        cli: { requires: () => STATE },
      }),
      subcommand<number, IncidentStats>({
        name: 'stats',
        argsHint: '[30d|90d]',
        example: '/incident stats 90d',
        description: 'count, MTTA and MTTR by severity and kind',
        access: 'read',
        args: textArgs(parseDays),
        visibility: 'ephemeral',
        audit: false,
        call: (days) => svc().incidents.stats(days),
        slack: (st) => statsMessage(st),
        terminal: { text: (st) => statsText(st) },
        cli: { requires: () => STATE },
      }),
      subcommand<number, Postmortem>({
        name: 'postmortem',
        argsHint: '<id>',
        example: '/incident postmortem INC-12',
        description: 'the postmortem draft of a resolved incident',
        access: 'read',
        args: textArgs((t) => parseIncidentId(t, '/incident postmortem <id>')),
        visibility: 'ephemeral',
        audit: false,
        async call(id) {
          const i = await incidentById(svc().incidents, id);
          const pm = await svc().incidents.postmortem(id);
          if (!pm) throw new InputError(`${ref(i)} has no postmortem draft yet${i.status === 'resolved' ? '' : ': it is written when the incident is resolved'}.`);
          return pm;
        },
        slack: (pm) => postmortemMessage(pm),
        terminal: { text: (pm) => pm.markdown, json: (pm) => pm },
        cli: { requires: () => STATE },
      }),
    ],
    register(app, deps) {
      incidentInteractions(() => s.incidents, commands).register(app, deps);
    },
  };
}

/** Longest part of a postmortem draft shown in Slack; the file in the war room and the CLI have all of it. */
export const POSTMORTEM_SLACK_CHARS = 12_000;

/** The draft as an ephemeral answer: its start, and where the rest is when it is longer. */
export function postmortemMessage(pm: Postmortem): { text: string; blocks: ReturnType<typeof sections> } {
  const cut = pm.markdown.length > POSTMORTEM_SLACK_CHARS;
  const shown = sections(cut ? truncate(pm.markdown, POSTMORTEM_SLACK_CHARS) : pm.markdown);
  const rest = cut ? [context([`The draft is ${pm.markdown.length} characters; this is the start. The whole draft is the file \`postmortem-inc-${pm.incidentId}.md\` in the war room, and \`opsbot incident postmortem ${pm.incidentId}\` prints it.`])] : [];
  return { text: `Postmortem draft INC-${pm.incidentId}`, blocks: [...shown, ...rest] };
}

function escapeNote(note: string): string {
  return note.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A title: clean text, at most 120 characters; empty allowed only as "no prefill". */
export function checkTitle(text: string, optional: boolean): string {
  const t = text.trim().split(/\s+/).filter(Boolean).join(' ');
  if (t === '' && optional) return '';
  return requiredText('title', t, 3, 120);
}
