// Runbook "Connection Pool Exhausted": end sessions idle for longer than N minutes. Only the
// approved sessions are touched, each re-checked (same pid and start time, still idle) right
// before it is ended; the bot's own, superuser, replication and platform sessions never are.
// Scope "keys": a session that ended, got busy or appeared between preview and run stops the
// run before anything is ended (the engine says how many were added and gone).
import { z } from 'zod';
import { definePlaybook } from '../src/playbooks/types.js';
import { PLATFORM_ROLES, text, toNum, wholeNumber } from './_shared.js';

export const killIdleConnections = definePlaybook({
  id: 'kill-idle-connections',
  title: 'Kill idle connections',
  description: 'Ends client sessions idle longer than N minutes (runbook: Connection Pool Exhausted).',
  risk: 'destructive',
  approvals: 1,
  scope: 'keys',
  effect: { noun: 'sessions', verb: 'terminated' },
  params: z
    .object({
      minutes: wholeNumber(0, 10_080).default(60),
      database: z.string().trim().regex(/^[A-Za-z0-9_$-]{1,63}$/, 'a database name').optional(),
    })
    .strict(),
  paramHelp: { minutes: 'whole number of minutes idle, 0–10080 (default 60)', database: 'database name (default: the target database)' },
  async preview(ctx, p) {
    return ctx.target.readOnly('playbook-preview', async (tx) => {
      const db = p.database ?? String((await tx.query<{ db: string }>('queries/playbooks/current-database'))[0]?.db);
      const rows = await tx.query('playbooks/kill-idle-connections/preview', [p.minutes, db, PLATFORM_ROLES]);
      return {
        summary: `${rows.length} session${rows.length === 1 ? '' : 's'} idle for more than ${p.minutes} min in ${db}`,
        count: rows.length,
        items: rows.slice(0, 20).map(
          (r) => `pid ${String(r.pid)} ${String(r.usename)} ${text(r.application_name, '(no app name)')} from ${text(r.client_addr, 'local')}, idle ${Math.round(toNum(r.idle_seconds) / 60)} min`,
        ),
        keys: rows.map((r) => `${String(r.pid)}:${String(r.backend_start_ms)}`),
        detail: { database: db },
      };
    });
  },
  async run(ctx, _p, approved) {
    let terminated = 0;
    const started = ctx.clock.monotonic();
    const keys = approved.keys ?? [];
    await ctx.admin.transaction('kill-idle-connections', async (q) => {
      for (const key of keys) {
        const [pid, start] = key.split(':');
        const { rows } = await q('playbooks/kill-idle-connections/terminate', [Number(pid), start]);
        if (rows[0]?.terminated === true) {
          terminated++;
          // pg_terminate_backend takes effect at once, whatever happens to this transaction.
          ctx.committed(1, `terminate pid ${pid}`);
        }
      }
    });
    return {
      rowsAffected: terminated,
      summary: `terminated ${terminated} of ${keys.length} approved session${keys.length === 1 ? '' : 's'}${terminated < keys.length ? ' (the others had ended, been reused or become busy)' : ''}`,
      steps: [{ step: 'terminate', rows: terminated, ms: Math.round(ctx.clock.monotonic() - started) }],
    };
  },
});
