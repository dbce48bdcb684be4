// A playbook request as the engine and renderers see it (one row of opsbot.playbook_requests).
import type { Preview, Risk } from './types.js';

export type RequestState = 'pending' | 'running' | 'succeeded' | 'failed' | 'stopped' | 'interrupted' | 'denied' | 'expired';

export interface PlaybookRequest {
  id: string;
  playbookId: string;
  params: Record<string, unknown>;
  preview: Preview;
  planHash: string;
  risk: Risk;
  approvalsRequired: number;
  requestedBy: string;
  channel: string | null;
  messageTs: string | null;
  state: RequestState;
  breakGlassReason: string | null;
  createdAt: Date;
  expiresAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  rowsAffected: number | null;
  /**
   * How the run ended; while running (and when interrupted) only `progress`: what the last
   * heartbeat stored. `rowsAffected` is the rows committed so far on every outcome.
   */
  result: {
    summary?: string | null;
    durationMs?: number;
    steps?: unknown[];
    notApprovedNow?: number;
    progress?: { rows: number; steps: number };
  } | null;
  error: string | null;
  approvers: string[];
}

const date = (v: unknown): Date | null => (v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function rowToRequest(row: Record<string, unknown> | undefined): PlaybookRequest {
  if (!row) throw new Error('no request row');
  return {
    id: String(row.id),
    playbookId: String(row.playbook_id),
    params: (row.params ?? {}) as Record<string, unknown>,
    preview: row.preview as Preview,
    planHash: String(row.plan_hash),
    risk: row.risk as Risk,
    approvalsRequired: Number(row.approvals_required),
    requestedBy: String(row.requested_by),
    channel: str(row.channel),
    messageTs: str(row.message_ts),
    state: row.state as RequestState,
    breakGlassReason: str(row.break_glass_reason),
    createdAt: date(row.created_at) ?? new Date(0),
    expiresAt: date(row.expires_at) ?? new Date(0),
    decidedBy: str(row.decided_by),
    decidedAt: date(row.decided_at),
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
    rowsAffected: row.rows_affected === null || row.rows_affected === undefined ? null : Number(row.rows_affected),
    result: (row.result as PlaybookRequest['result'] | undefined) ?? null,
    error: str(row.error),
    approvers: Array.isArray(row.approvers) ? (row.approvers as string[]) : [],
  };
}
