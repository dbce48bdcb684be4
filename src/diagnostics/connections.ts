// /db connections: the runbook's "Connection Pool Exhausted" — totals against max_connections
// and the 40/50 thresholds, who holds the connections, idle and idle-in-transaction sessions,
// and the bot's own sessions listed apart so they are never mistaken for the problem.
import type { Row } from '../db/target.js';
import { formatCount, formatPct } from '../core/format.js';
import { failedSection, formatAge, num, numOrNull, plural, type RunContext, sessionFacts, str, type TopicResult, worstOf } from './common.js';
import { DEFAULT_LIST_LIMIT } from './settings.js';
import type { Finding, Section, Status } from './types.js';

interface DatabaseCount {
  database: string;
  connections: number;
}

async function totals(ctx: RunContext): Promise<Section> {
  const t = ctx.thresholds;
  const title = 'Connections on the server';
  const r = await ctx.tx.section('queries/db/connections-summary');
  if (!r.ok) return failedSection('totals', title, r, ctx);
  const row = r.rows[0] ?? {};
  const total = num(row, 'total');
  const max = num(row, 'max_connections');
  const reserved = num(row, 'superuser_reserved') + num(row, 'reserved');
  const pct = max > 0 ? (100 * total) / max : 0;
  const status: Status = total >= t.connectionsCritical || pct >= t.connectionsCriticalPct ? 'critical' : total >= t.connectionsWarn ? 'warn' : 'ok';
  const byDb = (Array.isArray(row.by_database) ? row.by_database : []) as DatabaseCount[];
  const hidden = num(row, 'hidden');
  const findings: Finding[] = byDb.map((d) => ({
    status: 'ok',
    title: `database ${d.database}`,
    facts: [plural(d.connections, 'connection')],
    data: { ...d },
  }));
  const summary =
    `${formatCount(total)} of ${formatCount(max)} client connections in use (${formatPct(pct, 0)}; ${formatCount(reserved)} of the slots are reserved for superusers): ` +
    `${num(row, 'active')} active, ${num(row, 'idle')} idle, ${num(row, 'idle_in_tx')} idle in transaction` +
    `${hidden > 0 ? `, ${hidden} not visible to the bot` : ''}; ${num(row, 'own')} are the bot's own.`;
  return {
    key: 'totals',
    title,
    status,
    summary,
    threshold: `warn ≥ ${t.connectionsWarn}, critical ≥ ${t.connectionsCritical} or ≥ ${t.connectionsCriticalPct} % of max_connections (runbook: < 50, warning > 40)`,
    findings,
    omitted: 0,
    nextStep:
      status !== 'ok'
        ? 'See below who holds them; terminate the idle ones (playbook kill-idle-connections) and point clients at the pooler (Supavisor, port 6543) instead of direct connections.'
        : hidden > 0
          ? `Below the thresholds, but ${hidden} sessions are not visible: \`GRANT pg_monitor TO ${ctx.facts.roleIdent};\`.`
          : 'Below the runbook thresholds; nothing to do.',
    ...(status !== 'ok' ? { playbook: 'kill-idle-connections' as const } : {}),
  };
}

async function groups(ctx: RunContext): Promise<Section> {
  const title = `Who holds connections to ${ctx.facts.database}`;
  const r = await ctx.tx.section('queries/db/connections-groups', [DEFAULT_LIST_LIMIT]);
  if (!r.ok) return failedSection('groups', title, r, ctx);
  const all = num(r.rows[0] ?? {}, 'groups');
  const findings: Finding[] = r.rows.map((row) => {
    const facts = [
      `${num(row, 'active')} active`,
      `${num(row, 'idle')} idle`,
      `${num(row, 'idle_in_tx')} idle in transaction`,
      `oldest connected ${formatAge(num(row, 'oldest_s') * 1000)} ago`,
      ...sessionFacts(row),
    ];
    if (row.own === true) facts.push("the bot's own");
    return {
      status: 'ok',
      title: plural(num(row, 'total'), 'connection'),
      facts,
      data: {
        role: row.role,
        application: row.application,
        client: row.client,
        total: num(row, 'total'),
        active: num(row, 'active'),
        idle: num(row, 'idle'),
        idleInTransaction: num(row, 'idle_in_tx'),
        oldestSeconds: Math.round(num(row, 'oldest_s')),
        own: row.own === true,
      },
    };
  });
  return {
    key: 'groups',
    title,
    status: 'ok',
    summary: `${plural(all, 'group')} by user, application and client, largest first.`,
    findings,
    omitted: Math.max(0, all - findings.length),
    nextStep: 'A group much larger than its pool size is a connection leak: fix or restart that client; its idle sessions can be ended with playbook kill-idle-connections.',
  };
}

function sessionFinding(row: Row, status: Status, ctx: RunContext): Finding {
  const idle = num(row, 'idle_s') * 1000;
  const xact = numOrNull(row, 'xact_s');
  const state = str(row, 'state');
  const facts = [`${state} for ${formatAge(idle)}`];
  if (xact !== null) facts.push(`transaction open ${formatAge(xact * 1000)}`);
  facts.push(...sessionFacts(row));
  return {
    status,
    title: `pid ${num(row, 'pid')}`,
    facts,
    query: ctx.query(row.query),
    data: {
      pid: num(row, 'pid'),
      role: row.role,
      application: row.application,
      client: row.client,
      state,
      backendStart: row.backend_start instanceof Date ? row.backend_start.toISOString() : row.backend_start,
      idleSeconds: Math.round(idle / 1000),
      transactionSeconds: xact === null ? null : Math.round(xact),
    },
  };
}

async function sessions(ctx: RunContext): Promise<Section[]> {
  const t = ctx.thresholds;
  const r = await ctx.tx.section('queries/db/connections-sessions', [t.idleConnectionSeconds, DEFAULT_LIST_LIMIT]);
  if (!r.ok) return [failedSection('idle', 'Idle and idle-in-transaction sessions', r, ctx)];
  const of = (kind: string) => r.rows.filter((row) => str(row, 'kind') === kind);
  const totalOf = (rows: Row[]) => (rows[0] ? num(rows[0], 'total') : 0);

  const idleRows = of('idle');
  const idle: Section = {
    key: 'idle',
    title: `Idle for more than ${formatAge(t.idleConnectionSeconds * 1000)}`,
    status: idleRows.length > 0 ? 'warn' : 'ok',
    summary:
      idleRows.length > 0
        ? `${plural(totalOf(idleRows), 'session')} idle for more than ${formatAge(t.idleConnectionSeconds * 1000)}: probably leaked or an oversized pool.`
        : `No session idle for more than ${formatAge(t.idleConnectionSeconds * 1000)}.`,
    threshold: `idle ≤ ${formatAge(t.idleConnectionSeconds * 1000)}`,
    findings: idleRows.map((row) => sessionFinding(row, 'warn', ctx)),
    omitted: Math.max(0, totalOf(idleRows) - idleRows.length),
    nextStep:
      idleRows.length > 0
        ? `Terminate them (playbook kill-idle-connections: \`/playbook run kill-idle-connections minutes=${Math.floor(t.idleConnectionSeconds / 60)}\`) and give the client pool an idle timeout or maximum lifetime.`
        : 'Nothing to do.',
    ...(idleRows.length > 0 ? { playbook: 'kill-idle-connections' as const } : {}),
  };

  const txRows = of('idle_in_tx');
  const txFindings = txRows.map((row) => {
    const s = num(row, 'idle_s');
    const status: Status = s > t.idleInTransactionCriticalSeconds ? 'critical' : s > t.idleInTransactionSeconds ? 'warn' : 'ok';
    return sessionFinding(row, status, ctx);
  });
  const txStatus = worstOf(txFindings);
  const idleInTx: Section = {
    key: 'idle_in_transaction',
    title: 'Idle in transaction',
    status: txStatus,
    summary:
      txRows.length > 0
        ? `${plural(totalOf(txRows), 'session')} idle inside an open transaction: they hold their locks and keep vacuum from removing dead rows.`
        : 'No session is idle inside a transaction.',
    threshold: `warn over ${formatAge(t.idleInTransactionSeconds * 1000)}, critical over ${formatAge(t.idleInTransactionCriticalSeconds * 1000)}`,
    findings: txFindings,
    omitted: Math.max(0, totalOf(txRows) - txRows.length),
    nextStep:
      txStatus !== 'ok'
        ? `Ask the owner to commit or roll back; otherwise end the session (playbook terminate-backend: \`/playbook run terminate-backend pid=${String(txFindings.find((f) => f.status !== 'ok')?.data.pid)} terminate=yes\`) — cancelling does nothing to an idle transaction. Prevent it with \`ALTER ROLE <app role> SET idle_in_transaction_session_timeout = '60s';\`.`
        : 'Nothing to do.',
    ...(txStatus !== 'ok' ? { playbook: 'terminate-backend' as const } : {}),
  };

  const ownRows = of('own');
  const out = [idle, idleInTx];
  if (ownRows.length > 0) {
    out.push({
      key: 'own',
      title: "The bot's own sessions",
      status: 'ok',
      summary: `${plural(totalOf(ownRows), 'session')} of the ops bot (application_name opsbot…), not counted as problems; the session running this check is not listed.`,
      findings: ownRows.map((row) => sessionFinding(row, 'ok', ctx)),
      omitted: Math.max(0, totalOf(ownRows) - ownRows.length),
      nextStep: 'None: the bot holds at most three connections and ends its transactions at once.',
    });
  }
  return out;
}

export async function connections(ctx: RunContext): Promise<TopicResult> {
  const sections = [await totals(ctx), await groups(ctx), ...(await sessions(ctx))];
  return {
    title: 'Connections',
    notes: [`Live view of database ${ctx.facts.database}; totals count every database on the server`],
    statsResetAt: null,
    sections,
  };
}
