// The `opsbot` commands that need the database or the bot's full configuration. Loaded by
// main.ts only when one of them runs, so `opsbot logs` starts without them.
import { systemClock } from '../../core/clock.js';
import { type Config, loadConfig, type Requirement } from '../config.js';
import { errorMessage } from '../../core/errors.js';
import { buildHealthService, buildTargetDb } from '../health.js';
import { parseHealthArgs } from '../../health/args.js';
import { exitCode } from '../../health/types.js';
import { createLogger, type Logger } from '../../core/log.js';
import { createRedactor, type Redactor } from '../../core/redact.js';
import { healthText } from '../../render/health-text.js';
import { formatTime } from '../../render/time.js';
import { createStateStore } from '../../state/store.js';
import pino from 'pino';
import { createChecklistStore } from '../../checklist/store.js';
import { lockdownNotice } from '../../lockdown/notice.js';
import { thresholdsFromHealth } from '../diagnostics.js';
import { runDiagnosticsCli } from '../../diagnostics/cli.js';
import { runScheduleCli } from './schedule.js';
import { runBackupCli } from '../../backup/cli.js';
import { createBackupService } from '../../backup/service.js';
import { lockdownStatusBlocks } from '../../lockdown/render.js';
import { createLockdownService } from '../../lockdown/service.js';
import { lockdownStatus } from '../../lockdown/status.js';
import { blocksToText } from '../../render/blocks-text.js';
import type { CliIo } from './io.js';
import { backupRequirements, DIAGNOSTICS_REQUIREMENTS, healthRequirements, LOCKDOWN_REQUIREMENTS, STATE_REQUIREMENTS } from './requirements.js';

interface Runtime {
  config: Config;
  logger: Logger;
  redactor: Redactor;
}

/** Loads only what the command needs: `requires` names the settings it cannot run without. */
function runtime(io: CliIo, requires: readonly Requirement[]): Runtime {
  const config = loadConfig(io.env, 'cli', requires);
  const redactor = createRedactor(config.secrets);
  // Logs go to stderr so stdout stays clean for --json consumers.
  const level = ['debug', 'trace'].includes(config.logLevel) ? config.logLevel : 'warn';
  const logger = createLogger({ level, redactor, destination: pino.destination({ dest: 2, sync: true }) });
  return { config, logger, redactor };
}

export async function health(args: string[], io: CliIo): Promise<number> {
  const json = args.includes('--json');
  const rest = args.filter((a) => a !== '--json');
  let component;
  try {
    component = parseHealthArgs(rest.join(' '));
  } catch (err) {
    io.stderr(`${errorMessage(err).replace(/`\/health/g, '`opsbot health')}\n`);
    return 3;
  }
  const { config, logger, redactor } = runtime(io, healthRequirements(component));
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

export async function lockdownCmd(args: string[], io: CliIo): Promise<number> {
  const json = args.includes('--json');
  const sub = args.filter((a) => a !== '--json')[0] ?? 'status';
  if (sub !== 'status') {
    io.stderr(`opsbot lockdown ${sub}: starting and lifting a lockdown need a second person's approval, so they only run from Slack (/lockdown ${sub} <reason>). Here: opsbot lockdown status [--json].\n`);
    return 3;
  }
  const { config, logger, redactor } = runtime(io, LOCKDOWN_REQUIREMENTS);
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

export async function diagnosticsCmd(cmd: 'slowqueries' | 'db', args: string[], io: CliIo): Promise<number> {
  const { config, logger, redactor } = runtime(io, DIAGNOSTICS_REQUIREMENTS);
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

export async function scheduleCmd(args: string[], io: CliIo): Promise<number> {
  const { config, logger } = runtime(io, STATE_REQUIREMENTS);
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

export async function auditCmd(args: string[], io: CliIo): Promise<number> {
  const json = args.includes('--json');
  const rest = args.filter((a) => a !== '--json');
  const n = rest[0] === undefined ? 20 : Number(rest[0]);
  if (!Number.isInteger(n) || n < 1 || n > 1000 || rest.length > 1) {
    io.stderr('Usage: opsbot audit [n] [--json]   (n: a whole number from 1 to 1000, default 20)\n');
    return 3;
  }
  const { config, logger, redactor } = runtime(io, STATE_REQUIREMENTS);
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

export async function backupCmd(args: string[], io: CliIo): Promise<number> {
  const { config, logger, redactor } = runtime(io, backupRequirements(args));
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

export async function migrateCmd(io: CliIo): Promise<number> {
  const { config, logger } = runtime(io, STATE_REQUIREMENTS);
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

