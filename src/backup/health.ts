// /health items for backups: the age of the newest successful and of the newest verified
// backup against the runbook's RPO (24 h: warn above 24 h, critical above 48 h). The age is
// counted from the backup's start, which is the moment its snapshot was taken.
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { HealthItem, Status } from '../health/types.js';
import type { BackupCatalog } from './catalog.js';
import { formatAge } from './format.js';
import type { BackupEntry } from './types.js';

const HOUR_MS = 3_600_000;

export interface RpoThresholds {
  warnHours: number;
  criticalHours: number;
}

function ageStatus(ageMs: number, rpo: RpoThresholds): Status {
  if (ageMs > rpo.criticalHours * HOUR_MS) return 'critical';
  if (ageMs > rpo.warnHours * HOUR_MS) return 'warn';
  return 'ok';
}

function item(
  key: string,
  label: string,
  entry: BackupEntry | undefined,
  now: number,
  rpo: RpoThresholds,
  advice: string,
): HealthItem {
  const threshold = `warn > ${rpo.warnHours} h, critical > ${rpo.criticalHours} h (RPO ${rpo.warnHours} h)`;
  if (!entry) {
    return { key, label, status: 'critical', value: 'none yet', threshold, advice, data: { backupId: null, ageHours: null } };
  }
  const age = now - entry.startedAt;
  const status = ageStatus(age, rpo);
  return {
    key,
    label,
    status,
    value: `${formatAge(age)} ago (${entry.id})`,
    threshold,
    ...(status === 'ok' ? {} : { advice }),
    data: { backupId: entry.id, startedAt: new Date(entry.startedAt).toISOString(), ageHours: Math.round((age / HOUR_MS) * 100) / 100 },
  };
}

/** "Last successful backup" and "last verified backup" for /health. */
export async function backupHealthItems(
  catalog: Pick<BackupCatalog, 'latest'>,
  clock: Clock,
  rpo: RpoThresholds = { warnHours: 24, criticalHours: 48 },
): Promise<HealthItem[]> {
  const now = clock.now();
  try {
    const [success, verified] = await Promise.all([catalog.latest(), catalog.latest({ verified: true })]);
    return [
      item(
        'backup_last_success',
        'Last successful backup',
        success,
        now,
        rpo,
        'Take one now with `/backup now`; `/backup list` shows failed attempts with their reason (the daily backup should run every day).',
      ),
      item(
        'backup_last_verified',
        'Last verified backup',
        verified,
        now,
        rpo,
        'Run `/backup verify latest`: it restores the backup into a scratch database and compares every table with its manifest.',
      ),
    ];
  } catch (err) {
    const unknown = (key: string, label: string): HealthItem => ({
      key,
      label,
      status: 'unknown',
      value: 'catalogue unavailable',
      threshold: `warn > ${rpo.warnHours} h, critical > ${rpo.criticalHours} h`,
      advice: `The backups catalogue could not be read (${errorMessage(err).slice(0, 120)}); check the state database.`,
    });
    return [unknown('backup_last_success', 'Last successful backup'), unknown('backup_last_verified', 'Last verified backup')];
  }
}
