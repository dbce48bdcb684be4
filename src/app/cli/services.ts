// The services each `opsbot` command calls, built from the settings that command declared it
// needs, and closed when it is done. Each builder is imported only when its command runs, so
// `opsbot db connections` loads neither the backup tools nor the log pipeline.
import pino from 'pino';
import { systemClock } from '../../core/clock.js';
import { createLogger, type Logger } from '../../core/log.js';
import { createRedactor, type Redactor } from '../../core/redact.js';
import { type Config, loadConfig, type Requirement } from '../config.js';
import type { CliIo } from './io.js';

export interface Runtime {
  config: Config;
  logger: Logger;
  redactor: Redactor;
}

/** Loads only what the command needs: `requires` names the settings it cannot run without. */
export function runtime(io: CliIo, requires: readonly Requirement[]): Runtime {
  const config = loadConfig(io.env, 'cli', requires);
  const redactor = createRedactor(config.secrets);
  // Logs go to stderr so stdout stays clean for --json consumers.
  const level = ['debug', 'trace'].includes(config.logLevel) ? config.logLevel : 'warn';
  const logger = createLogger({ level, redactor, destination: pino.destination({ dest: 2, sync: true }) });
  return { config, logger, redactor };
}

/** Services for one run, and what to close afterwards. */
export interface Bound {
  services: Record<string, unknown>;
  close(): Promise<void>;
}

// The CLI never writes to the target for a lockdown: status only.
const readOnlyAdmin = {
  transaction: () => Promise.reject(new Error('read-only CLI')),
  standalone: () => Promise.reject(new Error('read-only CLI')),
  close: () => Promise.resolve(),
};

async function stateStore(rt: Runtime, connectTimeoutMs = 10_000) {
  const { createStateStore } = await import('../../state/store.js');
  return createStateStore({ url: rt.config.database.stateUrl, logger: rt.logger, connectTimeoutMs });
}

const closeAll = (...items: { close(): Promise<void> }[]) => async () => {
  await Promise.allSettled(items.map((i) => i.close()));
};

/** What each CLI command binds, by command name. */
export const BINDERS: Record<string, (rt: Runtime, io: CliIo) => Promise<Bound>> = {
  async health(rt, io) {
    const [{ buildHealthService, buildOutageService, buildTargetDb }, { createBackupService }, { lockdownNotice }] = await Promise.all([
      import('../health.js'),
      import('../../backup/service.js'),
      import('../../lockdown/notice.js'),
    ]);
    const { config, logger } = rt;
    const db = buildTargetDb(config, logger, systemClock);
    const state = await stateStore(rt, config.thresholds.checkTimeoutMs);
    const backups = createBackupService({ settings: config.backup, state, clock: systemClock, logger, timezone: config.timezone, fetch: io.fetch });
    const health = buildHealthService({ config, db, fetch: io.fetch, clock: systemClock, logger, notices: lockdownNotice(state, config.timezone), backups });
    const outage = buildOutageService({ config, db, fetch: io.fetch, clock: systemClock, logger });
    return { services: { health, outage }, close: closeAll(db, state) };
  },

  async diagnostics(rt) {
    const [{ buildTargetDb }, { sharedWithHealth }, { createDiagnosticsService }] = await Promise.all([
      import('../health.js'),
      import('../../diagnostics/settings.js'),
      import('../../diagnostics/service.js'),
    ]);
    const { config, logger, redactor } = rt;
    const db = buildTargetDb(config, logger, systemClock);
    const diagnostics = createDiagnosticsService({
      db,
      clock: systemClock,
      timezone: config.timezone,
      thresholds: { ...sharedWithHealth(config.thresholds), ...config.diagnostics },
      redact: (t) => redactor.redact(t),
    });
    return { services: { diagnostics }, close: closeAll(db) };
  },

  async backups(rt, io) {
    const { createBackupService } = await import('../../backup/service.js');
    const { config, logger, redactor } = rt;
    const state = await stateStore(rt);
    const backups = createBackupService({
      settings: config.backup,
      state,
      clock: systemClock,
      logger,
      timezone: config.timezone,
      fetch: io.fetch,
      ...(io.env.PATH ? { searchPath: io.env.PATH } : {}),
      redact: (t) => redactor.redact(t),
    });
    return { services: { backups }, close: closeAll(state) };
  },

  async lockdown(rt) {
    const [{ buildTargetDb }, { createChecklistStore }, { createLockdownService }] = await Promise.all([
      import('../health.js'),
      import('../../checklist/store.js'),
      import('../../lockdown/service.js'),
    ]);
    const { config, logger } = rt;
    const state = await stateStore(rt);
    const db = buildTargetDb(config, logger, systemClock);
    const checklists = createChecklistStore(state.pool);
    const lockdown = createLockdownService({
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
    return { services: { lockdown, playbooks: { state } }, close: closeAll(state, db) };
  },

  async state(rt) {
    const state = await stateStore(rt);
    return { services: { state, config: rt.config, logger: rt.logger }, close: closeAll(state) };
  },

  // Logs read their own settings (no database): the command itself builds what it needs.
  logs: () => Promise.resolve({ services: {}, close: () => Promise.resolve() }),
  async secrets(rt, io) {
    const { buildSecretsService } = await import('../../secrets/build.js');
    const state = await stateStore(rt);
    // The terminal lists only; rotation checklists are posted from Slack.
    const checklists = new Proxy({} as Parameters<typeof buildSecretsService>[0]['checklists'], {
      get: () => () => Promise.reject(new Error('Rotation checklists are posted from Slack: run /secrets rotate there.')),
    });
    const { secretsApi } = await import('../config.js');
    const secrets = buildSecretsService({ management: secretsApi(rt.config), maxAgeDays: rt.config.secretsList.maxAgeDays, state, checklists, clock: systemClock, logger: rt.logger, fetch: io.fetch });
    return { services: { secrets }, close: closeAll(state) };
  },

  // Read-only: list, show, timeline, stats and postmortem; the flows (Slack posts) are never used.
  async incidents(rt) {
    const [{ createIncidentService }, { cadenceMs }] = await Promise.all([import('../../incidents/service.js'), import('../../incidents/settings.js')]);
    const state = await stateStore(rt);
    const incidents = createIncidentService({ state, clock: systemClock, logger: rt.logger, cadenceMs: cadenceMs(rt.config.incidents) });
    return { services: { incidents: { incidents, settings: rt.config.incidents } }, close: closeAll(state) };
  },
};
