// /backup list with its chart: the list is answered to the caller as before, and the chart of
// size and duration over time (verified backups marked) goes to a thread in their DM with the
// bot (an ephemeral answer cannot carry an image or a thread). Without charts: the list alone.
import { backupsChart, type BackupPoint } from '../src/charts/backups-chart.js';
import type { BackupEntry } from '../src/backup/types.js';
import { shareAttachments, type Attachments } from '../src/slack/attachments.js';
import type { SlackRun } from '../src/slack/command.js';

/** The points of the chart: a failed backup or verification is red, a passed verification green. */
export function backupPoints(entries: readonly BackupEntry[]): BackupPoint[] {
  return entries
    .filter((e) => e.state !== 'running')
    .map((e) => ({
      id: e.id,
      startedAt: e.startedAt,
      sizeBytes: e.sizeBytes,
      durationMs: e.durationMs,
      mark: e.state === 'failed' || e.verifyState === 'failed' ? 'failed' : e.verifyState === 'passed' ? 'verified' : 'unverified',
    }));
}

/** Sends the chart of `entries` to the caller's DM; a failure is said to the caller. */
export async function shareBackupChart(att: Attachments | undefined, entries: readonly BackupEntry[], ctx: SlackRun): Promise<void> {
  const chart = att?.charts ? backupsChart(backupPoints(entries), ctx.deps.timezone) : undefined;
  if (!att || !chart) return;
  let dm;
  try {
    dm = await ctx.chat.postMessage({ channel: ctx.who.userId, text: `Backups: size and duration of the last ${entries.length} (chart in this thread).`, purpose: 'the backup chart' });
  } catch (err) {
    ctx.log.warn({ err }, 'backup chart message not posted');
    return;
  }
  const problem = await shareAttachments(att, ctx.log, { channel: dm.channel, threadTs: dm.ts, purpose: 'the chart' }, { charts: [chart] });
  if (problem) await ctx.respond({ text: `No backup chart this time: ${problem}` });
}
