// Safety exports of delete-user: the rows a user delete removes or changes, stored in the state
// store before the delete commits (DESIGN.md: the state store keeps the bot's memory while the
// target is down, so the export outlives the target). Only the digest and counts are ever shown
// or audited; the rows stay in opsbot.user_exports.
import { createHash, randomUUID } from 'node:crypto';
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
