// /health outage end to end: a signed /health outage whose report (status page with an incident in
// our region, DNS through a fake resolver, SELECT 1 on the real database, the front end) is posted
// in the channel with the next steps and the runbook's failover steps; `opsbot health outage
// --json` as a real process against the local workspace's stand-in (its status page summary and
// front end, the real database — every host an IP, so no DNS query leaves the machine); and the
// stand-in's summary following the simulated world.
import { execFile } from 'node:child_process';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildOutageService, buildTargetDb } from '../../src/app/health.js';
import { loadConfig } from '../../src/app/config.js';
import { systemClock } from '../../src/core/clock.js';
import type { TargetDb } from '../../src/db/target.js';
import type { DnsResolver } from '../../src/health/dns.js';
import type { OutageReport } from '../../src/health/outage-types.js';
import { statusPageCheck } from '../../src/health/statuspage.js';
import { createSimulatedSupabase, LOCAL_REGION } from '../../src/local/supabase/server.js';
import { createWorld } from '../../src/local/supabase/world.js';
import { healthyUpstreams, startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { FakeHttp, jsonResponse, postCommand, RESPONSE_URL } from '../support/slack.js';
import { SUMMARY_WITH_INCIDENT } from '../support/statuspage.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const STATUS = 'https://status.supabase.test';
let db: TestDatabase;
let bot: TestBot | undefined;
let target: TargetDb | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await target?.close();
  target = undefined;
});
afterAll(async () => {
  await db.drop();
});

const resolver = (): DnsResolver => ({
  resolve4: (h) => (h === 'app.autorepai.test' ? Promise.resolve(['203.0.113.7']) : Promise.reject(Object.assign(new Error('nx'), { code: 'ENOTFOUND' }))),
  resolve6: () => Promise.reject(Object.assign(new Error('nodata'), { code: 'ENODATA' })),
  resolveCname: () => Promise.reject(Object.assign(new Error('nodata'), { code: 'ENODATA' })),
  cancel: () => undefined,
});

interface Posted {
  response_type?: string;
  text?: string;
  blocks?: { type: string; text?: { text: string } }[];
}

describe('/health outage over signed HTTP', () => {
  it('posts the four checks in the channel, then the next steps and the failover steps', async () => {
    const env = testEnv(db.url, { STATUS_PAGE_URL: STATUS, SUPABASE_REGION: 'us-east-1' });
    const http = healthyUpstreams(new FakeHttp()).on((c) => (c.url === `${STATUS}/api/v2/summary.json` ? jsonResponse(SUMMARY_WITH_INCIDENT) : undefined));
    const config = loadConfig(env, 'bot');
    const logger = pino({ level: 'silent' });
    target = buildTargetDb(config, logger, systemClock);
    const outage = buildOutageService({ config, db: target, fetch: http.fetch, clock: systemClock, logger, resolver });
    bot = await startTestBot({ env, http, outage });

    const res = await postCommand(bot.baseUrl, '/health', 'outage');
    expect(JSON.parse(res.body)).toMatchObject({ response_type: 'ephemeral', text: 'Running the outage checks (status page, DNS, database, front end)…' });
    const posted = await bot.http.waitFor((c) => c.url === RESPONSE_URL && (c.json as Posted).response_type === 'in_channel');
    const msg = posted.json as Posted;
    const text = JSON.stringify(msg.blocks);
    expect(msg.text).toBe('Outage checks: CRITICAL (statuspage critical, dns critical, database ok, frontend ok)');
    expect(text).toContain('Elevated connection errors to databases in us-east-1');
    expect(text).toMatch(/App app\.autorepai\.test\*: A 203\.0\.113\.7/);
    expect(text).toMatch(/Supabase project proj\.supabase\.test\*: NXDOMAIN/);
    expect(text).toMatch(/SELECT 1\*: answered in/);
    expect(text).toContain('Supabase reports a problem that touches us');
    expect(text).toContain('Failover (runbook)');
    expect(bot.http.unmatched).toEqual([]);
  });

  it('`/health outage now` is refused in the ack with the usage, running nothing', async () => {
    bot = await startTestBot({ env: testEnv(db.url) });
    const res = await postCommand(bot.baseUrl, '/health', 'outage now');
    expect(JSON.parse(res.body).text).toMatch(/`\/health outage` takes no arguments/);
  });
});

describe('the local workspace status page', () => {
  it('serves a Statuspage summary that follows the simulated world', async () => {
    const world = createWorld();
    const sim = createSimulatedSupabase({
      world,
      keys: { anonKey: 'sb_publishable_x', serviceRoleKey: 'sb_secret_x', accessToken: 'sbp_x' },
      projectRef: 'localproject',
      functionName: 'ai-chat',
      targetUrl: db.url,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
    });
    await sim.listen(0);
    try {
      const check = statusPageCheck({ baseUrl: sim.statusPageUrl, region: LOCAL_REGION, fetch, clock: systemClock });
      const ctx = { signal: new AbortController().signal, timeoutMs: 3000 };
      expect((await check.run(ctx)).map((i) => [i.key, i.status])).toEqual([
        ['indicator', 'ok'],
        ['components', 'ok'],
        ['incidents', 'ok'],
      ]);
      world.authUp = false;
      const items = await check.run(ctx);
      expect(items.find((i) => i.key === 'components')).toMatchObject({ status: 'critical', value: 'Auth: major outage' });
    } finally {
      await sim.close();
    }
  });

  it('`opsbot health outage --json` runs against it as a real process', async () => {
    const world = createWorld();
    world.frontendUp = false;
    const sim = createSimulatedSupabase({
      world,
      keys: { anonKey: 'sb_publishable_anon-key-for-cli-tests-0123456789', serviceRoleKey: 'sb_secret_x', accessToken: 'sbp_x' },
      projectRef: 'localproject',
      functionName: 'ai-chat',
      targetUrl: db.url,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
    });
    await sim.listen(0);
    try {
      const env = { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, APP_URL: sim.appUrl, SUPABASE_URL: sim.supabaseUrl, STATUS_PAGE_URL: sim.statusPageUrl, SUPABASE_REGION: LOCAL_REGION };
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['bin/opsbot.js', 'health', 'outage', '--json'], { cwd: root, env, timeout: 30_000 }, (err, stdout, stderr) => {
          const code = err ? (err as { code?: number }).code : 0;
          resolve({ code: typeof code === 'number' ? code : 99, stdout, stderr });
        });
      });
      expect(r.stderr).toBe('');
      const report = JSON.parse(r.stdout) as OutageReport;
      expect(report.checks.map((c) => [c.key, c.status])).toEqual([
        ['statuspage', 'ok'],
        ['dns', 'ok'],
        ['database', 'ok'],
        ['frontend', 'critical'],
      ]);
      expect(report.nextSteps[0]).toMatch(/Only the front end is down/);
      expect(report.failover.length).toBeGreaterThan(3);
      expect(r.code).toBe(2);
    } finally {
      await sim.close();
    }
  });
});
