// The incident service on a test database: a real state store (one per "replica"), a fixed
// clock shared by the replicas, and a helper that declares an incident with its channel.
import pino from 'pino';
import { fixedClock } from '../../src/core/clock.js';
import type { IncidentService } from '../../src/incidents/port.js';
import { createIncidentService, type IncidentStore } from '../../src/incidents/service.js';
import type { DeclareInput, Incident, Severity } from '../../src/incidents/types.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';

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
