// Every slash command the bot answers, as declarations. manifest.yml must list exactly these (a
// test checks it), /ops help and `opsbot help` are written from them, and the CLI runs the ones
// that have a terminal renderer. Services are read only when a command runs, so the catalog
// (help, manifest, usage) needs none.
import type { CommandSpec } from '../src/slack/command.js';
import type { HealthService } from '../src/health/runner.js';
import type { OutageService } from '../src/health/outage.js';
import { healthCommand } from './health.js';
import type { HealthCharts } from './health-chart.js';
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
import { incidentCommand, type IncidentHandlerServices } from './incident.js';
import type { BackupService } from '../src/backup/service.js';
import type { SecretsService } from '../src/secrets/service.js';
import { secretsCommand } from './secrets.js';
import type { Attachments } from '../src/slack/attachments.js';

export interface CommandServices {
  health: HealthService;
  outage: OutageService;
  playbooks: PlaybookHandlerServices;
  lockdown: LockdownService;
  diagnostics: DiagnosticsService;
  maintenance: MaintenanceService;
  logs: LogsService;
  backups: BackupService;
  incidents: IncidentHandlerServices;
  secrets: SecretsService;
  /** Charts and report files (absent: text only). */
  attachments?: Attachments;
  /** The /health db chart (samples and limits); absent: no chart. */
  healthCharts?: HealthCharts;
}

export function buildCommands(s: CommandServices): CommandSpec[] {
  const commands: CommandSpec[] = [
    healthCommand(s),
    slowqueriesCommand(s),
    dbCommand(s),
    playbookCommand(s),
    lockdownCommand(s),
    maintenanceCommand(s),
    logsCommand(s),
    backupCommand(s),
    incidentCommand(s, () => commands),
    secretsCommand(s),
    opsCommand(() => commands),
  ];
  return commands;
}

/** Services for a catalog that is only read (help, manifest, usage): touching one is a bug, said loudly. */
const UNBOUND = new Proxy({} as CommandServices, {
  get(_target, name) {
    throw new Error(`The command catalog has no services; ${String(name)} was used while only reading declarations.`);
  },
});

/** The declarations alone, for help texts, usage hints and the manifest check. */
export function commandCatalog(): CommandSpec[] {
  return buildCommands(UNBOUND);
}
