// The backup service as the scheduler's BackupPort: the daily backup and the monthly restore
// test post one or two lines to the reminders channel.
import { formatBytes, formatCount, formatMs } from '../core/format.js';
import type { BackupPort, BackupResult } from '../scheduler/backup-port.js';
import type { BackupService } from './service.js';

export function backupPort(svc: BackupService): BackupPort {
  return {
    async now(): Promise<BackupResult> {
      const e = await svc.backupNow({ actor: 'scheduler', kind: 'scheduled' });
      if (e.state !== 'succeeded') return { ok: false, summary: `Backup ${e.id} failed: ${e.error ?? 'no reason recorded'}` };
      return {
        ok: true,
        summary: `Backup ${e.id}: ${formatBytes(e.sizeBytes ?? 0)} in ${formatMs(e.durationMs ?? 0)}, ${formatCount(e.tableCount ?? 0)} tables, checked with pg_restore --list; stored in ${svc.store.location}.`,
      };
    },
    async verifyLatest(): Promise<BackupResult> {
      const r = await svc.verify('latest', { actor: 'scheduler' });
      if (r.verdict === 'passed') {
        return { ok: true, summary: `Restore test passed: backup ${r.backupId} restored in ${formatMs(r.restoreMs)}; ${formatCount(r.tablesCompared)} tables, ${formatCount(r.rowsCompared)} rows equal the manifest.` };
      }
      const failed = r.checks.filter((c) => c.status === 'failed');
      return { ok: false, summary: `Restore test FAILED for backup ${r.backupId}: ${failed.map((c) => `${c.label} — ${c.detail}`).join('; ')}` };
    },
  };
}
