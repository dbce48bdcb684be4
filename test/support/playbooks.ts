// A playbook engine on a test database: real target and state (the same database, as in a
// one-database setup), a recording notifier and a controllable clock.
import type pg from 'pg';
import pino from 'pino';
import { fixedClock } from '../../src/core/clock.js';
import { createAdminDb, type AdminDb } from '../../src/db/admin.js';
import { createTargetDb, type TargetDb } from '../../src/db/target.js';
import { createPlaybookEngine, type PlaybookEngine } from '../../src/playbooks/engine.js';
import type { PlaybookRequest } from '../../src/playbooks/request.js';
import type { AuthAdmin, Playbook } from '../../src/playbooks/types.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { PLAYBOOKS } from '../../playbooks/index.js';

export const silent = pino({ level: 'silent' });

export interface EngineHarness {
  engine: PlaybookEngine;
  clock: ReturnType<typeof fixedClock>;
  notified: PlaybookRequest[];
  bans: { userId: string; duration: string }[];
  state: StateStore;
  target: TargetDb;
  admin: AdminDb;
  close(): Promise<void>;
}

export function engineHarness(
  url: string,
  opts: {
    registry?: readonly Playbook<unknown>[];
    authAdmin?: AuthAdmin;
    clock?: ReturnType<typeof fixedClock>;
    staleMs?: number;
    heartbeatMs?: number;
    breakGlassEnabled?: boolean;
    /** Wraps the admin connection the playbooks get (hooks between batches, injected faults). */
    admin?: (real: AdminDb) => AdminDb;
    /** Wraps the state store the engine gets (e.g. one that is gone when a run finishes). */
    state?: (real: StateStore) => StateStore;
  } = {},
): EngineHarness {
  const clock = opts.clock ?? fixedClock(Date.now());
  const notified: PlaybookRequest[] = [];
  const bans: { userId: string; duration: string }[] = [];
  const state = createStateStore({ url, logger: silent, connectTimeoutMs: 5000 });
  const target = createTargetDb({ url, poolMax: 3, statementTimeoutMs: 10_000, lockTimeoutMs: 1000, connectTimeoutMs: 5000, logger: silent, monotonic: () => performance.now() });
  const admin = createAdminDb({ url, statementTimeoutMs: 30_000, lockTimeoutMs: 2000, connectTimeoutMs: 5000, logger: silent });
  const authAdmin: AuthAdmin = opts.authAdmin ?? {
    configured: true,
    setBan: (userId, duration) => {
      bans.push({ userId, duration });
      return Promise.resolve();
    },
  };
  const engine = createPlaybookEngine({
    registry: opts.registry ?? PLAYBOOKS,
    state: opts.state ? opts.state(state) : state,
    context: { target, admin: opts.admin ? opts.admin(admin) : admin, authAdmin, clock },
    clock,
    logger: silent,
    notifier: {
      update: (req) => {
        notified.push(req);
        return Promise.resolve();
      },
    },
    ttlMs: 15 * 60_000,
    ...(opts.staleMs ? { staleMs: opts.staleMs } : {}),
    ...(opts.heartbeatMs ? { heartbeatMs: opts.heartbeatMs } : {}),
    breakGlassEnabled: opts.breakGlassEnabled ?? false,
  });
  return {
    engine,
    clock,
    notified,
    bans,
    state,
    target,
    admin,
    async close() {
      await engine.idle();
      await Promise.allSettled([state.close(), target.close(), admin.close()]);
    },
  };
}

/** A login role that is not a superuser, so its sessions are fair game for kill playbooks. */
export async function appRole(pool: pg.Pool): Promise<{ name: string; url: (dbUrl: string) => string; drop: () => Promise<void> }> {
  const name = `dealer_app_${Math.random().toString(36).slice(2, 8)}`;
  await pool.query(`CREATE ROLE ${name} LOGIN PASSWORD 'app-pw'`);
  return {
    name,
    url: (dbUrl) => {
      const u = new URL(dbUrl);
      u.username = name;
      u.password = 'app-pw';
      return u.toString();
    },
    drop: async () => {
      await pool.query(`DROP ROLE IF EXISTS ${name}`);
    },
  };
}

/** Seeds an organization and returns its id. */
export async function seedOrg(pool: pg.Pool, name = 'Maple Motors'): Promise<string> {
  const { rows } = await pool.query<{ id: string }>('INSERT INTO public.organizations (name) VALUES ($1) RETURNING id', [name]);
  return rows[0]!.id;
}

/**
 * An admin connection that calls `hook(n)` before its n-th transaction (1-based): rows inserted
 * there arrive after the scope check, i.e. during the run, between batches.
 */
export function hookedAdmin(hook: (n: number) => Promise<void>): (real: AdminDb) => AdminDb {
  return (real) => {
    let n = 0;
    return {
      transaction: async (purpose, fn, o) => {
        await hook(++n);
        return real.transaction(purpose, fn, o);
      },
      standalone: (purpose, name, ids, o) => real.standalone(purpose, name, ids, o),
      close: () => real.close(),
    };
  };
}
