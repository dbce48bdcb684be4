// A /slowqueries report of 200 statements over signed HTTP: the caller's answer keeps the top
// 10 and says where the rest went; the whole report arrives as Markdown, CSV and JSON files
// plus the chart in a thread of the caller's DM; when Slack refuses the upload, the answer is
// there all the same and a second one says what failed and how to get the full list.
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { slowqueriesCommand } from '../../handlers/slowqueries.js';
import type { DiagnosticsService } from '../../src/diagnostics/service.js';
import { DEFAULT_DIAGNOSTICS_THRESHOLDS } from '../../src/diagnostics/settings.js';
import type { DiagnosticReport, Finding } from '../../src/diagnostics/types.js';
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

const statement = (i: number): Finding => ({
  status: i % 7 === 0 ? 'warn' : 'ok',
  title: `#${i} · ${(200 - i) * 10} ms total`,
  facts: [`mean ${i % 7 === 0 ? 150 : 5} ms`, `${i * 3} calls`],
  query: `SELECT * FROM table_${i} WHERE id = $1`,
  data: { rank: i, calls: i * 3, totalMs: (200 - i) * 10, meanMs: i % 7 === 0 ? 150 : 5, role: 'authenticated' },
});
const REPORT: DiagnosticReport = {
  request: { command: 'slowqueries', sort: 'total', limit: 200 },
  command: '/slowqueries',
  title: 'Slow queries by total time',
  status: 'warn',
  startedAt: '2026-11-25T08:00:00.000Z',
  durationMs: 42,
  database: 'postgres',
  notes: ['Database postgres, every role'],
  statsResetAt: null,
  sections: [{ key: 'statements', title: 'Top statements', status: 'warn', summary: '200 statements', findings: Array.from({ length: 200 }, (_, i) => statement(i + 1)), omitted: 0, nextStep: 'Add the missing index.' }],
};
const diagnostics: DiagnosticsService = { run: () => Promise.resolve(REPORT), runTopic: () => Promise.reject(new Error('not used')), thresholds: () => DEFAULT_DIAGNOSTICS_THRESHOLDS };
const method = (m: string) => (c: RecordedCall) => c.url === `${SLACK_API}${m}`;
const json = (c: RecordedCall) => c.json as Record<string, unknown>;

async function start(): Promise<string> {
  http = new FakeHttp();
  const app = await startCommandApp(state, (ref) => [slowqueriesCommand({ diagnostics, attachments: { charts: true, uploader: slackFileUploader(() => ref.slack!.app.client, http.fetch) } })], http);
  slack = app.slack;
  // The DM: Slack opens it when the channel is the user's id.
  http.slackMethod('chat.postMessage', (c) => ({ ok: true, channel: json(c).channel === 'U0ONCALL' ? 'D0DM' : json(c).channel, ts: '1700000001.000100' }));
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

describe('/slowqueries total 200', () => {
  it('answers with the top 10 and sends all 200 as files and the chart to the caller’s DM thread', async () => {
    const base = await start();
    let n = 0;
    http
      .slackMethod('files.getUploadURLExternal', () => ({ ok: true, upload_url: `https://files.slack.test/upload/F${++n}`, file_id: `F${n}` }))
      .on((c) => (c.url.startsWith('https://files.slack.test/upload/') ? new Response('OK') : undefined))
      .slackMethod('files.completeUploadExternal', { ok: true, files: [] });
    await postCommand(base, '/slowqueries', 'total 200');
    const done = await http.waitFor(method('files.completeUploadExternal'), 20_000);
    await settled(slack!);
    const answer = http.calls.find((c) => c.url === RESPONSE_URL)!;
    const text = JSON.stringify(answer.json);
    expect(json(answer).response_type).toBe('ephemeral');
    expect(text).toContain('Showing 10 of 200 findings');
    expect(text).toContain('table_10 ');
    expect(text).not.toContain('table_11 ');
    expect(text).toContain('190 more');
    const dm = http.calls.find(method('chat.postMessage'))!;
    expect(json(dm).channel).toBe('U0ONCALL');
    const asked = http.calls.filter(method('files.getUploadURLExternal')).map((c) => json(c).filename);
    expect(asked).toEqual(['slowqueries-202611250800.md', 'slowqueries-202611250800.csv', 'slowqueries-202611250800.json', 'slow-queries.png']);
    const chart = http.calls.filter(method('files.getUploadURLExternal'))[3]!;
    expect(String(json(chart).alt_text)).toContain('#7 SELECT * FROM table_7 WHERE id = $1: 1.93 s total, 150 ms mean, 21 calls, over the line');
    expect(json(done)).toMatchObject({ channel_id: 'D0DM', thread_ts: '1700000001.000100' });
    expect(JSON.parse(String(json(done).files))).toHaveLength(4);
    // The Markdown file has every statement.
    const md = http.calls.filter(method('files.getUploadURLExternal'))[0]!;
    expect(Number(json(md).length)).toBeGreaterThan(200 * 40);
  });

  it('a refused upload: the top 10 still arrive, then a note on what failed and how to get the list', async () => {
    const base = await start();
    http.on((c) => (method('files.getUploadURLExternal')(c) ? jsonResponse({ ok: false, error: 'invalid_auth' }) : undefined));
    await postCommand(base, '/slowqueries', 'total 200');
    const note = await http.waitFor((c) => c.url === RESPONSE_URL && /opsbot slowqueries --json/.test(String(json(c).text)), 20_000);
    await settled(slack!);
    expect(String(json(note).text)).toMatch(/^Slack refused asking Slack where to upload slowqueries-202611250800\.md \(invalid_auth\); the full report was not shared/);
    const first = http.calls.find((c) => c.url === RESPONSE_URL)!;
    expect(JSON.stringify(first.json)).toContain('Showing 10 of 200 findings');
    expect(http.calls.some(method('files.completeUploadExternal'))).toBe(false);
  });
});
