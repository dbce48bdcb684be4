// Gathers everything /lockdown status and `opsbot lockdown status` show.
import type { Clock } from '../core/clock.js';
import type { StateStore } from '../state/store.js';
import { timelineFromAudit, type LockdownStatus } from './render.js';
import type { LockdownService } from './service.js';

export async function lockdownStatus(svc: LockdownService, state: StateStore, clock: Clock): Promise<LockdownStatus> {
  const [preview, latest] = await Promise.all([svc.preview(), svc.latest()]);
  const focus = preview.open ?? latest;
  if (!focus) return { preview, latest, timeline: [], checklist: [], reminders: [], integrations: [], now: clock.now() };
  // The request that opened the lockdown was made just before it: look a minute further back.
  const since = new Date(focus.createdAt.getTime() - 60_000);
  const [audit, checklist, reminders, integrations] = await Promise.all([
    state.query<{ at: Date; actor: string; action: string; outcome: string; detail: Record<string, unknown> }>('lockdown/audit-since', [since]),
    svc.checklistItems(focus),
    svc.reminders(focus.id),
    svc.integrations(focus.id),
  ]);
  return { preview, latest, timeline: timelineFromAudit(audit), checklist, reminders, integrations, now: clock.now() };
}
