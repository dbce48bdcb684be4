// What the backup tests need from global-setup: client tools that can dump the test server,
// or the reason there are none. A test that cannot run skips with that reason (ctx.skip(note)),
// and the run's closing line (test/support/summary-reporter.ts) counts it under that reason.
import { inject } from 'vitest';

export interface BackupTools {
  /** BACKUP_PG_BIN_DIR to hand the backup service; undefined when no usable pg_dump was found. */
  binDir: string | undefined;
  /** Why dumps cannot work here, as a skip note; undefined when they can. */
  problem: string | undefined;
  /** `{ BACKUP_PG_BIN_DIR }` to spread into parseBackupSettings' input (empty without tools). */
  env: Record<string, string>;
}

export function backupTools(): BackupTools {
  const binDir = inject('pgBinDir') || undefined;
  const problem = inject('pgBinProblem') || undefined;
  return { binDir, problem, env: binDir ? { BACKUP_PG_BIN_DIR: binDir } : {} };
}
