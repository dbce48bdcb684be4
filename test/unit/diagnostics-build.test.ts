// The diagnostics service as the bot builds it from configuration, with a hand-written fake of
// the target database: shared thresholds follow the /health settings, secrets from the
// configuration never reach the report, and a failed section says what to do.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/app/config.js';
import type { ReadOnlyTx, Row, SectionResult, TargetDb } from '../../src/db/target.js';
import { buildDiagnosticsService } from '../../src/app/diagnostics.js';
import { createRedactor } from '../../src/core/redact.js';

const SECRET = 'pw-SECRET-db-Passw0rd';

function config(env: Record<string, string> = {}) {
  return loadConfig(
    {
      DATABASE_URL: `postgres://opsbot_ro:${SECRET}@db.example.test:5432/postgres`,
      APP_URL: 'https://app.test/',
      SUPABASE_URL: 'https://p.supabase.test',
      SUPABASE_ANON_KEY: 'sb_publishable_anon-key-0123456789abcdef',
      ...env,
    },
    'cli',
  );
}

/** A target database that answers each SQL file with canned rows (or a canned failure). */
function fakeDb(answers: Record<string, Row[] | Extract<SectionResult<Row>, { ok: false }>>): TargetDb & { purposes: string[] } {
  const purposes: string[] = [];
  const rows = (name: string): Row[] => {
    const a = answers[name];
    if (a === undefined) return [];
    if (!Array.isArray(a)) throw new Error(a.message);
    return a;
  };
  const tx: ReadOnlyTx = {
    query: <R extends Row>(name: string) => Promise.resolve(rows(name) as R[]),
    section: <R extends Row>(name: string): Promise<SectionResult<R>> => {
      const a = answers[name];
      if (a !== undefined && !Array.isArray(a)) return Promise.resolve(a);
      return Promise.resolve({ ok: true, rows: rows(name) as R[], ms: 1 });
    },
  };
  return {
    purposes,
    readOnly: <T>(purpose: string, fn: (t: ReadOnlyTx) => Promise<T>) => {
      purposes.push(purpose);
      return fn(tx);
    },
    close: () => Promise.resolve(),
  };
}

const CONTEXT = [{ database: 'postgres', role_ident: 'opsbot_ro', server_version_num: 150000, in_recovery: false, db_stats_reset: null, postmaster_start: null, read_all_stats: true }];

describe('buildDiagnosticsService', () => {
  it('takes the thresholds it shares with /health from the configuration', () => {
    const cfg = config({ CONNECTIONS_WARN: '30', CONNECTIONS_CRITICAL: '45', LONG_RUNNING_SECONDS: '120', CACHE_HIT_WARN_PCT: '98' });
    const t = buildDiagnosticsService({ config: cfg, db: fakeDb({}), clock: fixedClock(0), redactor: createRedactor(cfg.secrets) }).thresholds();
    expect(t).toMatchObject({ connectionsWarn: 30, connectionsCritical: 45, longRunningSeconds: 120, cacheHitWarnPct: 98, slowQueryMeanMs: 100, deadTuplesWarn: 1000 });
  });

  it('redacts configured secret values from query text, even outside literals', async () => {
    const cfg = config();
    const db = fakeDb({
      'queries/db/context': CONTEXT,
      'queries/db/long': [{ kind: 'client', pid: 7, role: 'app', application: 'etl', client: null, state: 'active', running_s: 300, xact_s: 300, query: `SET app.key = ${SECRET}`, total: 1 }],
    });
    const report = await buildDiagnosticsService({ config: cfg, db, clock: fixedClock(Date.UTC(2026, 0, 1)), redactor: createRedactor(cfg.secrets) }).run({ command: 'db', topic: 'long', seconds: 60 });
    expect(JSON.stringify(report)).not.toContain(SECRET);
    expect(report.sections[0]!.findings[0]!.query).toBe('SET app.key = [REDACTED]');
    expect(report.sections[0]!.status).toBe('warn');
    expect(report.startedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(db.purposes).toEqual(['db-long']);
  });

  it('turns a refused section into the exact GRANT the bot role needs; the others still report', async () => {
    const cfg = config();
    const db = fakeDb({
      'queries/db/context': CONTEXT,
      'queries/db/wraparound-databases': { ok: false, reason: 'permission', message: 'permission denied for the bot role', ms: 1 },
      'queries/db/wraparound-tables': [],
      'queries/db/sequences': [],
    });
    const report = await buildDiagnosticsService({ config: cfg, db, clock: fixedClock(0), redactor: createRedactor([]) }).run({ command: 'db', topic: 'wraparound' });
    const [dbs, tables, seqs] = report.sections;
    expect(dbs!.status).toBe('unknown');
    expect(dbs!.nextStep).toContain('GRANT pg_monitor TO opsbot_ro;');
    expect(tables!.status).toBe('ok');
    expect(seqs!.status).toBe('ok');
    expect(report.status).toBe('unknown');
  });

  it('shares one run between identical requests made at the same time', async () => {
    const db = fakeDb({ 'queries/db/context': CONTEXT });
    const svc = buildDiagnosticsService({ config: config(), db, clock: fixedClock(0), redactor: createRedactor([]) });
    const [a, b] = await Promise.all([svc.run({ command: 'db', topic: 'locks' }), svc.run({ command: 'db', topic: 'locks' })]);
    expect(a).toBe(b);
    expect(db.purposes).toEqual(['db-locks']);
    await svc.run({ command: 'db', topic: 'locks' });
    expect(db.purposes).toEqual(['db-locks', 'db-locks']);
  });
});
