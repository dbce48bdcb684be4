// Runbook "restore from backup" as a playbook: destructive, two approvers (neither the
// requester). The preview lists every table that will be replaced — the ones asked for plus
// the tables referencing them — with its rows now and in the backup; the backup is pinned when
// the preview is taken, so "latest" cannot change between approval and run. The run takes a
// safety backup of exactly those tables, then restores them in one transaction that checks
// every table's rows and checksum against the manifest before it commits.
import { z } from 'zod';
import { formatCount } from '../src/format.js';
import { formatTime } from '../src/render/time.js';
import { restoreOutcome } from '../src/backup/render.js';
import type { BackupService } from '../src/backup/service.js';
import { definePlaybook, type Playbook } from '../src/playbooks/types.js';

const TABLE = /^[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/;

const params = z
  .object({
    backup: z
      .string()
      .trim()
      .regex(/^(latest|\d{8}T\d{6}Z-[0-9a-f]{4,8})$/, 'a backup id such as 20260301T070000Z-3fa2, or latest'),
    tables: z
      .string()
      .trim()
      .default('')
      .transform((s) => [...new Set(s.split(',').map((t) => t.trim()).filter(Boolean).map((t) => (t.includes('.') ? t : `public.${t}`)))])
      .pipe(z.array(z.string().regex(TABLE, 'table names such as public.leads')).max(200)),
  })
  .strict();

export const RESTORE_BACKUP_ID = 'restore-backup';

export type RestoreBackupParams = z.infer<typeof params>;

/** The restore playbook, bound to the backup service. */
export function restoreBackupPlaybook(svc: Pick<BackupService, 'planRestore' | 'restore'>, timezone = 'UTC'): Playbook<RestoreBackupParams> {
  return definePlaybook({
    id: RESTORE_BACKUP_ID,
    title: 'Restore tables from a backup',
    description:
      'Replaces tables with a backup’s rows (all of its tables, or the named ones plus the tables that reference them), after a safety backup; verified against the manifest before commit.',
    risk: 'destructive',
    approvals: 2,
    scope: 'keys',
    params,
    paramHelp: {
      backup: 'a backup id from `/backup list`, or latest',
      tables: 'comma-separated tables such as public.leads,public.quotes; empty restores every table of the backup',
    },
    async preview(_ctx, p) {
      const plan = await svc.planRestore(p.backup, p.tables.length ? p.tables : undefined);
      const now = plan.tables.reduce((s, t) => s + t.currentRows, 0);
      const then = plan.tables.reduce((s, t) => s + t.backupRows, 0);
      const added = new Set(plan.addedForForeignKeys);
      const verified = plan.verifyState === 'passed' ? 'verified' : plan.verifyState === 'failed' ? 'VERIFY FAILED' : 'not verified yet';
      const items = plan.tables.map(
        (t) => `${t.table}: ${formatCount(t.currentRows)} rows now → ${formatCount(t.backupRows)} from the backup${added.has(t.table) ? ' (references a restored table)' : ''}`,
      );
      return {
        summary: `Replace ${plan.tables.length} table(s) with backup ${plan.backupId} (taken ${formatTime(plan.backupStartedAt, timezone)}, ${verified}): ${formatCount(now)} rows now → ${formatCount(then)}. A safety backup of these tables is taken first.`,
        count: plan.tables.length,
        items: items.length > 20 ? [...items.slice(0, 19), `… and ${items.length - 19} more tables`] : items,
        keys: plan.tables.map((t) => t.table),
        pinned: { backupId: plan.backupId, sha256: plan.sha256 },
        detail: { requested: plan.requested, addedForForeignKeys: plan.addedForForeignKeys, tables: plan.tables },
      };
    },
    async run(_ctx, _p, approved, meta) {
      // Only what people approved: the pinned backup and the listed tables, nothing recomputed.
      const r = await svc.restore({ backupId: String(approved.pinned?.backupId), tables: approved.keys ?? [], actor: meta.requestedBy, approvedBy: meta.approvers });
      return {
        rowsAffected: r.rowsRestored,
        summary: `${restoreOutcome(r).split('\n')[0] ?? ''}${r.notes.length ? ` (${r.notes.length} note(s): ${r.notes.join('; ')})` : ''}`,
        steps: r.tables.map((t) => ({ step: t.table, rows: t.rowsAfter, ms: 0, note: `${t.rowsBefore} → ${t.rowsAfter} rows` })),
        detail: { backupId: r.backupId, safetyBackupId: r.safetyBackupId, durationMs: r.durationMs, notes: r.notes },
      };
    },
  });
}
