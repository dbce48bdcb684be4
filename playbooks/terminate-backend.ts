// Runbook "Performance Degradation": stop one runaway session. Cancels its statement first;
// terminates the session only when asked and the cancel did not end the work. The pid is
// re-checked against its start time so a reused pid is never hit.
import { z } from 'zod';
import { InputError } from '../src/errors.js';
import { definePlaybook } from '../src/playbooks/types.js';
import { maskSqlLiterals } from '../src/diagnostics/sql-text.js';
import { PLATFORM_ROLES, text, toNum, wholeNumber, yesNo } from './_shared.js';

const CANCEL_WAIT_MS = 2000;

export const terminateBackend = definePlaybook({
  id: 'terminate-backend',
  title: 'Cancel or terminate one session',
  description: 'Cancels the running statement of one session (pid); terminates the session if terminate=yes and the cancel is not enough.',
  risk: 'destructive',
  approvals: 1,
  scope: 'keys',
  params: z.object({ pid: wholeNumber(1, 2_147_483_647), terminate: yesNo.default(false) }).strict(),
  paramHelp: { pid: 'process id from /db connections or /db locks', terminate: 'yes or no (default no: only cancel the statement)' },
  async preview(ctx, p) {
    const rows = await ctx.target.readOnly('playbook-preview', (tx) => tx.query('playbooks/terminate-backend/preview', [p.pid]));
    const r = rows[0];
    if (!r) throw new InputError(`No session has pid ${p.pid} now. Check \`/db connections\` for current pids.`);
    if (r.is_self === true || String(r.application_name).startsWith('opsbot')) throw new InputError(`pid ${p.pid} is one of the bot's own sessions.`);
    if (r.is_superuser === true) throw new InputError(`pid ${p.pid} belongs to a superuser (${String(r.usename)}); the bot does not end those.`);
    if (r.is_replication === true || r.backend_type !== 'client backend') {
      throw new InputError(`pid ${p.pid} is a ${String(r.backend_type)} session (replication or background work); the bot does not end those.`);
    }
    if (PLATFORM_ROLES.includes(String(r.usename))) throw new InputError(`pid ${p.pid} belongs to the Supabase platform role ${String(r.usename)}; the bot does not end those.`);
    return {
      summary: `${p.terminate ? 'cancel, then terminate if still busy,' : 'cancel the statement of'} pid ${p.pid} (${String(r.usename)}, ${text(r.application_name, 'no app name')}, ${String(r.state)})`,
      count: 1,
      items: [`pid ${p.pid}: ${String(r.state)} for ${toNum(r.running_seconds)} s — ${maskSqlLiterals(text(r.query)).slice(0, 200)}`],
      keys: [`${p.pid}:${String(r.backend_start_ms)}`],
    };
  },
  async run(ctx, p, approved) {
    const [pid, start] = (approved.keys?.[0] ?? '').split(':');
    const args = [Number(pid), start];
    const state = async () =>
      (await ctx.target.readOnly('playbook-check', (tx) => tx.query<{ state: string }>('playbooks/terminate-backend/state', args)))[0]?.state;
    const before = await state();
    if (before === undefined) return { rowsAffected: 0, summary: `pid ${pid} had already ended (or the pid was reused); nothing done` };
    const t0 = ctx.clock.monotonic();
    await ctx.admin.transaction('terminate-backend', (q) => q('playbooks/terminate-backend/cancel', args));
    const steps = [{ step: 'cancel', rows: 1, ms: Math.round(ctx.clock.monotonic() - t0) }];
    // Give the cancel a moment to land before deciding whether terminate is needed.
    let after = await state();
    for (let waited = 0; after === 'active' && waited < CANCEL_WAIT_MS; waited += 200) {
      await new Promise((r) => setTimeout(r, 200));
      after = await state();
    }
    if (after !== 'active' || !p.terminate) {
      return {
        rowsAffected: 1,
        summary: after === 'active' ? `cancel sent to pid ${pid}, but it is still active (terminate=yes would end the session)` : `cancelled the statement of pid ${pid}; the session is now ${after ?? 'gone'}`,
        steps,
      };
    }
    const t1 = ctx.clock.monotonic();
    const { rows } = await ctx.admin.transaction('terminate-backend', (q) => q('playbooks/terminate-backend/terminate', args));
    steps.push({ step: 'terminate', rows: rows.length, ms: Math.round(ctx.clock.monotonic() - t1) });
    return { rowsAffected: 1, summary: `cancel was not enough; terminated the session of pid ${pid}`, steps };
  },
});
