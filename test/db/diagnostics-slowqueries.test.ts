// /slowqueries against a real Postgres: pg_stat_statements found wherever it lives, every
// role's statements, the statistics' age, masked literals, and clear messages when the
// extension or a privilege is missing.
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createTargetDb, type TargetDb } from '../../src/db/target.js';
import { runCli } from '../../src/app/cli/main.js';
import { createDiagnosticsService, type DiagnosticsService } from '../../src/diagnostics/service.js';
import { statementPieces } from '../../src/diagnostics/slow-queries.js';
import type { DiagnosticReport } from '../../src/diagnostics/types.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const silent = pino({ level: 'silent' });
let db: TestDatabase;
let target: TargetDb;
let svc: DiagnosticsService;
const roleName = `opsbot_t_app_${Math.random().toString(36).slice(2, 8)}`;
const rolePassword = 'app-role-pw-0123';

function makeTarget(url: string): TargetDb {
  return createTargetDb({ url, poolMax: 3, statementTimeoutMs: 5000, lockTimeoutMs: 500, connectTimeoutMs: 5000, logger: silent, monotonic: () => performance.now() });
}

function asRole(url: string): string {
  const u = new URL(url);
  u.username = roleName;
  u.password = rolePassword;
  return u.toString();
}

const slow = (sort: 'mean' | 'total' | 'calls' | 'io', limit = 10) => svc.run({ command: 'slowqueries', sort, limit });
const statements = (r: DiagnosticReport) => r.sections.find((s) => s.key === 'statements')!;

beforeAll(async () => {
  db = await createTestDatabase();
  target = makeTarget(db.url);
  svc = createDiagnosticsService({ db: target, clock: systemClock, timezone: 'America/New_York' });
});
afterAll(async () => {
  await target.close();
  await db.drop();
  const admin = new pg.Client({ connectionString: db.serverUrl });
  await admin.connect();
  await admin.query(`DROP ROLE IF EXISTS ${roleName}`).catch(() => undefined);
  await admin.end();
});

describe('/slowqueries without pg_stat_statements', () => {
  it('explains how to enable it, with the exact statement, instead of failing', async () => {
    const report = await slow('total');
    expect(report.status).toBe('unknown');
    const s = statements(report);
    expect(s.failure?.reason).toBe('missing');
    expect(s.summary).toContain('pg_stat_statements is not installed');
    expect(s.nextStep).toContain('CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA extensions;');

    let out = '';
    const code = await runCli(['slowqueries'], { env: { DATABASE_URL: db.url, OPS_TIMEZONE: 'UTC' }, fetch: globalThis.fetch, stdout: (x) => (out += x), stderr: () => undefined });
    expect(code).toBe(3);
    expect(out).toContain('CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA extensions;');
  });
});

describe('/slowqueries with pg_stat_statements in schema extensions (as on Supabase)', () => {
  beforeAll(async () => {
    await db.pool.query('CREATE EXTENSION pg_stat_statements SCHEMA extensions');
    await db.pool.query(`CREATE FUNCTION public.dealer_report() RETURNS int LANGUAGE sql AS 'SELECT 1 FROM pg_sleep(0.25)'`);
    const app = new pg.Client({ connectionString: db.url, application_name: 'app-reports' });
    await app.connect();
    try {
      for (let i = 0; i < 5; i++) await app.query('SELECT public.dealer_report()');
      // A cheap statement called 10,000 times (queued on one connection; node-pg sends them in turn).
      await Promise.all(Array.from({ length: 10_000 }, (_, i) => app.query('SELECT count(*) FROM public.vehicles WHERE year = $1', [1990 + (i % 30)])));
    } finally {
      await app.end();
    }
  });

  it('puts the slow function on top of `mean`, flags it over 100 ms and shows the statistics’ age', async () => {
    const report = await slow('mean', 5);
    const top = statements(report).findings[0]!;
    expect(top.query).toContain('SELECT public.dealer_report()');
    expect(top.title).toMatch(/^#1 · \d+ ms mean$/);
    expect(top.status).toBe('warn');
    expect(top.facts[0]).toBe('SLOW: mean over 100 ms');
    expect(Number(top.data.meanMs)).toBeGreaterThanOrEqual(250);
    expect(top.data.calls).toBe(5);
    expect(report.status).toBe('warn');
    expect(report.notes[0]).toMatch(/^Statement statistics since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d E[SD]T \(.+ ago\)$/);
    expect(report.statsResetAt).not.toBeNull();
    expect(report.notes.join(' ')).toContain('in schema extensions');
  });

  it('puts the statement called 10,000 times on top of `calls`', async () => {
    const top = statements(await slow('calls', 3)).findings[0]!;
    expect(top.query).toBe('SELECT count(*) FROM public.vehicles WHERE year = $1');
    expect(Number(top.data.calls)).toBeGreaterThanOrEqual(10_000);
    expect(top.title).toMatch(/^#1 · 10,0\d\d calls$/);
  });

  it('calls the slow function a resource hog under `total` (≥ 20 % of all time)', async () => {
    const s = statements(await slow('total', 10));
    const hog = s.findings.find((f) => f.query?.includes('dealer_report'))!;
    expect(hog.data.hog).toBe(true);
    expect(hog.facts.join(' ')).toMatch(/RESOURCE HOG: \d+\.\d % of all time/);
    expect(s.nextStep).toContain('create-recommended-indexes');
  });

  it('masks literals that pg_stat_statements keeps in utility statements', async () => {
    // Run right before the lookup: pg_stat_statements is shared by the whole server and, once full
    // (pg_stat_statements.max), evicts the least-used entries, such as a statement run once, while
    // other test files fill it with their own databases' statements.
    await db.pool.query(`COMMENT ON TABLE public.leads IS 'VIP lead jane.doe@example.com, call 555-0100'`);
    const report = await slow('total', 50);
    expect(JSON.stringify(report)).not.toContain('jane.doe');
    expect(JSON.stringify(report)).not.toContain('555-0100');
    expect(statements(report).findings.map((f) => f.query)).toContain("COMMENT ON TABLE public.leads IS '?'");
  });

  it('lists statements of every role, not only the bot’s, and says what to grant a role that cannot see them', async () => {
    await db.pool.query(`CREATE ROLE ${roleName} LOGIN PASSWORD '${rolePassword}'`);
    const other = new pg.Client({ connectionString: asRole(db.url), application_name: 'postgrest' });
    await other.connect();
    await other.query('SELECT current_user, 4242 AS answer');
    await other.end();

    const mine = statements(await slow('total', 50)).findings;
    expect(mine.find((f) => f.query === 'SELECT current_user, $1 AS answer')?.data.role).toBe(roleName);

    // The same command run by that unprivileged role: first the schema, then the statistics.
    const roTarget = makeTarget(asRole(db.url));
    const ro = createDiagnosticsService({ db: roTarget, clock: systemClock });
    try {
      const denied = statements(await ro.run({ command: 'slowqueries', sort: 'total', limit: 10 }));
      expect(denied.failure?.reason).toBe('permission');
      expect(denied.nextStep).toContain(`GRANT USAGE ON SCHEMA extensions TO ${roleName};`);

      await db.pool.query(`GRANT USAGE ON SCHEMA extensions TO ${roleName}`);
      const partial = await ro.run({ command: 'slowqueries', sort: 'total', limit: 10 });
      const hidden = partial.sections.find((s) => s.key === 'visibility')!;
      expect(hidden.status).toBe('warn');
      expect(hidden.nextStep).toContain(`GRANT pg_read_all_stats TO ${roleName};`);
      expect(statements(partial).findings.some((f) => f.query?.includes('query text hidden'))).toBe(true);
    } finally {
      await roTarget.close();
      await db.pool.query(`REVOKE USAGE ON SCHEMA extensions FROM ${roleName}`);
    }
  });

  it('fills the one statement for the installed columns, and for each older layout where its columns exist', async () => {
    // The view's columns per pg_stat_statements version, where they differ (the rest are common).
    const common = ['userid', 'dbid', 'queryid', 'query', 'calls', 'total_exec_time', 'total_plan_time', 'rows', 'shared_blks_hit', 'shared_blks_read', 'local_blks_read', 'temp_blks_read', 'temp_blks_written'];
    const layouts: Record<string, string[]> = {
      '1.8 (Postgres 13)': [...common, 'blk_read_time', 'blk_write_time'],
      '1.9-1.10 (Postgres 14-16)': [...common, 'toplevel', 'blk_read_time', 'blk_write_time'],
      '1.11+ (Postgres 17-18)': [...common, 'toplevel', 'shared_blk_read_time', 'shared_blk_write_time', 'local_blk_read_time', 'local_blk_write_time', 'stats_since'],
    };
    const results = await target.readOnly('test-variants', async (tx) => {
      const ext = (await tx.query('queries/slowqueries/extension'))[0]!;
      await tx.query('queries/slowqueries/search-path', [ext.installed_schema]);
      const info = await tx.section('queries/slowqueries/info');
      const installed = await tx.section('queries/slowqueries/statements', ['mean', 3], { fragments: statementPieces(ext.columns as string[]) });
      const out: Record<string, { ok: boolean; top?: string }> = {};
      for (const [layout, columns] of Object.entries(layouts)) {
        const r = await tx.section('queries/slowqueries/statements', ['mean', 3], { fragments: statementPieces(columns) });
        out[layout] = r.ok ? { ok: true, top: String(r.rows[0]?.query) } : { ok: false };
      }
      return { ext, info, installed, out };
    });
    expect(results.info.ok).toBe(true);
    expect(results.installed.ok).toBe(true);
    expect(String(results.installed.ok && results.installed.rows[0]?.query)).toContain('dealer_report');
    const modern = results.ext.has_shared_blk_time === true;
    expect(results.out['1.11+ (Postgres 17-18)']!.ok).toBe(modern);
    expect(results.out['1.9-1.10 (Postgres 14-16)']!.ok).toBe(!modern);
    expect(results.out['1.8 (Postgres 13)']!.ok).toBe(!modern);
    for (const r of Object.values(results.out)) if (r.ok) expect(r.top).toContain('dealer_report');
  });

  it('chooses each piece by the columns present, from the richest to the plainest', () => {
    expect(statementPieces(['total_exec_time', 'total_plan_time', 'toplevel', 'blk_read_time', 'blk_write_time'])).toEqual({
      total_ms: 's.total_exec_time + s.total_plan_time',
      io_ms: 's.blk_read_time + s.blk_write_time',
      since: 'NULL::timestamptz',
      top_level: 's.toplevel',
    });
    // A layout none of the known ones matches still gets an answer for what it has.
    expect(statementPieces(['total_exec_time', 'stats_since'])).toEqual({ total_ms: 's.total_exec_time', io_ms: '0::float8', since: 's.stats_since', top_level: 'true' });
    expect(() => statementPieces([])).toThrow(/total_ms/);
  });
});

describe('/slowqueries with the extension in another schema', () => {
  it('finds it through pg_extension and says where it is', async () => {
    const other = await createTestDatabase();
    const t2 = makeTarget(other.url);
    try {
      await other.pool.query('CREATE SCHEMA monitoring; CREATE EXTENSION pg_stat_statements SCHEMA monitoring');
      await other.pool.query('SELECT count(*) FROM public.leads');
      const report = await createDiagnosticsService({ db: t2, clock: systemClock }).run({ command: 'slowqueries', sort: 'calls', limit: 50 });
      expect(report.notes.join(' ')).toContain('in schema monitoring');
      expect(statements(report).failure).toBeUndefined();
      expect(statements(report).findings.map((f) => f.query)).toContain('SELECT count(*) FROM public.leads');
    } finally {
      await t2.close();
      await other.drop();
    }
  });
});
