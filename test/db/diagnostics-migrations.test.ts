// /db migrations against a real Postgres: the applied Supabase migrations newest first, which of
// them landed in the last 24 h, a table without inserted_at, and a database without the table —
// through the same declaration Slack and `opsbot db migrations` run.
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dbCommand } from '../../handlers/db.js';
import type { Clock } from '../../src/core/clock.js';
import { createTargetDb, type TargetDb } from '../../src/db/target.js';
import { createDiagnosticsService } from '../../src/diagnostics/service.js';
import type { DiagnosticReport } from '../../src/diagnostics/types.js';
import { resolveCommand } from '../../src/slack/pipeline.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const clock: Clock = { now: () => NOW, monotonic: () => performance.now() };
let db: TestDatabase;
let target: TargetDb;

beforeAll(async () => {
  db = await createTestDatabase();
  target = createTargetDb({ url: db.url, poolMax: 3, statementTimeoutMs: 5000, lockTimeoutMs: 500, connectTimeoutMs: 5000, logger: pino({ level: 'silent' }), monotonic: () => performance.now() });
});
afterAll(async () => {
  await target.close();
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('DROP SCHEMA IF EXISTS supabase_migrations CASCADE');
});

const spec = () => dbCommand({ diagnostics: createDiagnosticsService({ db: target, clock, timezone: 'UTC' }) });

/** Runs `/db migrations` the way the listener and the CLI do: resolve the words, call, render. */
async function migrations(text = 'migrations'): Promise<{ report: DiagnosticReport; terminal: string; code: number }> {
  const s = spec();
  const r = resolveCommand(s, text);
  if (!('sub' in r)) throw new Error('no subcommand');
  const env = { actor: 'test', clock, timezone: 'UTC' };
  const report = (await r.sub.call!(r.args, env)) as DiagnosticReport;
  return { report, terminal: r.sub.terminal!.text(report, env), code: r.sub.terminal!.exitCode!(report) };
}

describe('/db migrations', () => {
  it('lists applied migrations newest first and says which were applied in the last 24 h', async () => {
    await db.pool.query(`CREATE SCHEMA supabase_migrations;
      CREATE TABLE supabase_migrations.schema_migrations (version text PRIMARY KEY, statements text[], name text, inserted_at timestamptz)`);
    await db.pool.query(
      `INSERT INTO supabase_migrations.schema_migrations (version, name, inserted_at) VALUES
        ('20260101090000', 'create_leads', $1), ('20260215100000', 'add_quotes', $2), ('20260302080000', 'idx_leads_status', $3)`,
      [new Date(NOW - 60 * 86_400_000), new Date(NOW - 25 * 3_600_000), new Date(NOW - 4 * 3_600_000)],
    );
    const { report, terminal, code } = await migrations();
    const section = report.sections[0]!;
    expect(report.command).toBe('/db migrations');
    expect(section.findings.map((f) => f.title)).toEqual(['20260302080000 idx_leads_status', '20260215100000 add_quotes', '20260101090000 create_leads']);
    expect(section.findings.map((f) => f.data.recent)).toEqual([true, false, false]);
    // Flagged: the one of the last 24 h stands out, without turning the report into a warning.
    expect(section.findings.map((f) => f.status)).toEqual(['warn', 'ok', 'ok']);
    expect(report.status).toBe('ok');
    // The audit row's headline: what an incident's timeline shows after "ran /db migrations".
    const r = resolveCommand(spec(), 'migrations');
    if (!('sub' in r) || !r.sub.audit) throw new Error('no audit');
    expect(r.sub.audit.result!(report)).toEqual({ detail: { status: 'ok', headline: '1 migration applied in the last 24 h: 20260302080000 idx_leads_status' } });
    expect(section.summary).toBe('3 applied, newest first. 1 migration applied in the last 24 h.');
    expect(terminal).toContain('(last 24 h)');
    expect(code).toBe(0);
  });

  it('says when the table records no apply time (older CLI: no inserted_at column)', async () => {
    await db.pool.query(`CREATE SCHEMA supabase_migrations; CREATE TABLE supabase_migrations.schema_migrations (version text PRIMARY KEY, statements text[])`);
    await db.pool.query(`INSERT INTO supabase_migrations.schema_migrations (version) VALUES ('20250101000000'), ('20250201000000')`);
    const { report } = await migrations('migration');
    const section = report.sections[0]!;
    expect(section.findings.map((f) => f.title)).toEqual(['20250201000000', '20250101000000']);
    expect(section.summary).toMatch(/2 applied.*records no apply time.*not known/);
  });

  it('a database without the migrations table is said so, not reported as a failure', async () => {
    const { report, terminal, code } = await migrations();
    expect(report.status).toBe('ok');
    expect(report.sections[0]!.summary).toMatch(/no supabase_migrations\.schema_migrations table/);
    expect(report.sections[0]!.failure).toBeUndefined();
    expect(terminal).toMatch(/no supabase_migrations\.schema_migrations table/);
    expect(code).toBe(0);
  });

  it('takes no arguments: a stray word is answered with the usage, before any query', () => {
    expect(() => resolveCommand(spec(), 'migrations all')).toThrow(/`\/db migrations` takes no arguments/);
  });
});
