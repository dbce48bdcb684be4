// The line /health and `opsbot health` show first while a lockdown is open.
import { formatTime } from '../render/time.js';
import type { StateStore } from '../state/store.js';
import type { HealthNotice } from '../health/types.js';

export function lockdownNotice(state: StateStore, timeZone: string): () => Promise<HealthNotice[]> {
  return async () => {
    const rows = await state
      .query<{ state: string; reason: string; active_since: Date | null; created_at: Date; started_by: string }>('lockdown/open-get')
      .catch((err: unknown) => {
        // A state store that was never migrated has no lockdowns; anything else is a real error.
        if ((err as { code?: string }).code === '42P01') return [];
        throw err;
      });
    const [open] = rows;
    if (!open) return [];
    const since = formatTime((open.active_since ?? open.created_at).getTime(), timeZone);
    return open.state === 'active'
      ? [{ headline: 'LOCKDOWN ACTIVE', text: `LOCKDOWN ACTIVE since ${since}: ${open.reason}. See /lockdown.` }]
      : [{ headline: 'LOCKDOWN INCOMPLETE', text: `LOCKDOWN INCOMPLETE (started ${since}): ${open.reason}. Request /lockdown start again to finish it.` }];
  };
}
