// Default people and channels of the local workspace: the five roles the two-person rule and
// the channel allow-list need, with Slack-like ids the bot's ONCALL/APPROVER user groups name.
import type { ChannelSeed, Persona } from './types.js';

/** The user groups of the local workspace (ONCALL_USERGROUP_ID, APPROVER_USERGROUP_ID). */
export const LOCAL_USERGROUPS = { oncall: 'S0LOCONCALL', approvers: 'S0LOCAPPROVE' } as const;

export const DEFAULT_PERSONAS: readonly Persona[] = [
  { id: 'U0LOCONCALL', name: 'dana.oncall', realName: 'Dana Ruiz', title: 'on-call responder', usergroups: [LOCAL_USERGROUPS.oncall] },
  { id: 'U0LOCAPPRV1', name: 'sam.approver', realName: 'Sam Okafor', title: 'approver', usergroups: [LOCAL_USERGROUPS.approvers] },
  { id: 'U0LOCAPPRV2', name: 'lee.approver', realName: 'Lee Chen', title: 'second approver', usergroups: [LOCAL_USERGROUPS.approvers, LOCAL_USERGROUPS.oncall] },
  { id: 'U0LOCMANAGR', name: 'morgan.manager', realName: 'Morgan Blake', title: 'manager', usergroups: [] },
  { id: 'U0LOCOUTSDR', name: 'alex.outsider', realName: 'Alex Doe', title: 'outsider', usergroups: [] },
];

export const DEFAULT_CHANNELS: readonly ChannelSeed[] = [
  { id: 'C0LOCOPS', name: 'ops' },
  { id: 'C0LOCALERTS', name: 'alerts' },
  { id: 'C0LOCSTATUS', name: 'status' },
];
