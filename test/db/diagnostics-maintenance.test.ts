// /db tables, /db indexes, /db cache and /db wraparound against a real Postgres, the CLI that
// prints them, and what happens when one section's query runs into statement_timeout.
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createTargetDb, type TargetDb } from '../../src/db/target.js';
import { runCli } from '../../src/app/cli/main.js';
import { createDiagnosticsService, type DiagnosticsService } from '../../src/diagnostics/service.js';
import type { DiagnosticReport } from '../../src/diagnostics/types.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const silent = pino({ level: 'silent' });
let db: TestDatabase;
let target: TargetDb;
let svc: DiagnosticsService;

function makeTarget(opts: { statementTimeoutMs?: number; lockTimeoutMs?: number } = {}): TargetDb {
  return createTargetDb({
    url: db.url,
    poolMax: 3,
    statementTimeoutMs: opts.statementTimeoutMs ?? 5000,
    lockTimeoutMs: opts.lockTimeoutMs ?? 500,
    connectTimeoutMs: 5000,
    logger: silent,
    monotonic: () => performance.now(),
  });
}

const section = (r: DiagnosticReport, key: string) => {
  const s = r.sections.find((x) => x.key === key);
  if (!s) throw new Error(`no section ${key} in ${r.sections.map((x) => x.key).join(', ')}`);
  return s;
};
const titles = (r: DiagnosticReport, key: string) => section(r, key).findings.map((f) => f.title);
const stat = async (sql: string, params: unknown[] = []) => Number((await db.pool.query(sql, params)).rows[0]?.n ?? 0);

/** Polls a statistic until it passes `ok` (expect.poll is for tests, not hooks). */
async function waitForStat(sql: string, ok: (n: number) => boolean, timeoutMs = 15_000): Promise<void> {
  for (let waited = 0; ; waited += 100) {
    const n = await stat(sql);
    if (ok(n)) return;
    if (waited > timeoutMs) throw new Error(`statistic never reached its value (${n}): ${sql}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  target = makeTarget();
  svc = createDiagnosticsService({ db: target, clock: systemClock, timezone: 'UTC' });
  await db.pool.query(`
    CREATE TABLE public.churn (id int PRIMARY KEY, payload text) WITH (autovacuum_enabled = false);
    INSERT INTO public.churn SELECT g, md5(g::text) FROM generate_series(1, 5000) g;
    DELETE FROM public.churn WHERE id <= 3000;

    CREATE TABLE public.big_events (id bigint PRIMARY KEY, kind int NOT NULL, code text NOT NULL) WITH (autovacuum_enabled = false);
    INSERT INTO public.big_events SELECT g, g % 50, md5(g::text) FROM generate_series(1, 60000) g;
    CREATE INDEX big_events_code ON public.big_events (code);
    CREATE INDEX big_events_kind ON public.big_events (kind, id);

    CREATE INDEX leads_org_dup ON public.leads (organization_id);
    CREATE INDEX vehicles_org_status ON public.vehicles (organization_id, status);
    CREATE INDEX vehicles_org ON public.vehicles (organization_id);
    CREATE UNIQUE INDEX vehicles_vin_status ON public.vehicles (vin, status);
    CREATE INDEX audit_dup ON auth.audit_log_entries (instance_id);
    CREATE INDEX interactions_lead_created ON public.interactions (lead_id, created_at);
    CREATE INDEX quotes_vehicle_partial ON public.quotes (vehicle_id) WHERE status = 'sent';

    CREATE TABLE public.dups (v int);
    INSERT INTO public.dups VALUES (1), (1);

    CREATE TABLE public.tickets (id serial PRIMARY KEY);
    SELECT setval('public.tickets_id_seq', 2000000000);
    CREATE TABLE public.counters (id smallserial PRIMARY KEY);
    SELECT setval('public.counters_id_seq', 32700);
    CREATE SEQUENCE public.legacy_seq;
    CREATE TABLE public.legacy (id integer DEFAULT nextval('public.legacy_seq'));
    SELECT setval('public.legacy_seq', 2100000000);
  `);
  // A failed concurrent build leaves an invalid index behind.
  const failed = await db.pool.query('CREATE UNIQUE INDEX CONCURRENTLY dups_v_key ON public.dups (v)').then(
    () => 'built',
    (err: Error) => err.message,
  );
  if (!failed.includes('could not create unique index')) throw new Error(`expected the concurrent build to fail, got: ${failed}`);
  // One index scan through big_events_kind, five sequential scans of big_events.
  const c = await db.pool.connect();
  try {
    await c.query('SET enable_seqscan = off');
    await c.query('SELECT count(*) FROM public.big_events WHERE kind = 3');
    await c.query('RESET enable_seqscan');
    for (let i = 0; i < 5; i++) await c.query(`SELECT count(*) FROM public.big_events WHERE code LIKE '%ab%'`);
  } finally {
    c.release();
  }
  // Statistics reach the shared counters within a second or so of each session going idle.
  await waitForStat(`SELECT n_dead_tup AS n FROM pg_stat_user_tables WHERE relname = 'churn'`, (n) => n > 1000);
  await waitForStat(`SELECT idx_scan AS n FROM pg_stat_user_indexes WHERE indexrelname = 'big_events_kind'`, (n) => n > 0);
  await waitForStat(`SELECT seq_scan AS n FROM pg_stat_user_tables WHERE relname = 'big_events'`, (n) => n >= 5);
  await waitForStat(`SELECT n_live_tup AS n FROM pg_stat_user_tables WHERE relname = 'big_events'`, (n) => n >= 60000);
});
afterAll(async () => {
  await target.close();
  await db.drop();
});

describe('/db tables', () => {
  it('flags a table with more than 1000 dead tuples that was never vacuumed', async () => {
    const report = await svc.run({ command: 'db', topic: 'tables' });
    const vacuum = section(report, 'vacuum');
    const churn = vacuum.findings.find((f) => f.title === 'public.churn')!;
    expect(churn.status).toBe('warn');
    expect(churn.data.dead).toBeGreaterThan(1000);
    expect(churn.facts[0]).toMatch(/^[\d,]+ dead tuples \(\d+\.\d %\)$/);
    expect(churn.facts).toContain('AUTOVACUUM DISABLED for this table');
    expect(churn.facts).toContain('last vacuum never');
    expect(churn.facts).toContain('last autovacuum never');
    expect(churn.facts.join(' ')).toMatch(/autovacuum due \(dead tuples; threshold [\d,]+\)/);
    expect(vacuum.status).toBe('warn');
    expect(vacuum.nextStep).toContain('`/playbook run vacuum-analyze tables=public.churn`');
    expect(report.status).toBe('warn');
    expect(report.notes[0]).toMatch(/^Table statistics (since|never reset)/);
  });

  it('lists the largest tables of every schema with their parts', async () => {
    const sizes = section(await svc.run({ command: 'db', topic: 'tables' }), 'sizes');
    expect(sizes.findings[0]!.title).toMatch(/^public\.big_events \d+\.\d+ MiB$/);
    expect(sizes.findings[0]!.facts[0]).toMatch(/^table [\d.]+ MiB$/);
    expect(sizes.findings.map((f) => String(f.data.schema))).toContain('auth');
    expect(sizes.summary).toMatch(/tables in .*auth and storage included/);
  });
});

describe('/db indexes', () => {
  let report: DiagnosticReport;
  beforeAll(async () => {
    report = await svc.run({ command: 'db', topic: 'indexes' });
  });

  it('flags the unused index, not the used one of the same table, nor primary keys', () => {
    expect(titles(report, 'unused')).toContain('public.big_events_code');
    expect(titles(report, 'unused')).not.toContain('public.big_events_kind');
    expect(titles(report, 'unused')).not.toContain('public.big_events_pkey');
    expect(section(report, 'unused').findings[0]!.query).toBe('CREATE INDEX big_events_code ON public.big_events USING btree (code)');
  });

  it('flags identical and prefix-covered indexes, never a unique one covered by a wider index, nor auth’s', () => {
    const dup = section(report, 'duplicate');
    const leads = dup.findings.find((f) => f.title === 'public.leads_org_dup')!;
    expect(leads.facts[0]).toBe('identical to leads_organization_id_idx');
    const vehicles = dup.findings.find((f) => f.title === 'public.vehicles_org')!;
    expect(vehicles.facts[0]).toBe('its columns are a prefix of vehicles_org_status');
    expect(titles(report, 'duplicate')).not.toContain('public.vehicles_vin_key');
    expect(titles(report, 'duplicate').some((t) => t.startsWith('auth.'))).toBe(false);
    expect(dup.status).toBe('warn');
  });

  it('flags the invalid index left by a failed concurrent build', () => {
    const inv = section(report, 'invalid');
    expect(titles(report, 'invalid')).toContain('public.dups_v_key');
    expect(inv.nextStep).toContain('DROP INDEX CONCURRENTLY');
  });

  it('flags foreign keys without an index, with the statement that adds one', () => {
    const fk = section(report, 'foreign_keys');
    const quotes = fk.findings.find((f) => f.title === 'public.quotes (lead_id)')!;
    expect(quotes.facts).toContain('references public.leads');
    expect(quotes.query).toBe('CREATE INDEX CONCURRENTLY ON public.quotes (lead_id);');
    // A partial index does not cover a foreign key; a composite one with it leading does.
    expect(titles(report, 'foreign_keys')).toContain('public.quotes (vehicle_id)');
    expect(titles(report, 'foreign_keys')).not.toContain('public.interactions (lead_id)');
    expect(titles(report, 'foreign_keys').some((t) => t.startsWith('auth.'))).toBe(false);
    expect(fk.nextStep).toContain('CREATE INDEX CONCURRENTLY');
  });

  it('flags a large table read mostly by sequential scans', () => {
    const seq = section(report, 'seq_scans').findings.find((f) => f.title === 'public.big_events')!;
    expect(seq.status).toBe('warn');
    expect(Number(seq.data.indexUsePct)).toBeLessThan(95);
    expect(seq.facts[0]).toMatch(/^index use \d+\.\d %$/);
  });

  it('shows how old the scan counts are', () => {
    expect(report.notes[0]).toMatch(/^Scan counts (since|never reset)/);
    expect(report.status).toBe('warn');
  });
});

describe('/db wraparound and /db cache', () => {
  it('flags sequences above 90 % of the column they feed, including a bigint sequence feeding an integer column', async () => {
    const report = await svc.run({ command: 'db', topic: 'wraparound' });
    const seqs = section(report, 'sequences');
    const byName = (n: string) => seqs.findings.find((f) => f.title.startsWith(`public.${n} `))!;
    expect(byName('counters_id_seq').status).toBe('critical');
    expect(byName('tickets_id_seq').status).toBe('warn');
    expect(byName('tickets_id_seq').title).toBe('public.tickets_id_seq 93.13 % used');
    expect(byName('legacy_seq').facts).toContain('feeds public.legacy.id (integer)');
    expect(byName('legacy_seq').facts[0]).toBe('last value 2,100,000,000 of 2,147,483,647');
    expect(report.status).toBe('critical');
    const dbs = section(report, 'databases');
    expect(dbs.status).toBe('ok');
    expect(dbs.threshold).toBe('warn ≥ 50 %, critical ≥ 75 % of 2^31');
    expect(section(report, 'tables').findings.every((f) => !f.title.startsWith('pg_catalog.'))).toBe(true);
  });

  it('reports table and index hit ratios with the statistics’ age', async () => {
    const report = await svc.run({ command: 'db', topic: 'cache' });
    const ratios = section(report, 'ratios');
    expect(ratios.findings.map((f) => f.title)).toEqual([
      expect.stringMatching(/^Tables (\d+\.\d\d %|no reads yet)$/),
      expect.stringMatching(/^Indexes (\d+\.\d\d %|no reads yet)$/),
      expect.stringMatching(/^Whole database \d+\.\d\d %$/),
    ]);
    expect(ratios.threshold).toBe('warn < 99 %, critical < 95 %, judged after 10,000 blocks');
    expect(report.notes[0]).toMatch(/^Block statistics (since|never reset)/);
  });
});

describe('timeouts', () => {
  it('a section exceeding statement_timeout reports "timed out" while the other sections still report', async () => {
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    const impatient = makeTarget({ statementTimeoutMs: 300, lockTimeoutMs: 5000 });
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE public.big_events IN ACCESS EXCLUSIVE MODE');
      const running = createDiagnosticsService({ db: impatient, clock: systemClock }).run({ command: 'db', topic: 'tables' });
      // While it waits, the diagnostic is visible under its own name.
      await expect
        .poll(async () => stat(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'opsbot/db-tables' AND wait_event_type = 'Lock'`), { timeout: 5000, interval: 20 })
        .toBe(1);
      const report = await running;
      const sizes = section(report, 'sizes');
      expect(sizes.status).toBe('unknown');
      expect(sizes.failure?.reason).toBe('timeout');
      expect(sizes.summary).toBe('Timed out (statement_timeout): this part was skipped; the other sections still ran.');
      expect(sizes.nextStep).toContain('/db locks');
      const vacuum = section(report, 'vacuum');
      expect(vacuum.status).toBe('warn');
      expect(vacuum.findings.map((f) => f.title)).toContain('public.churn');
      expect(report.status).toBe('unknown');

      // With the usual settings the lock wait gives up first, and says so.
      const quick = await svc.run({ command: 'db', topic: 'tables' });
      expect(section(quick, 'sizes').summary).toMatch(/^Timed out waiting for a lock \(lock_timeout\)/);
      expect(section(quick, 'vacuum').status).toBe('warn');
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
      await impatient.close();
    }
  });
});

describe('opsbot db', () => {
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { env: { DATABASE_URL: db.url, OPS_TIMEZONE: 'UTC' }, fetch: globalThis.fetch, stdout: (s: string) => (out.stdout += s), stderr: (s: string) => (out.stderr += s) } };
  };

  it('--json prints the report; the exit code follows the worst status', async () => {
    const { out, io: x } = io();
    expect(await runCli(['db', 'wraparound', '--json'], x)).toBe(2);
    const report = JSON.parse(out.stdout) as DiagnosticReport;
    expect(report.command).toBe('/db wraparound');
    expect(report.sections.map((s) => s.key)).toEqual(['databases', 'tables', 'sequences']);
  });

  it('prints plain text with the next step of each section', async () => {
    const { out, io: x } = io();
    expect(await runCli(['db', 'tables'], x)).toBe(1);
    expect(out.stdout).toMatch(/^Tables: WARN {2}\(\/db tables, /);
    expect(out.stdout).toContain('[WARN] public.churn |');
    expect(out.stdout).toContain('-> Next step: Run VACUUM (ANALYZE) on the flagged tables (playbook vacuum-analyze: `/playbook run vacuum-analyze tables=public.churn`)');
  });

  it('answers bad usage with exit code 3 and the terminal’s usage', async () => {
    const { out, io: x } = io();
    expect(await runCli(['db', 'lcoks'], x)).toBe(3);
    expect(out.stderr).toContain('I don\'t know "lcoks"');
    expect(out.stderr).toContain('`opsbot db connections | locks');
    expect(out.stdout).toBe('');
  });
});
