// What scheduled work needs from the backup feature (built separately). Maintenance takes a
// backup at the start of a window, the daily reminder takes one, the monthly restore test
// verifies the latest. When the bot has no backup feature, the posts say so instead.
import { errorMessage, isOpsError } from '../core/errors.js';

/** Outcome of a backup or a verification, for the channel. */
export interface BackupResult {
  ok: boolean;
  /** One or two lines for people: what was backed up or verified, where, how big, how long. */
  summary: string;
}

/** The backup commands, when the bot has them. */
export interface BackupPort {
  /** Takes a backup now and reports it. */
  now(): Promise<BackupResult>;
  /** Verifies the most recent backup (the runbook's restore test) and reports what was checked. */
  verifyLatest(): Promise<BackupResult>;
}

/** Runs a backup step; a thrown error becomes a failed result rather than a failed job. */
export async function runBackupStep(step: () => Promise<BackupResult>): Promise<BackupResult> {
  try {
    return await step();
  } catch (err) {
    return { ok: false, summary: isOpsError(err) ? err.userMessage : `failed: ${errorMessage(err)}` };
  }
}
