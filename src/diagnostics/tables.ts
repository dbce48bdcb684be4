// /db tables: the runbook's "Vacuum & Analyze" — the largest tables with their parts, and the
// tables with dead tuples or where autovacuum / autoanalyze is due by the thresholds in effect.
import type { Row } from '../db/target.js';
import { formatBytes, formatCount, formatPct } from '../core/format.js';
import { formatTime } from '../render/time.js';
import { epochMs, failedSection, formatAge, isoOrNull, num, plural, type RunContext, statsAgeNote, str, strOrNull, type TopicResult, worstOf } from './common.js';
import { DEFAULT_LIST_LIMIT } from './settings.js';
import type { Finding, Section } from './types.js';

async function sizes(ctx: RunContext, limit: number): Promise<Section> {
  const title = 'Largest tables';
  const r = await ctx.tx.section('queries/db/tables-size', [limit]);
  if (!r.ok) return failedSection('sizes', title, r, ctx);
  const all = num(r.rows[0] ?? {}, 'tables');
  const findings: Finding[] = r.rows.map((row) => {
    const rows = num(row, 'row_estimate');
    return {
      status: 'ok',
      title: `${str(row, 'schema')}.${str(row, 'name')} ${formatBytes(num(row, 'total_bytes'))}`,
      facts: [
        `table ${formatBytes(num(row, 'heap_bytes'))}`,
        `indexes ${formatBytes(num(row, 'index_bytes'))}`,
        `TOAST ${formatBytes(num(row, 'toast_bytes'))}`,
        rows < 0 ? 'rows unknown (never analyzed)' : `~${formatCount(rows)} rows`,
      ],
      data: {
        schema: row.schema,
        name: row.name,
        totalBytes: num(row, 'total_bytes'),
        heapBytes: num(row, 'heap_bytes'),
        indexBytes: num(row, 'index_bytes'),
        toastBytes: num(row, 'toast_bytes'),
        rowEstimate: rows < 0 ? null : rows,
      },
    };
  });
  const shown = findings.reduce((s, f) => s + Number(f.data.totalBytes), 0);
  return {
    key: 'sizes',
    title,
    status: 'ok',
    summary: `${plural(all, 'table')} in ${ctx.facts.database} (all schemas, auth and storage included); the ${findings.length} largest hold ${formatBytes(shown)}.`,
    findings,
    omitted: Math.max(0, all - findings.length),
    nextStep:
      'Compare with the storage limit (`/health db`). Deleting rows frees space for reuse only after VACUUM (playbook vacuum-analyze); purge old rows of the growing tables first.',
  };
}

function when(row: Row, key: string, ctx: RunContext): string {
  const ms = epochMs(row, key);
  return ms === null ? 'never' : `${formatAge(ctx.now - ms)} ago (${formatTime(ms, ctx.timezone)})`;
}

async function vacuum(ctx: RunContext, limit: number): Promise<Section> {
  const t = ctx.thresholds;
  const title = 'Vacuum and analyze';
  const r = await ctx.tx.section('queries/db/tables-vacuum', [t.deadTuplesWarn, limit]);
  if (!r.ok) return failedSection('vacuum', title, r, ctx);
  const all = num(r.rows[0] ?? {}, 'total');
  const findings: Finding[] = r.rows.map((row) => {
    const dead = num(row, 'dead');
    const due = strOrNull(row, 'vacuum_due');
    const enabled = row.autovacuum_enabled !== false;
    const facts = [`${formatCount(dead)} dead tuples (${formatPct(num(row, 'dead_pct'))})`, `~${formatCount(num(row, 'live'))} live`];
    if (due) facts.push(`autovacuum due (${due}; threshold ${formatCount(num(row, 'vacuum_threshold'))})`);
    if (row.analyze_due === true) facts.push(`autoanalyze due (${formatCount(num(row, 'mod_since_analyze'))} rows changed)`);
    if (row.never_analyzed === true) facts.push('never analyzed: the planner is guessing');
    if (!enabled) facts.push('AUTOVACUUM DISABLED for this table');
    facts.push(`last vacuum ${when(row, 'last_vacuum', ctx)}`, `last autovacuum ${when(row, 'last_autovacuum', ctx)}`);
    facts.push(`last analyze ${when(row, 'last_analyze', ctx)}`, `last autoanalyze ${when(row, 'last_autoanalyze', ctx)}`);
    return {
      status: dead > t.deadTuplesWarn ? 'warn' : 'ok',
      title: `${str(row, 'schema')}.${str(row, 'name')}`,
      facts,
      data: {
        schema: row.schema,
        name: row.name,
        live: num(row, 'live'),
        dead,
        deadPct: num(row, 'dead_pct'),
        modifiedSinceAnalyze: num(row, 'mod_since_analyze'),
        insertedSinceVacuum: num(row, 'ins_since_vacuum'),
        vacuumDue: due,
        analyzeDue: row.analyze_due === true,
        neverAnalyzed: row.never_analyzed === true,
        autovacuumEnabled: enabled,
        lastVacuum: row.last_vacuum,
        lastAutovacuum: row.last_autovacuum,
        lastAnalyze: row.last_analyze,
        lastAutoanalyze: row.last_autoanalyze,
      },
    };
  });
  const flagged = findings.filter((f) => f.status !== 'ok').length;
  const status = worstOf(findings);
  return {
    key: 'vacuum',
    title,
    status,
    summary:
      all === 0
        ? 'No table has dead tuples over the threshold or vacuum or analyze due.'
        : `${plural(all, 'table')} need vacuum or analyze; ${flagged} of those listed have more than ${formatCount(t.deadTuplesWarn)} dead tuples.`,
    threshold: `dead tuples ≤ ${formatCount(t.deadTuplesWarn)} (runbook)`,
    findings,
    omitted: Math.max(0, all - findings.length),
    nextStep:
      status !== 'ok'
        ? `Run VACUUM (ANALYZE) on the flagged tables (playbook vacuum-analyze: \`/playbook run vacuum-analyze tables=${findings
            .filter((f) => f.status !== 'ok')
            .slice(0, 20)
            .map((f) => f.title)
            .join(',')}\`). If autovacuum keeps falling behind, lower autovacuum_vacuum_scale_factor for those tables, and check \`/db connections\` for old transactions that keep dead rows alive.`
        : 'Autovacuum is keeping up; nothing to do.',
    ...(status !== 'ok' ? { playbook: 'vacuum-analyze' as const } : {}),
  };
}

export async function tables(ctx: RunContext, limit = DEFAULT_LIST_LIMIT): Promise<TopicResult> {
  const sections = [await sizes(ctx, limit), await vacuum(ctx, limit)];
  return {
    title: 'Tables',
    notes: [statsAgeNote('Table statistics', ctx.facts.statsResetMs, ctx)],
    statsResetAt: isoOrNull(ctx.facts.statsResetMs),
    sections,
  };
}
