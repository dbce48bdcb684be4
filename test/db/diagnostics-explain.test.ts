// /db explain against a real Postgres 15 with pg_stat_statements: the generic plan of a
// parameterised statement (PREPARE + force_generic_plan + EXECUTE with NULLs) with its sequential
// scan on a large table and the index that would serve its filter; EXPLAIN ANALYZE for a SELECT
// only; a write planned but never run; an unknown id, a bad argument; and the prepared statement
// never left behind on the pooled session.
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbCommand } from '../../handlers/db.js';
import { systemClock } from '../../src/core/clock.js';
import { createTargetDb, type TargetDb } from '../../src/db/target.js';
import { notExplainable } from '../../src/diagnostics/explain.js';
import { createDiagnosticsService } from '../../src/diagnostics/service.js';
import type { DiagnosticReport } from '../../src/diagnostics/types.js';
import { resolveCommand } from '../../src/slack/pipeline.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
let target: TargetDb;
const ids: Record<'select' | 'update' | 'noParams', string> = { select: '', update: '', noParams: '' };

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA extensions');
  await db.pool.query(`CREATE TABLE public.big_leads (id bigint PRIMARY KEY, status text NOT NULL, dealer int NOT NULL);
    INSERT INTO public.big_leads SELECT g, CASE WHEN g % 10 = 0 THEN 'new' ELSE 'done' END, g % 50 FROM generate_series(1, 20000) g;
    ANALYZE public.big_leads`);
  // A poolMax of 1: every call runs on the same session, so a prepared statement left behind would show.
  target = createTargetDb({ url: db.url, poolMax: 1, statementTimeoutMs: 5000, lockTimeoutMs: 500, connectTimeoutMs: 5000, logger: pino({ level: 'silent' }), monotonic: () => performance.now() });
  // Run right before the lookup: pg_stat_statements is shared by the whole server.
  const app = new pg.Client({ connectionString: db.url });
  await app.connect();
  try {
    await runStatements(app);
    const q = async (like: string) =>
      String((await app.query<{ queryid: string }>(`SELECT queryid::text FROM extensions.pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query LIKE $1 ORDER BY calls DESC LIMIT 1`, [like])).rows[0]!.queryid);
    ids.select = await q('SELECT id, dealer FROM public.big_leads WHERE status = $1%');
    ids.update = await q('UPDATE public.big_leads SET dealer%');
    ids.noParams = await q('SELECT count(*) FROM public.big_leads%');
  } finally {
    await app.end();
  }
});
/**
 * The statements the tests explain. pg_stat_statements is shared by the whole server and evicts
 * its least-used entries when full (other test files keep adding theirs), so they are run again
 * right before each explain: a statement's queryid is the same every time it is run here.
 */
async function runStatements(c: Pick<pg.Client, 'query'>): Promise<void> {
  await c.query('SELECT id, dealer FROM public.big_leads WHERE status = $1 AND dealer > $2', ['new', 3]);
  // Rolled back: counted by pg_stat_statements, and the row the write tests watch keeps its version.
  await c.query('BEGIN');
  await c.query('UPDATE public.big_leads SET dealer = $1 WHERE id = $2', [7, 1]);
  await c.query('ROLLBACK');
  await c.query('SELECT count(*) FROM public.big_leads');
}

afterAll(async () => {
  await target.close();
  await db.drop();
});

const spec = () => dbCommand({ diagnostics: createDiagnosticsService({ db: target, clock: systemClock, timezone: 'UTC' }) });

async function explain(args: string): Promise<{ report: DiagnosticReport; terminal: string; slack: string }> {
  const c = await db.pool.connect();
  try {
    await runStatements(c);
  } finally {
    c.release();
  }
  const r = resolveCommand(spec(), `explain ${args}`);
  if (!('sub' in r)) throw new Error('no subcommand');
  const env = { actor: 'test', clock: systemClock, timezone: 'UTC' };
  const report = (await r.sub.call!(r.args, env)) as DiagnosticReport;
  return { report, terminal: r.sub.terminal!.text(report, env), slack: JSON.stringify(r.sub.slack!(report, env)) };
}

const plan = (r: DiagnosticReport) => r.sections.find((s) => s.key === 'plan')!;

describe('/db explain', () => {
  it('gives the generic plan: the seq scan on a large table and the index its filter needs', async () => {
    const { report, terminal, slack } = await explain(ids.select);
    const p = plan(report);
    expect(p.status).toBe('warn');
    const scan = p.findings.find((f) => f.title === 'Seq Scan on large table public.big_leads')!;
    expect(scan.data).toMatchObject({ table: 'public.big_leads', suggestion: 'CREATE INDEX CONCURRENTLY ON public.big_leads (status, dealer);' });
    expect(report.notes[0]).toMatch(/Generic plan .*force_generic_plan.*nothing ran/);
    // The full plan, in the terminal whole and in Slack as a code block.
    expect(terminal).toMatch(/Seq Scan on public\.big_leads {2}\(cost=/);
    expect(terminal).toMatch(/\n {6}Filter: \(.*big_leads\.status = \$1.*\)\n?/);
    expect(slack).toContain('```Seq Scan on public.big_leads');
    // Nothing left behind on the session: the statement name is free again.
    const left = await target.readOnly('check', (tx) => tx.query('queries/db/explain-prepared'));
    expect(left).toEqual([]);
  });

  it('an index makes the suggestion go away', async () => {
    await db.pool.query('CREATE INDEX big_leads_status ON public.big_leads (status)');
    try {
      const { report } = await explain(ids.select);
      // Whether the planner now uses the index or still scans, status is never suggested again.
      const suggestions = plan(report).findings.map((f) => f.data.suggestion).filter(Boolean);
      expect(suggestions.every((x) => x === 'CREATE INDEX CONCURRENTLY ON public.big_leads (dealer);')).toBe(true);
    } finally {
      await db.pool.query('DROP INDEX public.big_leads_status');
    }
  });

  it('explain analyze runs a SELECT read-only, saying its parameters were NULL', async () => {
    const { report, terminal } = await explain(`analyze ${ids.select}`);
    expect(report.title).toBe(`EXPLAIN ANALYZE of statement ${ids.select}`);
    expect(report.notes.join(' ')).toMatch(/READ ONLY transaction.*NULL for each of its 2 parameters/);
    expect(terminal).toMatch(/actual time=/);
    const counted = await explain(`analyze ${ids.noParams}`);
    expect(counted.terminal).toMatch(/Aggregate .*actual time=.* rows=1 loops=1/);
  });

  it('a write is planned but never run, and refused for analyze', async () => {
    const before = await db.pool.query(`SELECT dealer, xmin::text FROM public.big_leads WHERE id = 1`);
    const { report } = await explain(ids.update);
    expect(report.sections.find((s) => s.key === 'full-plan')).toBeDefined();
    expect((await explain(`analyze ${ids.update}`)).report.sections[0]!.summary).toMatch(/only done for a SELECT/);
    expect((await db.pool.query(`SELECT dealer, xmin::text FROM public.big_leads WHERE id = 1`)).rows).toEqual(before.rows);
  });

  it('an unknown id, several statements and a non-plannable statement are said in words', async () => {
    expect((await explain('12345')).report.sections[0]!.summary).toMatch(/No pg_stat_statements entry 12345/);
    expect(notExplainable('SELECT 1; DROP TABLE x', false)).toMatch(/more than one statement/);
    expect(notExplainable('VACUUM big_leads', false)).toMatch(/`VACUUM` statement/);
    expect(notExplainable('WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', true)).toMatch(/only done for a SELECT/);
    expect(notExplainable('SELECT 1;', false)).toBeUndefined();
  });

  it('bad arguments are refused before any query', () => {
    expect(() => resolveCommand(spec(), 'explain')).toThrow(/takes one queryid/);
    expect(() => resolveCommand(spec(), 'explain abc')).toThrow(/"abc" is not a queryid/);
    expect(() => resolveCommand(spec(), 'explain 99999999999999999999')).toThrow(/is not a queryid/);
    expect(() => resolveCommand(spec(), 'explain analyze 1 2')).toThrow(/takes one queryid/);
  });
});
