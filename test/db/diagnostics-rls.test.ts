// /db rls against a real Postgres with a real policy: two users see different counts of the same
// table, the filter's values travel as parameters (an injection attempt is a value that matches
// nothing), nothing is written (no transaction id assigned, rows untouched, the transaction rolled
// back), and every way it can go wrong — no table, no column, no grant, a bad value, RLS off — is
// said in words, through the same declaration Slack and `opsbot db rls` run.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbCommand } from '../../handlers/db.js';
import type { Clock } from '../../src/core/clock.js';
import { createTargetDb, type TargetDb } from '../../src/db/target.js';
import { createDiagnosticsService } from '../../src/diagnostics/service.js';
import type { DiagnosticReport } from '../../src/diagnostics/types.js';
import { resolveCommand } from '../../src/slack/pipeline.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const clock: Clock = { now: () => NOW, monotonic: () => performance.now() };
const ALICE = '0b6c7d1e-4f2a-4c3b-9d8e-1a2b3c4d5e6f';
const BOB = '1c7d8e2f-5a3b-4d4c-8e9f-2b3c4d5e6f70';
const NOBODY = '2d8e9f30-6b4c-4e5d-9fa0-3c4d5e6f7081';
let db: TestDatabase;
let target: TargetDb;

// Roles are cluster-wide and outlive the test database: created only when missing, and a
// concurrent creator (another test file) is tolerated.
const ROLES = `DO $r$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    BEGIN CREATE ROLE authenticated NOLOGIN NOINHERIT; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
  END IF;
END $r$`;

const SCHEMA = `
-- The template has GoTrue's auth.users; the functions policies call are added here.
-- auth.uid() as GoTrue defines it: the newer claims JSON first, then the older per-claim setting.
CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid $$;
CREATE OR REPLACE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb $$;
GRANT USAGE ON SCHEMA auth TO authenticated;
CREATE TABLE public.notes (id bigint PRIMARY KEY, owner uuid NOT NULL, status text NOT NULL, body text);
ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Owners read their notes" ON public.notes FOR SELECT TO authenticated USING (owner = auth.uid());
CREATE POLICY "Admins read all notes" ON public.notes FOR SELECT TO authenticated USING ((auth.jwt() -> 'app_metadata' ->> 'role') = 'admin');
GRANT SELECT ON public.notes TO authenticated;
CREATE TABLE public.secrets (id int PRIMARY KEY, v text);
ALTER TABLE public.secrets ENABLE ROW LEVEL SECURITY;
INSERT INTO public.secrets VALUES (1, 'x');
CREATE TABLE public.open_table (id int PRIMARY KEY);
GRANT SELECT ON public.open_table TO authenticated;
INSERT INTO public.open_table VALUES (1), (2);
CREATE VIEW public.notes_view AS SELECT * FROM public.notes;
`;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(ROLES);
  await db.pool.query(SCHEMA);
  await db.pool.query(`INSERT INTO auth.users (id, email, raw_app_meta_data) VALUES ($1, 'alice@example.com', '{"provider":"email"}'), ($2, 'bob@example.com', '{"role":"admin"}')`, [ALICE, BOB]);
  await db.pool.query(
    `INSERT INTO public.notes (id, owner, status, body) VALUES (1, $1, 'new', 'a'), (2, $1, 'done', 'b'), (3, $1, 'new', 'c'), (4, $2, 'new', 'd'), (5, $3, 'new', 'e')`,
    [ALICE, BOB, NOBODY],
  );
  target = createTargetDb({ url: db.url, poolMax: 3, statementTimeoutMs: 5000, lockTimeoutMs: 500, connectTimeoutMs: 5000, logger: pino({ level: 'silent' }), monotonic: () => performance.now() });
});
afterAll(async () => {
  await target.close();
  await db.drop();
});

const spec = () => dbCommand({ diagnostics: createDiagnosticsService({ db: target, clock, timezone: 'UTC' }) });

/** Runs `/db rls …` the way the listener and the CLI do: resolve the words, call, render. */
async function rls(args: string): Promise<{ report: DiagnosticReport; terminal: string }> {
  const r = resolveCommand(spec(), `rls ${args}`);
  if (!('sub' in r)) throw new Error('no subcommand');
  const env = { actor: 'test', clock, timezone: 'UTC' };
  const report = (await r.sub.call!(r.args, env)) as DiagnosticReport;
  return { report, terminal: r.sub.terminal!.text(report, env) };
}

const visibility = (report: DiagnosticReport) => report.sections.find((s) => s.key === 'visibility')!;
const data = (report: DiagnosticReport) => visibility(report).findings[0]!.data;

describe('/db rls', () => {
  it('counts differ per user under a real policy, with a sample of ids and the policies', async () => {
    const alice = await rls(`${ALICE} public.notes`);
    expect(visibility(alice.report).summary).toBe(`User ${ALICE} sees 3 of 5 rows of public.notes.`);
    expect(data(alice.report)).toMatchObject({ visible: 3, total: 5, ids: ['1', '2', '3'], xidAssigned: null });
    expect((data(alice.report).claims as Record<string, unknown>).email).toBe('alice@example.com');

    // Bob is an admin by app_metadata: the second policy reads it from the claims.
    const bob = await rls(`${BOB} notes`);
    expect(data(bob.report)).toMatchObject({ visible: 5, total: 5 });

    // A user who is not in auth.users: only sub and role in the claims.
    const nobody = await rls(`${NOBODY} public.notes`);
    expect(data(nobody.report)).toMatchObject({ visible: 1, ids: ['5'] });
    expect(nobody.report.notes.join(' ')).toMatch(/No user .* in auth\.users/);

    const policies = alice.report.sections.find((s) => s.key === 'policies')!;
    expect(policies.findings.map((f) => f.title)).toEqual(['Admins read all notes', 'Owners read their notes']);
    expect(policies.findings[1]!.query).toBe('using ((owner = auth.uid()))');
    expect(alice.terminal).toContain('sees 3 of 5 rows');
    expect(alice.terminal).toContain('nothing was written');
  });

  it('a filter narrows both counts; values are parameters, so an injection attempt matches nothing', async () => {
    const r = await rls(`${ALICE} public.notes where status = 'new' and body != "c"`);
    expect(visibility(r.report).summary).toBe(`User ${ALICE} sees 1 of 3 rows of public.notes where status = 'new' and body != 'c'.`);
    expect(data(r.report).ids).toEqual(['1']);
    const evil = await rls(`${ALICE} public.notes where status = 'x'' OR 1=1 --'`);
    expect(data(evil.report)).toMatchObject({ visible: 0, total: 0 });
    expect(visibility(evil.report).nextStep).toMatch(/No rows of public\.notes where status = 'x'' OR 1=1 --' to compare/);
    const isNull = await rls(`${ALICE} public.notes where body is not null and id >= 2`);
    expect(data(isNull.report)).toMatchObject({ visible: 2, total: 4 });
  });

  it('writes nothing: no transaction id, rows untouched, and the transaction is rolled back', async () => {
    const before = await db.pool.query(`SELECT id, xmin::text AS xmin, ctid::text AS ctid FROM public.notes ORDER BY id`);
    const r = await rls(`${ALICE} public.notes`);
    expect(r.report.notes[0]).toBe('Read-only transaction, rolled back; no transaction id was assigned: nothing was written.');
    const after = await db.pool.query(`SELECT id, xmin::text AS xmin, ctid::text AS ctid FROM public.notes ORDER BY id`);
    expect(after.rows).toEqual(before.rows);
    // The role switch and the claims ended with the transaction: a fresh read on the same pool
    // is the bot again, with no claims left behind.
    const role = await target.readOnly('check', (tx) => tx.query('test/session-settings'));
    expect(JSON.stringify(role)).not.toContain(ALICE);
  });

  it('says when authenticated has no grant, when RLS is off, and when no policy lets it read', async () => {
    await db.pool.query('REVOKE SELECT ON public.secrets FROM authenticated');
    const denied = await rls(`${ALICE} public.secrets`);
    expect(visibility(denied.report).status).toBe('critical');
    expect(visibility(denied.report).summary).toMatch(/no SELECT privilege on public\.secrets.*permission denied/);
    expect(visibility(denied.report).nextStep).toContain('GRANT SELECT ON public.secrets TO authenticated');

    await db.pool.query('GRANT SELECT ON public.secrets TO authenticated');
    const none = await rls(`${ALICE} public.secrets`);
    expect(data(none.report)).toMatchObject({ visible: 0, total: 1 });
    expect(visibility(none.report).status).toBe('warn');
    expect(none.report.sections.find((s) => s.key === 'policies')!.summary).toMatch(/no permissive policy lets authenticated read/);

    const open = await rls(`${ALICE} public.open_table`);
    expect(data(open.report)).toMatchObject({ visible: 2, total: 2 });
    expect(open.report.sections.find((s) => s.key === 'policies')!.summary).toMatch(/Row-level security is OFF on public\.open_table/);
  });

  it('a count cut by the statement timeout (a costly policy) says to narrow it, and the run still rolls back', async () => {
    await db.pool.query(`CREATE TABLE public.slow_rows (id int PRIMARY KEY); INSERT INTO public.slow_rows SELECT generate_series(1, 5);
      ALTER TABLE public.slow_rows ENABLE ROW LEVEL SECURITY; GRANT SELECT ON public.slow_rows TO authenticated;
      CREATE POLICY "Slow" ON public.slow_rows FOR SELECT TO authenticated USING (pg_sleep(0.1) IS NOT NULL)`);
    const quick = createTargetDb({ url: db.url, poolMax: 1, statementTimeoutMs: 250, lockTimeoutMs: 500, connectTimeoutMs: 5000, logger: pino({ level: 'silent' }), monotonic: () => performance.now() });
    try {
      const r = resolveCommand(dbCommand({ diagnostics: createDiagnosticsService({ db: quick, clock, timezone: 'UTC' }) }), `rls ${ALICE} public.slow_rows`);
      if (!('sub' in r)) throw new Error('no subcommand');
      const report = (await r.sub.call!(r.args, { actor: 'test', clock, timezone: 'UTC' })) as DiagnosticReport;
      const v = visibility(report);
      expect(v.failure?.reason).toBe('timeout');
      expect(v.nextStep).toMatch(/narrow it with a filter/);
      expect(report.notes[0]).toMatch(/rolled back; no transaction id was assigned/);
    } finally {
      await quick.close();
    }
  });

  it('an unknown table, a view, an unknown column or a value of the wrong type is answered in words', async () => {
    expect((await rls(`${ALICE} public.nope`)).report.sections[0]!.summary).toMatch(/There is no table public\.nope/);
    expect((await rls(`${ALICE} public.notes_view`)).report.sections[0]!.summary).toMatch(/is a view, not a table/);
    const col = (await rls(`${ALICE} public.notes where colour = 'red'`)).report.sections[0]!;
    expect(col.summary).toMatch(/has no column colour\. Its columns: id, owner, status, body/);
    const typed = (await rls(`${ALICE} public.notes where id = 'abc'`)).report.sections[0]!;
    expect(typed.summary).toMatch(/not a valid bigint/);
    expect(typed.nextStep).toContain('id is bigint');
  });

  it('bad arguments are refused before any query, with the usage', () => {
    expect(() => resolveCommand(spec(), 'rls')).toThrow(/needs a user id and a table/);
    expect(() => resolveCommand(spec(), 'rls alice public.notes')).toThrow(/"alice" is not a user id/);
    expect(() => resolveCommand(spec(), `rls ${ALICE} public.notes;drop`)).toThrow(/not a table name I accept/);
    expect(() => resolveCommand(spec(), `rls ${ALICE} a.b.c`)).toThrow(/schema\.table/);
    expect(() => resolveCommand(spec(), `rls ${ALICE} notes status = 1`)).toThrow(/expected `where`/);
    expect(() => resolveCommand(spec(), `rls ${ALICE} notes where status = 'x`)).toThrow(/no closing '/);
    expect(() => resolveCommand(spec(), `rls ${ALICE} notes where status like 'x'`)).toThrow(/expected an operator/);
    expect(() => resolveCommand(spec(), `rls ${ALICE} notes where a = 1 or b = 2`)).toThrow(/joined with `and` only/);
    expect(() => resolveCommand(spec(), `rls ${ALICE} notes where "a" = 1`)).toThrow(/Expected a column name/);
  });
});
