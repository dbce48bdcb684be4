// Socket Mode (the manifest default) end to end: the whole bot with SLACK_APP_TOKEN set, against a
// local WebSocket server that speaks Slack's Socket Mode protocol. The bot asks
// apps.connections.open on SLACK_API_URL for the socket URL, gets `hello`, receives envelopes
// (a slash command, a button click) and must ack each envelope_id on the socket; a
// `disconnect` (refresh_requested) must lead to a new connection that works just the same.
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { buildBot, type Bot } from '../../src/app/bot.js';
import { systemClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/app/config.js';
import { healthyUpstreams, testEnv } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { seedOrg } from '../support/playbooks.js';
import { messageOf } from '../support/request-message.js';
import { FakeHttp, jsonResponse, nextTriggerId, RESPONSE_URL, SLACK_API, type RecordedCall } from '../support/slack.js';

const APP_TOKEN = 'xapp-1-A0SOCKET-1-0123456789abcdef';

interface Ack {
  envelope_id: string;
  payload?: { response_type?: string; text?: string };
}

/** A Slack Socket Mode server on 127.0.0.1: hands out connections, sends envelopes, collects acks. */
class FakeSocketModeServer {
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

let db: TestDatabase;
let org: string;
let server: FakeSocketModeServer;
let bot: Bot | undefined;
let http: FakeHttp;
let logs: string[];

beforeAll(async () => {
  db = await createTestDatabase();
  org = await seedOrg(db.pool);
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await server.close();
});
afterAll(async () => {
  await db.drop();
});

async function startSocketBot(): Promise<void> {
  server = new FakeSocketModeServer();
  await new Promise<void>((r) => (server.wss.address() ? r() : server.wss.once('listening', () => r())));
  http = healthyUpstreams(new FakeHttp()).on((c) =>
    c.url === `${SLACK_API}apps.connections.open` ? jsonResponse({ ok: true, url: `${server.url}?ticket=${server.connections.length + 1}&app_id=A1` }) : undefined,
  );
  logs = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  // No signing secret: Socket Mode needs none (the socket is authenticated by the app token).
  const env: Record<string, string> = { ...testEnv(db.url, { SLACK_APP_TOKEN: APP_TOKEN }) };
  delete env.SLACK_SIGNING_SECRET;
  bot = buildBot({
    config: loadConfig(env, 'bot'),
    clock: systemClock,
    fetch: http.fetch,
    logDestination: destination,
    botIdentity: { botId: 'B0TEST', botUserId: 'U0BOT' },
  });
  await bot.start(0);
  await server.until(() => server.connections.length === 1);
}

const commandPayload = (command: string, text: string, user = 'U0ONCALL', channel = 'C0OPS') => ({
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

const clickPayload = (actionId: string, value: string, user: string, at: { channelId: string; messageTs: string }) => ({
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

const inChannel = (c: RecordedCall) => c.url === RESPONSE_URL && (c.json as { response_type?: string }).response_type === 'in_channel';
const blocksOf = (c: RecordedCall) => JSON.stringify((c.json as { blocks?: unknown }).blocks ?? '');
const isUpdate = (c: RecordedCall) => c.url.endsWith('/chat.update');

describe('Socket Mode', () => {
  it('connects through apps.connections.open on SLACK_API_URL with the app token, and acks /health with its payload', async () => {
    await startSocketBot();
    const open = http.calls.filter((c) => c.url === `${SLACK_API}apps.connections.open`);
    expect(open).toHaveLength(1);
    expect(open[0]!.headers.authorization).toBe(`Bearer ${APP_TOKEN}`);

    const ack = await server.send('slash_commands', commandPayload('/health', 'db'), true);
    // The ack carries the command's immediate answer, as Slack shows it to the user.
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral', text: 'Running database health checks…' });
    const report = await http.waitFor(inChannel);
    expect(blocksOf(report)).toContain('AutoRepAi health');
    expect(blocksOf(report)).toContain('Connections');
    expect(http.unmatched).toEqual([]);
  });

  it('a playbook request by slash command and its Approve click both arrive by socket and are acked, and the approved run happens', async () => {
    await db.pool.query('DELETE FROM public.leads');
    await db.pool.query(`INSERT INTO public.leads (organization_id, email) SELECT $1, 's' || g || '@socket.test' FROM generate_series(1, 4) g`, [org]);
    await startSocketBot();
    const ack = await server.send('slash_commands', commandPayload('/playbook', 'run clear-test-data domain=socket.test'), true);
    expect(ack.payload?.text).toMatch(/clear-test-data/);
    const request = await http.waitFor((c) => isUpdate(c) && blocksOf(c).includes('playbook_approve'));
    const requestId = /"value\\?":\\?"([0-9a-f-]{36})/.exec(blocksOf(request))?.[1];
    expect(requestId).toBeDefined();

    const click = await server.send('interactive', clickPayload('playbook_approve', requestId!, 'U0APPROVER', messageOf(request)), false);
    expect(click.envelope_id).toMatch(/^env-/);
    const done = await http.waitFor((c) => isUpdate(c) && blocksOf(c).includes('Done'));
    expect(blocksOf(done)).toContain('4 row(s)');
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.leads WHERE email LIKE '%@socket.test'`);
    expect(rows[0]!.n).toBe(0);
  });

  it('after a refresh_requested disconnect the bot opens a new connection and keeps answering on it', async () => {
    await startSocketBot();
    const first = server.current;
    first.send(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested', debug_info: { host: 'applink-local' } }));
    await server.until(() => server.connections.length === 2 && server.connections[1]!.readyState === server.connections[1]!.OPEN, 15_000);
    // Slack closes the old socket once the client has moved.
    first.close();
    expect(http.calls.filter((c) => c.url === `${SLACK_API}apps.connections.open`)).toHaveLength(2);
    expect(server.current).not.toBe(first);

    const ack = await server.send('slash_commands', commandPayload('/health', 'db'), true);
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    await http.waitFor(inChannel);
    // The bot stayed up and logged nothing worse than a warning about it.
    expect(logs.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
  });
});
