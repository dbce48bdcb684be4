// /db wraparound: transaction-ID and multixact age per database against the 2^31 horizon and
// autovacuum_freeze_max_age, the tables to freeze first, and sequences running out of their
// column type's range.
import { formatCount, formatPct } from '../core/format.js';
import { failedSection, num, numOrNull, plural, type RunContext, str, strOrNull, type TopicResult, worstOf } from './common.js';
import { DEFAULT_LIST_LIMIT } from './settings.js';
import type { Finding, Section, Status } from './types.js';

const HORIZON = 2 ** 31;

function ageStatus(age: number, ctx: RunContext): Status {
  const pct = (100 * age) / HORIZON;
  return pct >= ctx.thresholds.xidAgeCriticalPct ? 'critical' : pct >= ctx.thresholds.xidAgeWarnPct ? 'warn' : 'ok';
}

const FREEZE_STEP =
  'VACUUM the oldest tables below (playbook vacuum-analyze; past vacuum_freeze_table_age a VACUUM freezes the whole table) and end long transactions that hold back the xmin horizon (`/db connections`). Never cancel an anti-wraparound autovacuum.';

async function databases(ctx: RunContext): Promise<Section> {
  const t = ctx.thresholds;
  const title = 'Transaction-ID age per database';
  const r = await ctx.tx.section('queries/db/wraparound-databases');
  if (!r.ok) return failedSection('databases', title, r, ctx);
  const findings: Finding[] = r.rows.slice(0, DEFAULT_LIST_LIMIT).map((row) => {
    const age = num(row, 'xid_age');
    const mxid = num(row, 'mxid_age');
    const freezeMax = num(row, 'freeze_max_age');
    const mxFreezeMax = num(row, 'multixact_freeze_max_age');
    const status = [ageStatus(age, ctx), ageStatus(mxid, ctx)].reduce((w, s) => (s === 'critical' || (s === 'warn' && w === 'ok') ? s : w), 'ok' as Status);
    const facts = [`${formatPct((100 * age) / HORIZON, 2)} of the wraparound horizon`, `multixact age ${formatCount(mxid)}`];
    if (age > freezeMax) facts.push(`past autovacuum_freeze_max_age (${formatCount(freezeMax)}): anti-wraparound autovacuum is due`);
    if (mxid > mxFreezeMax) facts.push('past autovacuum_multixact_freeze_max_age');
    return {
      status,
      title: `${str(row, 'database')}: ${formatCount(age)}`,
      facts,
      data: { database: row.database, xidAge: age, multixactAge: mxid, freezeMaxAge: freezeMax, pct: Math.round((10000 * age) / HORIZON) / 100 },
    };
  });
  const status = worstOf(findings);
  return {
    key: 'databases',
    title,
    status,
    summary: `${plural(r.rows.length, 'database')} on the server, oldest first.`,
    threshold: `warn ≥ ${t.xidAgeWarnPct} %, critical ≥ ${t.xidAgeCriticalPct} % of 2^31`,
    findings,
    omitted: r.rows.length - findings.length,
    nextStep: status !== 'ok' ? FREEZE_STEP : 'Nothing to do: autovacuum freezes well before the horizon.',
    ...(status !== 'ok' ? { playbook: 'vacuum-analyze' as const } : {}),
  };
}

async function oldestTables(ctx: RunContext): Promise<Section> {
  const title = `Oldest tables in ${ctx.facts.database}`;
  const r = await ctx.tx.section('queries/db/wraparound-tables', [10]);
  if (!r.ok) return failedSection('tables', title, r, ctx);
  const findings: Finding[] = r.rows.map((row) => {
    const age = num(row, 'xid_age');
    return {
      status: ageStatus(age, ctx),
      title: `${str(row, 'schema')}.${str(row, 'name')}: ${formatCount(age)}`,
      facts: [`${formatPct((100 * age) / HORIZON, 2)} of the horizon`, `multixact age ${formatCount(num(row, 'mxid_age'))}`],
      data: { schema: row.schema, name: row.name, xidAge: age, multixactAge: num(row, 'mxid_age'), lastVacuum: row.last_vacuum, lastAutovacuum: row.last_autovacuum },
    };
  });
  const status = worstOf(findings);
  return {
    key: 'tables',
    title,
    status,
    summary: 'The tables whose unfrozen rows are oldest; an anti-wraparound VACUUM freezes these first.',
    findings,
    omitted: 0,
    nextStep: status !== 'ok' ? FREEZE_STEP : 'Nothing to do.',
    ...(status !== 'ok' ? { playbook: 'vacuum-analyze' as const } : {}),
  };
}

async function sequences(ctx: RunContext): Promise<Section> {
  const t = ctx.thresholds;
  const title = 'Sequences near their limit';
  const r = await ctx.tx.section('queries/db/sequences', [DEFAULT_LIST_LIMIT]);
  if (!r.ok) return failedSection('sequences', title, r, ctx);
  const unreadable = num(r.rows[0] ?? {}, 'unreadable');
  const listed = r.rows.filter((row) => (numOrNull(row, 'used_pct') ?? 0) >= t.sequenceWarnPct);
  const findings: Finding[] = listed.map((row) => {
    const pct = num(row, 'used_pct');
    const column = strOrNull(row, 'column_ref');
    return {
      status: pct >= t.sequenceCriticalPct ? 'critical' : 'warn',
      title: `${str(row, 'schema')}.${str(row, 'name')} ${formatPct(pct, 2)} used`,
      facts: [
        `last value ${formatCount(num(row, 'last_value'))} of ${formatCount(num(row, 'limit_value'))}`,
        column ? `feeds ${column} (${str(row, 'column_type')})` : 'feeds no column default',
      ],
      data: { schema: row.schema, name: row.name, lastValue: str(row, 'last_value'), limit: str(row, 'limit_value'), usedPct: pct, column, columnType: row.column_type },
    };
  });
  const top = r.rows[0];
  const status = worstOf(findings);
  return {
    key: 'sequences',
    title,
    status,
    summary:
      (findings.length > 0
        ? `${plural(findings.length, 'sequence')} above ${t.sequenceWarnPct} % of the range of the column they feed.`
        : `No sequence above ${t.sequenceWarnPct} % of its range${top && numOrNull(top, 'used_pct') !== null ? ` (fullest: ${str(top, 'schema')}.${str(top, 'name')} at ${formatPct(num(top, 'used_pct'), 2)})` : ''}.`) +
      (unreadable > 0 ? ` ${plural(unreadable, 'sequence')} could not be read by the bot role.` : ''),
    threshold: `warn ≥ ${t.sequenceWarnPct} %, critical ≥ ${t.sequenceCriticalPct} %`,
    findings,
    omitted: 0,
    nextStep:
      findings.length > 0
        ? 'Plan a migration of the column (and its sequence) to bigint before inserts start failing; it rewrites the table, so schedule it in the maintenance window. No playbook does this.'
        : unreadable > 0
          ? `Let the bot read every sequence: \`GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO ${ctx.facts.roleIdent};\`.`
          : 'Nothing to do.',
  };
}

export async function wraparound(ctx: RunContext): Promise<TopicResult> {
  // Sequences last: reading them locks each one until the transaction ends.
  const sections = [await databases(ctx), await oldestTables(ctx), await sequences(ctx)];
  return { title: 'Wraparound', notes: [`Server-wide ages; tables and sequences of ${ctx.facts.database}`], statsResetAt: null, sections };
}
