// `opsbot`: the same read-only commands as Slack, for when Slack itself is down, for scripts
// and for monitoring. Exit codes of `health` follow the monitoring-plugin convention
// (0 ok, 1 warning, 2 critical, 3 unknown); invalid settings exit 1 with one message.
import { existsSync } from 'node:fs';
import { systemClock } from '../clock.js';
import { type Config, loadConfig, loadLogsSettings } from '../config.js';
import { ConfigError, errorMessage, isOpsError } from '../errors.js';
import { buildHealthService, buildTargetDb } from '../health/build.js';
import { parseHealthArgs } from '../health/args.js';
import { exitCode } from '../health/types.js';
import { createLogger, type Logger } from '../log.js';
import { createRedactor, type Redactor } from '../redact.js';
import { healthText } from '../render/health-text.js';
import { formatTime } from '../render/time.js';
import { createStateStore } from '../state/store.js';
import pino from 'pino';
import { createChecklistStore } from '../checklist/store.js';
import { lockdownNotice } from '../lockdown/notice.js';
import { thresholdsFromHealth } from '../diagnostics/build.js';
import { DIAGNOSTICS_CLI_HELP, runDiagnosticsCli } from '../diagnostics/cli.js';
import { runScheduleCli, SCHEDULE_USAGE } from '../scheduler/cli.js';
import { LOGS_USAGE, runLogsCli } from '../logs/cli.js';
import { BACKUP_CLI_HELP, runBackupCli } from '../backup/cli.js';
import { createBackupService } from '../backup/service.js';
import { buildLogSummarizer } from '../logs/build.js';
import { RESTORE_BACKUP_ID } from '../../playbooks/restore-backup.js';
import { PLAYBOOK_IDS } from '../../playbooks/index.js';
import { LOCKDOWN_PLAYBOOK_IDS } from '../../playbooks/lockdown.js';
import { lockdownStatusBlocks } from '../lockdown/render.js';
import { createLockdownService } from '../lockdown/service.js';
import { lockdownStatus } from '../lockdown/status.js';
import { blocksToText } from '../render/blocks-text.js';

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  fetch: typeof fetch;
}

const HELP = `opsbot — AutoRepAi ops bot, terminal edition

Usage:
  opsbot health [db|frontend|edge|auth] [--json]   run the health checks (exit 0 ok, 1 warn, 2 critical, 3 unknown)
${DIAGNOSTICS_CLI_HELP}
  ${SCHEDULE_USAGE}
  opsbot lockdown status [--json]                   breach lockdown state, timeline, checklist and deadlines
                                                    (start and lift only through Slack, with approval)
${BACKUP_CLI_HELP}
  opsbot audit [n] [--json]                         the last n (default 20) audit-log rows, newest first
  opsbot migrate                                    apply the state-store migrations (schema opsbot)
${LOGS_USAGE.replace(/^Usage:\n/, '')}
  opsbot help                                       this text

Settings come from the environment (and ./.env if present); see README.md.`;

interface Runtime {
  config: Config;
  logger: Logger;
  redactor: Redactor;
}

function runtime(io: CliIo): Runtime {
  const config = loadConfig(io.env, 'cli');
  const redactor = createRedactor(config.secrets);
  // Logs go to stderr so stdout stays clean for --json consumers.
  const level = ['debug', 'trace'].includes(config.logLevel) ? config.logLevel : 'warn';
  const logger = createLogger({ level, redactor, destination: pino.destination({ dest: 2, sync: true }) });
  return { config, logger, redactor };
}

async function health(args: string[], io: CliIo): Promise<number> {
  const json = args.includes('--json');
  const rest = args.filter((a) => a !== '--json');
  let component;
  try {
    component = parseHealthArgs(rest.join(' '));
  } catch (err) {
    io.stderr(`${errorMessage(err).replace(/`\/health/g, '`opsbot health')}\n`);
    return 3;
  }
  const { config, logger, redactor } = runtime(io);
  const db = buildTargetDb(config, logger, systemClock);
  const state = createStateStore({ url: config.database.stateUrl, logger, connectTimeoutMs: config.thresholds.checkTimeoutMs });
  try {
    const backups = createBackupService({ settings: config.backup, state, clock: systemClock, logger, timezone: config.timezone, fetch: io.fetch });
    const service = buildHealthService({ config, db, fetch: io.fetch, clock: systemClock, logger, notices: lockdownNotice(state, config.timezone), backups });
    const report = await service.run(component);
    io.stdout(json ? `${JSON.stringify(redactor.scrub(report), null, 2)}\n` : `${redactor.redact(healthText(report, config.timezone))}\n`);
    return exitCode(report.status);
  } finally {
    await Promise.allSettled([db.close(), state.close()]);
  }
}

async function lockdownCmd(args: string[], io: CliIo): Promise<number> {
  const json = args.includes('--json');
  const sub = args.filter((a) => a !== '--json')[0] ?? 'status';
  if (sub !== 'status') {
    io.stderr(`opsbot lockdown ${sub}: starting and lifting a lockdown need a second person's approval, so they only run from Slack (/lockdown ${sub} <reason>). Here: opsbot lockdown status [--json].\n`);
    return 3;
  }
  const { config, logger, redactor } = runtime(io);
  const state = createStateStore({ url: config.database.stateUrl, logger, connectTimeoutMs: 10_000 });
  const db = buildTargetDb(config, logger, systemClock);
  try {
    const checklists = createChecklistStore(state.pool);
    const svc = createLockdownService({
      state,
      target: db,
      admin: readOnlyAdmin,
      clock: systemClock,
      logger,
      // Status only reads the checklist; posting happens in the bot.
      checklist: {
        post: () => Promise.resolve(null),
        tick: () => Promise.resolve(),
        items: async (id) =>
          ((await checklists.get(id))?.items ?? []).map((i) => ({ label: i.label, checked: i.checked, by: i.checkedBy, at: i.checkedAt === null ? null : new Date(i.checkedAt) })),
      },
      reminderRepeatMs: config.lockdown.reminderRepeatMs,
    });
    const status = await lockdownStatus(svc, state, systemClock);
    if (json) {
      io.stdout(`${JSON.stringify(redactor.scrub(status), null, 2)}\n`);
    } else {
      const msg = lockdownStatusBlocks(status, config.timezone);
      io.stdout(`${redactor.redact(blocksToText(msg.blocks))}\n`);
    }
    return status.preview.open?.state === 'active' ? 2 : status.preview.open ? 1 : 0;
  } finally {
    await Promise.allSettled([state.close(), db.close()]);
  }
}

// The CLI never writes to the target for a lockdown: status only.
const readOnlyAdmin = {
  transaction: () => Promise.reject(new Error('read-only CLI')),
  standalone: () => Promise.reject(new Error('read-only CLI')),
  close: () => Promise.resolve(),
};

async function diagnosticsCmd(cmd: 'slowqueries' | 'db', args: string[], io: CliIo): Promise<number> {
  const { config, logger, redactor } = runtime(io);
  const db = buildTargetDb(config, logger, systemClock);
  try {
    return await runDiagnosticsCli(cmd, args, {
      db,
      stdout: io.stdout,
      stderr: io.stderr,
      clock: systemClock,
      timezone: config.timezone,
      options: { thresholds: { ...thresholdsFromHealth(config.thresholds), ...config.diagnostics }, redact: (t) => redactor.redact(t) },
    });
  } finally {
    await db.close();
  }
}

async function scheduleCmd(args: string[], io: CliIo): Promise<number> {
  const { config, logger } = runtime(io);
  const state = createStateStore({ url: config.database.stateUrl, logger, connectTimeoutMs: 10_000 });
  try {
    return await runScheduleCli(args, {
      stdout: io.stdout,
      stderr: io.stderr,
      clock: systemClock,
      pool: state.pool,
      timezone: config.timezone,
      settings: config.scheduler,
      thresholds: config.thresholds,
      logger,
    });
  } finally {
    await state.close();
  }
}

async function logsCmd(args: string[], io: CliIo): Promise<number> {
  const settings = loadLogsSettings(io.env);
  const redactor = createRedactor(settings.secrets);
  const logger = createLogger({ level: ['debug', 'trace'].includes(settings.logLevel) ? settings.logLevel : 'warn', redactor, destination: pino.destination({ dest: 2, sync: true }) });
  const lc = settings.logs;
  const summarizer = buildLogSummarizer(settings.logs, {
    playbooks: [...PLAYBOOK_IDS, ...LOCKDOWN_PLAYBOOK_IDS, RESTORE_BACKUP_ID].map((id) => ({ id })),
    clock: systemClock,
    logger,
    fetch: io.fetch,
  });
  return runLogsCli(args, {
    stdin: process.stdin,
    stdout: (t) => io.stdout(redactor.redact(t)),
    stderr: io.stderr,
    summarizer,
    analyze: { redaction: { ips: lc.redactIps, knownSecrets: settings.secrets } },
  });
}

async function auditCmd(args: string[], io: CliIo): Promise<number> {
  const json = args.includes('--json');
  const rest = args.filter((a) => a !== '--json');
  const n = rest[0] === undefined ? 20 : Number(rest[0]);
  if (!Number.isInteger(n) || n < 1 || n > 1000 || rest.length > 1) {
    io.stderr('Usage: opsbot audit [n] [--json]   (n: a whole number from 1 to 1000, default 20)\n');
    return 3;
  }
  const { config, logger, redactor } = runtime(io);
  const state = createStateStore({ url: config.database.stateUrl, logger, connectTimeoutMs: 10_000 });
  try {
    const rows = await state.query<{ id: string; at: Date; actor: string; action: string; target: string | null; channel: string | null; outcome: string; detail: Record<string, unknown> }>(
      'state/audit-recent',
      [n, ''],
    );
    if (json) {
      io.stdout(`${JSON.stringify(redactor.scrub(rows), null, 2)}\n`);
    } else {
      for (const r of rows) {
        const extra = typeof r.detail.rowsAffected === 'number' ? ` rows=${r.detail.rowsAffected}` : '';
        io.stdout(`${redactor.redact(`${formatTime(r.at.getTime(), config.timezone)}  ${r.actor.padEnd(12)} ${r.action.padEnd(20)} ${(r.target ?? '').padEnd(28)} ${r.outcome}${extra}`)}\n`);
      }
      if (rows.length === 0) io.stdout('The audit log is empty.\n');
    }
    return 0;
  } finally {
    await state.close();
  }
}

async function backupCmd(args: string[], io: CliIo): Promise<number> {
  const { config, logger, redactor } = runtime(io);
  const state = createStateStore({ url: config.database.stateUrl, logger, connectTimeoutMs: 10_000 });
  try {
    const svc = createBackupService({
      settings: config.backup,
      state,
      clock: systemClock,
      logger,
      timezone: config.timezone,
      fetch: io.fetch,
      ...(io.env.PATH ? { searchPath: io.env.PATH } : {}),
      redact: (t) => redactor.redact(t),
    });
    return await runBackupCli(args, { svc, stdout: io.stdout, stderr: io.stderr, clock: systemClock, timezone: config.timezone });
  } finally {
    await state.close();
  }
}

async function migrateCmd(io: CliIo): Promise<number> {
  const { config, logger } = runtime(io);
  const store = createStateStore({ url: config.database.stateUrl, logger, connectTimeoutMs: 10_000 });
  try {
    const r = await store.migrate();
    io.stdout(
      r.applied.length === 0
        ? `State store is up to date (${r.alreadyApplied} migrations applied).\n`
        : `Applied ${r.applied.map((m) => `${m.version}_${m.name}`).join(', ')}.\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

export async function runCli(argv: string[], io?: Partial<CliIo>): Promise<number> {
  const env = io?.env ?? loadEnv();
  const full: CliIo = {
    env,
    stdout: io?.stdout ?? ((s) => process.stdout.write(s)),
    stderr: io?.stderr ?? ((s) => process.stderr.write(s)),
    fetch: io?.fetch ?? globalThis.fetch,
  };
  const [cmd, ...args] = argv;
  try {
    switch (cmd) {
      case 'health':
        return await health(args, full);
      case 'migrate':
        return await migrateCmd(full);
      case 'lockdown':
        return await lockdownCmd(args, full);
      case 'logs':
        return await logsCmd(args, full);
      case 'backup':
        return await backupCmd(args, full);
      case 'audit':
        return await auditCmd(args, full);
      case 'schedule':
        return await scheduleCmd(args, full);
      case 'slowqueries':
      case 'db':
        return await diagnosticsCmd(cmd, args, full);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        full.stdout(`${HELP}\n`);
        return 0;
      default:
        full.stderr(`Unknown command "${cmd}".\n\n${HELP}\n`);
        return 3;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      full.stderr(`${err.userMessage}\nSet them in the environment or in ./.env (see .env.example).\n`);
      return 1;
    }
    if ((err as { code?: string }).code === '42P01' && /opsbot\./.test(errorMessage(err))) {
      full.stderr(`opsbot ${cmd}: the state store (schema opsbot) is not set up on STATE_DATABASE_URL yet. Run \`opsbot migrate\` (the bot also does it at start-up).\n`);
      return cmd === 'health' ? 3 : 1;
    }
    const secrets = safeSecrets(env);
    const redactor = createRedactor(secrets);
    full.stderr(`opsbot ${cmd}: ${redactor.redact(isOpsError(err) ? err.userMessage : errorMessage(err))}\n`);
    return cmd === 'health' || cmd === 'db' || cmd === 'slowqueries' ? 3 : 1;
  }
}

function safeSecrets(env: Record<string, string | undefined>): string[] {
  try {
    return loadConfig(env, 'cli').secrets;
  } catch {
    return [];
  }
}

function loadEnv(): Record<string, string | undefined> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}
