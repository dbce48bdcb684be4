// Drills that break the target database the way the runbook's performance incidents look:
// connections held open until the pool is exhausted, a runaway query, a lock pile-up behind an
// idle-in-transaction session, and the database going away and coming back. Every session is
// a real one, opened as AutoRepAi's API role, so the bot's diagnostics and playbooks meet them
// exactly as they would in production.
import pg from 'pg';
import { fillSql, sql } from '../../core/sql.js';
import { aliveCount, appRoleUrl, endSessions, fireAndForget, openSession, withAdmin, type DrillSession } from './sessions.js';
import type { Drill, DrillContext } from './types.js';

/** Sessions the pool-exhaustion drill holds: above the runbook's critical 50 on their own. */
export const POOL_SESSIONS = 55;
/** How long the database-outage drill keeps the target away. */
export const OUTAGE_MS = 90_000;

async function openMany(url: string, n: number, appName: string): Promise<DrillSession[]> {
  const out: DrillSession[] = [];
  try {
    // A few at a time: the server has to fork each one.
    for (let i = 0; i < n; i += 8) out.push(...(await Promise.all(Array.from({ length: Math.min(8, n - i) }, () => openSession(url, appName)))));
  } catch (err) {
    await endSessions(url, out);
    throw err;
  }
  return out;
}

export const poolExhaustion: Drill = {
  name: 'pool-exhaustion',
  title: 'Connection pool exhausted',
  summary: `${POOL_SESSIONS} idle sessions of the API (application_name postgrest) are held open on the target database, past the runbook's 50.`,
  script: [
    'Run `/health`: the database shows connections critical.',
    'Run `/db connections` to see who holds them (idle sessions of autorepai_api / postgrest).',
    'Request `/playbook run kill-idle-connections minutes=0` and have an approver approve it.',
    'Run `/health` again: connections are back under 40.',
  ],
  finishedWhen: 'the held sessions are gone',
  async start(ctx) {
    const url = await appRoleUrl(ctx.targetUrl);
    const sessions = await openMany(url, ctx.poolSessions ?? POOL_SESSIONS, 'postgrest');
    const pids = sessions.map((s) => s.pid);
    return {
      done: async () => (await aliveCount(ctx.targetUrl, pids)) === 0,
      reset: () => endSessions(ctx.targetUrl, sessions),
    };
  },
};

export const slowQuery: Drill = {
  name: 'slow-query',
  title: 'A slow query hogging the database',
  summary: 'A report query has been running without end, and a search statement takes 300 ms a call, far over the runbook\'s 100 ms.',
  script: [
    'Run `/slowqueries`: the interactions search is flagged over 100 ms.',
    'Run `/db long` to find the runaway report (pg_sleep on public.vehicles) and its pid.',
    'Request `/playbook run terminate-backend pid=<pid>` and have it approved.',
    'Check `/db long` again: nothing is running long.',
  ],
  finishedWhen: 'the runaway session is gone',
  async start(ctx) {
    const url = await appRoleUrl(ctx.targetUrl);
    const runaway = await openSession(url, 'autorepai-reports');
    fireAndForget(runaway, sql('local/drills/sleep-forever'));
    const searcher = await openSession(url, 'postgrest');
    try {
      for (let i = 0; i < 6; i++) await searcher.client.query(sql('local/drills/heavy-search'), [`%trade-in%${i}%`]);
    } finally {
      await searcher.client.end().catch(() => undefined);
    }
    return {
      done: async () => (await aliveCount(ctx.targetUrl, [runaway.pid])) === 0,
      reset: () => endSessions(ctx.targetUrl, [runaway]),
    };
  },
};

/** Waits (briefly) until every waiter is queued on the lock, so the drill is in place when start() returns. */
async function untilWaiting(targetUrl: string, pids: number[]): Promise<void> {
  await withAdmin(targetUrl, async (c) => {
    for (let i = 0; i < 100; i++) {
      if ((await c.query<{ n: number }>(sql('local/drills/waiting-pids'), [pids])).rows[0]?.n === pids.length) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
}

export const lockPileUp: Drill = {
  name: 'lock-pileup',
  title: 'Lock pile-up behind an idle transaction',
  summary: 'A worker reserved a vehicle in a transaction it never finished; four more sessions wait for that row.',
  script: [
    'Run `/db locks`: sessions are blocked, all behind one pid that is idle in transaction.',
    'Run `/db connections` to see the idle-in-transaction session.',
    'Request `/playbook run terminate-backend pid=<blocker pid> terminate=yes` (a cancel cannot end an idle transaction) and have it approved.',
    'Run `/db locks` again: nothing waits.',
  ],
  finishedWhen: 'the blocking session is gone',
  async start(ctx) {
    const url = await appRoleUrl(ctx.targetUrl);
    const vehicle = await withAdmin(ctx.targetUrl, async (c) => (await c.query<{ id: string }>(sql('local/drills/vehicle-to-lock'))).rows[0]?.id);
    if (!vehicle) throw new Error('The target database has no available vehicle to lock; run `opsbot local reset`.');
    const blocker = await openSession(url, 'autorepai-worker');
    const waiters: DrillSession[] = [];
    try {
      await blocker.client.query(sql('local/drills/begin'));
      await blocker.client.query(sql('local/drills/lock-holder'), [vehicle]);
      for (let i = 0; i < 4; i++) {
        const w = await openSession(url, 'postgrest');
        waiters.push(w);
        fireAndForget(w, sql('local/drills/lock-waiter'), [vehicle]);
      }
      await untilWaiting(ctx.targetUrl, waiters.map((w) => w.pid));
    } catch (err) {
      await endSessions(ctx.targetUrl, [blocker, ...waiters]);
      throw err;
    }
    return {
      done: async () => (await aliveCount(ctx.targetUrl, [blocker.pid])) === 0,
      // The waiters finish by themselves once the blocker is gone; reset ends whatever is left.
      reset: () => endSessions(ctx.targetUrl, [blocker, ...waiters]),
    };
  },
};

async function setConnections(ctx: DrillContext, allow: boolean): Promise<void> {
  const c = new pg.Client({ connectionString: ctx.serverUrl, application_name: 'opsbot-local/drill' });
  c.on('error', () => undefined);
  await c.connect();
  try {
    const name = pg.escapeIdentifier(ctx.targetDatabase);
    await c.query(fillSql(sql(allow ? 'local/drills/allow-connections' : 'local/drills/block-connections'), { database: name }));
    if (!allow) await c.query(sql('local/drills/end-sessions'), [ctx.targetDatabase]);
  } finally {
    await c.end().catch(() => undefined);
  }
}

export const databaseOutage: Drill = {
  name: 'database-outage',
  title: 'The database goes away and comes back',
  summary: `The target database refuses connections and every session on it is cut (as a crash or failover would); it comes back after ${OUTAGE_MS / 1000} s.`,
  script: [
    'Run `/health`: the database is critical (unreachable); the bot itself stays up.',
    'Note that approvals and the audit log still work: the state store is a separate database.',
    'Post a status update in #status (an incident: `/incident declare`, if you use it).',
    'When it is back, run `/health` again to confirm recovery.',
  ],
  finishedWhen: `the database is back (after ${OUTAGE_MS / 1000} s)`,
  async start(ctx) {
    await setConnections(ctx, false);
    const backAt = ctx.clock.now() + OUTAGE_MS;
    let back = false;
    const restore = async () => {
      if (back) return;
      await setConnections(ctx, true);
      back = true;
    };
    return {
      done: () => Promise.resolve(back),
      tick: async (now) => {
        if (now >= backAt) await restore();
      },
      reset: restore,
    };
  },
};
