// What the /incident command and its listeners share: the services, the war-room lookups, and
// who may change an incident (the commander, an approver, on-call before a commander exists).
import { ForbiddenError, InputError } from '../src/core/errors.js';
import type { IncidentFlows } from '../src/incidents/flows.js';
import type { IncidentService } from '../src/incidents/port.js';
import { ref } from '../src/incidents/render.js';
import type { IncidentSettings } from '../src/incidents/settings.js';
import { ROLE_LABEL, type Incident, type IncidentRole } from '../src/incidents/types.js';
import type { Caller, HandlerDeps } from '../src/slack/command.js';
import { requireAccess } from '../src/slack/pipeline.js';

export interface IncidentHandlerServices {
  incidents: IncidentService;
  flows: IncidentFlows;
  settings: IncidentSettings;
}

/** The state store: STATE_DATABASE_URL, which defaults to DATABASE_URL. */
export const STATE = [['DATABASE_URL', 'STATE_DATABASE_URL']] as const;

const IN_WAR_ROOM = (usage: string) =>
  `\`${usage}\` works only inside an incident's channel, and this channel has no open incident, so nothing changed. \`/incident list\` shows the open incidents and their channels.`;

/** The open incident of this channel, or an InputError that says where the command works. */
export async function incidentHere(incidents: IncidentService, channelId: string, usage: string): Promise<Incident> {
  const i = await incidents.byChannel(channelId);
  if (!i) throw new InputError(IN_WAR_ROOM(usage));
  return i;
}

/** An incident by id, or an InputError naming the unknown id. */
export async function incidentById(incidents: IncidentService, id: number): Promise<Incident> {
  const i = await incidents.get(id);
  if (!i) throw new InputError(`There is no incident INC-${id}. \`/incident list\` shows the open ones.`);
  return i;
}

export function assertOpen(i: Incident): void {
  if (i.status === 'resolved') throw new InputError(`${ref(i)} is resolved, so it cannot change any more; nothing was written. Declare a new incident if it is back.`);
}

/**
 * The commander decides (status, severity, resolve, handing roles over), and so may an approver;
 * before anyone is commander, on-call may. `also` lets one more role act (the comms lead posts
 * updates). Throws ForbiddenError naming who may.
 */
export async function requireLead(deps: Pick<HandlerDeps, 'authz'>, i: Incident, who: Caller, what: string, also?: IncidentRole): Promise<void> {
  if (i.roles.commander === who.userId || (also && i.roles[also] === who.userId)) return;
  if ((await deps.authz.check('approver', who)).allowed) return;
  if (!i.roles.commander) {
    await requireAccess(deps, 'oncall', who, `Until someone is commander of ${ref(i)}, on-call members may ${what}.`);
    return;
  }
  const alsoText = also ? `, the ${ROLE_LABEL[also].toLowerCase()}${i.roles[also] ? ` (<@${i.roles[also]}>)` : ''}` : '';
  throw new ForbiddenError(`Only the commander of ${ref(i)} (<@${i.roles.commander}>)${alsoText} or an approver may ${what}; nothing changed. Ask them, or ask them to hand over with \`/incident role @you commander\`.`);
}

/** Who may hand `role` to someone: the lead; or on-call, for a free role (commander only while nobody holds it). */
export async function requireRoleChange(deps: Pick<HandlerDeps, 'authz'>, i: Incident, role: IncidentRole, who: Caller): Promise<void> {
  if (role !== 'commander' && i.roles.commander !== undefined && i.roles.commander !== who.userId && !i.roles[role]) {
    await requireAccess(deps, 'oncall', who);
    return;
  }
  await requireLead(deps, i, who, `give the ${ROLE_LABEL[role].toLowerCase()} role`);
}

