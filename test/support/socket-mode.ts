// Slack's Socket Mode for tests: a local WebSocket server that speaks the protocol (hello on
// connect, envelopes out, acks by envelope_id back), and the whole bot started against it with
// SLACK_APP_TOKEN set and no signing secret. The bot finds the server through
// apps.connections.open on SLACK_API_URL, as it would find Slack's.
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { buildBot, type Bot } from '../../src/app/bot.js';
import { systemClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/app/config.js';
import { healthyUpstreams, testEnv } from './bot.js';
import { trackListeners } from './settle.js';
import { FakeHttp, jsonResponse, nextTriggerId, RESPONSE_URL, SLACK_API } from './slack.js';

export const APP_TOKEN = 'xapp-1-A0SOCKET-1-0123456789abcdef';

export interface Ack {
  envelope_id: string;
  payload?: { response_type?: string; text?: string };
}

/** A Slack Socket Mode server on 127.0.0.1: hands out connections, sends envelopes, collects acks. */
export class FakeSocketModeServer {
  readonly wss: WebSocketServer;
  readonly connections: WebSocket[] = [];
  readonly acks: Ack[] = [];
  private envelopes = 0;
  private waiters: { pred: () => boolean; resolve: () => void }[] = [];

  constructor() {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.wss.on('connection', (ws) => {
      this.connections.push(ws);
      ws.on('message', (data: Buffer) => {
        const msg = JSON.parse(data.toString('utf8')) as Ack;
        if (msg.envelope_id) this.acks.push(msg);
        this.poke();
      });
      // What Slack sends first on every new connection.
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: this.connections.length,
          debug_info: { host: 'applink-local', build_number: 1, approximate_connection_time: 3600 },
          connection_info: { app_id: 'A1' },
        }),
      );
      this.poke();
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/link/`;
  }

  /** The connection the bot uses now (the newest open one). */
  get current(): WebSocket {
    const open = this.connections.filter((c) => c.readyState === c.OPEN);
    const ws = open.at(-1);
    if (!ws) throw new Error('the bot has no open Socket Mode connection');
    return ws;
  }

  /** Sends an envelope on the current connection; resolves with the bot's ack of it. */
  async send(type: 'slash_commands' | 'interactive', payload: object, acceptsResponsePayload: boolean): Promise<Ack> {
    const envelopeId = `env-${++this.envelopes}-${Math.random().toString(16).slice(2, 8)}`;
    this.current.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: acceptsResponsePayload, retry_attempt: 0, retry_reason: '' }));
    await this.until(() => this.acks.some((a) => a.envelope_id === envelopeId));
    return this.acks.find((a) => a.envelope_id === envelopeId)!;
  }

  until(pred: () => boolean, ms = 10_000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting on the Socket Mode server')), ms);
      this.waiters.push({
        pred,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  private poke(): void {
    for (const w of [...this.waiters]) {
      if (w.pred()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  close(): Promise<void> {
    for (const c of this.connections) c.terminate();
    return new Promise((r) => this.wss.close(() => r()));
  }
}

export interface SocketBot {
  bot: Bot;
  http: FakeHttp;
  logs: string[];
  server: FakeSocketModeServer;
  stop(): Promise<void>;
}

/** The whole bot in Socket Mode against a fresh local server, connected once it returns. */
export async function startSocketBot(databaseUrl: string, overrides: Record<string, string> = {}): Promise<SocketBot> {
  const server = new FakeSocketModeServer();
  await new Promise<void>((r) => (server.wss.address() ? r() : server.wss.once('listening', () => r())));
  const http = healthyUpstreams(new FakeHttp()).on((c) =>
    c.url === `${SLACK_API}apps.connections.open` ? jsonResponse({ ok: true, url: `${server.url}?ticket=${server.connections.length + 1}&app_id=A1` }) : undefined,
  );
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  // No signing secret: Socket Mode needs none (the socket is authenticated by the app token).
  const env: Record<string, string> = { ...testEnv(databaseUrl, { SLACK_APP_TOKEN: APP_TOKEN, ...overrides }) };
  delete env.SLACK_SIGNING_SECRET;
  const bot = buildBot({
    config: loadConfig(env, 'bot'),
    clock: systemClock,
    fetch: http.fetch,
    logDestination: destination,
    botIdentity: { botId: 'B0TEST', botUserId: 'U0BOT' },
  });
  // So tests can wait with settled({ bot, http }) instead of sleeping.
  trackListeners(bot.slack.app);
  await bot.start(0);
  await server.until(() => server.connections.length === 1);
  return {
    bot,
    http,
    logs,
    server,
    async stop() {
      await bot.stop();
      await server.close();
    },
  };
}

/** A slash command's payload as Socket Mode delivers it. */
export const commandPayload = (command: string, text: string, user = 'U0ONCALL', channel = 'C0OPS') => ({
  token: 'ignored',
  team_id: 'T1',
  team_domain: 'autorepai',
  channel_id: channel,
  channel_name: 'ops',
  user_id: user,
  user_name: 'ignored',
  command,
  text,
  api_app_id: 'A1',
  is_enterprise_install: 'false',
  response_url: RESPONSE_URL,
  trigger_id: nextTriggerId(),
});

/** A button click's payload (block_actions) as Socket Mode delivers it. */
export const clickPayload = (actionId: string, value: string, user: string, at: { channelId: string; messageTs: string }) => ({
  type: 'block_actions',
  user: { id: user },
  team: { id: 'T1' },
  api_app_id: 'A1',
  channel: { id: at.channelId },
  container: { type: 'message', message_ts: at.messageTs, channel_id: at.channelId },
  message: { ts: at.messageTs, type: 'message' },
  response_url: 'https://hooks.slack.test/actions/T1/1/socket-click',
  trigger_id: nextTriggerId(),
  actions: [{ type: 'button', block_id: 'b1', action_id: actionId, value, action_ts: '1' }],
});

/** A modal's Submit (view_submission) as Socket Mode delivers it; `values` as test/support/slack.ts postViewSubmission takes them. */
export const viewSubmissionPayload = (
  view: { callback_id: string; private_metadata: string; values: Record<string, Record<string, { value: string } | { selected_option: { value: string } }>> },
  user: string,
  viewId: string,
) => ({
  type: 'view_submission',
  user: { id: user },
  team: { id: 'T1' },
  api_app_id: 'A1',
  trigger_id: nextTriggerId(),
  view: {
    id: viewId,
    type: 'modal',
    callback_id: view.callback_id,
    private_metadata: view.private_metadata,
    state: { values: Object.fromEntries(Object.entries(view.values).map(([b, a]) => [b, Object.fromEntries(Object.entries(a).map(([k, v]) => [k, { type: 'plain_text_input', ...v }]))])) },
    hash: 'h',
  },
});
