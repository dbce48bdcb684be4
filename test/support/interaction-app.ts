// The real Bolt app and receiver with only some interactions registered, and clicks as Slack
// sends them: for tests of buttons and checkboxes without the whole bot.
import pino from 'pino';
import { createAuthorizer } from '../../src/slack/authz.js';
import { systemClock } from '../../src/core/clock.js';
import type { HealthService } from '../../src/health/runner.js';
import { createRedactor } from '../../src/core/redact.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import type { CommandSpec, HandlerDeps, InteractionSpec } from '../../src/slack/command.js';
import { slackDirectory } from '../../src/slack/directory.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { trackListeners } from './settle.js';
import type { TestDatabase } from './pg.js';
import { type FakeHttp, RESPONSE_URL, sign, SIGNING_SECRET, SLACK_API } from './slack.js';

export const NY = 'America/New_York';
export const logger = pino({ level: 'silent' });
const health: HealthService = { run: () => Promise.reject(new Error('not used')), components: () => [] };

export interface TestApp {
  slack: SlackApp;
  http: FakeHttp;
  baseUrl: string;
  close(): Promise<void>;
}

/** The real Bolt app and receiver with only the given interactions registered. */
export async function startApp(db: TestDatabase, interactions: (slackRef: { slack?: SlackApp }) => InteractionSpec[], http: FakeHttp): Promise<TestApp> {
  const ref: { slack?: SlackApp } = {};
  const authz = createAuthorizer(
    { oncallGroup: 'S0ONCALL', approverGroup: 'S0APPROVERS', oncallUsers: [], approverUsers: [], allowedChannels: [], cacheTtlMs: 60_000 },
    slackDirectory(() => ref.slack!.app.client),
    systemClock,
    logger,
  );
  const state = createStateStore({ url: db.url, logger, connectTimeoutMs: 5000 });
  const deps: HandlerDeps = { health, authz, state, clock: systemClock, logger, timezone: NY };
  const slack = createSlackApp({
    botToken: 'xoxb-test-token-123',
    signingSecret: SIGNING_SECRET,
    appToken: undefined,
    apiUrl: SLACK_API,
    logger,
    redactor: createRedactor([]),
    clock: systemClock,
    deps,
    commands: [],
    fetch: http.fetch,
    botIdentity: { botId: 'B0TEST', botUserId: 'U0BOT' },
  });
  ref.slack = slack;
  trackListeners(slack.app);
  for (const spec of interactions(ref)) spec.register(slack.app, deps);
  await slack.start(0);
  return {
    slack,
    http,
    baseUrl: `http://127.0.0.1:${slack.receiver!.port()!}`,
    async close() {
      await slack.stop();
      await state.close();
    },
  };
}

/**
 * The real Bolt app and receiver with only the given slash commands: U0ONCALL is the one member
 * of the on-call group. `commands` gets a reference to the app (set before any request), for
 * services that need its Web API client, e.g. the file uploader.
 */
export async function startCommandApp(state: StateStore, commands: (slackRef: { slack?: SlackApp }) => CommandSpec[], http: FakeHttp): Promise<{ slack: SlackApp; baseUrl: string }> {
  const authz = createAuthorizer(
    { oncallGroup: 'S0ONCALL', approverGroup: undefined, oncallUsers: [], approverUsers: [], allowedChannels: [], cacheTtlMs: 60_000 },
    { usergroupMembers: (g) => Promise.resolve(g === 'S0ONCALL' ? ['U0ONCALL'] : []) },
    systemClock,
    logger,
  );
  const ref: { slack?: SlackApp } = {};
  const slack = createSlackApp({
    botToken: 'xoxb-test-token',
    signingSecret: SIGNING_SECRET,
    appToken: undefined,
    apiUrl: SLACK_API,
    logger,
    redactor: createRedactor([]),
    clock: systemClock,
    fetch: http.fetch,
    botIdentity: { botId: 'B0TEST', botUserId: 'U0BOT' },
    commands: commands(ref),
    deps: { health, authz, state, clock: systemClock, logger, timezone: NY },
  });
  ref.slack = slack;
  trackListeners(slack.app);
  await slack.start(0);
  return { slack, baseUrl: `http://127.0.0.1:${slack.receiver!.port()!}` };
}

/** A click as Slack sends it: a signed form post with a block_actions payload. */
export async function click(baseUrl: string, payload: Record<string, unknown>): Promise<number> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) },
    body,
  });
  await res.text();
  return res.status;
}

export function blockActions(user: string, message: { ts: string; blocks: unknown[] }, action: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: 'T1', domain: 'autorepai' },
    user: { id: user, username: user.toLowerCase(), team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: message.ts, channel_id: 'C0OPS', is_ephemeral: false },
    trigger_id: '1.2.3',
    channel: { id: 'C0OPS', name: 'ops' },
    message: { type: 'message', ts: message.ts, text: 'x', blocks: message.blocks },
    response_url: RESPONSE_URL,
    actions: [{ action_ts: '1700000000.000100', ...action }],
    state: { values: {} },
  };
}
