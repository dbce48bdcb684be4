// Pools and a playbook engine on a benchmark database, without Slack (notifications dropped).
import pino from 'pino';
import type { Clock } from '../src/core/clock.js';
import { createAdminDb, type AdminDb } from '../src/db/admin.js';
import { createTargetDb, type TargetDb } from '../src/db/target.js';
import { createPlaybookEngine, type PlaybookEngine } from '../src/playbooks/engine.js';
import type { Playbook } from '../src/playbooks/types.js';
import { createStateStore, type StateStore } from '../src/state/store.js';

export interface BenchPools {
  state: StateStore;
  target: TargetDb;
  admin: AdminDb;
  logger: pino.Logger;
  close(): Promise<void>;
}

export async function benchPools(url: string, clock: Clock, o: { lockTimeoutMs: number; adminStatementTimeoutMs: number }): Promise<BenchPools> {
  const logger = pino({ level: 'silent' });
  const state = createStateStore({ url, logger, connectTimeoutMs: 5000 });
  await state.migrate();
  const target = createTargetDb({ url, poolMax: 3, statementTimeoutMs: 60_000, lockTimeoutMs: o.lockTimeoutMs, connectTimeoutMs: 5000, logger, monotonic: () => clock.monotonic() });
  const admin = createAdminDb({ url, statementTimeoutMs: o.adminStatementTimeoutMs, lockTimeoutMs: 2000, connectTimeoutMs: 5000, logger });
  return { state, target, admin, logger, close: async () => void (await Promise.all([state.close(), target.close(), admin.close()])) };
}

export function benchEngine(p: BenchPools, registry: readonly Playbook<unknown>[], clock: Clock): PlaybookEngine {
  return createPlaybookEngine({
    registry,
    state: p.state,
    context: { target: p.target, admin: p.admin, authAdmin: { configured: false, setBan: () => Promise.resolve() }, clock },
    clock,
    logger: p.logger,
    notifier: { update: () => Promise.resolve() },
    ttlMs: 60_000,
  });
}
