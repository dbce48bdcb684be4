// Safety exports of delete-user: the rows a user delete removes or changes, stored in the state
// store before the delete commits (DESIGN.md: the state store keeps the bot's memory while the
// target is down, so the export outlives the target). Only the digest and counts are ever shown
// or audited; the rows stay in opsbot.user_exports, for USER_EXPORT_RETENTION_DAYS: they are the
// personal data the delete was asked to erase, so a daily job deletes the older ones.
import { createHash, randomUUID } from 'node:crypto';
import { sql } from '../core/sql.js';
import type { JobDefinition } from '../scheduler/types.js';
import type { Queryable } from '../state/run-store.js';
import type { StateStore } from '../state/store.js';

/** The rows of one table reached through one foreign-key path. */
export interface ExportedTable {
  table: string;
  via: string;
  action: string;
  rows: unknown[];
}

export interface UserExport {
  requestId: string;
  userId: string;
  takenAt: number;
  tables: ExportedTable[];
}

export interface SavedExport {
  id: string;
  rowCount: number;
  sha256: string;
  bytes: number;
}

/** Where delete-user keeps its safety exports. */
export interface UserExportStore {
  /** Stores the export durably; resolves only once it is committed, so the delete may follow. */
  save(e: UserExport): Promise<SavedExport>;
}

export function stateUserExports(state: Pick<StateStore, 'query'>): UserExportStore {
  return {
    async save(e) {
      const body = JSON.stringify(e.tables);
      const sha256 = createHash('sha256').update(body).digest('hex');
      const id = randomUUID();
      const rowCount = e.tables.reduce((s, t) => s + t.rows.length, 0);
      await state.query('state/user-exports/insert', [id, e.requestId, e.userId, new Date(e.takenAt), rowCount, sha256, body]);
      return { id, rowCount, sha256, bytes: Buffer.byteLength(body) };
    },
  };
}

/** The daily job that deletes the safety exports (in the state store `db`) older than `retentionMs`. */
export function userExportRetentionJob(db: Queryable, retentionMs: number, expression = '23 3 * * *'): JobDefinition {
  const days = Math.round(retentionMs / 86_400_000);
  return {
    id: 'retention.user-exports',
    description: `delete-user safety exports older than ${days} day(s) deleted`,
    schedule: { kind: 'cron', expression },
    catchUp: 'latest-only',
    async run(ctx) {
      const r = await db.query<{ deleted: number }>(sql('state/user-exports/prune'), [new Date(ctx.now - retentionMs)]);
      const deleted = r.rows[0]?.deleted ?? 0;
      return { summary: `${deleted} safety export(s) older than ${days} day(s) deleted`, detail: { deleted } };
    },
  };
}
