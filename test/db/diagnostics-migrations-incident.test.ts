// Recent migrations cross-referenced on an incident (runbook "Database Migrations": the usual
// suspect after a deploy): a service-outage war room's first steps offer `/db migrations`; run
// from there, the timeline line names the migrations applied in the last 24 h.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { settled } from '../support/settle.js';
import { postCommand } from '../support/slack.js';
import { click, DECLARE_VALUES, openedForm, postsTo, submitDeclare, textOf, warRoomRoutes } from '../support/incident-slack.js';

let db: TestDatabase;
let bot: TestBot | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(`CREATE SCHEMA supabase_migrations;
    CREATE TABLE supabase_migrations.schema_migrations (version text PRIMARY KEY, statements text[], name text, inserted_at timestamptz)`);
  await db.pool.query(
    `INSERT INTO supabase_migrations.schema_migrations (version, name, inserted_at) VALUES
      ('20260101090000', 'create_leads', now() - interval '60 days'), ('20261207080000', 'drop_leads_status_index', now() - interval '2 hours')`,
  );
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});
afterAll(async () => {
  await db.drop();
});

describe('recent migrations on an incident', () => {
  it('a service outage offers /db migrations; its timeline line names the migration of the last 24 h', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    const b = bot;
    warRoomRoutes(b.http, { channelId: 'C0OUT' });
    await postCommand(b.baseUrl, '/incident', 'declare app is down', { fields: { user_id: 'U0ONCALL' } });
    const form = await openedForm(b);
    await submitDeclare([b], { viewId: 'VOUT', user: 'U0ONCALL', meta: form.meta, values: DECLARE_VALUES({ title: 'App is down', severity: 'P0', kind: 'service_outage', impact: 'Nobody can sign in' }) });
    await settled(b);
    const id = (await b.bot.incidents.byChannel('C0OUT'))!.id;
    const steps = textOf(postsTo(b, 'C0OUT').find((c) => textOf(c).includes('incident.step.'))!);
    expect(steps).toContain('incident.step.outage');
    expect(steps).toContain('incident.step.migrations');

    await click(b, 'incident.step.migrations', `${id}:migrations`, 'U0ONCALL', 'C0OUT');
    await settled(b);
    // The command's audit row is written in the background, after the answer.
    const ran = () => b.bot.incidents.timeline(id).then((t) => t.find((e) => e.action === 'command' && e.target === '/db')?.text);
    await expect.poll(ran, { timeout: 5000 }).toBe('ran `/db migrations`: OK — 1 migration applied in the last 24 h: 20261207080000 drop_leads_status_index');
  });
});
