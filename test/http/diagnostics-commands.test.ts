// /slowqueries and /db over signed HTTP: the real Bolt receiver and handlers, a real database,
// a strict fake for everything outbound. Checks the ack, who may run them, what reaches Slack
// and the audit log.
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dbCommand } from '../../handlers/db.js';
import { slowqueriesCommand } from '../../handlers/slowqueries.js';
import { createAuthorizer } from '../../src/slack/authz.js';
import { systemClock } from '../../src/core/clock.js';
import { createTargetDb, type TargetDb } from '../../src/db/target.js';
import { createDiagnosticsService, type DiagnosticsService } from '../../src/diagnostics/service.js';
import type { HealthService } from '../../src/health/runner.js';
import { createRedactor } from '../../src/core/redact.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import { LIMITS } from '../../src/slack/blocks.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { settled, trackListeners } from '../support/settle.js';
import { FakeHttp, postCommand, RESPONSE_URL, SIGNING_SECRET, SLACK_API } from '../support/slack.js';

interface SlackMessage {
  response_type?: string;
  text?: string;
  blocks?: { type: string; text?: { text: string } }[];
}

const logger = pino({ level: 'silent' });
let db: TestDatabase;
let target: TargetDb;
let state: StateStore;
let slack: SlackApp | undefined;
let http: FakeHttp;
let runs = 0;

const unusedHealth: HealthService = { run: () => Promise.reject(new Error('not used here')), components: () => [] };

async function start(): Promise<string> {
  const svc = createDiagnosticsService({ db: target, clock: systemClock, timezone: 'America/New_York' });
  const counted: DiagnosticsService = { run: (r) => (runs++, svc.run(r)), runTopic: (t) => (runs++, svc.runTopic(t)), thresholds: () => svc.thresholds() };
  http = new FakeHttp();
  const authz = createAuthorizer(
    { oncallGroup: 'S0ONCALL', approverGroup: undefined, oncallUsers: [], approverUsers: [], allowedChannels: [], cacheTtlMs: 60_000 },
    { usergroupMembers: (g) => Promise.resolve(g === 'S0ONCALL' ? ['U0ONCALL'] : []) },
    systemClock,
    logger,
  );
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
    commands: [slowqueriesCommand({ diagnostics: counted }), dbCommand({ diagnostics: counted })],
    deps: { health: unusedHealth, authz, state, clock: systemClock, logger, timezone: 'America/New_York' },
  });
  trackListeners(slack.app);
  await slack.start(0);
  return `http://127.0.0.1:${slack.receiver!.port()}`;
}

const report = () => http.waitFor((c) => c.url === RESPONSE_URL && Array.isArray((c.json as SlackMessage).blocks));

beforeAll(async () => {
  db = await createTestDatabase();
  target = createTargetDb({ url: db.url, poolMax: 3, statementTimeoutMs: 5000, lockTimeoutMs: 500, connectTimeoutMs: 5000, logger, monotonic: () => performance.now() });
  state = createStateStore({ url: db.url, logger, connectTimeoutMs: 5000 });
});
afterEach(async () => {
  await slack?.stop();
  slack = undefined;
  runs = 0;
});
afterAll(async () => {
  await target.close();
  await state.close();
  await db.drop();
});

describe('/db over signed HTTP', () => {
  it('/db migrations is a declared subcommand like the others: ack, on-call answer to the caller, audit, CLI hint', async () => {
    const base = await start();
    const res = await postCommand(base, '/db', 'migrations');
    expect(JSON.parse(res.body)).toEqual({ response_type: 'ephemeral', text: 'Running `/db migrations`…' });
    const msg = (await report()).json as SlackMessage;
    expect(msg.response_type).toBe('ephemeral');
    expect(msg.blocks?.[0]).toMatchObject({ type: 'header', text: { text: ':large_green_circle: Migrations: OK' } });
    expect(JSON.stringify(msg.blocks)).toContain('no supabase_migrations.schema_migrations table');
    expect(JSON.stringify(msg.blocks?.at(-1))).toContain('opsbot db migrations --json');
    await expect
      .poll(async () => (await db.pool.query<{ actor: string }>(`SELECT actor, outcome, detail->>'topic' AS topic FROM opsbot.audit_log WHERE target = '/db'`)).rows)
      .toContainEqual({ actor: 'U0ONCALL', outcome: 'ok', topic: 'migrations' });
  });

  it('acks at once, then sends the report only to the caller and records it in the audit log', async () => {
    const base = await start();
    const res = await postCommand(base, '/db', 'locks');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ response_type: 'ephemeral', text: 'Running `/db locks`…' });
    const msg = (await report()).json as SlackMessage;
    expect(msg.response_type).toBe('ephemeral');
    expect(msg.blocks?.[0]).toMatchObject({ type: 'header', text: { text: ':large_green_circle: Locks: OK' } });
    expect(JSON.stringify(msg.blocks)).toContain(`No session is waiting on a lock in ${db.name}.`);
    expect(msg.blocks?.at(-1)?.type).toBe('context');
    expect(JSON.stringify(msg.blocks?.at(-1))).toContain('opsbot db locks --json');
    expect(http.unmatched).toEqual([]);
    await expect
      .poll(async () => (await db.pool.query<{ actor: string }>(`SELECT actor, outcome, detail->>'topic' AS topic FROM opsbot.audit_log WHERE target = '/db'`)).rows)
      .toContainEqual({ actor: 'U0ONCALL', outcome: 'ok', topic: 'locks' });
  });

  it('answers a bad or missing topic in the ack with the usage, and runs nothing', async () => {
    const base = await start();
    const bad = JSON.parse((await postCommand(base, '/db', 'lcoks')).body);
    expect(bad).toMatchObject({ response_type: 'ephemeral' });
    expect(bad.text).toMatch(/don't know "lcoks".*\/db connections \| locks \| long \[seconds\]/s);
    const empty = JSON.parse((await postCommand(base, '/db', '')).body);
    expect(empty.text).toMatch(/^Usage: `\/db connections/);
    await settled({ app: slack!.app, http });
    expect(http.calls).toEqual([]);
    expect(runs).toBe(0);
  });

  it('refuses someone outside the on-call group without touching the database', async () => {
    const base = await start();
    await postCommand(base, '/db', 'connections', { fields: { user_id: 'U0MANAGER' } });
    const refusal = await http.waitFor((c) => c.url === RESPONSE_URL && !!(c.json as SlackMessage).text?.includes('may run this'));
    expect((refusal.json as SlackMessage).response_type).toBe('ephemeral');
    expect((refusal.json as SlackMessage).text).toContain('<!subteam^S0ONCALL>');
    expect(runs).toBe(0);
    await expect
      .poll(async () => (await db.pool.query<{ outcome: string }>(`SELECT outcome FROM opsbot.audit_log WHERE target = '/db' AND actor = 'U0MANAGER'`)).rows)
      .toEqual([{ outcome: 'refused' }]);
  });

  it('keeps a report about 300 tables within Slack’s limits and says how many were not listed', async () => {
    await db.pool.query(`
      DO $$ BEGIN
        FOR i IN 1..300 LOOP
          EXECUTE format('CREATE TABLE public.%I (id bigint PRIMARY KEY, organization_id uuid REFERENCES public.organizations (id), note text)', 'dealer_branch_table_' || i);
        END LOOP;
      END $$;
    `);
    const base = await start();
    await postCommand(base, '/db', 'indexes');
    const msg = (await report()).json as SlackMessage;
    expect(msg.blocks!.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    for (const b of msg.blocks!) if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    const text = JSON.stringify(msg.blocks);
    expect(text).toMatch(/3\d\d foreign keys without an index/);
    expect(text).toMatch(/…and \d{3} more not listed/);
    expect(text).toContain('CREATE INDEX CONCURRENTLY ON public.dealer_branch_table_');
  });
});

describe('/slowqueries over signed HTTP', () => {
  it('without pg_stat_statements tells the caller the exact statement that enables it', async () => {
    const base = await start();
    const res = await postCommand(base, '/slowqueries', 'mean 5');
    expect(JSON.parse(res.body)).toEqual({ response_type: 'ephemeral', text: 'Running `/slowqueries mean 5`…' });
    const msg = (await report()).json as SlackMessage;
    expect(msg.blocks?.[0]).toMatchObject({ text: { text: ':white_circle: Slow queries by mean time per call: UNKNOWN' } });
    expect(JSON.stringify(msg.blocks)).toContain('CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA extensions;');
  });

  it('rejects a limit over 500 in the ack', async () => {
    const base = await start();
    const res = JSON.parse((await postCommand(base, '/slowqueries', 'calls 501')).body);
    expect(res.text).toMatch(/between 1 and 500/);
    expect(runs).toBe(0);
  });
});
