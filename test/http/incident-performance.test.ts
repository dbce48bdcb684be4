// A P1 performance incident: its first steps run /slowqueries total and /db locks in the war room
// (the declared commands, with their on-call rule), each result posted there and on the timeline.
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

describe('a P1 performance incident', () => {
  it('runs /slowqueries total and /db locks from its first steps, in the war room', async () => {
    bot = await startTestBot({ env: testEnv(db.url, { STATUS_CHANNEL_ID: 'C0STATUS' }) });
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

    const timeline = await b.bot.incidents.timeline(id);
    const commands = timeline.filter((e) => e.action === 'command').map((e) => e.target);
    expect(commands).toEqual(expect.arrayContaining(['/slowqueries', '/db']));
    expect(b.http.calls.filter(isMethod('chat.postMessage')).every((c) => !textOf(c).includes('SECRET'))).toBe(true);
  });
});
