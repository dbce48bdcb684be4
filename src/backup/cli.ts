// `opsbot backup now|list|verify|prune [--json]`: the same service as /backup, for when Slack is
// down, for cron and for scripts. Exit codes: 0 done (verified), 1 the backup or verification
// failed, 2 another backup job is running, 3 bad usage or nothing to act on.
import type { Clock } from '../core/clock.js';
import { isOpsError } from '../core/errors.js';
import { createRedactor } from '../core/redact.js';
import { parseBackupArgs } from './args.js';
import { backupOutcome, listText, pruneOutcome, verifyOutcome } from './render.js';
import { BusyError, type BackupService } from './service.js';

export interface BackupCliIo {
  svc: BackupService;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  clock: Clock;
  timezone: string;
  /** Actor recorded in the catalogue and audit log (default "cli"). */
  actor?: string;
}

export const BACKUP_CLI_HELP = `  opsbot backup now [--json]                        take a backup (exit 0 ok, 1 failed, 2 another job running)
  opsbot backup list [n] [--json]                   backups, newest first
  opsbot backup verify <id|latest> [--json]         restore into a scratch database and compare with the manifest (exit 1 when it fails)
  opsbot backup prune [--json]                      apply retention now`;

/** Runs `opsbot backup …`; returns the process exit code. */
export async function runBackupCli(args: string[], io: BackupCliIo): Promise<number> {
  const json = args.includes('--json');
  const rest = args.filter((a) => a !== '--json');
  const redactor = createRedactor([]);
  const out = (value: unknown, text: string) => io.stdout(json ? `${JSON.stringify(redactor.scrub(value), null, 2)}\n` : `${text}\n`);
  let parsed;
  try {
    parsed = parseBackupArgs(rest.join(' '));
  } catch (err) {
    io.stderr(`${(err as Error).message.replace(/`\/backup/g, '`opsbot backup')}\n\nUsage:\n${BACKUP_CLI_HELP}\n`);
    return 3;
  }
  const actor = io.actor ?? 'cli';
  try {
    switch (parsed.sub) {
      case 'help':
        io.stdout(`Usage:\n${BACKUP_CLI_HELP}\n`);
        return 0;
      case 'now': {
        const e = await io.svc.backupNow({ actor });
        out(e, backupOutcome(e, io.svc.store.location, io.timezone, 'text'));
        return e.state === 'succeeded' ? 0 : 1;
      }
      case 'list': {
        const entries = await io.svc.list(parsed.limit);
        out(entries, listText(entries, io.clock.now(), io.svc.store.location));
        return 0;
      }
      case 'verify': {
        const r = await io.svc.verify(parsed.id, { actor });
        out(r, verifyOutcome(r, 'text'));
        return r.verdict === 'passed' ? 0 : 1;
      }
      case 'prune': {
        const r = await io.svc.prune(actor);
        out(r, pruneOutcome(r, 'text'));
        return r.failed.length ? 1 : 0;
      }
      case 'restore':
        io.stderr('A restore needs two approvers, so it runs only from Slack: `/backup restore <id> [table …]`.\n');
        return 3;
    }
  } catch (err) {
    if (!isOpsError(err)) throw err;
    io.stderr(`opsbot backup ${parsed.sub}: ${err.userMessage.replace(/`\/backup/g, '`opsbot backup')}\n`);
    if (err instanceof BusyError) return 2;
    return err.code === 'input_invalid' ? 3 : 1;
  }
}
