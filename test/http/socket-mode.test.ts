// Socket Mode (the manifest default) end to end: the whole bot with SLACK_APP_TOKEN set, against a
// local WebSocket server that speaks Slack's Socket Mode protocol. The bot asks
// apps.connections.open on SLACK_API_URL for the socket URL, gets `hello`, receives envelopes
// (a slash command, a button click) and must ack each envelope_id on the socket; a
// `disconnect` (refresh_requested) must lead to a new connection that works just the same.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { seedOrg } from '../support/playbooks.js';
import { messageOf } from '../support/request-message.js';
import { RESPONSE_URL, SLACK_API, type FakeHttp, type RecordedCall } from '../support/slack.js';
import { APP_TOKEN, clickPayload, commandPayload, startSocketBot as startSocket, type FakeSocketModeServer, type SocketBot } from '../support/socket-mode.js';

let db: TestDatabase;
let org: string;
let server: FakeSocketModeServer;
let http: FakeHttp;
let logs: string[];
let running: SocketBot | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  org = await seedOrg(db.pool);
});
afterEach(async () => {
  await running?.stop();
  running = undefined;
});
afterAll(async () => {
  await db.drop();
});

async function startSocketBot(): Promise<void> {
  running = await startSocket(db.url);
  ({ http, logs, server } = running);
}

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
