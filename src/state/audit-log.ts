// Reading the audit log: the newest rows, optionally only one family of actions ('playbook.').
// Shared by `/playbook audit` and `opsbot audit`, so the handler holds no query.
import type { StateStore } from './store.js';

export interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  channel: string | null;
  outcome: string;
  detail: Record<string, unknown>;
}

/** The newest `limit` audit rows whose action starts with `actionPrefix` ('' for all), newest first. */
export function recentAudit(state: Pick<StateStore, 'query'>, limit: number, actionPrefix = ''): Promise<AuditRow[]> {
  return state.query<AuditRow & Record<string, unknown>>('state/audit-recent', [limit, actionPrefix]);
}
