// /db slots against a real Postgres: an abandoned (inactive) slot is flagged with the WAL it holds
// back and the command that frees it; a slot in use is fine and names its backend; a dropped slot
// is gone — through the same declaration Slack and `opsbot db slots` run.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbCommand } from '../../handlers/db.js';
import type { Clock } from '../../src/core/clock.js';
import { createTargetDb, type TargetDb } from '../../src/db/target.js';
import { createDiagnosticsService } from '../../src/diagnostics/service.js';
import type { DiagnosticReport } from '../../src/diagnostics/types.js';
import { resolveCommand } from '../../src/slack/pipeline.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const clock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };
let db: TestDatabase;
let target: TargetDb;
// Slots belong to the whole server: unique names, and always dropped, or WAL piles up on this machine.
const abandoned = `opsbot_test_${randomUUID().slice(0, 8)}`;
const inUse = `opsbot_test_tmp_${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  db = await createTestDatabase();
  target = createTargetDb({ url: db.url, poolMax: 3, statementTimeoutMs: 5000, lockTimeoutMs: 500, connectTimeoutMs: 5000, logger: pino({ level: 'silent' }), monotonic: () => performance.now() });
});
afterAll(async () => {
  await db.pool.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active', [abandoned]);
  await target.close();
  await db.drop();
});

/** Runs `/db slots` the way the listener and the CLI do: resolve the words, call, render. */
async function slots(text = 'slots'): Promise<{ report: DiagnosticReport; terminal: string; code: number }> {
  const s = dbCommand({ diagnostics: createDiagnosticsService({ db: target, clock, timezone: 'UTC' }) });
  const r = resolveCommand(s, text);
  if (!('sub' in r)) throw new Error(`no subcommand for "${text}"`);
  const env = { actor: 'test', clock, timezone: 'UTC' };
  const report = (await r.sub.call!(r.args, env)) as DiagnosticReport;
  return { report, terminal: r.sub.terminal!.text(report, env), code: r.sub.terminal!.exitCode!(report) };
}

const finding = (report: DiagnosticReport, name: string) => report.sections[0]!.findings.find((f) => f.title === name);

describe('/db slots', () => {
  it('flags an abandoned slot with the WAL it holds and the command that frees it; a slot in use is ok', async () => {
    await db.pool.query('SELECT pg_create_physical_replication_slot($1, true)', [abandoned]);
    // WAL written after the slot reserved its start: the slot now holds it back.
    await db.pool.query('CREATE TABLE wal_filler AS SELECT g, md5(g::text) AS h FROM generate_series(1, 20000) g');
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      // A temporary slot is active for as long as the session that made it lives.
      const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await holder.query('SELECT pg_create_physical_replication_slot($1, true, true)', [inUse]);

      const { report, terminal, code } = await slots();
      expect(report.command).toBe('/db slots');
      const idle = finding(report, abandoned)!;
      expect(idle.status).toBe('warn');
      expect(idle.data).toMatchObject({ type: 'physical', active: false, walStatus: 'reserved', temporary: false });
      expect(idle.data.retainedBytes as number).toBeGreaterThan(500_000);
      expect(idle.facts).toContain('inactive: nothing is consuming it');
      const busy = finding(report, inUse)!;
      expect(busy.status).toBe('ok');
      expect(busy.data).toMatchObject({ active: true, activePid: pid, temporary: true });
      expect(busy.facts).toContain(`active, pid ${pid}`);

      const section = report.sections[0]!;
      expect(['warn', 'critical']).toContain(report.status);
      expect(section.summary).toMatch(/inactive slot/);
      expect(section.nextStep).toMatch(/pg_drop_replication_slot\('opsbot_test_/);
      expect(terminal).toContain(abandoned);
      expect(terminal).toMatch(new RegExp(`${abandoned} \\| physical \\| inactive: nothing is consuming it \\| holds \\d[\\d.]* [KMG]iB of WAL`));
      expect(code).not.toBe(0);
    } finally {
      await holder.end();
    }
  });

  it('a slot that was dropped is gone; the temporary one went with its session', async () => {
    await db.pool.query('SELECT pg_drop_replication_slot($1)', [abandoned]);
    const { report } = await slots('replication');
    expect(finding(report, abandoned)).toBeUndefined();
    expect(finding(report, inUse)).toBeUndefined();
  });

  it('takes no arguments', () => {
    const s = dbCommand({ diagnostics: createDiagnosticsService({ db: target, clock, timezone: 'UTC' }) });
    expect(() => resolveCommand(s, 'slots everything')).toThrow('`/db slots` takes no arguments; I got "everything".');
  });
});
