// Backups for people: Slack blocks and terminal text from the same facts.
import type { KnownBlock } from '@slack/types';
import { formatBytes, formatCount, formatMs } from '../core/format.js';
import { formatTime } from '../render/time.js';
import { context, escapeMrkdwn, fitMessage, header, sections } from '../slack/blocks.js';
import { formatAge, who } from './format.js';
import type { BackupEntry, BackupProgress, RestoreResult, RetentionResult, VerifyResult } from './types.js';

type Surface = 'slack' | 'text';

const ICON: Record<Surface, Record<'ok' | 'bad' | 'skip' | 'run', string>> = {
  slack: { ok: ':white_check_mark:', bad: ':x:', skip: ':heavy_minus_sign:', run: ':arrow_forward:' },
  text: { ok: '[ok]', bad: '[FAILED]', skip: '[-]', run: '[running]' },
};

const esc = (s: string, surface: Surface) => (surface === 'slack' ? escapeMrkdwn(s) : s);
const bold = (s: string, surface: Surface) => (surface === 'slack' ? `*${s}*` : s);

/** One catalogue line: id, age, size, duration, verified or not (or why it failed). */
export function entryLine(e: BackupEntry, now: number, surface: Surface): string {
  const i = ICON[surface];
  const kind = e.kind === 'manual' ? '' : ` (${e.kind})`;
  const head = `${bold(e.id, surface)}${kind} — ${formatAge(now - e.startedAt)} ago`;
  if (e.state === 'running') return `${i.run} ${head} · running, started by ${who(e.startedBy)}`;
  if (e.state === 'failed') return `${i.bad} ${head} · failed: ${esc(e.error ?? 'no reason recorded', surface)}`;
  const verify =
    e.verifyState === 'passed'
      ? `verified ${e.verifiedAt ? `${formatAge(now - e.verifiedAt)} ago` : ''}`.trim()
      : e.verifyState === 'failed'
        ? 'verify FAILED'
        : 'not verified';
  const parts = [e.sizeBytes === null ? '?' : formatBytes(e.sizeBytes), e.durationMs === null ? '?' : formatMs(e.durationMs), `${formatCount(e.tableCount ?? 0)} tables`, verify];
  return `${e.verifyState === 'failed' ? i.bad : i.ok} ${head} · ${parts.join(' · ')}`;
}

export function listText(entries: BackupEntry[], now: number, storeLocation: string): string {
  if (entries.length === 0) return `No backups yet (store: ${storeLocation}). Take one with \`opsbot backup now\`.`;
  return [`Backups in ${storeLocation}, newest first:`, ...entries.map((e) => `  ${entryLine(e, now, 'text')}`)].join('\n');
}

export function listMessage(entries: BackupEntry[], now: number, storeLocation: string): { text: string; blocks: KnownBlock[] } {
  if (entries.length === 0) {
    const text = `No backups yet (store: ${storeLocation}). Take one with \`/backup now\`.`;
    return { text, blocks: sections(escapeMrkdwn(text)) };
  }
  const blocks = [header('Backups, newest first'), ...sections(entries.map((e) => entryLine(e, now, 'slack')).join('\n')), context([`Store: ${escapeMrkdwn(storeLocation)} · verify with \`/backup verify <id|latest>\``])];
  return { text: `${entries.length} backups`, blocks: fitMessage(blocks, 'Use `/backup list` with a smaller n.') };
}

/** The outcome of `/backup now`. */
export function backupOutcome(e: BackupEntry, storeLocation: string, timezone: string, surface: Surface): string {
  const i = ICON[surface];
  if (e.state !== 'succeeded') {
    return `${i.bad} Backup ${bold(e.id, surface)} failed: ${esc(e.error ?? 'no reason recorded', surface)}\nNothing was kept; the attempt is listed as failed in ${surface === 'slack' ? '`/backup list`' : '`opsbot backup list`'}.`;
  }
  const m = e.manifest;
  const rows = m ? m.tables.reduce((s, t) => s + t.rows, 0) : e.rowCount ?? 0;
  return [
    `${i.ok} Backup ${bold(e.id, surface)} succeeded: ${formatBytes(e.sizeBytes ?? 0)} in ${formatMs(e.durationMs ?? 0)}, ${formatCount(e.tableCount ?? 0)} tables, ${formatCount(rows)} rows counted in the dump's snapshot.`,
    `pg_restore --list read it back (${formatCount(m?.toc.entries ?? 0)} entries). SHA-256 ${(e.sha256 ?? '').slice(0, 16)}…; pg_dump ${e.clientVersion ?? '?'} from PostgreSQL ${e.serverVersion ?? '?'}; taken ${formatTime(e.startedAt, timezone)}; stored in ${esc(storeLocation, surface)}.`,
  ].join('\n');
}

export function verifyOutcome(r: VerifyResult, surface: Surface): string {
  const i = ICON[surface];
  const head =
    r.verdict === 'passed'
      ? `${i.ok} Backup ${bold(r.backupId, surface)} verified: restored in ${formatMs(r.restoreMs)} (RTO estimate), ${formatCount(r.tablesCompared)} tables and ${formatCount(r.rowsCompared)} rows equal the manifest.`
      : `${i.bad} Backup ${bold(r.backupId, surface)} FAILED verification: ${r.checks.filter((c) => c.status === 'failed').map((c) => c.label).join(', ')}.`;
  const lines = r.checks.map((c) => `${c.status === 'passed' ? i.ok : c.status === 'failed' ? i.bad : i.skip} ${c.label}: ${esc(c.detail, surface)}`);
  return [head, ...lines, `The scratch database was dropped.`].join('\n');
}

export function restoreOutcome(r: RestoreResult): string {
  const lines = r.tables.map(
    (t) =>
      `${t.table}: ${formatCount(t.rowsBefore)} → ${formatCount(t.rowsAfter)} rows${
        t.kept > 0 ? ` (the backup's ${formatCount(t.expected)}, plus ${formatCount(t.kept)} newer row(s) kept because other tables reference them)` : t.rowsAfter === t.expected ? '' : ` (backup had ${formatCount(t.expected)})`
      }`,
  );
  const notes = r.notes.map((n) => `note: ${n}`);
  return [
    `restored ${r.tables.length} table(s) from ${r.backupId}, ${formatCount(r.rowsRestored)} rows, row counts verified before commit; safety backup ${r.safetyBackupId}`,
    ...lines,
    ...notes,
  ].join('\n');
}

export function pruneOutcome(r: RetentionResult, surface: Surface): string {
  const parts = [`Retention kept ${r.kept.length} backup(s) and pruned ${r.pruned.length}.`];
  if (r.keptAsOnlyVerified) parts.push(`${bold(r.keptAsOnlyVerified, surface)} was kept because it is the only verified backup.`);
  if (r.failed.length) parts.push(`Could not prune ${r.failed.map((f) => `${f.id} (${esc(f.reason, surface)})`).join(', ')}; retried next time.`);
  return parts.join(' ');
}

const PHASE: Record<BackupProgress['phase'], string> = {
  starting: 'starting',
  dumping: 'dumping',
  checking: 'checking the stored file',
  downloading: 'reading the backup',
  restoring: 'restoring',
  comparing: 'comparing tables',
  'safety-backup': 'taking the safety backup',
};

export function progressText(p: BackupProgress): string {
  const tables = p.tablesTotal ? ` · ${p.tablesDone}/${p.tablesTotal} tables` : '';
  return `:hourglass_flowing_sand: ${p.backupId || p.kind}: ${PHASE[p.phase]} — ${formatBytes(p.bytes)} so far, ${formatMs(p.elapsedMs)}${tables}`;
}
