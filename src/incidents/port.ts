// What the Slack surface, App Home and the terminal need from incidents: one interface, with
// the state-store implementation in service.ts and hand-written fakes in unit tests.
import type {
  DeclareInput,
  Incident,
  IncidentRole,
  IncidentStats,
  IncidentStatus,
  OverdueReminder,
  Postmortem,
  Severity,
  StakeholderUpdate,
  TimelineEntry,
} from './types.js';
import type { AuditRow } from '../state/audit-log.js';

export type DeclareOutcome =
  /** This call inserted the incident: the caller creates the channel, then calls attachChannel. */
  | { created: true; incident: Incident }
  /** The key was declared before (a retry, a double click, another replica): nothing new. */
  | { created: false; incident: Incident };

export interface IncidentService {
  /** Reserves the incident for `input.key`, once across retries and replicas. */
  declare(input: DeclareInput): Promise<DeclareOutcome>;
  /** The channel exists: records it (and the timeline's "declared" entry). */
  attachChannel(id: number, channel: { id: string; name: string }): Promise<Incident>;
  /** The pinned card's ts, so later changes can update it. */
  setCard(id: number, cardTs: string): Promise<void>;
  /** Channel creation failed: removes the reserved incident so nothing half-made remains. */
  abandon(id: number, reason: string): Promise<void>;

  get(id: number): Promise<Incident | undefined>;
  /** The open (unresolved) incident whose war room this is. */
  byChannel(channelId: string): Promise<Incident | undefined>;
  /** Open incidents, most severe first, then oldest first. */
  listOpen(): Promise<Incident[]>;
  /** Incidents declared in the last `days` days, newest first (for stats and `list --all`). */
  listRecent(days: number): Promise<Incident[]>;

  /** Gives `role` to `userId`; the first commander sets acknowledgedAt. On the timeline. */
  setRole(id: number, role: IncidentRole, userId: string, by: string): Promise<Incident>;
  /** Moves the status (not to resolved: use resolve); monitoring first sets mitigatedAt. On the timeline. */
  setStatus(id: number, status: Exclude<IncidentStatus, 'resolved'>, note: string, by: string): Promise<Incident>;
  setSeverity(id: number, severity: Severity, note: string, by: string): Promise<Incident>;
  /** Records a stakeholder update and the next due time; on the timeline. */
  addUpdate(id: number, u: { status: IncidentStatus; impact: string; nextSteps: string; nextUpdateMinutes: number; by: string }): Promise<StakeholderUpdate>;
  updates(id: number): Promise<StakeholderUpdate[]>;
  /** A person's message added to the timeline (reaction or shortcut); once per message ts. */
  pinMessage(id: number, m: { channelId: string; ts: string; author: string; text: string; by: string; permalink?: string }): Promise<'added' | 'already'>;
  /** Links a lockdown to the incident (breach incidents). */
  linkLockdown(id: number, lockdownId: string): Promise<void>;

  /** Resolves with a note; 'already' when it was resolved before (a second click). */
  resolve(id: number, note: string, by: string): Promise<{ status: 'resolved'; incident: Incident } | { status: 'already'; incident: Incident }>;

  /** The timeline, oldest first (audit rows linked to the incident, as sentences). */
  timeline(id: number): Promise<TimelineEntry[]>;

  /**
   * What was run for the incident, for its postmortem: the linked audit rows whose action starts
   * with 'playbook.' (requested / approved / finished, with approvers and row counts), 'backup.'
   * or 'lockdown', oldest first.
   */
  auditFacts(id: number): Promise<AuditRow[]>;

  /** Overdue stakeholder updates, each claimed once per lapse (across restarts and replicas). */
  claimOverdueReminders(): Promise<OverdueReminder[]>;

  /** Stores the postmortem draft once; 'already' returns the stored one (one per incident). */
  savePostmortem(p: Postmortem): Promise<{ status: 'saved' | 'already'; postmortem: Postmortem }>;
  postmortem(id: number): Promise<Postmortem | undefined>;

  stats(days: number): Promise<IncidentStats>;
}
