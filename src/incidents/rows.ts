// Rows of the incident tables (sql/incidents/*.sql, migration 050) as the domain types.
import type { AuditRow } from '../state/audit-log.js';
import type { Incident, IncidentKind, IncidentRole, IncidentSource, IncidentStatus, Postmortem, Severity, StakeholderUpdate } from './types.js';

export type Row = Record<string, unknown>;

const date = (v: unknown): Date | null => (v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

function source(v: unknown): IncidentSource {
  const s = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  const k = s.kind === 'alert' || s.kind === 'health' ? s.kind : 'manual';
  return {
    kind: k,
    ...(typeof s.ref === 'string' ? { ref: s.ref } : {}),
    ...(typeof s.channelId === 'string' ? { channelId: s.channelId } : {}),
  };
}

export function toIncident(r: Row): Incident {
  const roles: Partial<Record<IncidentRole, string>> = {};
  if (typeof r.commander === 'string') roles.commander = r.commander;
  if (typeof r.scribe === 'string') roles.scribe = r.scribe;
  if (typeof r.communications === 'string') roles.communications = r.communications;
  return {
    id: Number(r.id),
    title: String(r.title),
    severity: r.severity as Severity,
    kind: r.kind as IncidentKind,
    status: r.status as IncidentStatus,
    userImpact: str(r.user_impact) ?? '',
    channelId: str(r.channel_id),
    channelName: str(r.channel_name),
    cardTs: str(r.card_ts),
    declaredBy: String(r.declared_by),
    declaredAt: date(r.declared_at)!,
    acknowledgedAt: date(r.acknowledged_at),
    mitigatedAt: date(r.mitigated_at),
    resolvedAt: date(r.resolved_at),
    resolvedBy: str(r.resolved_by),
    resolution: str(r.resolution),
    roles,
    source: source(r.source),
    lockdownId: str(r.lockdown_id),
    lastUpdateAt: date(r.last_update_at),
    nextUpdateDueAt: date(r.next_update_due_at),
  };
}

export function toUpdate(r: Row): StakeholderUpdate {
  return {
    id: Number(r.id),
    incidentId: Number(r.incident_id),
    postedBy: String(r.posted_by),
    at: date(r.at)!,
    status: r.status as IncidentStatus,
    impact: String(r.impact),
    nextSteps: String(r.next_steps),
    nextUpdateMinutes: Number(r.next_update_minutes),
  };
}

export function toPostmortem(r: Row): Postmortem {
  return {
    incidentId: Number(r.incident_id),
    source: r.source === 'gemini' ? 'gemini' : 'offline',
    ...(typeof r.offline_reason === 'string' ? { offlineReason: r.offline_reason } : {}),
    markdown: String(r.markdown),
    createdAt: date(r.created_at)!,
  };
}

export function toAuditRow(r: Row): AuditRow {
  return {
    id: String(r.id),
    at: date(r.at)!,
    actor: String(r.actor),
    action: String(r.action),
    target: str(r.target),
    channel: str(r.channel),
    outcome: String(r.outcome),
    detail: r.detail && typeof r.detail === 'object' && !Array.isArray(r.detail) ? (r.detail as Record<string, unknown>) : {},
  };
}
