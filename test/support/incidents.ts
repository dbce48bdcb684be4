// The incident service on a test database: a real state store (one per "replica"), a fixed
// clock shared by the replicas, the per-file set-up of the incident db tests (incidentDb), and a
// helper that declares an incident with its channel.
import pino from 'pino';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { IncidentService } from '../../src/incidents/port.js';
import { createIncidentService, type IncidentStore } from '../../src/incidents/service.js';
import type { DeclareInput, Incident, Severity } from '../../src/incidents/types.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { createTestDatabase, type TestDatabase } from './pg.js';

export const CADENCE_MS: Record<Severity, number> = { P0: 30 * 60_000, P1: 60 * 60_000, P2: 4 * 3_600_000, P3: 24 * 3_600_000 };
export const T0 = Date.parse('2026-12-01T10:00:00Z');

export interface IncidentReplica {
  service: IncidentStore;
  state: StateStore;
}

export interface IncidentHarness {
  clock: ReturnType<typeof fixedClock>;
  replicas: IncidentReplica[];
  /** The first replica's service. */
  service: IncidentStore;
  state: StateStore;
  close(): Promise<void>;
}

/** `replicas` services, each on its own StateStore (pool) over one database, sharing a clock. */
export function incidentHarness(url: string, replicas = 1, start = T0): IncidentHarness {
  const clock = fixedClock(start);
  const logger = pino({ level: 'silent' });
  const list = Array.from({ length: replicas }, () => {
    const state = createStateStore({ url, logger, connectTimeoutMs: 5000 });
    return { state, service: createIncidentService({ state, clock, logger, cadenceMs: CADENCE_MS }) };
  });
  return {
    clock,
    replicas: list,
    service: list[0]!.service,
    state: list[0]!.state,
    close: async () => {
      await Promise.all(list.map((r) => r.state.close()));
    },
  };
}

export interface IncidentDb {
  /** The file's test database (created in beforeAll, dropped in afterAll). */
  readonly db: TestDatabase;
  /** The harness on it: one for the file, or a fresh one per test (with no incidents left). */
  readonly h: IncidentHarness;
  /** The number a `SELECT count(*) AS n …` returns. */
  count(sql: string, params?: unknown[]): Promise<number>;
}

/**
 * Registers the set-up the incident db tests share: a fresh database for the file and the
 * harness on it. `perTest`: a new harness (clock back at `start`) and no incidents before each
 * test. Call it at the top of the file; read `db` and `h` inside hooks and tests.
 */
export function incidentDb(o: { replicas?: number; perTest?: boolean; start?: number } = {}): IncidentDb {
  let db: TestDatabase | undefined;
  let h: IncidentHarness | undefined;
  const harness = () => incidentHarness(db!.url, o.replicas ?? 1, o.start ?? T0);
  beforeAll(async () => {
    db = await createTestDatabase();
    if (!o.perTest) h = harness();
  });
  if (o.perTest) {
    beforeEach(async () => {
      await h?.close();
      h = harness();
      await db!.pool.query('DELETE FROM opsbot.incidents');
    });
  }
  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`incidentDb: ${what} is set up in beforeAll; read it inside hooks and tests`);
    return v;
  };
  return {
    get db() {
      return ready(db, 'the database');
    },
    get h() {
      return ready(h, 'the harness');
    },
    async count(sql, params = []) {
      return Number((await ready(db, 'the database').pool.query<{ n: string }>(sql, params)).rows[0]!.n);
    },
  };
}

let seq = 0;

export function declareInput(over: Partial<DeclareInput> = {}): DeclareInput {
  seq++;
  return {
    title: `Incident ${seq}`,
    severity: 'P1',
    kind: 'performance',
    userImpact: 'Pages load slowly',
    declaredBy: 'U0DECLARER',
    source: { kind: 'manual' },
    key: `view-${process.pid}-${seq}`,
    ...over,
  };
}

/** Declares and attaches a fresh channel C<seq>: an incident as the Slack side leaves it. */
export async function declared(service: IncidentService, over: Partial<DeclareInput> = {}): Promise<Incident> {
  const input = declareInput(over);
  const out = await service.declare(input);
  if (!out.created) throw new Error('expected a new incident');
  return service.attachChannel(out.incident.id, { id: `CINC${seq}X${Math.random().toString(36).slice(2, 8).toUpperCase()}`, name: `inc-20261201-incident-${seq}` });
}
