// /db locks, /db connections and /db long against real sessions: a lock held while two others
// queue behind it, idle and idle-in-transaction connections, long statements, and the bot's
// own sessions, which are never flagged.
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createTargetDb, type TargetDb } from '../../src/db/target.js';
import { createDiagnosticsService, type DiagnosticsService } from '../../src/diagnostics/service.js';
import type { DiagnosticReport, Finding } from '../../src/diagnostics/types.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const silent = pino({ level: 'silent' });
let db: TestDatabase;
let target: TargetDb;
let svc: DiagnosticsService;

async function client(app: string): Promise<pg.Client & { pid: number }> {
  const c = new pg.Client({ connectionString: db.url, application_name: app, statement_timeout: 20_000 });
  await c.connect();
  const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return Object.assign(c, { pid: rows[0]!.pid });
}

/** Waits until the sessions are in the given state (no fixed sleeps). */
async function until(pids: number[], where: string): Promise<void> {
  await expect
    .poll(async () => (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1) AND ${where}`, [pids])).rows[0]!.n, { timeout: 10_000, interval: 50 })
    .toBe(pids.length);
}

const section = (r: DiagnosticReport, key: string) => {
  const s = r.sections.find((x) => x.key === key);
  if (!s) throw new Error(`no section ${key} in ${r.sections.map((x) => x.key).join(', ')}`);
  return s;
};
const pidsOf = (findings: Finding[]) => findings.map((f) => Number(f.data.pid));
const allPids = (r: DiagnosticReport, except: string[] = []) => r.sections.filter((s) => !except.includes(s.key)).flatMap((s) => pidsOf(s.findings));

beforeAll(async () => {
  db = await createTestDatabase();
  target = createTargetDb({ url: db.url, poolMax: 3, statementTimeoutMs: 5000, lockTimeoutMs: 500, connectTimeoutMs: 5000, logger: silent, monotonic: () => performance.now() });
  svc = createDiagnosticsService({
    db: target,
    clock: systemClock,
    thresholds: { idleConnectionSeconds: 1, idleInTransactionSeconds: 1, connectionsWarn: 1, connectionsCritical: 100_000, connectionsCriticalPct: 100 },
  });
  await db.pool.query(`
    INSERT INTO public.organizations (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Dealer');
    INSERT INTO public.leads (id, organization_id, email) VALUES ('00000000-0000-0000-0000-0000000000aa', '00000000-0000-0000-0000-000000000001', 'lead@example.com');
  `);
});
afterAll(async () => {
  await target.close();
  await db.drop();
});

describe('/db locks', () => {
  it('names the session holding the lock as root blocker, then the two waiting behind it with mode and wait time', async () => {
    const a = await client('app-editor');
    const b = await client('app-api');
    const c = await client('app-migration');
    const pending: Promise<unknown>[] = [];
    try {
      await a.query('BEGIN');
      await a.query(`UPDATE public.leads SET status = 'contacted' WHERE id = '00000000-0000-0000-0000-0000000000aa'`);
      pending.push(b.query(`UPDATE public.leads SET status = 'won' WHERE id = '00000000-0000-0000-0000-0000000000aa'`).catch(() => undefined));
      await until([b.pid], `wait_event_type = 'Lock'`);
      // A migration queued behind them: ALTER TABLE needs an AccessExclusiveLock.
      pending.push(c.query('ALTER TABLE public.leads ADD COLUMN notes text').catch(() => undefined));
      await until([c.pid], `wait_event_type = 'Lock'`);
      // Let both have waited a measurable while.
      await until([b.pid, c.pid], `wait_event_type = 'Lock' AND now() - query_start > interval '1.1 seconds'`);

      const report = await svc.run({ command: 'db', topic: 'locks' });
      const chains = section(report, 'chains');
      const [root, ...waiters] = chains.findings;
      expect(root!.data.pid).toBe(a.pid);
      expect(root!.title).toBe(`Root blocker pid ${a.pid}`);
      expect(root!.data.blocking).toBe(2);
      expect(root!.facts.some((f) => /^idle in transaction for \d+ s$/.test(f))).toBe(true);
      expect(root!.facts.join(' ')).toMatch(/holds .*RowExclusiveLock on public\.leads/);
      expect(root!.query).toContain("UPDATE public.leads SET status = '?' WHERE id = '?'");

      expect(pidsOf(waiters).sort()).toEqual([b.pid, c.pid].sort());
      const bw = waiters.find((f) => f.data.pid === b.pid)!;
      const cw = waiters.find((f) => f.data.pid === c.pid)!;
      expect(bw.data.waitingMode).toBe('ShareLock');
      expect(bw.facts.join(' ')).toMatch(/waits for ShareLock on transaction \d+ \(a row of public\.leads\)/);
      expect(bw.facts).toContain(`blocked by pid ${a.pid}`);
      expect(cw.data.waitingMode).toBe('AccessExclusiveLock');
      expect(cw.facts).toContain('waits for AccessExclusiveLock on public.leads');
      expect(cw.facts).toContain('every later query on it queues behind this one');
      for (const w of waiters) {
        expect(w.depth).toBeGreaterThan(0);
        expect(Number(w.data.waitSeconds)).toBeGreaterThanOrEqual(1);
        expect(w.title).toMatch(/^pid \d+ waiting [1-9]\d* s$/);
      }
      expect(chains.status).toBe('warn');
      expect(chains.summary).toMatch(/^2 sessions waiting on locks behind 1 root blocker; longest wait/);
      expect(chains.nextStep).toContain(`pid ${a.pid}`);
      expect(chains.nextStep).toContain(`\`/playbook run terminate-backend pid=${a.pid} terminate=yes\``);
      expect(chains.playbook).toBe('terminate-backend');
    } finally {
      await a.query('ROLLBACK');
      await Promise.all(pending);
      await Promise.all([a.end(), b.end(), c.end()]);
    }
  });

  it('says plainly when nobody waits', async () => {
    const chains = section(await svc.run({ command: 'db', topic: 'locks' }), 'chains');
    expect(chains.status).toBe('ok');
    expect(chains.summary).toBe(`No session is waiting on a lock in ${db.name}.`);
  });
});

describe('/db connections and /db long', () => {
  it('reports idle, idle-in-transaction and long statements each in its place; the bot’s own sessions apart', async () => {
    const idle = await client('app-idle-pool');
    const leaky = await client('app-leaky');
    const report = await client('app-report');
    const backup = await client('pg_dump');
    const ownIdleTx = await client('opsbot/other');
    const ownLong = await client('opsbot/sleeper');
    const all = [idle, leaky, report, backup, ownIdleTx, ownLong];
    try {
      await leaky.query('BEGIN');
      await leaky.query('SELECT count(*) FROM public.leads');
      await ownIdleTx.query('BEGIN');
      await ownIdleTx.query('SELECT 1');
      const sleeping = [report, backup, ownLong].map((c) => c.query('SELECT pg_sleep(4)').catch(() => undefined));
      // Past the 1-second thresholds given to the service above.
      await until([idle.pid], `state = 'idle' AND now() - state_change > interval '1.2 seconds'`);
      await until([leaky.pid, ownIdleTx.pid], `state = 'idle in transaction' AND now() - state_change > interval '1.2 seconds'`);
      await until([report.pid, backup.pid, ownLong.pid], `state = 'active' AND now() - query_start > interval '1.2 seconds'`);

      const conns = await svc.run({ command: 'db', topic: 'connections' });
      expect(pidsOf(section(conns, 'idle').findings)).toContain(idle.pid);
      expect(section(conns, 'idle').status).toBe('warn');
      expect(section(conns, 'idle').nextStep).toContain('`/playbook run kill-idle-connections minutes=0`');
      const tx = section(conns, 'idle_in_transaction');
      expect(pidsOf(tx.findings)).toEqual([leaky.pid]);
      expect(tx.status).toBe('warn');
      expect(tx.findings[0]!.facts[0]).toMatch(/^idle in transaction for \d+ s$/);
      expect(tx.findings[0]!.query).toBe('SELECT count(*) FROM public.leads');
      expect(tx.nextStep).toContain(`\`/playbook run terminate-backend pid=${leaky.pid} terminate=yes\``);
      expect(pidsOf(section(conns, 'own').findings)).toEqual(expect.arrayContaining([ownIdleTx.pid, ownLong.pid]));
      // Flagged sections never name the bot's sessions, nor the long (active) statements.
      for (const pid of [ownIdleTx.pid, ownLong.pid, report.pid, backup.pid]) expect(allPids(conns, ['own'])).not.toContain(pid);
      const totals = section(conns, 'totals');
      expect(totals.status).toBe('warn');
      expect(totals.summary).toMatch(/^\d+ of \d+ client connections in use/);
      expect(totals.threshold).toContain('warn ≥ 1');
      const groups = section(conns, 'groups').findings.map((f) => f.data.application);
      expect(groups).toEqual(expect.arrayContaining(['app-leaky', 'app-idle-pool', 'app-report']));

      const long = await svc.run({ command: 'db', topic: 'long', seconds: 1 });
      const culprits = section(long, 'client');
      expect(pidsOf(culprits.findings)).toEqual([report.pid]);
      expect(culprits.status).toBe('warn');
      expect(culprits.findings[0]!.query).toBe('SELECT pg_sleep(?)');
      expect(culprits.findings[0]!.title).toMatch(new RegExp(`^pid ${report.pid} running \\d+ s$`));
      expect(pidsOf(section(long, 'maintenance').findings)).toEqual([backup.pid]);
      expect(section(long, 'maintenance').findings[0]!.facts[0]).toBe('backup');
      expect(pidsOf(section(long, 'own').findings)).toEqual([ownLong.pid]);
      expect(long.status).toBe('warn');
      // Not a statement: idle and idle-in-transaction sessions are for /db connections.
      expect(allPids(long)).not.toContain(leaky.pid);
      await Promise.all(sleeping);
    } finally {
      await leaky.query('ROLLBACK').catch(() => undefined);
      await ownIdleTx.query('ROLLBACK').catch(() => undefined);
      await Promise.all(all.map((c) => c.end()));
    }
  });

  it('lists another diagnostic in progress as the bot’s own, and never the session running this one', async () => {
    const report = await target.readOnly('db-probe', () => svc.run({ command: 'db', topic: 'connections' }));
    const own = section(report, 'own').findings.map((f) => f.data.application);
    expect(own).toContain('opsbot/db-probe');
    const listed = report.sections.filter((s) => s.key !== 'groups').flatMap((s) => s.findings.map((f) => f.data.application));
    expect(listed).not.toContain('opsbot/db-connections');
    expect(section(report, 'idle_in_transaction').findings.map((f) => f.data.application)).not.toContain('opsbot/db-probe');
  });
});
