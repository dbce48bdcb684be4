// Every slash command the bot answers. manifest.yml must list exactly these (a test checks it).
// Areas with their own services get them through CommandServices.
import type { CommandSpec } from '../src/slack/command.js';
import { healthCommand } from './health.js';
import { opsCommand } from './ops.js';
import { playbookCommand, type PlaybookHandlerServices } from './playbook.js';
import { lockdownCommand } from './lockdown.js';
import type { LockdownService } from '../src/lockdown/service.js';
import type { DiagnosticsService } from '../src/diagnostics/service.js';
import { dbCommand } from './db.js';
import { slowqueriesCommand } from './slowqueries.js';
import { maintenanceCommand } from './maintenance.js';
import type { MaintenanceService } from '../src/maintenance/service.js';
import type { LogsService } from '../src/logs/service.js';
import { logsCommand } from './logs.js';
import { backupCommand } from './backup.js';
import type { BackupService } from '../src/backup/service.js';

export interface CommandServices {
  playbooks: PlaybookHandlerServices;
  lockdown: LockdownService;
  diagnostics: DiagnosticsService;
  maintenance: MaintenanceService;
  logs: LogsService;
  backups: BackupService;
}

export function buildCommands(s: CommandServices): CommandSpec[] {
  return [
    healthCommand,
    slowqueriesCommand(s.diagnostics),
    dbCommand(s.diagnostics),
    playbookCommand(s.playbooks),
    lockdownCommand({ lockdown: s.lockdown, playbooks: s.playbooks }),
    maintenanceCommand(s.maintenance),
    logsCommand({ logs: s.logs, playbooks: s.playbooks }),
    backupCommand(s.backups, s.playbooks.engine),
    opsCommand,
  ];
}
