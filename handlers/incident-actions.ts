// The listeners of incidents that are not slash commands: the declare / update / resolve
// modals, the card's role buttons and status / severity menus, the Declare buttons on alerts and
// /health, the first-step buttons (which run a declared command in the war room), the
// :pushpin: reaction and the *Add to incident timeline* message shortcut.
import type { App, BlockAction, ButtonAction, Context, MessageShortcut, StaticSelectAction, ViewSubmitAction, webApi } from '@slack/bolt';
import { InputError, isOpsError } from '../src/core/errors.js';
import { requiredText } from '../src/incidents/args.js';
import { MAX_NEXT_UPDATE_MINUTES } from '../src/incidents/input.js';
import { findStep, stepText } from '../src/incidents/checklists.js';
import { ACTIONS, MAX_IMPACT, MAX_NOTE, MAX_TITLE, PIN_SHORTCUT, ref, resolveModal, timelineMessages, updateMessage, updateModal, VIEWS, declareModal, unescapeTitle, type DeclareButtonValue } from '../src/incidents/render.js';
import { KINDS, ROLE_LABEL, ROLES, SEVERITIES, STATUSES, type Incident, type IncidentKind, type IncidentRole, type IncidentSource, type Severity } from '../src/incidents/types.js';
import { auditInBackground } from '../src/slack/audit.js';
import { slackChatPoster } from '../src/slack/chat-poster.js';
import { findSubcommand, parseArgs, type CallEnv, type CommandSpec, type HandlerDeps, type InteractionSpec, type SlackRun } from '../src/slack/command.js';
import { describeForAudit, interaction } from '../src/slack/context.js';
import { checkIntId, checkText, parseMetadata } from '../src/slack/input.js';
import { requireAccess } from '../src/slack/pipeline.js';
import { APP_HOME_CHANNEL } from '../src/slack/authz.js';
import { firstDelivery, REPLAY_MESSAGE } from '../src/slack/replay.js';
import { assertOpen, incidentById, requireLead, requireRoleChange, type IncidentHandlerServices } from './incident-access.js';

type Values = Record<string, Record<string, { value?: string | null; selected_option?: { value?: string } | null }>>;

const field = (values: Values, block: string): string => {
  const v = values[block]?.value;
  return (v?.selected_option?.value ?? v?.value ?? '').trim();
};

/** `<id>:<word>` from a button or menu value. */
function idAnd(value: string | undefined, what: string): { id: number; word: string } {
  const [rawId = '', word = '', ...extra] = (value ?? '').split(':');
  if (extra.length) throw new InputError(`This ${what} is not valid any more; use the latest incident card.`);
  return { id: checkIntId(rawId, 'incident id'), word };
}

/** Tells `user` something where they are (ephemeral in the channel, or a DM when there is none). */
async function tell(client: webApi.WebClient, user: string, channel: string | undefined, text: string): Promise<void> {
  if (channel) {
    try {
      await client.chat.postEphemeral({ channel, user, text });
      return;
    } catch {
      // Not in that channel (a DM with the app, an archived channel): a direct message instead.
    }
  }
  await client.chat.postMessage({ channel: user, text });
}

const errorText = (err: unknown): string | undefined => (isOpsError(err) ? err.userMessage : undefined);

/**
 * A form's errors are told to the user here rather than by the global error handler (a form has
 * no response_url), so a refusal among them is audited here, as the handler audits every other.
 */
function auditRefusal(deps: HandlerDeps, context: Context, err: unknown): void {
  if (!isOpsError(err) || err.code !== 'forbidden') return;
  const { log, audit } = interaction(context, deps.logger);
  if (!audit) return;
  auditInBackground(deps, log, { ...audit, outcome: 'refused', detail: { ...audit.detail, why: err.userMessage.slice(0, 500) } });
}

/** Parses and checks the declare form; errors by block for the modal. */
function parseDeclare(values: Values): { ok: true; title: string; severity: Severity; kind: IncidentKind; impact: string } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const title = field(values, 'title').split(/\s+/).filter(Boolean).join(' ');
  const severity = field(values, 'severity').toUpperCase();
  const kind = field(values, 'kind');
  const impact = field(values, 'impact');
  const check = (block: string, f: () => void) => {
    try {
      f();
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      errors[block] = err.userMessage.slice(0, 150);
    }
  };
  check('title', () => requiredText('title', title, 3, MAX_TITLE));
  if (!(SEVERITIES as readonly string[]).includes(severity)) errors.severity = 'Pick a severity: P0 (critical), P1 (high), P2 (medium) or P3 (low).';
  if (!(KINDS as readonly string[]).includes(kind)) errors.kind = 'Pick a kind: data breach, service outage, authentication issues, performance or other.';
  check('impact', () => requiredText('description of what users see', impact, 3, MAX_IMPACT));
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, title, severity: severity as Severity, kind: kind as IncidentKind, impact };
}

function parseSource(meta: Record<string, unknown>): IncidentSource {
  const kind = meta.kind === 'alert' || meta.kind === 'health' ? meta.kind : 'manual';
  const channelId = typeof meta.channelId === 'string' && /^[CGD][A-Z0-9]{1,30}$/.test(meta.channelId) ? meta.channelId : undefined;
  const r = typeof meta.ref === 'string' ? checkText('source reference', meta.ref.slice(0, 80)) : undefined;
  return { kind, ...(r ? { ref: r } : {}), ...(channelId ? { channelId } : {}) };
}

/**
 * Acks a valid update or resolve form and returns the incident id its metadata names; a form
 * whose metadata names none is acked too (the modal closes) and the InputError goes to the
 * global handler, which tells the user.
 */
async function ackWithIncidentId(privateMetadata: string | undefined, ack: () => Promise<void>): Promise<number> {
  let id: number;
  try {
    id = checkIntId(parseMetadata(privateMetadata).incidentId, 'incident id');
  } catch (err) {
    await ack();
    throw err;
  }
  await ack();
  return id;
}

export function incidentInteractions(s: () => IncidentHandlerServices, commands: () => readonly CommandSpec[]): InteractionSpec {
  return {
    id: 'incidents',
    register(app: App, deps: HandlerDeps) {
      // ——— declare ———
      app.view<ViewSubmitAction>(VIEWS.declare, async ({ ack, view, body, client, context }) => {
        const parsed = parseDeclare(view.state.values);
        if (!parsed.ok) {
          await ack({ response_action: 'errors', errors: parsed.errors });
          return;
        }
        let source: IncidentSource;
        let fromHome = false;
        try {
          const meta = parseMetadata(view.private_metadata);
          source = parseSource(meta);
          fromHome = meta.surface === 'home';
        } catch (err) {
          await ack();
          throw err;
        }
        await ack();
        const { log } = interaction(context, deps.logger);
        const user = body.user.id;
        describeForAudit(context, { action: 'incident.declare', target: 'incident', ...(source.channelId ? { channel: source.channelId } : {}) });
        try {
          if (s().settings.declareAccess === 'oncall') await requireAccess(deps, 'oncall', { userId: user, channelId: source.channelId ?? (fromHome ? APP_HOME_CHANNEL : '') }, 'Nothing was declared.');
          const r = await s().flows.declare({ title: parsed.title, severity: parsed.severity, kind: parsed.kind, userImpact: parsed.impact, declaredBy: user, source, key: `view:${view.id}` });
          if (r.status === 'already') {
            log.info({ incidentId: r.incident.id }, 'repeated declaration ignored');
            return;
          }
          if (r.status === 'failed') {
            await tell(client, user, source.channelId, `:x: ${r.message}`);
            return;
          }
          const warn = r.warnings.length ? `\n:warning: ${r.warnings.join('\n:warning: ')}` : '';
          await tell(client, user, source.channelId, `:rotating_light: ${ref(r.incident)} declared: <#${r.incident.channelId}>.${warn}`);
        } catch (err) {
          const text = errorText(err);
          if (!text) throw err;
          auditRefusal(deps, context, err);
          await tell(client, user, source.channelId, `:x: ${text}`);
        }
      });

      app.action<BlockAction<ButtonAction>>(ACTIONS.declare, async ({ ack, body, action, client, context }) => {
        await ack();
        // The App Home's button has no channel: the role decides, or (for read) membership of an allowed channel.
        const fromHome = body.view?.type === 'home';
        const channelId = body.channel?.id ?? '';
        describeForAudit(context, { action: 'incident.declare_button', target: 'incident' });
        await requireAccess(deps, s().settings.declareAccess, { userId: body.user.id, channelId: fromHome ? APP_HOME_CHANNEL : channelId });
        if (fromHome) {
          await client.views.open({ trigger_id: body.trigger_id, view: { ...declareModal({ source: { kind: 'manual' } }), private_metadata: JSON.stringify({ kind: 'manual', surface: 'home' }) } });
          return;
        }
        let v: Partial<DeclareButtonValue> = {};
        try {
          v = JSON.parse(action.value ?? '{}') as Partial<DeclareButtonValue>;
        } catch {
          throw new InputError('This Declare button is damaged; use `/incident declare`.');
        }
        const kind = typeof v.kind === 'string' && (KINDS as readonly string[]).includes(v.kind) ? v.kind : undefined;
        const severity = typeof v.severity === 'string' && (SEVERITIES as readonly string[]).includes(v.severity) ? v.severity : undefined;
        const title = typeof v.title === 'string' ? checkText('title', unescapeTitle(v.title).slice(0, MAX_TITLE)) : undefined;
        const source: IncidentSource = { kind: v.source === 'health' ? 'health' : 'alert', ...(typeof v.ref === 'string' ? { ref: v.ref.slice(0, 80) } : {}), channelId };
        await client.views.open({
          trigger_id: body.trigger_id,
          view: declareModal({ ...(title ? { title } : {}), ...(kind ? { kind } : {}), ...(severity ? { severity } : {}), userImpact: '', source }),
        });
      });

      // ——— card: roles, status, severity, update, resolve, timeline ———
      app.action<BlockAction<ButtonAction>>(new RegExp(`^${ACTIONS.role.replace('.', '\\.')}\\.`), async ({ ack, body, action, respond, context }) => {
        await ack();
        const { id, word } = idAnd(action.value, 'role button');
        const role = (ROLES as readonly string[]).includes(word) ? (word as IncidentRole) : undefined;
        if (!role) throw new InputError('This role button names no role; use the latest incident card.');
        const who = { userId: body.user.id, channelId: body.channel?.id ?? '' };
        describeForAudit(context, { action: 'incident.role', target: `incident:${id}` });
        const i = await incidentById(s().incidents, id);
        assertOpen(i);
        if (i.roles[role] === who.userId) {
          await respond({ response_type: 'ephemeral', replace_original: false, text: `You are already ${ROLE_LABEL[role].toLowerCase()} of ${ref(i)}.` });
          return;
        }
        await requireRoleChange(deps, i, role, who);
        await s().flows.refreshCard(await s().incidents.setRole(id, role, who.userId, who.userId));
      });

      app.action<BlockAction<StaticSelectAction>>(ACTIONS.status, async ({ ack, body, action, context }) => {
        await ack();
        const { id, word } = idAnd(action.selected_option?.value, 'status menu');
        if (!(STATUSES as readonly string[]).includes(word) || word === 'resolved') throw new InputError('Pick investigating, identified or monitoring; the Resolve button resolves.');
        const who = { userId: body.user.id, channelId: body.channel?.id ?? '' };
        describeForAudit(context, { action: 'incident.status', target: `incident:${id}` });
        const i = await incidentById(s().incidents, id);
        assertOpen(i);
        await requireLead(deps, i, who, 'change the status');
        await s().flows.refreshCard(await s().incidents.setStatus(id, word as 'investigating', 'from the incident card', who.userId));
      });

      app.action<BlockAction<StaticSelectAction>>(ACTIONS.severity, async ({ ack, body, action, context }) => {
        await ack();
        const { id, word } = idAnd(action.selected_option?.value, 'severity menu');
        if (!(SEVERITIES as readonly string[]).includes(word)) throw new InputError('Pick P0, P1, P2 or P3.');
        const who = { userId: body.user.id, channelId: body.channel?.id ?? '' };
        describeForAudit(context, { action: 'incident.severity', target: `incident:${id}` });
        const i = await incidentById(s().incidents, id);
        assertOpen(i);
        await requireLead(deps, i, who, 'change the severity');
        await s().flows.refreshCard(await s().incidents.setSeverity(id, word as Severity, 'from the incident card', who.userId));
      });

      app.action<BlockAction<ButtonAction>>(ACTIONS.update, async ({ ack, body, action, client }) => {
        await ack();
        const i = await incidentById(s().incidents, checkIntId(action.value, 'incident id'));
        assertOpen(i);
        await requireLead(deps, i, { userId: body.user.id, channelId: body.channel?.id ?? '' }, 'post stakeholder updates', 'communications');
        await client.views.open({ trigger_id: body.trigger_id, view: updateModal(i, s().settings.updateMinutes[i.severity]) });
      });

      app.action<BlockAction<ButtonAction>>(ACTIONS.resolve, async ({ ack, body, action, client }) => {
        await ack();
        const i = await incidentById(s().incidents, checkIntId(action.value, 'incident id'));
        assertOpen(i);
        await requireLead(deps, i, { userId: body.user.id, channelId: body.channel?.id ?? '' }, 'resolve it');
        await client.views.open({ trigger_id: body.trigger_id, view: resolveModal(i) });
      });

      app.action<BlockAction<ButtonAction>>(ACTIONS.timeline, async ({ ack, action, respond }) => {
        await ack();
        const i = await incidentById(s().incidents, checkIntId(action.value, 'incident id'));
        const pages = timelineMessages(i, await s().incidents.timeline(i.id), deps.timezone);
        for (const p of pages.slice(0, 4)) await respond({ response_type: 'ephemeral', replace_original: false, text: p.text, blocks: p.blocks });
      });

      app.view<ViewSubmitAction>(VIEWS.update, async ({ ack, view, body, client, context }) => {
        const values = view.state.values as Values;
        const errors: Record<string, string> = {};
        const status = field(values, 'status');
        if (!(STATUSES as readonly string[]).includes(status) || status === 'resolved') errors.status = 'Pick investigating, identified or monitoring.';
        const text = (block: string, name: string) => {
          try {
            return requiredText(name, field(values, block), 3, MAX_NOTE);
          } catch (err) {
            if (!(err instanceof InputError)) throw err;
            errors[block] = err.userMessage.slice(0, 150);
            return '';
          }
        };
        const impact = text('impact', 'impact');
        const nextSteps = text('next', 'next steps');
        const minutes = Number(field(values, 'minutes'));
        // The same range as INCIDENT_UPDATE_MINUTES, whose value for the severity is the form's default.
        if (!/^\d{1,5}$/.test(field(values, 'minutes')) || minutes < 5 || minutes > MAX_NEXT_UPDATE_MINUTES) errors.minutes = `A whole number of minutes from 5 to ${MAX_NEXT_UPDATE_MINUTES} (7 days).`;
        if (Object.keys(errors).length) {
          await ack({ response_action: 'errors', errors });
          return;
        }
        const id = await ackWithIncidentId(view.private_metadata, ack);
        const user = body.user.id;
        describeForAudit(context, { action: 'incident.update', target: `incident:${id}` });
        let i: Incident | undefined;
        try {
          i = await incidentById(s().incidents, id);
          assertOpen(i);
          await requireLead(deps, i, { userId: user, channelId: i.channelId ?? '' }, 'post stakeholder updates', 'communications');
          if (!(await firstDelivery(deps, `view:${view.id}:${view.hash ?? ''}`, 'incident.update', user))) return;
          const u = await s().incidents.addUpdate(id, { status: status as 'investigating', impact, nextSteps, nextUpdateMinutes: minutes, by: user });
          const fresh = (await s().incidents.get(id)) ?? i;
          const msg = updateMessage(fresh, u, deps.timezone);
          const chat = slackChatPoster(client);
          for (const channel of new Set([s().settings.statusChannel, fresh.channelId].filter((c): c is string => Boolean(c)))) {
            await chat.postMessage({ channel, text: msg.text, blocks: msg.blocks, purpose: 'the stakeholder update', ifFails: 'the update is recorded but this channel did not get it' });
          }
          await s().flows.refreshCard(fresh);
        } catch (err) {
          const t = errorText(err);
          if (!t) throw err;
          auditRefusal(deps, context, err);
          await tell(client, user, i?.channelId ?? undefined, `:x: ${t}`);
        }
      });

      app.view<ViewSubmitAction>(VIEWS.resolve, async ({ ack, view, body, client, context }) => {
        let note: string;
        try {
          note = requiredText('resolution note', field(view.state.values, 'resolution'), 5, MAX_NOTE);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          await ack({ response_action: 'errors', errors: { resolution: err.userMessage.slice(0, 150) } });
          return;
        }
        const id = await ackWithIncidentId(view.private_metadata, ack);
        const user = body.user.id;
        describeForAudit(context, { action: 'incident.resolve', target: `incident:${id}` });
        let i: Incident | undefined;
        try {
          i = await incidentById(s().incidents, id);
          assertOpen(i);
          await requireLead(deps, i, { userId: user, channelId: i.channelId ?? '' }, 'resolve it');
          const r = await s().flows.resolve(id, note, user);
          if (r.warnings.length && i.channelId) await tell(client, user, i.channelId, `:warning: ${r.warnings.join('\n:warning: ')}`);
        } catch (err) {
          const t = errorText(err);
          if (!t) throw err;
          auditRefusal(deps, context, err);
          await tell(client, user, i?.channelId ?? undefined, `:x: ${t}`);
        }
      });

      // ——— first steps: run the declared command in the war room ———
      app.action<BlockAction<ButtonAction>>(new RegExp(`^${ACTIONS.step.replace('.', '\\.')}\\.`), async ({ ack, body, action, client, respond, context }) => {
        await ack();
        const { log } = interaction(context, deps.logger);
        const { id, word } = idAnd(action.value, 'first-step button');
        const i = await incidentById(s().incidents, id);
        assertOpen(i);
        const step = findStep(i.kind, word);
        if (!step || !i.channelId) throw new InputError('This first-step button is not valid any more; use the latest first-steps message.');
        if ((body.channel?.id ?? '') !== i.channelId) throw new InputError(`This button works only in ${ref(i)}'s channel <#${i.channelId}>.`);
        const spec = commands().find((c) => c.command === step.command);
        const found = spec ? findSubcommand(spec, stepText(step, i)) : undefined;
        if (!spec || !found || !('sub' in found)) throw new InputError(`\`${step.command}\` is not available in this bot.`);
        const sub = found.sub;
        const target = sub.name === '' || spec.auditTarget === 'command' ? spec.command : `${spec.command} ${sub.name}`;
        const who = { userId: body.user.id, channelId: i.channelId };
        describeForAudit(context, { action: 'command', target, channel: i.channelId, detail: { via: 'incident first steps', incident: i.id } });
        const args: unknown = parseArgs(spec, sub, found.rest);
        if (sub.access !== 'public') await requireAccess(deps, sub.access, who);
        if (sub.once && !(await firstDelivery(deps, body.trigger_id, target, who.userId))) {
          await respond({ response_type: 'ephemeral', replace_original: false, text: REPLAY_MESSAGE });
          return;
        }
        const chat = slackChatPoster(client);
        const env: CallEnv = { actor: who.userId, clock: deps.clock, timezone: deps.timezone };
        const ctx: SlackRun = {
          who,
          triggerId: body.trigger_id,
          deps,
          log,
          client,
          chat,
          // The war room sees what the step found, as if the command had been typed there.
          respond: async (msg, opts) => {
            if (opts?.inChannel === false) {
              await respond({ response_type: 'ephemeral', replace_original: false, text: msg.text, ...(msg.blocks ? { blocks: msg.blocks } : {}) });
              return;
            }
            await chat.postMessage({ channel: who.channelId, text: msg.text, ...(msg.blocks ? { blocks: msg.blocks } : {}), purpose: `the result of ${target}` });
          },
          note: (more) => describeForAudit(context, { detail: more }),
        };
        let result: unknown;
        if (sub.run) {
          result = await sub.run(args, { ...ctx, respond: (msg) => ctx.respond(msg, { inChannel: true }) });
        } else if (sub.call) {
          result = await sub.call(args, env);
          const msg = sub.slack?.(result, env);
          if (msg) await ctx.respond(msg, { inChannel: true });
        }
        if (sub.audit === false || result === undefined) return;
        const r = sub.audit?.result?.(result);
        const status = (result as { status?: unknown }).status;
        auditInBackground(deps, log, {
          actor: who.userId,
          action: 'command',
          target,
          channel: who.channelId,
          outcome: r?.outcome ?? 'ok',
          detail: { ...sub.audit?.detail?.(args), ...r?.detail, via: 'incident first steps', incident: i.id, ...(typeof status === 'string' ? { status } : {}) },
        });
      });

      // ——— timeline: :pushpin: and the message shortcut ———
      app.event('reaction_added', async ({ event, client, context }) => {
        if (event.reaction !== 'pushpin' || event.item.type !== 'message') return;
        const { log } = interaction(context, deps.logger);
        const channel = event.item.channel;
        const i = await s().incidents.byChannel(channel);
        if (!i) return;
        const message = await fetchMessage(client, channel, event.item.ts);
        if (!message) {
          log.info({ channel, ts: event.item.ts }, 'pinned message not found');
          return;
        }
        await s().incidents.pinMessage(i.id, { channelId: channel, ts: event.item.ts, author: message.user ?? event.item_user ?? 'unknown', text: message.text, by: event.user });
      });

      app.shortcut<MessageShortcut>(PIN_SHORTCUT, async ({ ack, shortcut, respond }) => {
        await ack();
        const channel = shortcut.channel.id;
        const i = await s().incidents.byChannel(channel);
        if (!i) throw new InputError('This channel has no open incident, so there is no timeline to add to. Use the shortcut in an incident’s channel.');
        const text = typeof shortcut.message.text === 'string' ? shortcut.message.text : '';
        const author = typeof shortcut.message.user === 'string' ? shortcut.message.user : 'unknown';
        const r = await s().incidents.pinMessage(i.id, { channelId: channel, ts: shortcut.message_ts, author, text: text.slice(0, 3000), by: shortcut.user.id });
        await respond({ response_type: 'ephemeral', replace_original: false, text: r === 'added' ? `:pushpin: Added to the ${ref(i)} timeline.` : `That message is already on the ${ref(i)} timeline.` });
      });
    },
  };
}

/** The message at `ts` (a top-level message, or a reply in a thread). */
async function fetchMessage(client: webApi.WebClient, channel: string, ts: string): Promise<{ text: string; user?: string } | undefined> {
  const pick = (m: { ts?: string; text?: string; user?: string } | undefined) => (m && m.ts === ts ? { text: (m.text ?? '').slice(0, 3000), ...(m.user ? { user: m.user } : {}) } : undefined);
  const top = await client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 });
  const found = pick(top.messages?.[0]);
  if (found) return found;
  // A reply in a thread is not in the channel's history; conversations.replies finds it.
  const reply = await client.conversations.replies({ channel, ts, latest: ts, inclusive: true, limit: 1 });
  return pick(reply.messages?.find((m) => m.ts === ts));
}

