// The one playbook registry, for the bot and the CLI: the runbook playbooks, then the ones bound
// to a service (restore from backup, the breach lockdown), in the order /playbook list shows.
// Every entry goes through playbookRegistry, so the safety types hold for the whole list.
import { OpsError } from '../core/errors.js';
import type { BackupService } from '../backup/service.js';
import type { LockdownService } from '../lockdown/service.js';
import { playbookRegistry, type AnyPlaybook } from '../playbooks/types.js';
import type { UserExportStore } from '../playbooks/user-exports.js';
import { PLAYBOOKS } from '../../playbooks/index.js';
import { lockdownPlaybooks } from '../../playbooks/lockdown.js';
import { restoreBackupPlaybook } from '../../playbooks/restore-backup.js';
import { deleteUserPlaybook } from '../../playbooks/delete-user.js';

export interface RegistryServices {
  backups: Pick<BackupService, 'planRestore' | 'restore'>;
  lockdown: LockdownService;
  /** Time zone of the times the restore preview shows. */
  timezone: string;
  /** Where delete-user keeps the safety export it takes before deleting (the state store). */
  userExports: UserExportStore;
}

/** Builds the full registry with the playbooks bound to their services. */
export function buildPlaybookRegistry(services: RegistryServices): readonly AnyPlaybook[] {
  return playbookRegistry(
    ...PLAYBOOKS,
    deleteUserPlaybook(services.userExports),
    restoreBackupPlaybook(services.backups, services.timezone),
    ...lockdownPlaybooks(services.lockdown),
  );
}

// A service for a process that lists playbooks but never runs them (the CLI's log summaries
// only need their ids and titles): any call says so instead of half-working.
function notInThisProcess<T extends object>(what: string): T {
  const refuse = () => Promise.reject(new OpsError('upstream_unavailable', `The ${what} is not available in this command; run playbooks from Slack.`));
  return new Proxy(Object.create(null) as T, { get: () => refuse });
}

/** The same registry for a process that only describes playbooks (ids, titles, risk): running one is refused. */
export function describePlaybookRegistry(timezone = 'UTC'): readonly AnyPlaybook[] {
  return buildPlaybookRegistry({
    backups: notInThisProcess<RegistryServices['backups']>('backup service'),
    lockdown: notInThisProcess<LockdownService>('lockdown service'),
    userExports: notInThisProcess<UserExportStore>('safety export store'),
    timezone,
  });
}
