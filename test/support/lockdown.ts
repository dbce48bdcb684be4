// Lockdown on a test database: the service, its two playbooks on a real engine, an in-memory
// containment checklist, and a fixture of users, sessions, refresh tokens and integrations.
import type pg from 'pg';
import type { fixedClock } from '../../src/core/clock.js';
import type { AdminDb } from '../../src/db/admin.js';
import { createLockdownService, type ContainmentChecklist, type LockdownService } from '../../src/lockdown/service.js';
import { lockdownPlaybooks } from '../../playbooks/lockdown.js';
import { engineHarness, silent, type EngineHarness } from './playbooks.js';

export interface MemoryChecklist extends ContainmentChecklist {
  lists: Map<number, { lockdownId: string; items: { key: string; label: string; checked: boolean; by: string | null; at: Date | null }[] }>;
}

export function memoryChecklist(): MemoryChecklist {
  const lists: MemoryChecklist['lists'] = new Map();
  let next = 1;
  return {
    lists,
    post(lockdownId, _channel, items) {
      const id = next++;
      lists.set(id, { lockdownId, items: items.map((i) => ({ ...i, checked: false, by: null, at: null })) });
      return Promise.resolve(id);
    },
    tick(id, key) {
      const item = lists.get(id)?.items.find((i) => i.key === key);
      if (item) Object.assign(item, { checked: true, by: 'opsbot', at: new Date(0) });
      return Promise.resolve();
    },
    items(id) {
      return Promise.resolve((lists.get(id)?.items ?? []).map(({ label, checked, by, at }) => ({ label, checked, by, at })));
    },
  };
}

export interface LockdownHarness extends EngineHarness {
  lockdown: LockdownService;
  checklist: MemoryChecklist;
}

export function lockdownHarness(
  url: string,
  opts: { breakGlass?: boolean; sessionBatch?: number; admin?: (real: AdminDb) => AdminDb; clock?: ReturnType<typeof fixedClock>; evidenceDir?: string } = {},
): LockdownHarness {
  const checklist = memoryChecklist();
  const ref: { svc?: LockdownService } = {};
  // The service needs the harness's pools; the engine needs the service's playbooks.
  const proxy: LockdownService = new Proxy({} as LockdownService, {
    get: (_t, key) => (ref.svc as unknown as Record<string | symbol, unknown>)[key],
  });
  const h = engineHarness(url, { registry: lockdownPlaybooks(proxy), ...(opts.clock ? { clock: opts.clock } : {}), breakGlassEnabled: opts.breakGlass ?? false });
  ref.svc = createLockdownService({
    state: h.state,
    target: h.target,
    admin: opts.admin ? opts.admin(h.admin) : h.admin,
    clock: h.clock,
    logger: silent,
    checklist,
    reminderRepeatMs: 6 * 3_600_000,
    ...(opts.sessionBatch ? { sessionBatch: opts.sessionBatch } : {}),
    ...(opts.evidenceDir ? { evidenceDir: opts.evidenceDir } : {}),
  });
  return { ...h, lockdown: ref.svc, checklist };
}

/** `users` users with one session each (and a refresh token per session), legacy tokens, and integrations. */
export async function seedBreachFixture(
  pool: pg.Pool,
  o: { sessions: number; legacyTokens?: number; integrationsActive: number; integrationsInactive: number; auditEntries?: number },
): Promise<{ activeIds: string[]; inactiveIds: string[] }> {
  await pool.query(`DELETE FROM auth.refresh_tokens; DELETE FROM auth.sessions; DELETE FROM public.integrations; DELETE FROM auth.audit_log_entries;`);
  const org = (await pool.query<{ id: string }>(`INSERT INTO public.organizations (name) VALUES ('Breach Motors') RETURNING id`)).rows[0]!.id;
  await pool.query(
    `INSERT INTO auth.users (id, email) SELECT gen_random_uuid(), 'u' || g || '-' || substr(md5(random()::text), 1, 6) || '@dealer.example' FROM generate_series(1, $1) g`,
    [o.sessions],
  );
  await pool.query(
    `INSERT INTO auth.sessions (id, user_id, ip, user_agent)
     SELECT gen_random_uuid(), id, '203.0.113.7', 'Mozilla/5.0' FROM auth.users ORDER BY id LIMIT $1`,
    [o.sessions],
  );
  await pool.query(`INSERT INTO auth.refresh_tokens (token, user_id, session_id) SELECT 't-' || id, user_id::text, id FROM auth.sessions`);
  await pool.query(
    `INSERT INTO auth.refresh_tokens (token, user_id, session_id) SELECT 'legacy-' || g || '-' || md5(random()::text), (SELECT id::text FROM auth.users LIMIT 1), NULL FROM generate_series(1, $1) g`,
    [o.legacyTokens ?? 0],
  );
  await pool.query(
    `INSERT INTO auth.audit_log_entries (id, payload, created_at) SELECT gen_random_uuid(), json_build_object('action', 'login'), now() - (g || ' hours')::interval FROM generate_series(1, $1) g`,
    [o.auditEntries ?? 50],
  );
  const ins = async (n: number, active: boolean) =>
    (
      await pool.query<{ id: string }>(
        `INSERT INTO public.integrations (organization_id, provider, active, config) SELECT $1, 'crm-' || g, $3, '{"api_key":"secret-value"}' FROM generate_series(1, $2) g RETURNING id`,
        [org, n, active],
      )
    ).rows.map((r) => r.id);
  return { activeIds: await ins(o.integrationsActive, true), inactiveIds: await ins(o.integrationsInactive, false) };
}
