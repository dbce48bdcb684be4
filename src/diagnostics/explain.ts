// /db explain [analyze] <queryid> (runbook "Query Optimization"): the plan of a pg_stat_statements
// entry, summarised — the costliest nodes, sequential scans on large tables, and the index that
// would serve each such scan's filter — with the full plan as text.
//
// The entry's text is parameterised ($1, $2 …) and Postgres 15 has no EXPLAIN (GENERIC_PLAN). So
// the text is PREPAREd without a type list (Postgres infers each parameter's type from its
// context), plan_cache_mode is set to force_generic_plan for the transaction, and the plan is
// EXPLAIN EXECUTE with NULL for every parameter: with a forced generic plan the arguments are
// not used for planning, so the plan is the one that serves any value. EXPLAIN without ANALYZE
// runs nothing. ANALYZE is refused for anything but a SELECT, and runs inside the diagnostic's
// READ ONLY transaction under its statement_timeout (with NULL arguments, which the report says).
// The prepared statement outlives a transaction, so it is always deallocated.
import { formatBytes, formatCount } from '../core/format.js';
import { InputError } from '../core/errors.js';
import type { Row } from '../db/target.js';
import { quoteInput } from '../slack/blocks.js';
import { failedSection, num, plural, type RunContext, str, type TopicResult } from './common.js';
import type { TopicSpec } from './service.js';
import { extensionProblem } from './slow-queries.js';
import type { Finding, Section } from './types.js';

export const EXPLAIN_USAGE = '/db explain [analyze] <queryid>';

export interface ExplainArgs {
  queryId: string;
  analyze: boolean;
}

/** A table this large read by a sequential scan is worth an index. */
export const LARGE_TABLE_ROWS = 10_000;
/** Costliest nodes listed. */
const COSTLY = 5;
const MAX_QUERYID = 2n ** 63n - 1n;

/** Parses the text after `/db explain`. */
export function parseExplainArgs(text: string): ExplainArgs {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const analyze = words[0]?.toLowerCase() === 'analyze' || words[0]?.toLowerCase() === 'analyse';
  const rest = analyze ? words.slice(1) : words;
  if (rest.length !== 1) throw new InputError(`\`/db explain\` takes one queryid (from \`/slowqueries\`), e.g. \`/db explain 4512980034327651\` or \`/db explain analyze 4512980034327651\`. Usage: \`${EXPLAIN_USAGE}\`.`);
  const id = rest[0]!;
  if (!/^-?\d{1,20}$/.test(id) || BigInt(id) > MAX_QUERYID || BigInt(id) < -MAX_QUERYID - 1n) {
    throw new InputError(`"${quoteInput(id, 30)}" is not a queryid: it is a whole number (64-bit, may be negative), shown by \`/slowqueries\`. Usage: \`${EXPLAIN_USAGE}\`.`);
  }
  return { queryId: BigInt(id).toString(), analyze };
}

/** One plan node as EXPLAIN (FORMAT JSON) writes it (only the fields read). */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Schema?: string;
  Alias?: string;
  'Index Name'?: string;
  'Startup Cost'?: number;
  'Total Cost'?: number;
  'Plan Rows'?: number;
  'Actual Total Time'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Filter?: string;
  'Index Cond'?: string;
  'Join Filter'?: string;
  'Hash Cond'?: string;
  Plans?: PlanNode[];
}

interface Flat {
  node: PlanNode;
  depth: number;
  /** Cost (or, with ANALYZE, time) of the node itself, without its children. */
  self: number;
}

function flatten(node: PlanNode, analyze: boolean, depth = 0, out: Flat[] = []): Flat[] {
  const total = analyze ? (node['Actual Total Time'] ?? 0) * (node['Actual Loops'] ?? 1) : (node['Total Cost'] ?? 0);
  const kids = node.Plans ?? [];
  const childTotal = kids.reduce((sum, k) => sum + (analyze ? (k['Actual Total Time'] ?? 0) * (k['Actual Loops'] ?? 1) : (k['Total Cost'] ?? 0)), 0);
  out.push({ node, depth, self: Math.max(0, total - childTotal) });
  for (const k of kids) flatten(k, analyze, depth + 1, out);
  return out;
}

function nodeName(n: PlanNode): string {
  const on = n['Relation Name'] ? ` on ${n.Schema ? `${n.Schema}.` : ''}${n['Relation Name']}` : '';
  const idx = n['Index Name'] ? ` using ${n['Index Name']}` : '';
  return `${n['Node Type']}${idx}${on}`;
}

/** The plan as the indented text EXPLAIN prints, from its JSON. */
export function planText(root: PlanNode, analyze: boolean): string {
  const lines: string[] = [];
  for (const { node: n, depth } of flatten(root, analyze)) {
    const pad = depth === 0 ? '' : `${'      '.repeat(depth - 1)}  ->  `;
    const cost = `(cost=${(n['Startup Cost'] ?? 0).toFixed(2)}..${(n['Total Cost'] ?? 0).toFixed(2)} rows=${n['Plan Rows'] ?? 0})`;
    const actual = analyze ? ` (actual time=${(n['Actual Total Time'] ?? 0).toFixed(3)} rows=${n['Actual Rows'] ?? 0} loops=${n['Actual Loops'] ?? 0})` : '';
    lines.push(`${pad}${nodeName(n)}  ${cost}${actual}`);
    const inner = `${' '.repeat(pad.length)}      `;
    for (const k of ['Index Cond', 'Hash Cond', 'Join Filter', 'Filter'] as const) if (n[k]) lines.push(`${inner}${k}: ${n[k]}`);
  }
  return lines.join('\n');
}

/**
 * Columns a scan filter compares with a value — `(t.status = 'x'::text)` → status — in the order
 * an index on them serves best: columns compared for equality first, then ranges.
 */
export function filterColumns(filter: string, columns: readonly string[]): string[] {
  const equal = new Set<string>();
  const other = new Set<string>();
  for (const m of filter.matchAll(/(?:\b[a-z_][a-z0-9_]*\.)?\b([a-z_][a-z0-9_]*)\b\s*(= ANY|=|<>|<=|>=|<|>|~~\*?|IS\b)/gi)) {
    const col = m[1]!;
    if (!columns.includes(col)) continue;
    if (m[2] === '=' || m[2] === '= ANY') equal.add(col);
    else other.add(col);
  }
  return [...equal, ...[...other].filter((c) => !equal.has(c))];
}

/** The statement's first keyword, comments and parentheses skipped. */
function firstKeyword(text: string): string {
  return (text.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').replace(/^[\s(]+/, '').match(/^[a-z]+/i)?.[0] ?? '').toLowerCase();
}

/** Why this text cannot be explained (or analyzed), or undefined. */
export function notExplainable(text: string, analyze: boolean): string | undefined {
  const body = text.trim().replace(/;\s*$/, '');
  // One statement only: in the simple protocol a ";" outside the first statement would start a second.
  if (body.includes(';')) return 'its text holds more than one statement (or a ";" the bot will not risk), so it is not prepared';
  const kw = firstKeyword(body);
  if (!['select', 'with', 'values', 'table', 'insert', 'update', 'delete', 'merge'].includes(kw)) {
    return `it is a \`${kw.toUpperCase() || '?'}\` statement; only SELECT, INSERT, UPDATE, DELETE, MERGE and VALUES have plans`;
  }
  if (analyze && (!['select', 'with', 'values', 'table'].includes(kw) || /\b(insert|update|delete|merge)\b/i.test(body.replace(/'(?:[^']|'')*'/g, "''")))) {
    return 'EXPLAIN ANALYZE runs the statement, so it is only done for a SELECT; `/db explain` without analyze shows this one’s plan without running it';
  }
  return undefined;
}

interface TableInfo extends Row {
  schema: string;
  name: string;
  ident: string;
  est_rows: string;
  bytes: string;
  columns: string[];
  indexed: string[];
}

function unavailable(key: string, title: string, summary: string, nextStep: string): Section {
  return { key, title, status: 'unknown', summary, findings: [], omitted: 0, nextStep };
}

async function read(ctx: RunContext, a: ExplainArgs): Promise<TopicResult> {
  const title = `${a.analyze ? 'EXPLAIN ANALYZE' : 'Plan'} of statement ${a.queryId}`;
  const done = (sections: Section[], notes: string[] = []): TopicResult => ({ title, notes, statsResetAt: null, sections });

  const ext = (await ctx.tx.query('queries/slowqueries/extension'))[0] ?? {};
  const problem = extensionProblem(ext, ctx);
  if (problem) return done([problem]);
  await ctx.tx.query('queries/slowqueries/search-path', [str(ext, 'installed_schema')]);
  const st = await ctx.tx.section('queries/db/explain-statement', [a.queryId]);
  if (!st.ok) return done([failedSection('statement', 'Statement', st, ctx)]);
  const row = st.rows[0];
  if (!row) {
    return done([unavailable('statement', 'Statement', `No pg_stat_statements entry ${a.queryId} in ${ctx.facts.database}.`, 'Take the queryid from `/slowqueries` (the statistics may have been reset or the entry evicted since).')]);
  }
  const text = str(row, 'query');
  const shown = ctx.query(text);
  const why = notExplainable(text, a.analyze);
  const stmtFacts = [`${formatCount(num(row, 'calls'))} calls`, `mean ${num(row, 'mean_ms').toFixed(1)} ms`, `run as ${str(row, 'role')}`];
  const statement: Finding = { status: 'ok', title: `queryid ${a.queryId}`, facts: stmtFacts, query: shown, data: { queryId: a.queryId, calls: num(row, 'calls'), meanMs: num(row, 'mean_ms'), role: str(row, 'role') } };
  if (why) return done([{ ...unavailable('plan', 'Plan', `Not explained: ${why}.`, 'Explain it by hand in the SQL editor with representative values, inside BEGIN … ROLLBACK.'), findings: [statement] }]);

  await ctx.tx.query('queries/db/explain-settings');
  // A run interrupted before its DEALLOCATE can leave the name taken on this pooled session.
  if ((await ctx.tx.query('queries/db/explain-prepared')).length > 0) await ctx.tx.query('queries/db/explain-deallocate');
  const prepared = await ctx.tx.section('queries/db/explain-prepare', [], { fragments: { statement: text.trim().replace(/;\s*$/, '') } });
  if (!prepared.ok) {
    return done([{ ...unavailable('plan', 'Plan', `Postgres could not prepare the statement: ${prepared.message}.`, 'A parameter whose type Postgres cannot infer, or an object that no longer exists (renamed by a migration?), stops a generic plan; explain it by hand with values.'), findings: [statement] }]);
  }
  let plan: PlanNode | undefined;
  let planError: Section | undefined;
  const params = num((await ctx.tx.query('queries/db/explain-prepared'))[0] ?? {}, 'params');
  try {
    const args = params > 0 ? `(${Array.from({ length: params }, () => 'NULL').join(', ')})` : '';
    const r = await ctx.tx.section<{ 'QUERY PLAN': unknown }>(a.analyze ? 'queries/db/explain-analyze' : 'queries/db/explain-plan', [], { fragments: { args } });
    if (r.ok) {
      const json = r.rows[0]?.['QUERY PLAN'];
      plan = (Array.isArray(json) ? (json[0] as { Plan?: PlanNode } | undefined)?.Plan : undefined) ?? undefined;
    } else {
      planError = failedSection('plan', 'Plan', r, ctx);
    }
  } finally {
    await ctx.tx.section('queries/db/explain-deallocate');
  }
  if (!plan) return done([{ ...(planError ?? unavailable('plan', 'Plan', 'EXPLAIN returned no plan.', 'Try again; the details are in the bot’s log.')), findings: [statement] }]);

  const flat = flatten(plan, a.analyze);
  const rels = flat.filter((f) => f.node['Relation Name'] && f.node.Schema);
  const tr = rels.length
    ? await ctx.tx.section<TableInfo>('queries/db/explain-tables', [rels.map((f) => f.node.Schema!), rels.map((f) => f.node['Relation Name']!)])
    : undefined;
  const tables = new Map((tr?.ok ? tr.rows : []).map((t) => [`${t.schema}.${t.name}`, t]));

  const unit = a.analyze ? 'ms' : 'cost';
  const costly: Finding[] = [...flat]
    .sort((x, y) => y.self - x.self)
    .slice(0, COSTLY)
    .filter((f) => f.self > 0)
    .map((f) => ({
      status: 'ok',
      title: nodeName(f.node),
      facts: [`${a.analyze ? `${f.self.toFixed(1)} ms` : `cost ${f.self.toFixed(1)}`} of its own`, `${formatCount(a.analyze ? (f.node['Actual Rows'] ?? 0) : (f.node['Plan Rows'] ?? 0))} rows${a.analyze ? '' : ' est.'}`],
      data: { node: f.node['Node Type'], relation: f.node['Relation Name'] ?? null, self: f.self, unit },
    }));

  const scans: Finding[] = [];
  for (const f of flat) {
    const n = f.node;
    if (n['Node Type'] !== 'Seq Scan' || !n.Schema || !n['Relation Name']) continue;
    const t = tables.get(`${n.Schema}.${n['Relation Name']}`);
    const est = t ? Number(t.est_rows) : 0;
    if (!t || est < LARGE_TABLE_ROWS) continue;
    const cols = n.Filter ? filterColumns(n.Filter, t.columns).filter((c) => !t.indexed.includes(c)) : [];
    const suggestion = cols.length ? `CREATE INDEX CONCURRENTLY ON ${t.ident} (${cols.map((c) => (/^[a-z_][a-z0-9_]*$/.test(c) ? c : `"${c.replace(/"/g, '""')}"`)).join(', ')});` : undefined;
    scans.push({
      status: 'warn',
      title: `Seq Scan on large table ${t.ident}`,
      facts: [`~${formatCount(est)} rows, ${formatBytes(Number(t.bytes))}`, n.Filter ? `filter ${n.Filter}` : 'no filter: reads the whole table', ...(suggestion ? [`suggested: ${suggestion}`] : [])],
      data: { table: t.ident, estRows: est, bytes: Number(t.bytes), filter: n.Filter ?? null, suggestion: suggestion ?? null },
    });
  }

  const fullText = planText(plan, a.analyze);
  const total = a.analyze ? `${((plan['Actual Total Time'] ?? 0) * (plan['Actual Loops'] ?? 1)).toFixed(1)} ms` : `total cost ${(plan['Total Cost'] ?? 0).toFixed(1)}`;
  const notes = [
    a.analyze ? 'Ran inside a READ ONLY transaction under the statement timeout' : 'Generic plan (PREPARE, plan_cache_mode = force_generic_plan, EXECUTE with NULLs): estimated, nothing ran',
    ...(a.analyze && params > 0 ? [`Run with NULL for each of its ${params} parameters, so the times are for that case, not for typical values`] : []),
    'Names resolved with search_path public, extensions',
  ];
  const summary: Section = {
    key: 'plan',
    title: 'Plan summary',
    status: scans.length ? 'warn' : 'ok',
    summary: `${nodeName(plan)}, ${total}; ${scans.length ? `${scans.length} sequential ${scans.length === 1 ? 'scan' : 'scans'} on tables over ${formatCount(LARGE_TABLE_ROWS)} rows` : 'no sequential scan on a large table'}.`,
    findings: [statement, ...costly, ...scans],
    omitted: 0,
    nextStep: scans.some((s) => s.data.suggestion)
      ? 'Create the suggested index with the `create-recommended-indexes` playbook or a migration (CONCURRENTLY: no write lock), then `/db explain` again to see it used.'
      : 'Compare the costliest nodes with what the statement should read; `/db indexes` lists unused and missing indexes.',
  };
  const full: Section = {
    key: 'full-plan',
    title: 'Full plan',
    status: 'ok',
    summary: `${plural(flat.length, 'node')}; the full text follows (also \`opsbot db explain${a.analyze ? ' analyze' : ''} ${a.queryId}\`).`,
    findings: [{ status: 'ok', title: 'plan', facts: [a.analyze ? 'as run' : 'estimated'], data: { text: fullText, json: plan, parameterTypes: params } }],
    omitted: 0,
    nextStep: 'Read it bottom-up: each node feeds the one above it.',
  };
  return done([summary, full], notes);
}

/** The full plan text a report carries (undefined when none was made). */
export function fullPlanText(report: { sections: Section[] }): string | undefined {
  const t = report.sections.find((s) => s.key === 'full-plan')?.findings[0]?.data.text;
  return typeof t === 'string' ? t : undefined;
}

/** The topic `/db explain` runs: keyed by its arguments, rolled back at the end. */
export function explainTopic(a: ExplainArgs): TopicSpec {
  return {
    purpose: a.analyze ? 'db-explain-analyze' : 'db-explain',
    command: `/db explain${a.analyze ? ' analyze' : ''} ${a.queryId}`,
    key: `explain:${a.analyze}:${a.queryId}`,
    rollback: true,
    read: (ctx) => read(ctx, a),
  };
}
