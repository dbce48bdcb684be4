// The database and auth health checks against a real Postgres shaped like Supabase.
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/app/config.js';
import { createTargetDb, type TargetDb } from '../../src/db/target.js';
import { authCheck } from '../../src/health/auth.js';
import { databaseCheck } from '../../src/health/database.js';
import { createHealthService } from '../../src/health/runner.js';
import type { HealthItem, HealthReport } from '../../src/health/types.js';
import { healthBlocks } from '../../src/render/health-blocks.js';
import { LIMITS } from '../../src/slack/blocks.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const silent = pino({ level: 'silent' });
let db: TestDatabase;
let target: TargetDb;

function thresholds(overrides: Record<string, string> = {}) {
  // The database check needs no other setting (the CLI's `opsbot health db` loads the same way).
  return loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/x', ...overrides }, 'cli', ['DATABASE_URL']).thresholds;
}

function makeTarget(url: string, opts: Partial<{ statementTimeoutMs: number; lockTimeoutMs: number }> = {}): TargetDb {
  return createTargetDb({
    url,
    poolMax: 3,
    statementTimeoutMs: opts.statementTimeoutMs ?? 5000,
    lockTimeoutMs: opts.lockTimeoutMs ?? 500,
    connectTimeoutMs: 5000,
    logger: silent,
    monotonic: () => performance.now(),
  });
}

const item = (items: HealthItem[], key: string) => {
  const found = items.find((i) => i.key === key);
  if (!found) throw new Error(`no item ${key} in ${items.map((i) => i.key).join(', ')}`);
  return found;
};

beforeAll(async () => {
  db = await createTestDatabase();
  target = makeTarget(db.url);
});
afterAll(async () => {
  await target.close();
  await db.drop();
});

describe('database health check', () => {
  it('reports every runbook metric with value, threshold and status', async () => {
    const items = await databaseCheck({ db: target, clock: systemClock, thresholds: thresholds() }).run({
      signal: new AbortController().signal,
      timeoutMs: 5000,
    });
    expect(items.map((i) => i.key)).toEqual([
      'ping',
      'connections',
      'idle_in_transaction',
      'long_running',
      'storage',
      'cache_hit',
      'xid_age',
      'largest_tables',
    ]);
    for (const i of items) {
      expect(i.value).not.toBe('');
      expect(i.threshold).not.toBe('');
    }
    expect(item(items, 'connections').threshold).toContain('warn ≥ 40, critical ≥ 50');
    expect(item(items, 'storage').status).toBe('ok');
    expect(item(items, 'storage').threshold).toContain('8.00 GiB');
    const tables = item(items, 'largest_tables').data?.tables as { schema: string; name: string }[];
    expect(tables.length).toBe(10);
    expect(tables.map((t) => `${t.schema}.${t.name}`)).toContain('auth.users');
  });

  it('flags storage against the configured limit (warn 80 %, critical 90 %)', async () => {
    const { rows } = await db.pool.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
    const size = Number(rows[0]!.bytes);
    const run = (limit: number) =>
      databaseCheck({ db: target, clock: systemClock, thresholds: thresholds({ DB_STORAGE_LIMIT_BYTES: String(limit) }) }).run({
        signal: new AbortController().signal,
        timeoutMs: 5000,
      });
    expect(item(await run(Math.floor(size / 0.85)), 'storage').status).toBe('warn');
    const critical = item(await run(Math.floor(size / 0.95)), 'storage');
    expect(critical.status).toBe('critical');
    expect(critical.advice).toMatch(/purge|VACUUM|upgrade/);
  });

  it('counts sessions idle in a transaction and long statements, but not the bot’s own', async () => {
    const idleTx = new pg.Client({ connectionString: db.url, application_name: 'app-leaky' });
    const long = new pg.Client({ connectionString: db.url, application_name: 'app-report' });
    const ownIdleTx = new pg.Client({ connectionString: db.url, application_name: 'opsbot/other' });
    await Promise.all([idleTx.connect(), long.connect(), ownIdleTx.connect()]);
    try {
      await idleTx.query('BEGIN');
      await idleTx.query('SELECT 1');
      await ownIdleTx.query('BEGIN');
      await ownIdleTx.query('SELECT 1');
      const sleeping = long.query('SELECT pg_sleep(3)').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1300));
      const items = await databaseCheck({
        db: target,
        clock: systemClock,
        thresholds: thresholds({ IDLE_IN_TRANSACTION_SECONDS: '1', LONG_RUNNING_SECONDS: '1' }),
      }).run({ signal: new AbortController().signal, timeoutMs: 5000 });
      const idle = item(items, 'idle_in_transaction');
      const longItem = item(items, 'long_running');
      expect(idle.status).toBe('warn');
      expect(longItem.status).toBe('warn');
      // Other test files share the server, so count what is ours: our leaky session is counted,
      // the opsbot-named one is not.
      const { rows } = await db.pool.query<{ application_name: string }>(
        `SELECT application_name FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND now() - state_change > interval '1 second'`,
      );
      const others = rows.filter((r) => !r.application_name.startsWith('opsbot')).length;
      expect(idle.data?.count).toBe(others);
      expect(rows.some((r) => r.application_name === 'opsbot/other')).toBe(true);
      expect(longItem.value).toMatch(/longest/);
      await sleeping;
    } finally {
      await Promise.all([idleTx.end(), long.end(), ownIdleTx.end()]);
    }
  });

  // One locked table must not make the informational "largest tables" item time out and turn
  // the whole Database component UNKNOWN.
  const withLockedTable = async (lockSql: string, waitFor: 'granted' | 'queued', body: (lockerPid: number) => Promise<void>) => {
    const reader = new pg.Client({ connectionString: db.url, application_name: 'app-reader' });
    const locker = new pg.Client({ connectionString: db.url, application_name: 'app-migration' });
    await Promise.all([reader.connect(), locker.connect()]);
    const { rows } = await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const lockerPid = rows[0]!.pid;
    let pending: Promise<unknown> = Promise.resolve();
    try {
      if (waitFor === 'queued') {
        // A reader holds ACCESS SHARE, so the migration's ACCESS EXCLUSIVE request queues, and
        // every later reader (our check) would queue behind it.
        await reader.query('BEGIN');
        await reader.query('SELECT count(*) FROM public.leads');
      }
      await locker.query('BEGIN');
      pending = locker.query(lockSql).catch(() => undefined);
      if (waitFor === 'granted') await pending;
      else {
        for (let i = 0; i < 50; i++) {
          const w = await db.pool.query(`SELECT 1 FROM pg_locks WHERE pid = $1 AND NOT granted`, [lockerPid]);
          if (w.rowCount) break;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      await body(lockerPid);
    } finally {
      await reader.query('ROLLBACK').catch(() => undefined);
      await pending;
      await locker.query('ROLLBACK').catch(() => undefined);
      await Promise.all([reader.end(), locker.end()]);
    }
  };

  const runService = async (lockTimeoutMs: number) => {
    const impatient = makeTarget(db.url, { lockTimeoutMs });
    const service = createHealthService({
      checks: [databaseCheck({ db: impatient, clock: systemClock, thresholds: thresholds() })],
      clock: systemClock,
      timeoutMs: 10_000,
      logger: silent,
    });
    return service.run().finally(() => impatient.close());
  };

  it('a table held in ACCESS EXCLUSIVE mode by another session: only "largest tables" says skipped, with the pid; the component keeps its real status', async () => {
    await withLockedTable('LOCK TABLE public.leads IN ACCESS EXCLUSIVE MODE', 'granted', async (pid) => {
      const report = await runService(200);
      const database = report.components[0]!;
      const largest = item(database.items, 'largest_tables');
      expect(largest.value).toContain(`skipped: table locked by pid ${pid} (public.leads)`);
      expect(largest.informational).toBe(true);
      // The other tables are still listed.
      expect(largest.value).toMatch(/auth\.users \d/);
      expect((largest.data?.tables as { name: string }[]).map((t) => t.name)).not.toContain('leads');
      // Every check that matters measured normally…
      for (const key of ['ping', 'connections', 'storage', 'cache_hit', 'xid_age']) expect(item(database.items, key).status).not.toBe('unknown');
      // …and the component's status is theirs, not UNKNOWN.
      const counted = database.items.filter((i) => i.key !== 'largest_tables').map((i) => i.status);
      expect(database.status).not.toBe('unknown');
      expect(counted).toContain(database.status);
      expect(report.status).toBe(database.status);
      const rendered = JSON.stringify(healthBlocks(report, 'UTC').blocks);
      expect(rendered).toContain(`skipped: table locked by pid ${pid}`);
      expect(rendered).not.toContain('UNKNOWN');
    });
  });

  it('a queued ACCESS EXCLUSIVE request (a migration waiting behind a reader) is skipped too, naming the waiting pid', async () => {
    await withLockedTable('ALTER TABLE public.leads ADD COLUMN opsbot_test_col int', 'queued', async (pid) => {
      const report = await runService(200);
      const database = report.components[0]!;
      expect(item(database.items, 'largest_tables').value).toContain(`skipped: table locked by pid ${pid} (public.leads, waiting for ACCESS EXCLUSIVE)`);
      expect(database.status).not.toBe('unknown');
    });
  });

  it('an informational item that still fails (statement timeout) leaves the component status to the other checks', async () => {
    const report = await createHealthService({
      checks: [
        {
          component: 'database',
          title: 'Database',
          run: () =>
            Promise.resolve([
              { key: 'ping', label: 'Ping', status: 'ok' as const, value: '1 ms', threshold: 'any' },
              { key: 'largest_tables', label: 'Largest', status: 'unknown' as const, value: 'timed out', threshold: 'information', informational: true },
            ]),
        },
      ],
      clock: systemClock,
      timeoutMs: 1000,
      logger: silent,
    }).run();
    expect(report.components[0]!.status).toBe('ok');
  });
});

describe('target database access', () => {
  it('runs diagnostics read-only, named opsbot/<purpose>', async () => {
    await expect(
      target.readOnly('test', async (tx) => {
        await tx.query('queries/health/ping');
        return db.pool.query('SELECT 1');
      }),
    ).resolves.toBeDefined();
    const name = await target.readOnly('probe', async () => {
      const c = await db.pool.query<{ application_name: string }>(
        `SELECT application_name FROM pg_stat_activity WHERE application_name LIKE 'opsbot/probe%'`,
      );
      return c.rows.map((r) => r.application_name);
    });
    expect(name).toEqual(['opsbot/probe']);
  });

  it('refuses writes inside a diagnostic transaction', async () => {
    const c = await db.pool.connect();
    try {
      // The same settings readOnly applies, proven on a direct connection.
      await c.query('BEGIN READ ONLY');
      await expect(c.query(`INSERT INTO public.organizations (name) VALUES ('x')`)).rejects.toThrow(/read-only transaction/);
      await c.query('ROLLBACK');
    } finally {
      c.release();
    }
  });

  it('never holds more than three connections, however many diagnostics run at once', async () => {
    let peak = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        target.readOnly('pool', async () => {
          const { rows } = await db.pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'opsbot/pool'`,
          );
          peak = Math.max(peak, rows[0]!.n);
          await new Promise((r) => setTimeout(r, 20));
        }),
      ),
    );
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(3);
  });
});

describe('auth failed sign-ins', () => {
  it('warns when failed sign-ins peak above 10 in a minute and counts only failures of the last hour', async () => {
    await db.pool.query(`
      INSERT INTO auth.audit_log_entries (id, payload, created_at)
      SELECT gen_random_uuid(), json_build_object('action', 'login_failed', 'actor_username', 'x@test.com'), date_trunc('minute', now()) - interval '1 minute'
      FROM generate_series(1, 12);
      INSERT INTO auth.audit_log_entries (id, payload, created_at)
      SELECT gen_random_uuid(), json_build_object('action', 'login'), now() - interval '2 minutes' FROM generate_series(1, 30);
      INSERT INTO auth.audit_log_entries (id, payload, created_at)
      SELECT gen_random_uuid(), json_build_object('action', 'login_failed'), now() - interval '3 hours' FROM generate_series(1, 50);
    `);
    const items = await authCheck({
      supabaseUrl: 'https://p.supabase.test',
      anonKey: 'anon',
      fetch: () => Promise.resolve(new Response('{"version":"v2"}', { status: 200 })),
      clock: systemClock,
      db: target,
      failedLoginsPerMinuteWarn: 10,
    }).run({ signal: new AbortController().signal, timeoutMs: 5000 });
    const failed = item(items, 'failed_logins');
    expect(failed.status).toBe('warn');
    expect(failed.data).toMatchObject({ total: 12, peakPerMinute: 12 });
    expect(item(items, 'service').status).toBe('ok');
  });
});

describe('Block Kit limits of the report', () => {
  it('a database with 300 tables still yields ≤ 50 blocks and sections ≤ 3000 characters', async () => {
    await db.pool.query(`
      DO $$ BEGIN
        FOR i IN 1..300 LOOP
          EXECUTE format('CREATE TABLE public.%I (id bigint primary key, payload text)', 'dealer_table_with_a_long_name_' || i);
        END LOOP;
      END $$;
    `);
    const service = createHealthService({
      checks: [databaseCheck({ db: target, clock: systemClock, thresholds: thresholds() })],
      clock: systemClock,
      timeoutMs: 5000,
      logger: silent,
    });
    const report = await service.run();
    const msg = healthBlocks(report, 'America/New_York');
    expect(msg.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    for (const b of msg.blocks) {
      if (b.type === 'section') expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.sectionText);
    }
    expect(JSON.stringify(msg.blocks)).toContain('largest tables');
  });

  const synthetic = (items: number): HealthReport => ({
    status: 'warn',
    startedAt: new Date(0).toISOString(),
    durationMs: 10,
    components: [
      {
        component: 'database',
        title: 'Database',
        status: 'warn',
        durationMs: 10,
        items: Array.from({ length: items }, (_, i) => ({
          key: `k${i}`,
          label: `Item ${i}`,
          status: 'warn' as const,
          value: `${String(i).padStart(4, '0')}:${'v'.repeat(2950)}`,
          threshold: 't',
        })),
      },
    ],
  });

  it('at exactly 50 blocks keeps everything', () => {
    // header + component title + 47 items (one section each, as each is close to 3000 chars) + context = 50
    const msg = healthBlocks(synthetic(47), 'UTC');
    expect(msg.blocks).toHaveLength(50);
    const text = JSON.stringify(msg.blocks);
    expect(text).toContain('0046:');
    expect(text).not.toContain('not shown');
  });

  it('one block past the limit is cut to 50 with a note saying what was left out', () => {
    const msg = healthBlocks(synthetic(48), 'UTC');
    expect(msg.blocks).toHaveLength(50);
    const note = JSON.stringify(msg.blocks.at(-2));
    expect(note).toContain('2 more blocks not shown');
    expect(note).toContain('opsbot health --json');
    // The footer with time and duration survives the cut.
    expect(JSON.stringify(msg.blocks.at(-1))).toContain('Checked');
    for (const b of msg.blocks) {
      if (b.type === 'section') expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.sectionText);
    }
  });
});
