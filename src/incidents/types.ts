// Incidents: the state-store record that ties one outage together — kind, severity, status,
// roles, its war-room channel, stakeholder updates with their cadence, and an append-only
// timeline. These types are the contract between the store/service (src/incidents/service.ts),
// the Slack surface (handlers/incident.ts, handlers/home.ts) and the terminal.

export const SEVERITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** How each severity reads; the runbook's P0 (data breach, outage) and P1 (auth, performance). */
export const SEVERITY_LABEL: Record<Severity, string> = { P0: 'P0 critical', P1: 'P1 high', P2: 'P2 medium', P3: 'P3 low' };

export const KINDS = ['data_breach', 'service_outage', 'auth_issues', 'performance', 'other'] as const;
export type IncidentKind = (typeof KINDS)[number];
export const KIND_LABEL: Record<IncidentKind, string> = {
  data_breach: 'Data breach',
  service_outage: 'Service outage',
  auth_issues: 'Authentication issues',
  performance: 'Performance degradation',
  other: 'Other',
};
/** The runbook's severity for each kind, the declare modal's default. */
export const KIND_SEVERITY: Record<IncidentKind, Severity> = { data_breach: 'P0', service_outage: 'P0', auth_issues: 'P1', performance: 'P1', other: 'P2' };

export const STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof STATUSES)[number];

export const ROLES = ['commander', 'scribe', 'communications'] as const;
export type IncidentRole = (typeof ROLES)[number];
export const ROLE_LABEL: Record<IncidentRole, string> = { commander: 'Commander', scribe: 'Scribe', communications: 'Communications lead' };

/** Where a declaration came from: typed, an alert's button, or a critical /health report's button. */
export interface IncidentSource {
  kind: 'manual' | 'alert' | 'health';
  /** The alert id or the health report's audit reference; absent for manual. */
  ref?: string;
  /** The channel of the message whose button was clicked. */
  channelId?: string;
}

export interface Incident {
  id: number;
  title: string;
  severity: Severity;
  kind: IncidentKind;
  status: IncidentStatus;
  /** What users see, as the declarer wrote it. */
  userImpact: string;
  /** The war room; null only while the channel is being created (never listed then). */
  channelId: string | null;
  channelName: string | null;
  /** The pinned incident card in the war room. */
  cardTs: string | null;
  declaredBy: string;
  declaredAt: Date;
  /** First time a commander was set (time to acknowledge). */
  acknowledgedAt: Date | null;
  /** First time status reached monitoring (time to mitigate). */
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: string | null;
  roles: Partial<Record<IncidentRole, string>>;
  source: IncidentSource;
  /** A lockdown started from or during this (data-breach) incident. */
  lockdownId: string | null;
  lastUpdateAt: Date | null;
  /** When the next stakeholder update is due; null once resolved. */
  nextUpdateDueAt: Date | null;
}

/** One line of the timeline: an audit row linked to the incident, rendered as a sentence. */
export interface TimelineEntry {
  /** The audit row's id. */
  id: string;
  at: Date;
  /** Slack user id, 'opsbot' or 'cli'. */
  actor: string;
  /** The audit action, e.g. 'incident.status', 'command', 'playbook.finished', 'incident.pinned'. */
  action: string;
  target: string | null;
  outcome: string;
  /** One line in plain mrkdwn-safe words, e.g. "ran `/health`: CRITICAL". */
  text: string;
  detail: Record<string, unknown>;
}

export interface StakeholderUpdate {
  id: number;
  incidentId: number;
  postedBy: string;
  at: Date;
  status: IncidentStatus;
  impact: string;
  nextSteps: string;
  nextUpdateMinutes: number;
}

/** A reminder that a stakeholder update is overdue, claimed once per lapse across replicas. */
export interface OverdueReminder {
  incident: Incident;
  /** The due time this reminder is for (one reminder per due time). */
  dueAt: Date;
}

export interface DeclareInput {
  title: string;
  severity: Severity;
  kind: IncidentKind;
  userImpact: string;
  declaredBy: string;
  source: IncidentSource;
  /**
   * Idempotency key: the modal's view id (or the Slack delivery's trigger id). Any number of
   * retries, clicks or replicas with the same key get the same incident.
   */
  key: string;
}

export interface DurationStats {
  count: number;
  /** Mean declared → acknowledged (commander set), ms; null without data. */
  mttaMs: number | null;
  /** Mean declared → resolved, ms; null without resolved incidents. */
  mttrMs: number | null;
}

export interface IncidentStats {
  since: Date;
  until: Date;
  days: number;
  total: DurationStats;
  bySeverity: Record<Severity, DurationStats>;
  byKind: Record<IncidentKind, DurationStats>;
}

export interface Postmortem {
  incidentId: number;
  /** 'gemini' when the model wrote the narrative, 'offline' for the deterministic draft. */
  source: 'gemini' | 'offline';
  /** Why the offline draft was used (no key, model failed…), when it was. */
  offlineReason?: string;
  markdown: string;
  createdAt: Date;
}
