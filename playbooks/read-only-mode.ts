// Runbook "Supabase Platform Failure: set up read-only mode" / "Failover: enable maintenance
// mode": read-only-mode mode=on sets the database's default_transaction_read_only, so every new
// session is read-only; mode=off removes that default again (its undo: the two are each other's
// reverse). Destructive — the app stops being able to write — so one approval.
// What the approver is shown is what the app will feel: reads work; sign-ins, token refreshes,
// saves and chat logging fail on new connections; sessions already connected keep their mode
// until they reconnect (poolers hold connections for a long time), so the preview counts them.
// Scope "keys": the database and the switch (from → to). If someone flipped it in between, the
// key differs and the run stops. Refused when the bot's own state store is in this database:
// read-only mode would stop the bot recording approvals — including the one to switch it off.
import { z } from 'zod';
import { InputError, OpsError } from '../src/core/errors.js';
import { readOnlyState } from '../src/health/read-only.js';
import { definePlaybook } from '../src/playbooks/types.js';

const APP_EFFECT = [
  'reads keep working: people can browse leads, vehicles and quotes',
  'every write on a new connection fails with "cannot execute … in a read-only transaction": saving leads and quotes, chat logging, sign-ups',
  'Supabase Auth writes too: new sign-ins and token refreshes fail, so signed-in users drop out when their access token expires (1 h by default)',
  "the bot's other playbooks that write fail as well until it is off",
];

export const readOnlyMode = definePlaybook({
  id: 'read-only-mode',
  title: 'Database read-only mode on / off',
  description: 'Sets (on) or removes (off) the database default default_transaction_read_only: new sessions can read but not write. Reversible: each is the undo of the other.',
  risk: 'destructive',
  approvals: 1,
  scope: 'keys',
  effect: { noun: 'database settings', verb: 'changed' },
  params: z.object({ mode: z.string().trim().toLowerCase().pipe(z.enum(['on', 'off'], 'on or off')) }).strict(),
  paramHelp: { mode: 'on (new sessions read-only) or off (back to read-write)' },
  async preview(ctx, p, approved) {
    const s = await readOnlyState(ctx.target);
    const from = s.databaseLevel ? 'on' : 'off';
    if (!approved) {
      if (from === p.mode) {
        throw new InputError(`Read-only mode is already ${p.mode} for database ${s.database}. Nothing was requested.${s.serverLevel ? ` The server itself defaults to read-only (from ${s.source}), which this playbook cannot change.` : ''}`);
      }
      if (p.mode === 'on' && s.stateStoreHere) {
        throw new InputError(
          `The bot's own state store (schema opsbot) is in database ${s.database}: read-only mode would stop the bot recording approvals and audit — including the request to switch it off. Point STATE_DATABASE_URL at a separate database first. Nothing was requested.`,
        );
      }
    }
    const others = s.clients.map((c) => `${c.who} ×${c.n}`).join(', ');
    const sessions = `${s.sessions} client session(s) connected now${others ? ` (${others})` : ''} keep their current mode until they reconnect; end them with kill-idle-connections or terminate-backend if they must follow at once`;
    return {
      summary:
        p.mode === 'on'
          ? `read-only mode ON for database ${s.database}: every new session can read but not write`
          : `read-only mode OFF for database ${s.database}: new sessions can write again${s.serverLevel ? ` — but the server itself defaults to read-only (from ${s.source}, e.g. a full disk), so they stay read-only until that is fixed` : ''}`,
      count: 1,
      items: p.mode === 'on' ? [...APP_EFFECT, sessions, 'undo: /playbook run read-only-mode mode=off'] : ['sign-ins, saves and chat logging work again on new connections', sessions],
      keys: [`database:${s.database}`, `read-only:${from}->${p.mode}`],
      pinned: { database: s.database },
    };
  },
  async run(ctx, p, approved) {
    const database = String(approved.pinned?.database ?? '');
    const t0 = ctx.clock.monotonic();
    // Read-write on purpose: switching off must work while the database defaults to read-only.
    await ctx.admin
      .standalone('read-only-mode', p.mode === 'on' ? 'playbooks/read-only-mode/on' : 'playbooks/read-only-mode/off', { db: database }, { readWrite: true })
      .catch((err: unknown) => {
        if ((err as { code?: string }).code !== '42501') throw err;
        throw new OpsError('upstream_unavailable', `The bot's admin role may not change database ${database} (only its owner may ALTER DATABASE): point DATABASE_ADMIN_URL at the owner (postgres on Supabase). Nothing was changed.`, { cause: err });
      });
    ctx.committed(1, `read-only ${p.mode}`);
    const after = await readOnlyState(ctx.target);
    const took = after.databaseLevel === (p.mode === 'on');
    return {
      rowsAffected: 1,
      summary: took
        ? `read-only mode is ${p.mode} for database ${database}: it applies to new sessions; ${after.sessions} connected session(s) keep their mode until they reconnect.${p.mode === 'on' ? ' Undo with `/playbook run read-only-mode mode=off`.' : ''}`
        : `the setting was changed, but reading it back shows read-only mode ${after.databaseLevel ? 'on' : 'off'} for database ${database}: check pg_db_role_setting.`,
      steps: [{ step: `read-only ${p.mode}`, rows: 1, ms: Math.round(ctx.clock.monotonic() - t0) }],
      detail: { database, mode: p.mode, sessionsConnected: after.sessions, serverLevel: after.serverLevel },
    };
  },
});
