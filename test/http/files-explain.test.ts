// /db explain over signed HTTP: a plan longer than a Slack section is cut in the caller's answer,
// which says the whole plan is in their DM; the whole plan arrives there as a text file in a
// thread. A short plan is answered whole, with nothing uploaded; a refused upload is said, with
// the terminal command that prints the plan.
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dbCommand } from '../../handlers/db.js';
import type { DiagnosticsService } from '../../src/diagnostics/service.js';
import { DEFAULT_DIAGNOSTICS_THRESHOLDS } from '../../src/diagnostics/settings.js';
import type { DiagnosticReport } from '../../src/diagnostics/types.js';
import type { SlackApp } from '../../src/slack/app.js';
import { slackFileUploader } from '../../src/slack/files.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { startCommandApp } from '../support/interaction-app.js';
import { settled } from '../support/settle.js';
import { FakeHttp, jsonResponse, postCommand, RESPONSE_URL, SLACK_API, type RecordedCall } from '../support/slack.js';

const logger = pino({ level: 'silent' });
let db: TestDatabase;
let state: StateStore;
let slack: SlackApp | undefined;
let http: FakeHttp;

const planLine = (i: number) => `  ->  Index Scan using leads_${i}_idx on leads_${i} l${i}  (cost=0.29..8.31 rows=1 width=64)`;
let plan = '';
function report(text: string): DiagnosticReport {
  return {
    request: { command: 'db', topic: 'connections' },
    command: '/db explain 4512980034327651',
    title: 'Query plan',
    status: 'ok',
    startedAt: '2026-11-25T08:00:00.000Z',
    durationMs: 12,
    database: 'postgres',
    notes: ['Generic plan: parameters unknown'],
    statsResetAt: null,
    sections: [{ key: 'full-plan', title: 'Full plan', status: 'ok', summary: 'the whole plan', findings: [{ status: 'ok', title: 'plan', facts: [], data: { text } }], omitted: 0, nextStep: 'Read it bottom-up.' }],
  };
}
const diagnostics: DiagnosticsService = { run: () => Promise.reject(new Error('not used')), runTopic: () => Promise.resolve(report(plan)), thresholds: () => DEFAULT_DIAGNOSTICS_THRESHOLDS };
const method = (m: string) => (c: RecordedCall) => c.url === `${SLACK_API}${m}`;
const json = (c: RecordedCall) => c.json as Record<string, unknown>;

async function start(): Promise<string> {
  http = new FakeHttp();
  const app = await startCommandApp(state, (ref) => [dbCommand({ diagnostics, attachments: { charts: true, uploader: slackFileUploader(() => ref.slack!.app.client, http.fetch) } })], http);
  slack = app.slack;
  // The DM: Slack opens it when the channel is the user's id.
  http.slackMethod('chat.postMessage', (c) => ({ ok: true, channel: json(c).channel === 'U0ONCALL' ? 'D0DM' : json(c).channel, ts: '1700000001.000100' }), 200, { optional: 'a short plan posts no DM' });
  return app.baseUrl;
}

beforeAll(async () => {
  db = await createTestDatabase();
  state = createStateStore({ url: db.url, logger, connectTimeoutMs: 5000 });
});
afterEach(async () => {
  await slack?.stop();
  slack = undefined;
});
afterAll(async () => {
  await state.close();
  await db.drop();
});

describe('/db explain with a long plan', () => {
  const uploads = () =>
    http
      .slackMethod('files.getUploadURLExternal', () => ({ ok: true, upload_url: 'https://files.slack.test/upload/F1', file_id: 'F1' }))
      .on((c) => (c.url.startsWith('https://files.slack.test/upload/') ? new Response('OK') : undefined))
      .slackMethod('files.completeUploadExternal', { ok: true, files: [] });

  it('cuts the plan in the answer and sends the whole plan as a file to the caller’s DM thread', async () => {
    plan = ['Nested Loop  (cost=0.87..9000.00 rows=40 width=64)', ...Array.from({ length: 120 }, (_, i) => planLine(i))].join('\n');
    const base = await start();
    uploads();
    await postCommand(base, '/db', 'explain 4512980034327651');
    const done = await http.waitFor(method('files.completeUploadExternal'), 20_000);
    await settled(slack!);
    const answer = http.calls.find((c) => c.url === RESPONSE_URL)!;
    const text = JSON.stringify(answer.json);
    expect(json(answer).response_type).toBe('ephemeral');
    expect(text).toContain('leads_0_idx');
    expect(text).not.toContain('leads_119_idx');
    expect(text).toContain('the whole plan is in your direct messages with me');
    const dm = http.calls.find(method('chat.postMessage'))!;
    expect(json(dm).channel).toBe('U0ONCALL');
    const asked = http.calls.filter(method('files.getUploadURLExternal'));
    expect(asked.map((c) => json(c).filename)).toEqual(['explain-4512980034327651.txt']);
    expect(Number(json(asked[0]!).length)).toBe(Buffer.byteLength(`${plan}\n`));
    expect(http.calls.some((c) => c.url === 'https://files.slack.test/upload/F1')).toBe(true);
    expect(json(done)).toMatchObject({ channel_id: 'D0DM', thread_ts: '1700000001.000100' });
  });

  it('answers a short plan whole and uploads nothing', async () => {
    plan = ['Seq Scan on leads  (cost=0.00..35.50 rows=2550 width=64)', '  Filter: (status = $1)'].join('\n');
    const base = await start();
    await postCommand(base, '/db', 'explain 4512980034327651');
    const answer = await http.waitFor((c) => c.url === RESPONSE_URL, 20_000);
    await settled(slack!);
    expect(JSON.stringify(answer.json)).toContain('Filter: (status = $1)');
    expect(JSON.stringify(answer.json)).not.toContain('direct messages');
    expect(http.calls.some(method('chat.postMessage'))).toBe(false);
    expect(http.calls.some(method('files.getUploadURLExternal'))).toBe(false);
  });

  it('a refused upload is said, with the terminal command that prints the whole plan', async () => {
    plan = ['Nested Loop  (cost=0.87..9000.00 rows=40 width=64)', ...Array.from({ length: 120 }, (_, i) => planLine(i))].join('\n');
    const base = await start();
    http.on((c) => (method('files.getUploadURLExternal')(c) ? jsonResponse({ ok: false, error: 'invalid_auth' }) : undefined));
    await postCommand(base, '/db', 'explain 4512980034327651');
    const note = await http.waitFor((c) => c.url === RESPONSE_URL && /opsbot db explain 4512980034327651/.test(String(json(c).text)) && /invalid_auth/.test(String(json(c).text)), 20_000);
    await settled(slack!);
    expect(String(json(note).text)).toMatch(/Run `opsbot db explain 4512980034327651` in a terminal for the whole plan\.$/);
    expect(http.calls.some(method('files.completeUploadExternal'))).toBe(false);
  });
});
