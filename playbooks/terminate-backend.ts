// Runbook "Performance Degradation": stop one runaway session or lock holder. A running
// statement is cancelled first; the session is terminated only with terminate=yes, when the
// cancel is not enough or cannot help: a session idle in a transaction (or holding locks others
// wait for) has no statement to cancel and keeps its locks until it ends. The pid is pinned with
// its start time and database at preview, so a reused pid or a session of another database on
// the same server is never hit.
import { z } from 'zod';
import { InputError, TimeoutError } from '../src/core/errors.js';
import { definePlaybook, type ReadContext, type Preview } from '../src/playbooks/types.js';
import { maskSqlLiterals } from '../src/diagnostics/sql-text.js';
import { PLATFORM_ROLES, text, toNum, wholeNumber, yesNo } from './_shared.js';

const CANCEL_WAIT_MS = 2000;
const TERMINATE_WAIT_MS = 5000;
const POLL_MS = 100;

interface SessionState extends Record<string, unknown> {
  state: string | null;
  in_transaction: boolean;
  xact_seconds: string | number | null;
  blocking: number;
}

interface SessionRow extends Record<string, unknown> {
  backend_start_ms: string;
  datname: string | null;
  target_database: string;
  usename: string | null;
  application_name: string | null;
  state: string | null;
  query: string | null;
  running_seconds: string | number;
  xact_seconds: string | number | null;
  blocking: number;
  is_superuser: boolean;
  is_replication: boolean;
  backend_type: string | null;
  is_self: boolean;
}

/** The approved backend: pid, start time and database, as pinned at preview. */
interface Pinned {
  pid: number;
  start: string;
  datname: string | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const waiters = (n: number) => `${n} session${n === 1 ? '' : 's'} waiting for its locks`;

/** Cancelling only stops a running statement; these sessions keep their locks until they end. */
function cancelCannotHelp(s: { state: unknown }): boolean {
  return s.state !== 'active';
}

function describeState(s: { state: unknown; xact_seconds?: unknown; blocking: unknown }): string {
  const state = text(s.state, 'unknown state');
  const inTx = s.xact_seconds !== null && s.xact_seconds !== undefined && state !== 'active' ? ` for ${toNum(s.xact_seconds)} s` : '';
  const blocking = toNum(s.blocking);
  return `${state}${inTx}${blocking > 0 ? `, ${waiters(blocking)}` : ''}`;
}

function pinnedSession(approved: Preview): Pinned {
  const pin = approved.pinned ?? {};
  // Requests approved before the database was pinned carry only the "pid:start" key.
  const [keyPid, keyStart] = (approved.keys?.[0] ?? '').split(':');
  const pid = Number(pin.pid ?? keyPid);
  const start = String(pin.backendStartMs ?? keyStart ?? '');
  if (!Number.isInteger(pid) || pid <= 0 || !/^-?\d+$/.test(start)) {
    throw new InputError('This request does not name the session it was approved for. Request terminate-backend again.');
  }
  return { pid, start, datname: typeof pin.datname === 'string' ? pin.datname : null };
}

function sessionLookup(ctx: ReadContext, s: Pinned): () => Promise<SessionState | undefined> {
  const args = [s.pid, s.start, s.datname];
  return async () => (await ctx.target.readOnly('playbook-check', (tx) => tx.query<SessionState>('playbooks/terminate-backend/state', args)))[0];
}

/** Polls until the session is gone or leaves `state` (when given), up to `ms`. */
async function waitFor(look: () => Promise<SessionState | undefined>, ms: number, whileState?: string): Promise<SessionState | undefined> {
  let now = await look();
  for (let waited = 0; now !== undefined && (whileState === undefined || now.state === whileState) && waited < ms; waited += POLL_MS) {
    await sleep(POLL_MS);
    now = await look();
  }
  return now;
}

export const terminateBackend = definePlaybook({
  id: 'terminate-backend',
  title: 'Cancel or terminate one session',
  description:
    'Cancels the running statement of one session (pid) of the target database; with terminate=yes ends the session when the cancel is not enough or cannot help (idle in transaction, holding locks others wait for).',
  risk: 'destructive',
  approvals: 1,
  scope: 'keys',
  effect: { noun: 'sessions', verb: 'cancelled or terminated' },
  params: z.object({ pid: wholeNumber(1, 2_147_483_647), terminate: yesNo.default(false) }).strict(),
  paramHelp: {
    pid: 'process id from /db connections or /db locks (a session of the target database)',
    terminate: 'yes or no (default no: only cancel the running statement; yes also ends the session and releases its locks)',
  },
  async preview(ctx, p) {
    const rows = await ctx.target.readOnly('playbook-preview', (tx) => tx.query<SessionRow>('playbooks/terminate-backend/preview', [p.pid]));
    const r = rows[0];
    if (!r) throw new InputError(`No session has pid ${p.pid} now. Check \`/db connections\` for current pids.`);
    if (r.is_self === true || String(r.application_name).startsWith('opsbot')) throw new InputError(`pid ${p.pid} is one of the bot's own sessions.`);
    if (r.datname !== null && r.datname !== r.target_database) {
      throw new InputError(
        `pid ${p.pid} is connected to database ${r.datname}, not to the target database ${r.target_database}; the bot only ends sessions of the database it operates on. Check the pid with \`/db connections\`.`,
      );
    }
    if (r.is_superuser === true) throw new InputError(`pid ${p.pid} belongs to a superuser (${String(r.usename)}); the bot does not end those.`);
    if (r.is_replication === true || r.backend_type !== 'client backend' || r.datname === null) {
      throw new InputError(`pid ${p.pid} is a ${String(r.backend_type)} session (replication or background work); the bot does not end those.`);
    }
    if (PLATFORM_ROLES.includes(String(r.usename))) throw new InputError(`pid ${p.pid} belongs to the Supabase platform role ${String(r.usename)}; the bot does not end those.`);
    const now = describeState(r);
    if (!p.terminate && cancelCannotHelp(r)) {
      throw new InputError(
        `pid ${p.pid} is ${now}: it runs no statement, so cancelling does nothing, and the session keeps the locks it holds until it ends. To end the session and release its locks, request \`terminate-backend pid=${p.pid} terminate=yes\`.`,
      );
    }
    const action = !p.terminate
      ? 'cancel the statement of'
      : r.state === 'active'
        ? 'cancel, then terminate if it still runs or keeps locks others wait for,'
        : 'terminate (cancelling cannot help)';
    return {
      summary: `${action} pid ${p.pid} (${String(r.usename)}, ${text(r.application_name, 'no app name')}, ${now}) in ${r.datname}`,
      count: 1,
      items: [`pid ${p.pid}: ${now}; last statement ${toNum(r.running_seconds)} s ago — ${maskSqlLiterals(text(r.query)).slice(0, 200)}`],
      keys: [`${p.pid}:${String(r.backend_start_ms)}`],
      pinned: { pid: p.pid, backendStartMs: String(r.backend_start_ms), datname: r.datname },
    };
  },
  async run(ctx, p, approved) {
    const session = pinnedSession(approved);
    const { pid } = session;
    const args = [pid, session.start, session.datname];
    const look = sessionLookup(ctx, session);
    const steps: { step: string; rows: number; ms: number; note?: string }[] = [];
    let signalled = false;
    const mark = (step: string) => {
      if (!signalled) ctx.committed(1, step);
      signalled = true;
    };

    const before = await look();
    if (before === undefined) {
      return { rowsAffected: 0, summary: `pid ${pid} had already ended (or the pid now belongs to another session or database); nothing done`, steps };
    }
    let now: SessionState | undefined = before;
    if (before.state === 'active') {
      const t0 = ctx.clock.monotonic();
      const { rows } = await ctx.admin.transaction('terminate-backend', (q) => q('playbooks/terminate-backend/cancel', args));
      if (rows.length > 0) mark('cancel');
      steps.push({ step: 'cancel', rows: rows.length, ms: Math.round(ctx.clock.monotonic() - t0) });
      // Give the cancel a moment to land before deciding whether terminate is needed.
      now = await waitFor(look, CANCEL_WAIT_MS, 'active');
      if (now === undefined) return { rowsAffected: 1, summary: `cancelled the statement of pid ${pid}; the session has ended`, steps };
      const enough = now.state !== 'active' && !now.in_transaction && toNum(now.blocking) === 0;
      if (enough) return { rowsAffected: 1, summary: `cancelled the statement of pid ${pid}; the session is now ${text(now.state, 'idle')} and holds no lock anyone waits for`, steps };
      if (!p.terminate) {
        return {
          rowsAffected: 1,
          summary:
            now.state === 'active'
              ? `cancel sent to pid ${pid}, but it is still active; request \`terminate-backend pid=${pid} terminate=yes\` to end the session`
              : `cancelled the statement of pid ${pid}, but the session is now ${describeState(now)}: cancelling cannot release its locks; request \`terminate-backend pid=${pid} terminate=yes\` to end the session`,
          steps,
        };
      }
    } else if (!p.terminate) {
      // The preview refuses this; the session changed between approval and run.
      throw new InputError(
        `Nothing done: pid ${pid} is now ${describeState(before)}, so cancelling cannot help. Request \`terminate-backend pid=${pid} terminate=yes\` to end the session and release its locks.`,
      );
    }

    const why = before.state === 'active' ? `the cancel was not enough (session ${describeState(now)})` : `cancelling cannot help a session that is ${describeState(before)}`;
    const blockedBefore = Math.max(toNum(before.blocking), toNum(now.blocking));
    const t1 = ctx.clock.monotonic();
    const { rows } = await ctx.admin.transaction('terminate-backend', (q) => q('playbooks/terminate-backend/terminate', args));
    if (rows.length > 0) mark('terminate');
    steps.push({ step: 'terminate', rows: rows.length, ms: 0 });
    // The backend rolls back and releases its locks as it exits: wait until it is really gone.
    const after = await waitFor(look, TERMINATE_WAIT_MS);
    steps[steps.length - 1]!.ms = Math.round(ctx.clock.monotonic() - t1);
    if (after !== undefined) {
      throw new TimeoutError(
        `Sent terminate to pid ${pid}, but the session is still there after ${TERMINATE_WAIT_MS / 1000} s (${describeState(after)}). Check \`/db locks\` and run it again, or ask a database administrator.`,
      );
    }
    if (rows.length === 0) return { rowsAffected: signalled ? 1 : 0, summary: `pid ${pid} ended on its own before the terminate signal; its locks are released`, steps };
    const released = blockedBefore > 0 ? `; ${waiters(blockedBefore)} can proceed` : '';
    return { rowsAffected: 1, summary: `terminated the session of pid ${pid} because ${why}: it is gone, its transaction rolled back and its locks are released${released}`, steps };
  },
});
