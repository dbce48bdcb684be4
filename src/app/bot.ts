// Assembles the running bot from a parsed Config. Called by src/main.ts (with the real
// environment, stdout and global fetch) and by end-to-end tests (with fakes for the outside).
import type { DestinationStream } from 'pino';
import { buildCommands } from '../../handlers/index.js';
import { createAuthorizer } from '../slack/authz.js';
import type { Clock } from '../core/clock.js';
import type { Config } from './config.js';
import { alertSourcesFor, buildHealthService, buildOutageService, buildTargetDb, type HealthBuildDeps } from './health.js';
import type { HealthService } from '../health/runner.js';
import type { OutageService } from '../health/outage.js';
import { createLogger, type Logger } from '../core/log.js';
import { createRedactor } from '../core/redact.js';
import { createSlackApp, type SlackApp } from '../slack/app.js';
import { slackDirectory } from '../slack/directory.js';
import { createStateStore } from '../state/store.js';
import { createAdminDb } from '../db/admin.js';
import { supabaseAuthAdmin } from '../playbooks/auth-admin.js';
import { createPlaybookEngine, type PlaybookEngine } from '../playbooks/engine.js';
import { slackRequestNotifier } from '../playbooks/notifier.js';
import { createLockdownService, type LockdownService } from '../lockdown/service.js';
import { containmentChecklist } from '../lockdown/checklist.js';
import { lockdownNotice } from '../lockdown/notice.js';
import { reminderMessage } from '../lockdown/render.js';
import { createChecklistService } from '../checklist/service.js';
import { createChecklistStore } from '../checklist/store.js';
import { slackChatPoster, throttledPoster, type ChatPoster } from '../slack/chat-poster.js';
import { checklistInteractions } from '../../handlers/checklist.js';
import { buildPlaybookRegistry } from './registry.js';
import { stateUserExports } from '../playbooks/user-exports.js';
import { buildSecretsService } from '../secrets/build.js';
import { secretsApi } from './config.js';
import { buildDiagnosticsService } from './diagnostics.js';
import { createOpsScheduler } from './ops-scheduler.js';
import { alertInteractions } from '../../handlers/alerts.js';
import type { LogsService } from '../logs/service.js';
import { createBackupService } from '../backup/service.js';
import { backupPort } from '../backup/port.js';
import type { IncidentService } from '../incidents/port.js';
import { createIncidentFlows, type IncidentFlows, type PostmortemDrafter } from '../incidents/flows.js';
import { createWarRoom, type Wait } from '../incidents/war-room.js';
import { createIncidentService } from '../incidents/service.js';
import { cadenceMs } from '../incidents/settings.js';
import type { MaintenanceService } from '../maintenance/service.js';
import { homeInteractions } from '../../handlers/home.js';
import { channelMembership } from '../home/audience.js';
import { createHomeChart, type HomeChart } from '../home/chart.js';
import { createHomeChartStore } from '../home/chart-store.js';
import { createHomeContent } from '../home/content.js';
import { createHomePublisher, type HomePublisher } from '../home/publisher.js';
import { createHomeStore } from '../home/store.js';
import { changeSignal, recordHealth, watchEngine, watchIncidents, watchLockdown } from '../home/watch.js';
import type { AlertEngine } from '../alerts/engine.js';
import { chartItems, type Attachments } from '../slack/attachments.js';
import { slackFileUploader } from '../slack/files.js';
import { createMetricSampleStore, recordingHealth } from '../metrics/samples.js';
import { coalescedHealthSaves } from './health-saves.js';
import { lazyService, once } from './lazy.js';

export interface BotOptions {
  config: Config;
  clock: Clock;
  /** Outbound HTTP: Slack Web API, response_url, Supabase. */
  fetch: typeof fetch;
  logDestination?: DestinationStream;
  /** Tests: skip auth.test. */
  botIdentity?: { botId: string; botUserId: string };
  /** Tests: replace the health service (e.g. with a slow check). */
  health?: HealthService;
  /** Tests: replace the /health outage service (e.g. with a fake DNS resolver). */
  outage?: OutageService;
  /** Tests: how often expired requests and dead runs are swept (default 30 s). */
  sweepIntervalMs?: number;
  /** PATH of the environment, to find pg_dump / pg_restore / psql when BACKUP_PG_BIN_DIR is unset. */
  searchPath?: string;
  /** Tests: the incident service (default: the state-store one). */
  incidents?: IncidentService;
  /** Tests: the postmortem drafter. */
  postmortem?: PostmortemDrafter;
  /** Tests: how Retry-After waits are spent (recorded instead of slept). */
  wait?: Wait;
  /** Tests: the health checks' TLS certificate reader and the wait between two metrics scrapes. */
  healthIo?: Pick<HealthBuildDeps, 'tls' | 'sleep'>;
}

export interface Bot {
  logger: Logger;
  slack: SlackApp;
  playbooks: PlaybookEngine;
  lockdown: LockdownService;
  incidents: IncidentService;
  flows: IncidentFlows;
  /** The maintenance calendar and its one-off windows (the local workspace's maintenance drill adds one). */
  maintenance: MaintenanceService;
  /** The App Home tab's publisher (tests flush it and wait for it). */
  home: HomePublisher;
  /** The alert engine the scheduled check runs (undefined when alerts are off or have no channel). */
  alerts: AlertEngine | undefined;
  /** Runs the periodic work once (expiry, interrupted runs, due reminders); tests call it directly. */
  tick(): Promise<void>;
  /** Applies migrations and starts listening (HTTP port, on `host` only when given, or Socket Mode). */
  start(port?: number, host?: string): Promise<void>;
  /** Stops listening and closes every pool. */
  stop(): Promise<void>;
}

export function buildBot(o: BotOptions): Bot {
  const { config, clock } = o;
  const redactor = createRedactor(config.secrets);
  const logger = createLogger({ level: config.logLevel, redactor, ...(o.logDestination ? { destination: o.logDestination } : {}) });
  const state = createStateStore({ url: config.database.stateUrl, logger, connectTimeoutMs: 10_000 });
  const db = buildTargetDb(config, logger, clock);
  // The Home tab hears of every change to incidents, requests and the lockdown through this.
  const homeStore = createHomeStore(state);
  const homeChanged = changeSignal();
  const backups = createBackupService({
    settings: config.backup,
    state,
    clock,
    logger,
    timezone: config.timezone,
    fetch: o.fetch,
    ...(o.searchPath ? { searchPath: o.searchPath } : {}),
    redact: (t) => redactor.redact(t),
  });
  const health = recordHealth(
    o.health ?? buildHealthService({ config, db, fetch: o.fetch, clock, logger, notices: lockdownNotice(state, config.timezone), backups, ...o.healthIo }),
    coalescedHealthSaves(homeStore),
    logger,
  );
  // The directory needs the Slack client, which needs the handlers' deps: resolve it lazily.
  const ref: { slack?: SlackApp } = {};
  const directory = slackDirectory(() => {
    if (!ref.slack) throw new Error('Slack client not ready');
    return ref.slack.app.client;
  });
  const incidents = watchIncidents(o.incidents ?? createIncidentService({ state, clock, logger, cadenceMs: cadenceMs(config.incidents) }), homeChanged);
  // Who may read the Home tab (no channel) when the allow-list is set: the allowed channels' members.
  const membership = channelMembership(() => {
    if (!ref.slack) throw new Error('Slack client not ready');
    return ref.slack.app.client;
  }, clock, config.roles.cacheTtlMs);
  // An open incident's war room is allowed like the listed channels: it was created by the bot.
  const authz = createAuthorizer(
    {
      ...config.roles,
      allowedChannels: config.channels.allowed,
      alsoAllowed: async (channelId) => Boolean(await incidents.byChannel(channelId)),
      homeReaders: (userId) => membership(userId, config.channels.allowed),
    },
    directory,
    clock,
    logger,
  );
  const admin = createAdminDb({
    url: config.database.adminUrl,
    statementTimeoutMs: 30_000,
    lockTimeoutMs: 2000,
    connectTimeoutMs: config.thresholds.checkTimeoutMs,
    logger,
  });
  const slackClient = () => {
    if (!ref.slack) throw new Error('Slack client not ready');
    return ref.slack.app.client;
  };
  // Interactive posts (request messages) go out at once; background posts use the throttle below.
  const chat: ChatPoster = {
    postMessage: (m) => slackChatPoster(slackClient()).postMessage(m),
    update: (m) => slackChatPoster(slackClient()).update(m),
  };
  // Charts and long reports as files in threads (files:write).
  const attachments: Attachments = { charts: config.charts.enabled, uploader: slackFileUploader(slackClient, o.fetch) };
  // The alert evaluation's health runs leave one sample a minute for the /health db chart.
  const samples = createMetricSampleStore(state.pool, config.charts.sampleRetentionMs);
  // Background posts keep to Slack's ~1 message per second per channel.
  const poster = throttledPoster(chat, { clock });
  const checklistStore = createChecklistStore(state.pool);
  const checklists = createChecklistService({ store: checklistStore, poster, clock, timezone: config.timezone });
  const ops = createOpsScheduler({
    settings: config.scheduler,
    timezone: config.timezone,
    clock,
    pool: state.pool,
    logger,
    poster,
    throttle: false,
    health: recordingHealth(health, samples, clock, logger),
    thresholds: config.thresholds,
    platform: config.platform,
    alertSources: alertSourcesFor(config),
    checklists,
    backup: backupPort(backups),
    ...(config.roles.oncallGroup ? { oncallGroup: config.roles.oncallGroup } : {}),
    userExportRetentionMs: config.playbooks.userExportRetentionMs,
  });
  const lockdown: LockdownService = watchLockdown(createLockdownService({
    state,
    target: db,
    admin,
    clock,
    logger,
    checklist: containmentChecklist(checklists),
    ...(config.lockdown.evidenceDir ? { evidenceDir: config.lockdown.evidenceDir } : {}),
    reminderRepeatMs: config.lockdown.reminderRepeatMs,
  }), homeChanged);
  const registry = buildPlaybookRegistry({ backups, lockdown, timezone: config.timezone, userExports: stateUserExports(state) });
  const playbooks = watchEngine(createPlaybookEngine({
    registry,
    state,
    context: { target: db, admin, authAdmin: supabaseAuthAdmin({ url: config.supabase.url, serviceRoleKey: config.supabase.serviceRoleKey, fetch: o.fetch, clock }), clock },
    clock,
    logger,
    notifier: slackRequestNotifier(chat, () => registry, config.timezone, { breakGlassEnabled: config.playbooks.breakGlassEnabled }),
    ttlMs: config.playbooks.approvalTtlMs,
    breakGlassEnabled: config.playbooks.breakGlassEnabled,
  }), homeChanged);
  const lc = config.logs;
  // The log analyzer (and its worker threads, the model client) is loaded by the first /logs.
  const logs = lazyService<LogsService>(
    async () => {
      const [{ createLogsService }, { createSupabaseLogSource }, { buildAnalyzeOptions, buildLogSummarizer }] = await Promise.all([
        import('../logs/service.js'),
        import('../logs/sources/supabase.js'),
        import('./logs.js'),
      ]);
      return createLogsService({
        summarizer: buildLogSummarizer(lc, { playbooks: registry, clock, logger, fetch: o.fetch }),
        supabase:
          lc.supabaseAccessToken && lc.supabaseProjectRef
            ? createSupabaseLogSource({
                accessToken: lc.supabaseAccessToken,
                projectRef: lc.supabaseProjectRef,
                apiUrl: lc.supabaseManagementApiUrl,
                endpointPath: lc.supabaseLogsEndpoint,
                fetch: o.fetch,
                clock,
              })
            : undefined,
        analyze: buildAnalyzeOptions(lc, config.secrets),
        download: { botToken: config.slack.botToken, apiUrl: config.slack.apiUrl, fetch: o.fetch, clock },
        clock,
      });
    },
    { summarizeSupabase: true, summarizeFile: true },
  );
  const oncallGroup = config.roles.oncallGroup;
  // The postmortem writer and its model client are loaded when the first incident is resolved.
  const postmortemModel = once(async () => (await import('../incidents/postmortem-model.js')).postmortemModelFromSettings(config.logs, { clock, logger, fetch: o.fetch }));
  const flows = createIncidentFlows({
    incidents,
    settings: config.incidents,
    warRoom: createWarRoom({
      client: slackClient,
      clock,
      timezone: config.timezone,
      prefix: config.incidents.channelPrefix,
      privateChannels: config.incidents.privateChannels,
      rateLimitWaitMs: config.incidents.rateLimitWaitMs,
      ...(o.wait ? { wait: o.wait } : {}),
    }),
    chat,
    clock,
    timezone: config.timezone,
    logger,
    oncallMembers: async () => [...config.roles.oncallUsers, ...(oncallGroup ? await directory.usergroupMembers(oncallGroup) : [])],
    lockdown,
    postmortem:
      o.postmortem ??
      (async (input) => {
        const [{ draftPostmortem }, model] = await Promise.all([import('../incidents/postmortem.js'), postmortemModel()]);
        return draftPostmortem({
          ...input,
          // The headlines of the log summaries made in the war room, as the timeline tells them.
          logSummaries: input.timeline.filter((e) => e.target?.startsWith('/logs')).map((e) => e.text),
          ...(model ? { model } : {}),
          clock,
          redact: (t) => redactor.redact(t),
          timezone: config.timezone,
          tokenBudget: config.logs.tokenBudget,
        });
      }),
    upload: async (f) => {
      // The timeline strip goes with the draft; if it cannot be drawn, the draft goes alone.
      const drawStrip = async () => (f.strip ? (await import('../charts/timeline-chart.js')).timelineChart(f.strip, config.timezone) : undefined);
      const strip = await drawStrip()
        .then((chart) => chartItems(attachments, [chart]))
        .catch((err: unknown) => {
          logger.warn({ err }, 'timeline strip not drawn');
          return [];
        });
      await attachments.uploader.upload([{ filename: f.filename, title: f.title, content: f.content, snippetType: 'markdown' }, ...strip], { channel: f.channel, comment: f.comment, purpose: 'the postmortem draft' });
    },
  });
  // The Home tab's database chart: uploaded privately, shown by file id, redrawn only when due.
  const homeChart: HomeChart = createHomeChart({
    samples,
    store: createHomeChartStore(state),
    uploader: attachments.uploader,
    limits: config.thresholds,
    enabled: config.charts.enabled,
    timezone: config.timezone,
    clock,
    logger,
    onLateImage: () => homeChanged.notify(),
  });
  const home = createHomePublisher({
    store: homeStore,
    content: createHomeContent({ incidents, lockdown, engine: playbooks, maintenance: ops.maintenance, store: homeStore, chart: homeChart, authz, declareAccess: config.incidents.declareAccess, clock, logger, timezone: config.timezone }),
    publish: async (userId, view) => {
      await slackClient().views.publish({ user_id: userId, view });
    },
    clock,
    logger,
    settings: config.home,
  });
  homeChanged.connect(() => home.changed());
  const playbookServices = { engine: playbooks, chat, state, ...(config.channels.alerts ? { alertsChannel: config.channels.alerts } : {}) };
  const incidentWork = async () => {
    await flows.syncLockdowns();
    await flows.remindOverdue();
  };
  const postReminders = async () => {
    for (const r of await lockdown.claimDueReminders()) {
      const ld = await lockdown.latest();
      const msg = reminderMessage(r, ld?.id === r.lockdownId ? ld : undefined, config.timezone);
      const channels = new Set([ld?.channel, config.channels.alerts].filter((c): c is string => Boolean(c)));
      for (const channel of channels) await poster.postMessage({ channel, text: msg.text, blocks: msg.blocks });
    }
  };
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = () => {
    playbooks.sweep().catch((err: unknown) => logger.warn({ err }, 'playbook sweep failed'));
    postReminders().catch((err: unknown) => logger.warn({ err }, 'lockdown reminders failed'));
    incidentWork().catch((err: unknown) => logger.warn({ err }, 'incident reminders failed'));
    home
      .prune()
      .then(() => home.flush())
      .catch((err: unknown) => logger.warn({ err }, 'home flush failed'));
  };
  const slack = createSlackApp({
    botToken: config.slack.botToken,
    signingSecret: config.slack.signingSecret,
    appToken: config.slack.appToken,
    apiUrl: config.slack.apiUrl,
    logger,
    redactor,
    clock,
    fetch: o.fetch,
    ...(o.botIdentity ? { botIdentity: o.botIdentity } : {}),
    commands: buildCommands({
      health,
      outage: o.outage ?? buildOutageService({ config, db, fetch: o.fetch, clock, logger }),
      playbooks: playbookServices,
      lockdown,
      diagnostics: buildDiagnosticsService({ config, db, clock, redactor }),
      maintenance: ops.maintenance,
      logs,
      backups,
      incidents: { incidents, flows, settings: config.incidents },
      secrets: buildSecretsService({ management: secretsApi(config), maxAgeDays: config.secretsList.maxAgeDays, state, checklists, clock, logger, fetch: o.fetch }),
      attachments,
      healthCharts: { attachments, samples, limits: config.thresholds },
    }),
    interactions: [checklistInteractions(checklistStore), ...(ops.alerts ? [alertInteractions(ops.alerts)] : []), homeInteractions(() => ({ home, playbooks: playbookServices }))],
    deps: { health, authz, state, clock, logger, timezone: config.timezone },
    homeAnswer: (userId, text) => home.answer(userId, text),
  });
  ref.slack = slack;
  return {
    logger,
    slack,
    playbooks,
    lockdown,
    incidents,
    flows,
    maintenance: ops.maintenance,
    home,
    alerts: ops.alerts,
    async tick() {
      await playbooks.sweep();
      await postReminders();
      await incidentWork();
      await home.prune();
      await home.flush();
    },
    async start(port = config.slack.port, host?: string) {
      const migrated = await state.migrate();
      logger.info({ applied: migrated.applied.map((m) => m.version) }, 'state store ready');
      // Runs cut short by a previous crash are reported now (never re-run); stale requests expire.
      const swept = await playbooks.sweep();
      if (swept.interrupted.length) logger.warn({ requests: swept.interrupted.map((r) => r.id) }, 'playbook runs were interrupted by a restart');
      sweeper = setInterval(sweep, o.sweepIntervalMs ?? 30_000);
      sweeper.unref();
      await slack.start(port, host);
      // After Slack is up: catch-up posts need the client.
      await ops.start();
      logger.info({ mode: config.slack.appToken ? 'socket' : 'http', port: config.slack.appToken ? undefined : port }, 'opsbot started');
    },
    async stop() {
      clearInterval(sweeper);
      home.stop();
      await ops.stop().catch((err: unknown) => logger.warn({ err }, 'scheduler stop failed'));
      await slack.stop().catch(() => undefined);
      await playbooks.idle();
      await home.idle();
      await homeChart.idle();
      await Promise.allSettled([db.close(), admin.close(), state.close()]);
    },
  };
}
