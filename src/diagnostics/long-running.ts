// /db long [seconds]: statements running longer than a threshold. Application sessions are the
// candidates; WAL senders, autovacuum, backups, background workers and the bot itself are
// listed apart, never as culprits (an anti-wraparound autovacuum must not be cancelled).
import type { Row } from '../db/target.js';
import { failedSection, formatAge, num, numOrNull, plural, type RunContext, sessionFacts, str, type TopicResult, worstOf } from './common.js';
import { DEFAULT_LIST_LIMIT } from './settings.js';
import type { Finding, Section, Status } from './types.js';

const KIND_LABEL: Record<string, string> = {
  walsender: 'WAL sender (replication)',
  autovacuum: 'autovacuum',
  backup: 'backup',
  background: 'background worker',
  own: "the bot's own",
};

function statementFinding(row: Row, status: Status, ctx: RunContext): Finding {
  const running = num(row, 'running_s');
  const xact = numOrNull(row, 'xact_s');
  const kind = str(row, 'kind');
  const facts: string[] = [];
  if (kind !== 'client') facts.push(KIND_LABEL[kind] ?? kind);
  facts.push(`${str(row, 'state') || 'state hidden'}`);
  const ev = [str(row, 'wait_event_type'), str(row, 'wait_event')].filter(Boolean).join('/');
  if (ev) facts.push(`waiting on ${ev}`);
  if (xact !== null && xact > running + 1) facts.push(`transaction open ${formatAge(xact * 1000)}`);
  facts.push(...sessionFacts(row));
  if (kind !== 'client' && str(row, 'backend_type') !== 'client backend') facts.push(str(row, 'backend_type'));
  return {
    status,
    title: `pid ${num(row, 'pid')} running ${formatAge(running * 1000)}`,
    facts,
    query: ctx.query(row.query),
    data: {
      pid: num(row, 'pid'),
      kind,
      role: row.role,
      application: row.application,
      client: row.client,
      state: row.state,
      backendType: row.backend_type,
      runningSeconds: Math.round(running),
      transactionSeconds: xact === null ? null : Math.round(xact),
      waitEvent: row.wait_event,
    },
  };
}

export async function longRunning(ctx: RunContext, seconds: number): Promise<TopicResult> {
  const t = ctx.thresholds;
  const title = `Statements running over ${formatAge(seconds * 1000)}`;
  const notes = [`Live view of database ${ctx.facts.database} (WAL senders of any database)`];
  const r = await ctx.tx.section('queries/db/long', [seconds, DEFAULT_LIST_LIMIT]);
  if (!r.ok) return { title, notes, statsResetAt: null, sections: [failedSection('client', 'Application statements', r, ctx)] };
  const of = (kinds: string[]) => r.rows.filter((row) => kinds.includes(str(row, 'kind')));
  const totalOf = (rows: Row[], kinds: string[]) =>
    kinds.reduce((sum, k) => sum + num(rows.find((row) => str(row, 'kind') === k) ?? {}, 'total'), 0);

  const clients = of(['client']);
  const clientFindings = clients.map((row) =>
    statementFinding(row, num(row, 'running_s') > t.longRunningCriticalSeconds ? 'critical' : 'warn', ctx),
  );
  const clientTotal = totalOf(clients, ['client']);
  const status = worstOf(clientFindings);
  const culprits: Section = {
    key: 'client',
    title: 'Application statements',
    status,
    summary:
      clientTotal > 0
        ? `${plural(clientTotal, 'application statement')} running over ${formatAge(seconds * 1000)}, longest first.`
        : `No application statement running over ${formatAge(seconds * 1000)}.`,
    threshold: `warn over ${formatAge(seconds * 1000)}, critical over ${formatAge(t.longRunningCriticalSeconds * 1000)}`,
    findings: clientFindings,
    omitted: Math.max(0, clientTotal - clients.length),
    nextStep:
      clientTotal > 0
        ? `Check what they block (\`/db locks\`). Cancel the statement first (playbook terminate-backend: \`/playbook run terminate-backend pid=${String(clientFindings[0]?.data.pid)}\`); end the session with \`terminate=yes\` only if it does not stop. Then find why it is slow (\`/slowqueries mean\`).`
        : 'Nothing to do.',
    ...(clientTotal > 0 ? { playbook: 'terminate-backend' as const } : {}),
  };

  const maintenanceKinds = ['walsender', 'autovacuum', 'backup', 'background'];
  const maintenance = of(maintenanceKinds);
  const maintenanceTotal = totalOf(maintenance, maintenanceKinds);
  const sections: Section[] = [culprits];
  sections.push({
    key: 'maintenance',
    title: 'Replication, autovacuum, backups and workers',
    status: 'ok',
    summary:
      maintenanceTotal > 0
        ? `${plural(maintenanceTotal, 'system process', 'system processes')} running over ${formatAge(seconds * 1000)}; listed apart because they are expected to run long.`
        : 'None running long.',
    findings: maintenance.map((row) => statementFinding(row, 'ok', ctx)),
    omitted: Math.max(0, maintenanceTotal - maintenance.length),
    nextStep:
      'Leave these alone: an anti-wraparound autovacuum cannot and must not be cancelled, and replication or a backup ends by itself. If autovacuum is slow on a big table, check `/db tables`.',
  });
  const own = of(['own']);
  if (own.length > 0) {
    sections.push({
      key: 'own',
      title: "The bot's own statements",
      status: 'ok',
      summary: `${plural(totalOf(own, ['own']), 'statement')} of the ops bot, not counted as problems.`,
      findings: own.map((row) => statementFinding(row, 'ok', ctx)),
      omitted: 0,
      nextStep: 'None: the bot’s statements stop at its statement_timeout.',
    });
  }
  return { title, notes, statsResetAt: null, sections };
}
