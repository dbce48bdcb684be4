// A P1 authentication-issues incident: its first steps run the failed-login report (/health auth)
// and /logs summarize auth in the war room, as declared, and each result lands on the timeline.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_STEPS } from '../../src/incidents/checklists.js';
import { AUTH_SET, labelledSet, WINDOW_START } from '../fixtures/logs/supabase-sets.js';
import { authConfigBody } from '../fixtures/supabase-platform.js';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { settled } from '../support/settle.js';
import { jsonResponse, type RecordedCall } from '../support/slack.js';
import { channelOf, click, DECLARE_VALUES, declareRoom, isMethod, postsTo, textOf, warRoomRoutes } from '../support/incident-slack.js';

let db: TestDatabase;
let bot: TestBot | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});
afterAll(async () => {
  await db.drop();
});

const ROOM = 'C0AUTH';
const REF = 'abcdefghijklmnopqrst';
const API = `https://api.supabase.com/v1/projects/${REF}`;

/** Polls `f` until it returns something (the audit row of a command is written after its answer), for at most 10 s. */
async function until<T>(f: () => Promise<T | undefined>): Promise<T | undefined> {
  for (let i = 0; i < 200; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

describe('a P1 authentication-issues incident', () => {
  it('runs the failed-login report (/health auth) and /logs summarize auth from its first steps; both land on the timeline', async () => {
    // 14 failed sign-ins in one minute (above the default 10 per minute), 30 good ones, and old failures that do not count.
    await db.pool.query(`
      DELETE FROM auth.audit_log_entries;
      INSERT INTO auth.audit_log_entries (id, payload, created_at)
      SELECT gen_random_uuid(), json_build_object('action', 'login_failed', 'actor_username', 'dealer' || g || '@test.com'), date_trunc('minute', now()) - interval '1 minute'
      FROM generate_series(1, 14) g;
      INSERT INTO auth.audit_log_entries (id, payload, created_at)
      SELECT gen_random_uuid(), json_build_object('action', 'login'), now() - interval '2 minutes' FROM generate_series(1, 30);
      INSERT INTO auth.audit_log_entries (id, payload, created_at)
      SELECT gen_random_uuid(), json_build_object('action', 'login_failed'), now() - interval '3 hours' FROM generate_series(1, 50);
    `);
    bot = await startTestBot({ env: testEnv(db.url, { STATUS_CHANNEL_ID: 'C0STATUS', SUPABASE_ACCESS_TOKEN: 'sbp_0123456789abcdef0123456789abcdef', SUPABASE_PROJECT_REF: REF }) });
    const b = bot;
    warRoomRoutes(b.http, { channelId: ROOM });
    // GoTrue's logs through the Management API, in Supabase's shape; the auth config for /health auth.
    // The fixture's hour is moved to start 30 min ago; like Supabase, the fake answers only the rows in the asked window.
    const shift = (Date.now() - 30 * 60_000 - WINDOW_START) * 1000;
    const logs = labelledSet(AUTH_SET, 400).lines.map((l) => {
      const row = JSON.parse(l) as { timestamp: number };
      return { ...row, timestamp: row.timestamp + shift };
    });
    const logQueries: { sql: string; start: number; end: number }[] = [];
    b.http.on((c: RecordedCall) => {
      if (!c.url.startsWith(`${API}/analytics/endpoints/logs.all`)) return undefined;
      const q = new URL(c.url).searchParams;
      const sql = q.get('sql') ?? '';
      const window = { start: Date.parse(q.get('iso_timestamp_start') ?? ''), end: Date.parse(q.get('iso_timestamp_end') ?? '') };
      logQueries.push({ sql, ...window });
      const offset = Number(/offset (\d+)/.exec(sql)?.[1] ?? 0);
      const limit = Number(/limit (\d+)/.exec(sql)?.[1] ?? 1000);
      const rows = logs.filter((r) => r.timestamp >= window.start * 1000 && r.timestamp <= window.end * 1000);
      return jsonResponse({ result: /from auth_logs/.test(sql) ? rows.slice(offset, offset + limit) : [] });
    });
    b.http.on((c) => (c.url === `${API}/config/auth` ? jsonResponse(authConfigBody({ siteUrl: 'https://app.autorepai.test', allowList: 'https://app.autorepai.test/**' })) : undefined));

    const id = await declareRoom(b, { viewId: 'VAUTH1', values: DECLARE_VALUES({ title: 'Dealers cannot sign in', severity: 'P1', kind: 'auth_issues', impact: 'Sign-in loops back to the login page' }) });

    // The first steps are the kind's declared steps, one button each.
    const steps = postsTo(b, ROOM).find((c) => textOf(c).includes('incident.step.'))!;
    expect(FIRST_STEPS.auth_issues.steps.map((s) => `${s.command} ${s.text}`)).toEqual(['/health auth', '/logs summarize auth']);
    expect(textOf(steps)).toContain('incident.step.auth');
    expect(textOf(steps)).toContain('incident.step.authlogs');
    expect(textOf(steps)).toContain('`/health auth`');
    expect(textOf(steps)).toContain('`/logs summarize auth`');

    // The failed-login report: Auth health with the failed sign-ins of the last hour, in the war room.
    const posted = postsTo(b, ROOM).length;
    await click(b, 'incident.step.auth', `${id}:auth`, 'U0ONCALL', ROOM);
    await settled(b);
    const health = postsTo(b, ROOM).slice(posted).map(textOf);
    expect(health).toHaveLength(1);
    expect(health[0]).toContain('Failed sign-ins (last 60 min)');
    expect(health[0]).toContain('14 (peak 14 in one minute)');
    expect(health[0]).toMatch(/GoTrue v2\.180\.0/);

    // The auth log summary: GoTrue's rows read from auth_logs, summarized (offline, labelled), in the war room.
    await click(b, 'incident.step.authlogs', `${id}:authlogs`, 'U0ONCALL', ROOM);
    const summary = await b.http.waitFor((c) => isMethod('chat.postMessage')(c) && channelOf(c) === ROOM && textOf(c).includes('Log summary'), 30_000);
    await settled(b);
    expect(postsTo(b, ROOM).slice(posted)).toHaveLength(2);
    expect(logQueries).toHaveLength(1);
    expect(logQueries[0]!.sql).toMatch(/^select id, timestamp, event_message, metadata from auth_logs /);
    expect(logQueries[0]!.end - logQueries[0]!.start).toBe(30 * 60_000);
    expect(textOf(summary)).toContain('Supabase auth logs, last 30 min');
    expect(textOf(summary)).toContain('Offline summary, no AI');
    expect(textOf(summary)).toContain('400: Invalid login credentials');

    // Both on the timeline, as the bot's own sentences: the report's status and the summary's headline.
    const healthEntry = await until(async () => (await b.bot.incidents.timeline(id)).find((e) => e.action === 'command' && e.target === '/health'));
    expect(healthEntry).toMatchObject({ actor: 'U0ONCALL', outcome: 'ok' });
    expect(healthEntry?.text).toBe('ran `/health auth`: WARN');
    const logsEntry = await until(async () => (await b.bot.incidents.timeline(id)).find((e) => e.action === 'command' && e.target === '/logs summarize'));
    expect(logsEntry?.actor).toBe('U0ONCALL');
    expect(logsEntry?.detail).toMatchObject({ source: 'auth', summarizer: 'offline', headline: expect.any(String) });
    expect(logsEntry?.text).toMatch(/^ran `\/logs summarize auth` — /);
    expect(textOf(summary)).toContain(logsEntry!.text.split(' — ')[1]);
  });
});
