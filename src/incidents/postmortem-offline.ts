// The offline narrative: the same sections the model would write, built by rules from the
// record, deterministic (same input, same text). Used without a key and whenever the model's
// answer cannot be used. It says plainly what a person still has to fill in.
import { failedRuns, type BackupEvent, type CitedEntry, type Milestone, type RunFacts } from './postmortem-facts.js';
import { NARRATIVE_LIMITS } from './postmortem-model.js';
import { clip, oneLine, span, stamp, who, type Scrub } from './postmortem-text.js';
import { KIND_LABEL, SEVERITY_LABEL, type Incident, type IncidentKind, type StakeholderUpdate } from './types.js';

/** The narrative sections, whoever wrote them. */
export interface Narrative {
  summary: string;
  impact: string;
  /** Empty when unknown. */
  suspectedCause: string;
  contributingFactors: { text: string; cites: string[] }[];
  actionItems: { text: string; owner?: string }[];
}

/** Follow-ups every incident of a kind needs, from the runbook's incident response section. */
export const KIND_FOLLOW_UPS: Record<IncidentKind, readonly string[]> = {
  data_breach: [
    'Confirm every exposed credential was rotated: LOVABLE_API_KEY, SUPABASE_SERVICE_ROLE_KEY and SUPABASE_DB_URL (database password).',
    'Confirm MFA is required for all staff accounts.',
    'Review the auth audit logs for the whole exposure window and record what was accessed.',
    'Record when the insurance carrier, the Privacy Commissioner of Canada, the state attorneys general and the affected individuals were notified (24 h / 72 h deadlines).',
    'Find how the credential leaked and close that path.',
  ],
  service_outage: [
    'Record how the outage was detected and how long it took to be noticed.',
    'Check that the status page, DNS, database connection and front-end checks cover what failed; add the missing check or alert.',
    'Decide whether the recovery steps taken belong in the runbook as a playbook.',
  ],
  auth_issues: [
    'Review the failed-login report and Supabase Auth health for the incident window.',
    'Check that the failed-logins alert (> 10/minute) fired when it should have; tune it if not.',
    'Confirm no account was taken over; disable and reset any that were.',
  ],
  performance: [
    'Review the slow queries (`/slowqueries total`) of the incident window and add the missing indexes (`/db indexes`).',
    'Check the lock chains and long statements (`/db locks`, `/db long`) that were seen, and their cause.',
    'Check the connection thresholds (warning > 40, limit 50) and whether the pool was exhausted.',
  ],
  other: ['Decide whether the runbook needs a section for this kind of incident.'],
};

const BACKUP_NOUN: Record<BackupEvent, string> = { created: 'backup', failed: 'backup', verified: 'backup verification', restored: 'restore', pruned: 'backup pruning' };

/** Ends with a full stop unless it already ends a sentence. */
const sentence = (s: string) => (/[.!?…]$/.test(s) ? s : `${s}.`);

const STATUS_WORD = /\b(CRITICAL|WARNING|WARN|DEGRADED|DOWN|UNKNOWN)\b/;

/** Health and diagnostic reports that were not ok, one per status and report. */
function statusesSeen(entries: readonly CitedEntry[], tz: string): { text: string; cites: string[] }[] {
  const seen = new Map<string, { text: string; cites: string[] }>();
  for (const { cite, entry } of entries) {
    const isHealth = entry.action.includes('health') || entry.text.includes('/health');
    if (!isHealth) continue;
    const detailStatus = typeof entry.detail.status === 'string' ? entry.detail.status.toUpperCase() : undefined;
    const status = detailStatus && detailStatus !== 'OK' ? detailStatus : STATUS_WORD.exec(entry.text)?.[1];
    if (!status) continue;
    const key = status;
    const prev = seen.get(key);
    if (prev) {
      if (prev.cites.length < 5) prev.cites.push(cite);
      continue;
    }
    seen.set(key, { text: `Health reports showed ${status} (first at ${stamp(entry.at, tz)}).`, cites: [cite] });
  }
  return [...seen.values()];
}

export interface OfflineParts {
  incident: Incident;
  entries: readonly CitedEntry[];
  updates: readonly StakeholderUpdate[];
  logSummaries: readonly string[];
  runs: RunFacts;
  milestones: readonly Milestone[];
  /** Unticked items of the incident's checklist, when the caller has them. */
  openChecklistItems: readonly string[];
  scrub: Scrub;
  timezone: string;
  now: number;
}

export function offlineNarrative(p: OfflineParts): Narrative {
  const { incident: inc, scrub, timezone: tz } = p;
  const t = (s: string, max: number) => oneLine(scrub(s), max);
  const kind = KIND_LABEL[inc.kind].toLowerCase();
  const declared = `declared ${stamp(inc.declaredAt, tz)} by ${who(inc.declaredBy)}`;
  const ending =
    inc.status === 'resolved' && inc.resolvedAt
      ? `It was resolved ${stamp(inc.resolvedAt, tz)}${inc.resolvedBy ? ` by ${who(inc.resolvedBy)}` : ''}${inc.resolution ? `: ${sentence(t(inc.resolution, 500))}` : '.'}`
      : `It is not resolved yet (status: ${inc.status}).`;
  const summary = `"${t(inc.title, 200)}": a ${SEVERITY_LABEL[inc.severity]} ${kind} incident, ${declared}. What users saw: ${t(inc.userImpact, 500) || 'not described'}. ${ending}`;

  const [, ack, mitigated, resolved] = p.milestones;
  const open = span(p.now - inc.declaredAt.getTime());
  const lasted = resolved?.sinceDeclaredMs !== null && resolved?.sinceDeclaredMs !== undefined ? `It lasted ${span(resolved.sinceDeclaredMs)} from declaration to resolution` : `It has been open for ${open}`;
  const mitigation = mitigated?.sinceDeclaredMs != null ? `; mitigated after ${span(mitigated.sinceDeclaredMs)}` : '; it was not mitigated';
  const acknowledged = ack?.sinceDeclaredMs != null ? `; a commander took it after ${span(ack.sinceDeclaredMs)}` : '; no commander was assigned';
  const last = p.updates.at(-1);
  const lastUpdate = last ? ` The last stakeholder update (${stamp(last.at, tz)}) said: ${t(last.impact, 400)}` : '';
  const impact = `Severity ${SEVERITY_LABEL[inc.severity]}. What users saw: ${t(inc.userImpact, 500) || 'not described'}. ${lasted}${mitigation}${acknowledged}.${lastUpdate}`;

  const failed = failedRuns(p.runs);
  const factors: Narrative['contributingFactors'] = [{ text: 'To be filled in by the responders: what made this incident possible, and what made it last.', cites: [] }];
  factors.push(...statusesSeen(p.entries, tz));
  for (const r of failed) factors.push({ text: `Playbook ${r.playbookId} ${r.state}${r.error ? `: ${t(r.error, 200)}` : '.'}`, cites: [r.cite] });
  for (const b of p.runs.backups.filter((x) => x.failed)) factors.push({ text: `The ${BACKUP_NOUN[b.event]} at ${stamp(b.at, tz)} failed${b.details.length ? ` (${t(b.details.join('; '), 200)})` : ''}.`, cites: [] });
  for (const r of [...p.runs.playbooks, ...p.runs.lockdown.runs].filter((x) => x.state === 'denied' || x.state === 'expired')) {
    factors.push({ text: `The request for ${r.playbookId} was ${r.state === 'denied' ? `denied by ${who(r.deniedBy)}` : 'left to expire'}.`, cites: [r.cite] });
  }
  p.logSummaries.slice(-5).forEach((s, i, shown) => factors.push({ text: `Log summary: ${t(s, 200)}`, cites: [`L${p.logSummaries.length - shown.length + i + 1}`] }));
  if (ack?.sinceDeclaredMs == null) factors.push({ text: 'No commander was assigned during the incident.', cites: [] });

  const actions: Narrative['actionItems'] = [];
  for (const r of failed) actions.push({ text: `Find out why ${r.playbookId} ${r.state === 'stopped' ? 'was stopped by its scope check' : r.state} and fix it (or the playbook) before it is needed again.` });
  for (const b of p.runs.backups.filter((x) => x.failed)) actions.push({ text: `Fix what made the ${BACKUP_NOUN[b.event]}${b.backupId ? ` of ${b.backupId.slice(0, 8)}` : ''} fail, then take and verify a fresh backup (\`/backup now\`, \`/backup verify latest\`).` });
  for (const d of p.runs.lockdown.deadlines) {
    const due = d.dueAt.getTime();
    actions.push({ text: `${d.kind === '24h' ? 'Notify the insurance carrier and start the regulator assessment' : 'Notify the regulators, the affected individuals and the insurance carrier'} by ${stamp(due, tz)} (${d.kind === '24h' ? '24 h' : '72 h'} deadline${due < p.now ? ', passed: record when it was done' : ''}).` });
  }
  for (const item of p.openChecklistItems) actions.push({ text: `Checklist item not ticked: ${t(item, 200)}` });
  for (const f of KIND_FOLLOW_UPS[inc.kind]) actions.push({ text: f });
  if (ack?.sinceDeclaredMs == null) actions.push({ text: 'Make sure the next incident gets a commander at once (the card\'s Commander button or `/incident role @user commander`).' });

  return {
    summary: clip(summary, NARRATIVE_LIMITS.summary),
    impact: clip(impact, NARRATIVE_LIMITS.impact),
    suspectedCause: '',
    contributingFactors: factors.slice(0, NARRATIVE_LIMITS.factors).map((f) => ({ ...f, text: clip(f.text, NARRATIVE_LIMITS.factor) })),
    actionItems: actions.slice(0, NARRATIVE_LIMITS.actionItems).map((a) => ({ ...a, text: clip(a.text, NARRATIVE_LIMITS.actionItem) })),
  };
}
