// /db indexes: the runbook's "Index Optimization" — unused, redundant (identical or
// prefix-covered) and invalid indexes, foreign keys without an index, and large tables read
// mostly by sequential scans. Index advice skips the Supabase-managed schemas, where users may
// not create or drop indexes.
import { formatBytes, formatCount, formatPct } from '../core/format.js';
import { failedSection, isoOrNull, num, plural, type RunContext, statsAgeNote, str, type TopicResult } from './common.js';
import { DEFAULT_LIST_LIMIT, INTERNAL_SCHEMAS } from './settings.js';
import type { Finding, Section } from './types.js';

const DROP_STEP =
  'Review, then drop with `DROP INDEX CONCURRENTLY` — after checking read replicas and monthly jobs, whose scans are not counted here. No playbook drops indexes: a person decides.';

async function unused(ctx: RunContext, limit: number): Promise<Section> {
  const t = ctx.thresholds;
  const title = 'Unused indexes';
  const r = await ctx.tx.section('queries/db/indexes-unused', [INTERNAL_SCHEMAS, t.unusedIndexMinBytes, limit]);
  if (!r.ok) return failedSection('unused', title, r, ctx);
  const all = num(r.rows[0] ?? {}, 'total');
  const findings: Finding[] = r.rows.map((row) => {
    const facts = [`${formatBytes(num(row, 'index_bytes'))}`, `0 scans`, `on ${str(row, 'schema')}.${str(row, 'table_name')} (~${formatCount(num(row, 'table_rows'))} rows)`];
    if (row.backs_fk === true) facts.push('the only index of a foreign key: dropping it slows deletes on the referenced table');
    return {
      status: 'warn',
      title: `${str(row, 'schema')}.${str(row, 'index_name')}`,
      facts,
      query: ctx.query(row.definition),
      data: {
        schema: row.schema,
        table: row.table_name,
        index: row.index_name,
        indexBytes: num(row, 'index_bytes'),
        tableRows: num(row, 'table_rows'),
        backsForeignKey: row.backs_fk === true,
      },
    };
  });
  return {
    key: 'unused',
    title,
    status: findings.length > 0 ? 'warn' : 'ok',
    summary:
      all > 0
        ? `${plural(all, 'index', 'indexes')} of at least ${formatBytes(t.unusedIndexMinBytes)} never scanned since the statistics reset; every write still pays for them.`
        : `No index of at least ${formatBytes(t.unusedIndexMinBytes)} went unused since the statistics reset.`,
    threshold: `non-unique indexes ≥ ${formatBytes(t.unusedIndexMinBytes)} with 0 scans`,
    findings,
    omitted: Math.max(0, all - findings.length),
    nextStep: findings.length > 0 ? DROP_STEP : 'Nothing to do.',
  };
}

async function duplicate(ctx: RunContext, limit: number): Promise<Section> {
  const title = 'Duplicate and prefix-covered indexes';
  const r = await ctx.tx.section('queries/db/indexes-duplicate', [INTERNAL_SCHEMAS, limit]);
  if (!r.ok) return failedSection('duplicate', title, r, ctx);
  const all = num(r.rows[0] ?? {}, 'total');
  const findings: Finding[] = r.rows.map((row) => ({
    status: 'warn',
    title: `${str(row, 'schema')}.${str(row, 'index_name')}`,
    facts: [
      row.identical === true ? `identical to ${str(row, 'covered_by')}` : `its columns are a prefix of ${str(row, 'covered_by')}`,
      formatBytes(num(row, 'index_bytes')),
      `on ${str(row, 'schema')}.${str(row, 'table_name')}`,
    ],
    query: ctx.query(row.definition),
    data: {
      schema: row.schema,
      table: row.table_name,
      index: row.index_name,
      coveredBy: row.covered_by,
      identical: row.identical === true,
      indexBytes: num(row, 'index_bytes'),
      coveredByDefinition: row.covered_by_definition,
    },
  }));
  return {
    key: 'duplicate',
    title,
    status: findings.length > 0 ? 'warn' : 'ok',
    summary: all > 0 ? `${plural(all, 'index', 'indexes')} already covered by another index of the same table.` : 'No redundant index.',
    threshold: 'none',
    findings,
    omitted: Math.max(0, all - findings.length),
    nextStep: findings.length > 0 ? DROP_STEP.replace('after checking read replicas and monthly jobs, whose scans are not counted here', 'keeping the covering index named') : 'Nothing to do.',
  };
}

async function invalid(ctx: RunContext, limit: number): Promise<Section> {
  const title = 'Invalid indexes';
  const r = await ctx.tx.section('queries/db/indexes-invalid', [limit]);
  if (!r.ok) return failedSection('invalid', title, r, ctx);
  const all = num(r.rows[0] ?? {}, 'total');
  const findings: Finding[] = r.rows.map((row) => ({
    status: 'warn',
    title: `${str(row, 'schema')}.${str(row, 'index_name')}`,
    facts: [
      `on ${str(row, 'schema')}.${str(row, 'table_name')}`,
      formatBytes(num(row, 'index_bytes')),
      row.ready === true ? 'still maintained by every write, never used by reads' : 'not used',
    ],
    query: ctx.query(row.definition),
    data: { schema: row.schema, table: row.table_name, index: row.index_name, indexBytes: num(row, 'index_bytes'), ready: row.ready === true },
  }));
  return {
    key: 'invalid',
    title,
    status: findings.length > 0 ? 'warn' : 'ok',
    summary: all > 0 ? `${plural(all, 'invalid index', 'invalid indexes')}, left by a failed CREATE INDEX CONCURRENTLY.` : 'No invalid index.',
    threshold: 'none',
    findings,
    omitted: Math.max(0, all - findings.length),
    nextStep:
      findings.length > 0
        ? 'Drop it with `DROP INDEX CONCURRENTLY` and build it again (or `REINDEX INDEX CONCURRENTLY`); if it was a unique index, fix the duplicate rows first.'
        : 'Nothing to do.',
  };
}

async function foreignKeys(ctx: RunContext, limit: number): Promise<Section> {
  const title = 'Foreign keys without an index';
  const r = await ctx.tx.section('queries/db/indexes-fk-missing', [INTERNAL_SCHEMAS, limit]);
  if (!r.ok) return failedSection('foreign_keys', title, r, ctx);
  const all = num(r.rows[0] ?? {}, 'total');
  const findings: Finding[] = r.rows.map((row) => {
    const columns = Array.isArray(row.columns) ? row.columns.map(String) : [];
    return {
      status: 'warn',
      title: `${str(row, 'schema')}.${str(row, 'table_name')} (${columns.join(', ')})`,
      facts: [`references ${str(row, 'referenced')}`, `constraint ${str(row, 'constraint_name')}`, `table ${formatBytes(num(row, 'table_bytes'))}, ~${formatCount(num(row, 'table_rows'))} rows`],
      // Built from catalog identifiers by the SQL (format %I), not user data: shown as is.
      query: str(row, 'suggestion'),
      data: {
        schema: row.schema,
        table: row.table_name,
        constraint: row.constraint_name,
        columns,
        references: row.referenced,
        tableBytes: num(row, 'table_bytes'),
        tableRows: num(row, 'table_rows'),
        suggestion: row.suggestion,
      },
    };
  });
  return {
    key: 'foreign_keys',
    title,
    status: findings.length > 0 ? 'warn' : 'ok',
    summary:
      all > 0
        ? `${plural(all, 'foreign key')} without an index: deleting or re-keying a referenced row scans the whole referencing table.`
        : 'Every foreign key has an index.',
    threshold: 'every foreign key indexed',
    findings,
    omitted: Math.max(0, all - findings.length),
    nextStep:
      findings.length > 0
        ? 'Create the suggested indexes in a migration, largest tables first (`CREATE INDEX CONCURRENTLY` does not block writes); the runbook’s own recommended indexes come with playbook create-recommended-indexes.'
        : 'Nothing to do.',
  };
}

async function seqScans(ctx: RunContext, limit: number): Promise<Section> {
  const t = ctx.thresholds;
  const title = 'Large tables read by sequential scans';
  const r = await ctx.tx.section('queries/db/indexes-seqscan', [t.seqScanMinRows, t.seqScanIndexUsePct, limit]);
  if (!r.ok) return failedSection('seq_scans', title, r, ctx);
  const all = num(r.rows[0] ?? {}, 'total');
  const findings: Finding[] = r.rows.map((row) => ({
    status: 'warn',
    title: `${str(row, 'schema')}.${str(row, 'name')}`,
    facts: [
      `index use ${formatPct(num(row, 'index_use_pct'))}`,
      `${formatCount(num(row, 'seq_scan'))} sequential scans reading ~${formatCount(num(row, 'rows_per_seq_scan'))} rows each`,
      `${formatCount(num(row, 'idx_scan'))} index scans`,
      `~${formatCount(num(row, 'live_rows'))} rows`,
    ],
    data: {
      schema: row.schema,
      name: row.name,
      liveRows: num(row, 'live_rows'),
      seqScans: num(row, 'seq_scan'),
      seqRowsRead: num(row, 'seq_tup_read'),
      indexScans: num(row, 'idx_scan'),
      indexUsePct: num(row, 'index_use_pct'),
    },
  }));
  return {
    key: 'seq_scans',
    title,
    status: findings.length > 0 ? 'warn' : 'ok',
    summary:
      all > 0
        ? `${plural(all, 'table')} of at least ${formatCount(t.seqScanMinRows)} rows read mostly by sequential scans.`
        : `No table of at least ${formatCount(t.seqScanMinRows)} rows is read mostly by sequential scans.`,
    threshold: `index scans ≥ ${t.seqScanIndexUsePct} % of scans on tables ≥ ${formatCount(t.seqScanMinRows)} rows`,
    findings,
    omitted: Math.max(0, all - findings.length),
    nextStep:
      findings.length > 0
        ? 'Find the statements behind the scans (`/slowqueries io`), `EXPLAIN` them and add the index they need (playbook create-recommended-indexes).'
        : 'Nothing to do.',
    ...(findings.length > 0 ? { playbook: 'create-recommended-indexes' as const } : {}),
  };
}

export async function indexes(ctx: RunContext, limit = DEFAULT_LIST_LIMIT): Promise<TopicResult> {
  const sections = [
    await unused(ctx, limit),
    await duplicate(ctx, limit),
    await invalid(ctx, limit),
    await foreignKeys(ctx, limit),
    await seqScans(ctx, limit),
  ];
  const notes = [
    statsAgeNote('Scan counts', ctx.facts.statsResetMs, ctx),
    `Database ${ctx.facts.database}; Supabase-managed schemas (auth, storage, extensions, …) are skipped`,
  ];
  if (ctx.facts.inRecovery) notes.push('This is a read replica: its scan counts are its own, not the primary’s');
  return { title: 'Indexes', notes, statsResetAt: isoOrNull(ctx.facts.statsResetMs), sections };
}
