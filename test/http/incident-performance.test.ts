// A P1 performance incident: its first steps run /slowqueries total, /db locks and /db long in the
// war room (the declared commands, with their on-call rule), each result posted there and on the
// timeline.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { settled } from '../support/settle.js';
import { postCommand } from '../support/slack.js';
import { click, DECLARE_VALUES, isMethod, openedForm, postsTo, submitDeclare, textOf, warRoomRoutes } from '../support/incident-slack.js';

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

/** Polls `f` until it is true, for at most 10 s. */
async function until(f: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met within 10 s');
}

describe('a P1 performance incident', () => {
  it('runs /slowqueries total, /db locks and /db long from its first steps, in the war room', async () => {
    // Long-running means over 1 s here, so a statement this test holds open counts.
    bot = await startTestBot({ env: testEnv(db.url, { STATUS_CHANNEL_ID: 'C0STATUS', LONG_RUNNING_SECONDS: '1' }) });
    const b = bot;
    warRoomRoutes(b.http, { channelId: 'C0PERF' });
    await postCommand(b.baseUrl, '/incident', 'declare dashboards are slow', { fields: { user_id: 'U0ONCALL' } });
    const form = await openedForm(b);
    expect(JSON.stringify(form.view)).toContain('dashboards are slow');
    await submitDeclare([b], { viewId: 'VPERF', user: 'U0ONCALL', meta: form.meta, values: DECLARE_VALUES({ title: 'Dashboards are slow', severity: 'P1', kind: 'performance', impact: 'Lead lists take 20 s' }) });
    await settled(b);
    const id = (await b.bot.incidents.byChannel('C0PERF'))!.id;
    const steps = postsTo(b, 'C0PERF').find((c) => textOf(c).includes('incident.step.'))!;
    expect(textOf(steps)).toContain('incident.step.slowqueries');
    expect(textOf(steps)).toContain('incident.step.locks');
    expect(textOf(steps)).toContain('incident.step.long');

    // Someone outside on-call is refused, as /db locks would refuse them; nothing runs.
    await click(b, 'incident.step.locks', `${id}:locks`, 'U0NOBODY', 'C0PERF');
    const refused = await b.http.waitFor((c) => c.url.endsWith('/incident.step.locks/U0NOBODY'));
    expect((refused.json as { text: string }).text).toMatch(/Only the on-call group/);

    const posted = postsTo(b, 'C0PERF').length;
    await click(b, 'incident.step.slowqueries', `${id}:slowqueries`, 'U0ONCALL', 'C0PERF');
    await click(b, 'incident.step.locks', `${id}:locks`, 'U0ONCALL', 'C0PERF');
    await settled(b);
    const results = postsTo(b, 'C0PERF').slice(posted).map(textOf);
    expect(results).toHaveLength(2);
    expect(results.some((t) => /pg_stat_statements/.test(t))).toBe(true);
    expect(results.some((t) => /opsbot db locks/.test(t))).toBe(true);
    // A button in another channel does not run the step.
    await click(b, 'incident.step.locks', `${id}:locks`, 'U0ONCALL', 'C0OPS');
    const elsewhere = await b.http.waitFor((c) => c.url.endsWith('/incident.step.locks/U0ONCALL'));
    expect((elsewhere.json as { text: string }).text).toMatch(/works only in INC-\d+'s channel <#C0PERF>/);
    await settled(b);

    // An application statement running for a while: the Long-running step lists it by pid.
    const app = new pg.Client({ connectionString: db.url, application_name: 'dealer-portal' });
    await app.connect();
    const pid = (await app.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const sleeping = app.query('SELECT pg_sleep(120) /* lead list export */').catch((err: unknown) => err);
    try {
      await until(async () => {
        const r = await db.pool.query<{ s: number }>(`SELECT EXTRACT(EPOCH FROM now() - query_start)::float AS s FROM pg_stat_activity WHERE pid = $1 AND state = 'active'`, [pid]);
        return (r.rows[0]?.s ?? 0) > 1.5;
      });
      const before = postsTo(b, 'C0PERF').length;
      await click(b, 'incident.step.long', `${id}:long`, 'U0ONCALL', 'C0PERF');
      await settled(b);
      const long = postsTo(b, 'C0PERF').slice(before).map(textOf);
      expect(long).toHaveLength(1);
      expect(long[0]).toContain('Statements running over 1 s');
      expect(long[0]).toContain(`pid ${pid} running`);
      // Who runs it, and the statement with its literals and comments taken out.
      expect(long[0]).toContain('app dealer-portal');
      expect(long[0]).toContain('`SELECT pg_sleep(?)`');
      expect(long[0]).toContain(`terminate-backend pid=${pid}`);
    } finally {
      await db.pool.query('SELECT pg_cancel_backend($1)', [pid]);
      await sleeping;
      await app.end();
    }

    const timeline = await b.bot.incidents.timeline(id);
    const commands = timeline.filter((e) => e.action === 'command').map((e) => e.target);
    expect(commands).toEqual(expect.arrayContaining(['/slowqueries', '/db']));
    const ran = timeline.filter((e) => e.action === 'command' && e.actor === 'U0ONCALL' && e.outcome === 'ok').map((e) => e.text);
    expect(ran).toEqual(expect.arrayContaining([expect.stringMatching(/^ran `\/slowqueries total`/), expect.stringMatching(/^ran `\/db locks`/), 'ran `/db long`: WARN']));
    expect(b.http.calls.filter(isMethod('chat.postMessage')).every((c) => !textOf(c).includes('SECRET'))).toBe(true);
  });
});
