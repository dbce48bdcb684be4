// /db locks: blocking chains with the root blocker first. pg_blocking_pids() gives each
// waiting session its direct blockers; the chains are walked here so the one session whose end
// would release everybody is named at the top.
import type { Row } from '../db/target.js';
import { failedSection, formatAge, num, numOrNull, plural, type RunContext, sessionFacts, str, strOrNull, type TopicResult, worstOf } from './common.js';
import type { Finding, Section, Status } from './types.js';

/** A session taking part in blocking, as --json consumers get it. */
export interface LockParticipant {
  pid: number;
  blockedBy: number[];
  role: string | null;
  application: string | null;
  state: string | null;
  waitingMode: string | null;
  waitingTarget: string | null;
  waitEvent: string | null;
  waitSeconds: number | null;
  transactionSeconds: number | null;
  held: string[];
  root: boolean;
  /** Sessions waiting behind this one, directly or not. */
  blocking: number;
  own: boolean;
}

function pids(v: unknown): number[] {
  if (Array.isArray(v)) return v.map(Number).filter(Number.isFinite);
  // pg returns int[] parsed; keep a fallback for the text form "{1,2}".
  if (typeof v === 'string') return v.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
  return [];
}

interface Node {
  row: Row;
  pid: number;
  blockedBy: number[];
  children: Node[];
}

/** Orders participants as trees: each root blocker, then everything behind it, depth first. */
export function blockingOrder(rows: Row[]): { node: Node; depth: number; root: boolean; blocking: number }[] {
  const nodes = new Map<number, Node>();
  for (const row of rows) {
    const pid = num(row, 'pid');
    nodes.set(pid, { row, pid, blockedBy: pids(row.blocked_by), children: [] });
  }
  for (const n of nodes.values()) {
    for (const b of n.blockedBy) nodes.get(b)?.children.push(n);
  }
  const behind = (n: Node, seen = new Set<number>()): number => {
    let count = 0;
    for (const c of n.children) {
      if (seen.has(c.pid)) continue;
      seen.add(c.pid);
      count += 1 + behind(c, seen);
    }
    return count;
  };
  // A root waits for nobody in the list. A deadlock cycle has none until Postgres breaks it:
  // then its members are shown as roots so nothing is hidden.
  let roots = [...nodes.values()].filter((n) => n.blockedBy.every((b) => !nodes.has(b)));
  const out: { node: Node; depth: number; root: boolean; blocking: number }[] = [];
  const visited = new Set<number>();
  const walk = (n: Node, depth: number) => {
    if (visited.has(n.pid)) return;
    visited.add(n.pid);
    out.push({ node: n, depth, root: depth === 0, blocking: behind(n) });
    const kids = [...n.children].sort((a, b) => num(b.row, 'wait_s') - num(a.row, 'wait_s') || a.pid - b.pid);
    for (const c of kids) walk(c, depth + 1);
  };
  roots = roots.sort((a, b) => behind(b) - behind(a) || a.pid - b.pid);
  for (const r of roots) walk(r, 0);
  for (const n of [...nodes.values()].sort((a, b) => a.pid - b.pid)) walk(n, 0);
  return out;
}

function participantFinding(entry: ReturnType<typeof blockingOrder>[number], ctx: RunContext): Finding {
  const { node, depth, root, blocking } = entry;
  const row = node.row;
  const t = ctx.thresholds;
  const waitS = numOrNull(row, 'wait_s');
  const mode = strOrNull(row, 'waiting_mode');
  const target = strOrNull(row, 'waiting_target');
  const state = strOrNull(row, 'state');
  const xact = numOrNull(row, 'xact_s');
  const held = Array.isArray(row.held) ? row.held.map(String) : [];
  const own = row.own === true;
  const waiting = mode !== null;
  const facts: string[] = [];
  if (waiting) {
    facts.push(`waits for ${mode} on ${target ?? '?'}`);
    if (mode === 'AccessExclusiveLock') facts.push('every later query on it queues behind this one');
    facts.push(`blocked by ${node.blockedBy.map((p) => `pid ${p}`).join(', ')}`);
    const ev = [str(row, 'wait_event_type'), str(row, 'wait_event')].filter(Boolean).join('/');
    if (ev) facts.push(`wait event ${ev}`);
  }
  if (held.length > 0) facts.push(`holds ${held.join(', ')}`);
  if (blocking > 0) facts.push(`${plural(blocking, 'session')} waiting behind it`);
  if (state) facts.push(`${state}${!waiting ? ` for ${formatAge(num(row, 'state_s') * 1000)}` : ''}`);
  if (xact !== null) facts.push(`transaction open ${formatAge(xact * 1000)}`);
  facts.push(...sessionFacts(row));
  if (own) facts.push("the bot's own session");
  const status: Status = waiting ? ((waitS ?? 0) > t.lockWaitCriticalSeconds ? 'critical' : 'warn') : blocking > 0 ? 'warn' : 'ok';
  const data: LockParticipant = {
    pid: node.pid,
    blockedBy: node.blockedBy,
    role: strOrNull(row, 'role'),
    application: strOrNull(row, 'application'),
    state,
    waitingMode: mode,
    waitingTarget: target,
    waitEvent: strOrNull(row, 'wait_event'),
    waitSeconds: waitS === null ? null : Math.round(waitS * 10) / 10,
    transactionSeconds: xact === null ? null : Math.round(xact),
    held,
    root,
    blocking,
    own,
  };
  return {
    status,
    title: root ? `Root blocker pid ${node.pid}` : `pid ${node.pid} waiting ${formatAge((waitS ?? 0) * 1000)}`,
    facts,
    query: ctx.query(row.query),
    depth,
    data: { ...data },
  };
}

export async function locks(ctx: RunContext): Promise<TopicResult> {
  const t = ctx.thresholds;
  const title = 'Blocking chains';
  const notes = [`Live view of database ${ctx.facts.database}`];
  const r = await ctx.tx.section('queries/db/locks');
  if (!r.ok) return { title: 'Locks', notes, statsResetAt: null, sections: [failedSection('chains', title, r, ctx)] };
  const order = blockingOrder(r.rows);
  const findings = order.map((e) => participantFinding(e, ctx));
  const waiting = findings.filter((f) => f.data.waitingMode !== null);
  const roots = findings.filter((f) => f.data.root === true);
  const longest = Math.max(0, ...waiting.map((f) => Number(f.data.waitSeconds ?? 0)));
  const status = worstOf(findings);
  const firstRoot = roots[0];
  const rootState = firstRoot && typeof firstRoot.data.state === 'string' ? firstRoot.data.state : '';
  const section: Section = {
    key: 'chains',
    title,
    status,
    summary:
      waiting.length === 0
        ? `No session is waiting on a lock in ${ctx.facts.database}.`
        : `${plural(waiting.length, 'session')} waiting on locks behind ${plural(roots.length, 'root blocker')}; longest wait ${formatAge(longest * 1000)}.`,
    threshold: `no lock waits; critical when one waits over ${formatAge(t.lockWaitCriticalSeconds * 1000)}`,
    findings,
    omitted: 0,
    nextStep:
      waiting.length === 0
        ? 'Nothing to do.'
        : `Deal with the root blocker${firstRoot ? ` (pid ${String(firstRoot.data.pid)})` : ''}, never the sessions waiting behind it: ${
            rootState.startsWith('idle in transaction')
              ? `it is idle inside a transaction, so ask its owner to commit or roll back, or end it (playbook terminate-backend: \`/playbook run terminate-backend pid=${String(firstRoot?.data.pid)} terminate=yes\`); that releases everything behind it.`
              : `cancel its statement first (playbook terminate-backend: \`/playbook run terminate-backend pid=${String(firstRoot?.data.pid)}\`), and end the session with \`terminate=yes\` only if that does not release the lock.`
          }`,
    ...(waiting.length > 0 ? { playbook: 'terminate-backend' as const } : {}),
  };
  return { title: 'Locks', notes, statsResetAt: null, sections: [section] };
}
