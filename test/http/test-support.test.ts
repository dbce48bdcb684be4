// The helpers other HTTP tests rely on to say "nothing happened": settled() must wait for work a
// listener does after ack and for the error handler's answer, and FakeHttp must report calls no
// route answered and routes no call used. If these were wrong, those tests would pass vacuously.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { blockActions, click, startApp, type TestApp } from '../support/interaction-app.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { settled } from '../support/settle.js';
import { FakeHttp, jsonResponse, RESPONSE_URL } from '../support/slack.js';

let db: TestDatabase;
let app: TestApp | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
});
afterAll(async () => {
  await db.drop();
});

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SLOW_HOOK = 'https://slow.test/hook';
const message = { ts: '1700000000.000100', blocks: [] };

async function start(http: FakeHttp): Promise<TestApp> {
  return startApp(
    db,
    () => [
      {
        id: 'slow',
        register(bolt) {
          // Acks at once, then keeps working: the case a fixed sleep gets wrong on a busy machine.
          bolt.action('slow_work', async ({ ack }) => {
            await ack();
            await wait(300);
            await http.fetch(SLOW_HOOK, { method: 'POST', body: '{"step":1}' });
          });
          bolt.action('slow_refusal', async ({ ack }) => {
            await ack();
            await wait(300);
            throw new InputError('That value is not valid here; send a valid one.');
          });
        },
      },
    ],
    http,
  );
}

describe('settled()', () => {
  it('waits for the work a listener does after ack, including a slow outbound call', async () => {
    const http = new FakeHttp().on(async (c) => (c.url === SLOW_HOOK ? (await wait(200), jsonResponse({ ok: true })) : undefined));
    app = await start(http);
    expect(await click(app.baseUrl, blockActions('U0ONCALL', message, { action_id: 'slow_work', value: 'x' }))).toBe(200);
    expect(http.calls).toEqual([]);
    await settled(app);
    expect(http.calls.map((c) => c.url)).toEqual([SLOW_HOOK]);
    expect(http.pending()).toBe(0);
  });

  it("waits for the global error handler's answer to a listener that fails after ack", async () => {
    const http = new FakeHttp();
    app = await start(http);
    await click(app.baseUrl, blockActions('U0ONCALL', message, { action_id: 'slow_refusal', value: 'x' }));
    await settled(app);
    expect(http.calls.filter((c) => c.url === RESPONSE_URL).map((c) => (c.json as { text?: string }).text)).toEqual(['That value is not valid here; send a valid one.']);
  });
});

describe('FakeHttp', () => {
  it('reports a call no route answered and a route no call used, once each; optional routes are not reported', async () => {
    const http = new FakeHttp()
      .on((c) => (c.url === 'https://used.test/' ? new Response('ok') : undefined))
      .on((c) => (c.url === 'https://unused.test/' ? new Response('ok') : undefined))
      .on((c) => (c.url === 'https://maybe.test/' ? new Response('ok') : undefined), { optional: 'only some paths call it' });
    await http.fetch('https://used.test/');
    await expect(http.fetch('https://nobody.test/x', { method: 'DELETE' })).rejects.toThrow(/unexpected DELETE https:\/\/nobody\.test\/x/);
    const problems = http.problems({ unused: true });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe('no route answered DELETE https://nobody.test/x');
    expect(problems[1]).toMatch(/^a route was declared but no call used it \(declared .*test-support\.test\.ts:\d+:\d+\)/);
    expect(http.problems({ unused: true })).toEqual([]);
  });
});
