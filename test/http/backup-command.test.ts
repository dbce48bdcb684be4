// /backup over signed HTTP: the real Bolt receiver and handler, a real database and pg_dump,
// a strict fake for Slack. The ack comes first; a backup posts in the channel, reports progress
// in the thread and ends by updating its message; a second request while one runs is told who
// started it; listing is open, the rest needs on-call; a restore is a two-approver request.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backupCommand } from '../../handlers/backup.js';
import { playbookCommand } from '../../handlers/playbook.js';
import { restoreBackupPlaybook } from '../../playbooks/restore-backup.js';
import { createLocalStore } from '../../src/backup/local-store.js';
import { createBackupService, type BackupService } from '../../src/backup/service.js';
import { parseBackupSettings } from '../../src/backup/settings.js';
import type { BackupStore } from '../../src/backup/store.js';
import { createAuthorizer } from '../../src/slack/authz.js';
import { systemClock } from '../../src/core/clock.js';
import { createAdminDb, type AdminDb } from '../../src/db/admin.js';
import { createTargetDb, type TargetDb } from '../../src/db/target.js';
import type { HealthService } from '../../src/health/runner.js';
import { createPlaybookEngine } from '../../src/playbooks/engine.js';
import { slackChatPoster } from '../../src/slack/chat-poster.js';
import { slackRequestNotifier } from '../../src/playbooks/notifier.js';
import type { Playbook } from '../../src/playbooks/types.js';
import { createRedactor } from '../../src/core/redact.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { backupTools } from '../support/backup-tools.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { messageOf } from '../support/request-message.js';
import { settled, trackListeners } from '../support/settle.js';
import { FakeHttp, postAction, postCommand, RESPONSE_URL, SIGNING_SECRET, SLACK_API, type RecordedCall } from '../support/slack.js';

const logger = pino({ level: process.env.DBG ? 'debug' : 'silent' });
const TZ = 'America/New_York';
let db: TestDatabase;
let state: StateStore;
let target: TargetDb;
let admin: AdminDb;
let dir: string;
let slack: SlackApp | undefined;
let http: FakeHttp;
let noDump: string | undefined;

const unusedHealth: HealthService = { run: () => Promise.reject(new Error('not used here')), components: () => [] };

/** Holds the dump after its first chunk until released. */
function gatedStore(inner: BackupStore) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const store: BackupStore = {
    ...inner,
    begin(key, contentType) {
      const up = inner.begin(key, contentType);
      if (!key.endsWith('.dump')) return up;
      const stream = new Writable({
        write(chunk: Buffer, _enc, cb) {
          void gate.then(() => up.stream.write(chunk, cb));
        },
        final(cb) {
          up.stream.end(cb);
        },
      });
      up.stream.on('error', (err) => stream.destroy(err));
      return { stream, commit: () => up.commit(), abort: async () => (stream.destroy(), up.abort()) };
    },
  };
  return { store, release };
}

async function start(store?: BackupStore): Promise<{ base: string; svc: BackupService }> {
  const settings = parseBackupSettings(
    { ...backupTools().env, BACKUP_LOCAL_DIR: dir, VERIFY_DATABASE_URL: db.serverUrl, BACKUP_PROGRESS_SECONDS: '1' },
    { databaseUrl: db.url, supabaseUrl: undefined, serviceRoleKey: undefined },
  );
  const svc = createBackupService({ settings, state, clock: systemClock, logger, timezone: TZ, searchPath: process.env.PATH, ...(store ? { store } : {}) });
  http = new FakeHttp();
  let posted = 0;
  // Shared by every test here; those answered in the ack post nothing.
  const posts = { optional: 'channel posts of the commands that get past their ack' };
  http
    .slackMethod('chat.postMessage', (c: RecordedCall) => ({ ok: true, channel: (c.json as { channel: string }).channel, ts: `1700000000.${String(++posted).padStart(6, '0')}` }), 200, posts)
    .slackMethod('chat.update', (c: RecordedCall) => ({ ok: true, channel: (c.json as { channel: string }).channel, ts: (c.json as { ts: string }).ts }), 200, posts);
  const authz = createAuthorizer(
    { oncallGroup: 'S0ONCALL', approverGroup: 'S0APPROVERS', oncallUsers: [], approverUsers: [], allowedChannels: [], cacheTtlMs: 60_000 },
    { usergroupMembers: (g) => Promise.resolve(g === 'S0ONCALL' ? ['U0ONCALL'] : g === 'S0APPROVERS' ? ['U0APPROVER', 'U0APPROVER2'] : []) },
    systemClock,
    logger,
  );
  const registry = [restoreBackupPlaybook(svc, TZ)] as unknown as readonly Playbook<unknown>[];
  const chat = {
    postMessage: (m: Parameters<ReturnType<typeof slackChatPoster>['postMessage']>[0]) => slackChatPoster(slack!.app.client).postMessage(m),
    update: (m: Parameters<ReturnType<typeof slackChatPoster>['update']>[0]) => slackChatPoster(slack!.app.client).update(m),
  };
  const engine = createPlaybookEngine({
    registry,
    state,
    context: { target, admin, authAdmin: { configured: false, setBan: () => Promise.resolve() }, clock: systemClock },
    clock: systemClock,
    logger,
    notifier: slackRequestNotifier(chat, () => registry, TZ),
    ttlMs: 15 * 60_000,
  });
  slack = createSlackApp({
    botToken: 'xoxb-test-token',
    signingSecret: SIGNING_SECRET,
    appToken: undefined,
    apiUrl: SLACK_API,
    logger,
    redactor: createRedactor([]),
    clock: systemClock,
    fetch: http.fetch,
    botIdentity: { botId: 'B0TEST', botUserId: 'U0BOT' },
    commands: [backupCommand({ backups: svc, playbooks: { engine } }), playbookCommand({ playbooks: { engine, chat, state } })],
    deps: { health: unusedHealth, authz, state, clock: systemClock, logger, timezone: TZ },
  });
  trackListeners(slack.app);
  await slack.start(0);
  return { base: `http://127.0.0.1:${slack.receiver!.port()}`, svc };
}

const api = (method: string) => (c: RecordedCall) => c.url === `${SLACK_API}${method}`;
const text = (c: RecordedCall) => String((c.json as { text?: string }).text ?? '');
/** Block Kit of a Web API call (the client sends blocks as a JSON string). */
const blocksOf = (c: RecordedCall) => String((c.json as { blocks?: string }).blocks ?? '');
const ephemeralText = (c: RecordedCall) => c.url === RESPONSE_URL && (c.json as { response_type?: string }).response_type === 'ephemeral';

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(`
    INSERT INTO public.organizations (name) VALUES ('Maple Motors');
    INSERT INTO public.leads (organization_id, first_name) SELECT id, 'Lead ' || g FROM public.organizations, generate_series(1, 30) g;
    INSERT INTO public.interactions (organization_id, lead_id, content) SELECT organization_id, id, 'call' FROM public.leads;
  `);
  state = createStateStore({ url: db.url, logger, connectTimeoutMs: 5000 });
  target = createTargetDb({ url: db.url, poolMax: 3, statementTimeoutMs: 10_000, lockTimeoutMs: 1000, connectTimeoutMs: 5000, logger, monotonic: () => performance.now() });
  admin = createAdminDb({ url: db.url, statementTimeoutMs: 30_000, lockTimeoutMs: 2000, connectTimeoutMs: 5000, logger });
  dir = await mkdtemp(path.join(tmpdir(), 'opsbot-backup-cmd-'));
  noDump = backupTools().problem;
});
afterEach(async () => {
  await slack?.stop();
  slack = undefined;
});
afterAll(async () => {
  await Promise.allSettled([state.close(), target.close(), admin.close()]);
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('/backup over signed HTTP', () => {
  it('now: acks at once, posts in the channel, reports progress in the thread, ends with the result; a second request is told who runs one', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const gated = gatedStore(createLocalStore({ dir }));
    const { base } = await start(gated.store);
    const t0 = performance.now();
    const res = await postCommand(base, '/backup', 'now');
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(JSON.parse(res.body)).toEqual({ response_type: 'ephemeral', text: 'Starting a backup…' });
    const parent = await http.waitFor((c) => api('chat.postMessage')(c) && text(c).startsWith(':floppy_disk: Backup requested by <@U0ONCALL>'));
    const ts = '1700000000.000001';
    // Held at the gate: progress lands in the thread of that message.
    const progress = await http.waitFor((c) => api('chat.postMessage')(c) && (c.json as { thread_ts?: string }).thread_ts === ts);
    expect(text(progress)).toMatch(/^:hourglass_flowing_sand: \d{8}T\d{6}Z-[0-9a-f]{4}: dumping — [\d.]+ (B|KiB) so far/);
    expect((parent.json as { channel: string }).channel).toBe('C0OPS');

    // A second /backup now while this one runs: not started, and it says by whom and since when.
    await postCommand(base, '/backup', 'now', { fields: { user_id: 'U0ONCALL' } });
    const refused = await http.waitFor((c) => api('chat.update')(c) && text(c).startsWith(':no_entry: Not started.'));
    expect(text(refused)).toMatch(/A backup is already running \(\d{8}T\d{6}Z-[0-9a-f]{4}\): started by <@U0ONCALL> at .* ago\)/);

    gated.release();
    const done = await http.waitFor((c) => api('chat.update')(c) && (c.json as { ts: string }).ts === ts, 20_000);
    expect(text(done)).toMatch(/^:white_check_mark: Backup \*\d{8}T\d{6}Z-[0-9a-f]{4}\* succeeded: .* in .*, 12 tables, 61 rows counted in the dump's snapshot\.\npg_restore --list read it back/);
    expect(http.unmatched).toEqual([]);
    await expect
      .poll(async () => (await db.pool.query<{ actor: string; outcome: string }>(`SELECT actor, outcome FROM opsbot.audit_log WHERE target = '/backup now' ORDER BY id`)).rows)
      .toEqual(expect.arrayContaining([{ actor: 'U0ONCALL', outcome: 'ok' }]));
  });

  it('list is open to the channel, newest first; verify needs on-call and reports every check', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const { base } = await start();
    await postCommand(base, '/backup', 'list', { fields: { user_id: 'U0MANAGER' } });
    const list = await http.waitFor((c) => c.url === RESPONSE_URL && Array.isArray((c.json as { blocks?: unknown }).blocks));
    const blocks = JSON.stringify((list.json as { blocks: unknown }).blocks);
    expect(blocks).not.toContain('verify FAILED');
    expect((list.json as { response_type: string }).response_type).toBe('ephemeral');
    expect(blocks).toMatch(/:white_check_mark: \*\d{8}T\d{6}Z-[0-9a-f]{4}\* — \d+ s ago · [\d.]+ KiB · .* · 12 tables · not verified/);

    await postCommand(base, '/backup', 'verify latest', { fields: { user_id: 'U0MANAGER', response_url: 'https://hooks.slack.test/commands/manager' } });
    const refusal = await http.waitFor((c) => c.url === 'https://hooks.slack.test/commands/manager');
    expect(text(refusal)).toMatch(/Only the on-call group/);

    await postCommand(base, '/backup', 'verify latest');
    const verdict = await http.waitFor((c) => api('chat.update')(c) && text(c).includes('verified'), 20_000);
    expect(text(verdict)).toMatch(/^:white_check_mark: Backup \*.*\* verified: restored in .* \(RTO estimate\), 12 tables and 61 rows equal the manifest\./);
    expect(text(verdict)).toContain(':white_check_mark: stored file:');
    expect(text(verdict)).toContain(':white_check_mark: row counts and checksums:');
    expect(http.unmatched).toEqual([]);
  });

  it('bad input is answered in the ack with how to write it; nothing runs', async () => {
    const { base } = await start();
    const res = JSON.parse((await postCommand(base, '/backup', 'verify yesterday')).body);
    expect(res.text).toMatch(/"yesterday" is not a backup id\. Ids look like 20260301T070000Z-3fa2/);
    const help = JSON.parse((await postCommand(base, '/backup', '')).body);
    expect(help.text).toContain('`/backup restore <id|latest> [table …]`');
    await settled({ app: slack!.app, http });
    expect(http.calls).toEqual([]);
  });

  it('restore: a request with the preview and buttons; one approval is not enough; the second brings the rows back', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const { base, svc } = await start();
    expect((await svc.backupNow({ actor: 'U0ONCALL' })).state).toBe('succeeded');
    await db.pool.query(`DELETE FROM public.leads WHERE first_name IN ('Lead 1', 'Lead 2', 'Lead 3')`);
    // The backup is not verified, so the request needs force=yes…
    await postCommand(base, '/backup', 'restore latest leads');
    const refused = await http.waitFor((c) => api('chat.update')(c) && text(c).startsWith('Restore request was not created:'));
    expect(text(refused)).toMatch(/has not been verified, .* add force=yes to request this restore anyway \(the approvers will see that it was forced\)/);
    // …and the approvers see that it was forced.
    await postCommand(base, '/backup', 'restore latest leads force=yes');
    const msg = await http.waitFor((c) => api('chat.update')(c) && blocksOf(c).includes('playbook_approve'));
    const blocks = blocksOf(msg);
    expect(blocks).toContain('FORCED (force=yes): backup');
    expect(blocks).toContain('HAS NOT BEEN VERIFIED');
    expect(blocks).toContain('restore-backup');
    expect(blocks).toContain('needs 2 approvals');
    expect(blocks).toContain('public.leads: 27 rows now → 30 from the backup');
    const requestId = /"value":"([0-9a-f-]{36})"/.exec(blocks)![1]!;
    const at = messageOf(msg);

    await postAction(base, { action_id: 'playbook_approve', value: requestId }, { userId: 'U0ONCALL', ...at, responseUrl: 'https://hooks.slack.test/actions/own' });
    await http.waitFor((c) => c.url === 'https://hooks.slack.test/actions/own' && ephemeralText({ ...c, url: RESPONSE_URL }));
    await postAction(base, { action_id: 'playbook_approve', value: requestId }, { userId: 'U0APPROVER', ...at });
    await http.waitFor((c) => api('chat.update')(c) && blocksOf(c).includes('1 of 2'));
    expect(Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM public.leads')).rows[0]!.n)).toBe(27);
    await postAction(base, { action_id: 'playbook_approve', value: requestId }, { userId: 'U0APPROVER2', ...at });
    const done = await http.waitFor((c) => api('chat.update')(c) && blocksOf(c).includes('Done'), 20_000);
    expect(blocksOf(done)).toMatch(/restored 1 table\(s\) from \d{8}T\d{6}Z-[0-9a-f]{4}/);
    expect(Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM public.leads')).rows[0]!.n)).toBe(30);
  });
});
