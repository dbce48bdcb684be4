// Runbook "restore from backup" as a playbook: destructive, two approvers (neither the
// requester). Only the tables asked for are replaced; the preview lists each with its rows now
// and in the backup, and what happens to the rows of other tables that reference them (not
// changed; a row they point at that the backup lacks is kept). The backup is pinned when the
// preview is taken, so "latest" cannot change between approval and run; so are the rows of the
// named tables (count and a digest of their row versions): rows written, changed or deleted
// before the run would be replaced unseen, so the run stops instead. A backup that is not
// verified, or whose verification failed, needs force=yes, and the request says so in capitals.
// The run takes a safety backup of exactly those tables, then restores them in one transaction
// that checks every table's rows and checksum and every foreign key before it commits.
import { z } from 'zod';
import { formatCount } from '../src/core/format.js';
import { formatTime } from '../src/render/time.js';
import { restoreOutcome } from '../src/backup/render.js';
import type { BackupService } from '../src/backup/service.js';
import { definePlaybook, ScopeChangedError, type Playbook } from '../src/playbooks/types.js';

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
    force: z.enum(['yes', 'no'], 'yes or no: yes restores from a backup that is not verified, or whose verification failed').default('no'),
  })
  .strict();

export const RESTORE_BACKUP_ID = 'restore-backup';

export type RestoreBackupParams = z.infer<typeof params>;

/** What differs between the tables as previewed ("public.leads=49:<digest>;…") and now, one phrase per table. */
function tablesChanged(previewed: string, now: readonly { table: string; currentRows: number; currentDigest: string }[]): string[] {
  const then = new Map(
    previewed
      .split(';')
      .filter(Boolean)
      .map((entry) => {
        const at = entry.lastIndexOf('=');
        const [rows, digest] = entry.slice(at + 1).split(':');
        return [entry.slice(0, at), { rows: Number(rows), digest: digest ?? '' }] as const;
      }),
  );
  return now.flatMap((t) => {
    const was = then.get(t.table);
    if (!was) return [];
    if (was.rows !== t.currentRows) return [`${t.table} has ${formatCount(t.currentRows)} rows now, ${formatCount(was.rows)} when it was previewed`];
    if (was.digest !== t.currentDigest) return [`${t.table} still has ${formatCount(t.currentRows)} rows, but not the ones it had when it was previewed (rows written, changed or deleted since)`];
    return [];
  });
}

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
      tables: 'comma-separated tables such as public.leads,public.quotes; only these change; empty restores every table of the backup',
      force: 'yes to restore from a backup that is not verified or failed its verification (the approvers see it); default no',
    },
    async preview(_ctx, p, approved) {
      const force = p.force === 'yes';
      // Before the run: the backup pinned at the preview, never a newer "latest".
      const backupId = typeof approved?.pinned?.backupId === 'string' ? approved.pinned.backupId : p.backup;
      const plan = await svc.planRestore(backupId, p.tables.length ? p.tables : undefined, { force });
      const rowsNow = plan.tables.map((t) => `${t.table}=${t.currentRows}:${t.currentDigest}`).join(';');
      // The rows a restore replaces are every row of its tables: written, changed or deleted since
      // the preview, they are not the rows the approvers saw replaced, so the run stops.
      const changed = typeof approved?.pinned?.rowsNow === 'string' ? tablesChanged(approved.pinned.rowsNow, plan.tables) : [];
      if (changed.length) {
        throw new ScopeChangedError(
          `the scope changed after the preview: ${changed.join('; ')}. A restore replaces every row of these tables, and these are not the rows the approvers saw. Nothing was changed; request it again to see and approve the current rows.`,
        );
      }
      const now = plan.tables.reduce((s, t) => s + t.currentRows, 0);
      const then = plan.tables.reduce((s, t) => s + t.backupRows, 0);
      const verified = plan.verifyState === 'passed' ? 'verified' : plan.verifyState === 'failed' ? 'VERIFY FAILED' : 'not verified yet';
      const forced =
        plan.verifyState === 'passed'
          ? ''
          : `FORCED (force=yes): backup ${plan.backupId} ${plan.verifyState === 'failed' ? 'FAILED its verification' : 'HAS NOT BEEN VERIFIED'}; the requester asked to restore it anyway. `;
      const items = plan.tables.map((t) => `${t.table}: ${formatCount(t.currentRows)} rows now → ${formatCount(t.backupRows)} from the backup`);
      const dependents = plan.referencing.map(
        (r) =>
          `${r.table} is not changed: ${formatCount(r.rows)} of its rows reference ${r.references} (${r.constraint}); a ${r.references} row they reference that the backup lacks is kept, not deleted`,
      );
      const parents = plan.parents.map((r) => `${r.table} references ${r.references} (${r.constraint}), which is not restored: a backup row whose ${r.references} row is gone stops the restore, nothing changes`);
      const all = [...items, ...dependents, ...parents];
      const others = new Set(plan.referencing.map((r) => r.table)).size;
      return {
        summary: `${forced}Replace ${plan.tables.length} table(s) with backup ${plan.backupId} (taken ${formatTime(plan.backupStartedAt, timezone)}, ${verified}): ${formatCount(now)} rows now → ${formatCount(then)}. Only these tables change${others ? `; ${others} other table(s) reference them and keep all their rows` : ''}. A safety backup of these tables is taken first.`,
        count: plan.tables.length,
        items: all.length > 20 ? [...all.slice(0, 19), `… and ${all.length - 19} more`] : all,
        keys: plan.tables.map((t) => t.table),
        pinned: { backupId: plan.backupId, sha256: plan.sha256, force: force ? 'yes' : 'no', rowsNow },
        detail: { requested: plan.requested, referencing: plan.referencing, parents: plan.parents, tables: plan.tables, verifyState: plan.verifyState, forced: force },
      };
    },
    async run(_ctx, _p, approved, meta) {
      // Only what people approved: the pinned backup and the listed tables, nothing recomputed.
      const r = await svc.restore({
        backupId: String(approved.pinned?.backupId),
        tables: approved.keys ?? [],
        actor: meta.requestedBy,
        approvedBy: meta.approvers,
        force: approved.pinned?.force === 'yes',
        // Its audit rows carry the request's channel, so a restore in a war room is on its timeline.
        ...(meta.channel ? { channel: meta.channel } : {}),
      });
      const kept = r.tables.filter((t) => t.kept > 0).map((t) => `${formatCount(t.kept)} in ${t.table}`);
      return {
        rowsAffected: r.rowsRestored,
        summary: `${restoreOutcome(r).split('\n')[0] ?? ''}${kept.length ? `; kept newer rows that other tables reference: ${kept.join(', ')}` : ''}${r.notes.length ? ` (${r.notes.length} note(s): ${r.notes.join('; ')})` : ''}`,
        steps: r.tables.map((t) => ({ step: t.table, rows: t.rowsAfter, ms: 0, note: `${t.rowsBefore} → ${t.rowsAfter} rows${t.kept ? ` (${t.kept} newer row(s) kept: other tables reference them)` : ''}` })),
        detail: { backupId: r.backupId, safetyBackupId: r.safetyBackupId, durationMs: r.durationMs, notes: r.notes },
      };
    },
  });
}
