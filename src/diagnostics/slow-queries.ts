// /slowqueries: the top statements of this database from pg_stat_statements, for every role,
// with how long the counters have been collecting. The extension is found in whatever schema it
// lives in (Supabase: extensions); its columns, which differ between versions, are read at run
// time and decide the few expressions of the one statement that depend on them.
import type { Row } from '../db/target.js';
import { formatCount, formatMs, formatPct } from '../core/format.js';
import { bool, epochMs, failedSection, isoOrNull, num, numOrNull, plural, type RunContext, str, strOrNull, statsAgeNote, type TopicResult, worstOf } from './common.js';
import type { Finding, Section, SlowSort } from './types.js';

/** One statement as --json consumers get it. */
export interface StatementStat {
  rank: number;
  role: string | null;
  queryId: string | null;
  calls: number;
  totalMs: number;
  meanMs: number;
  sharePct: number | null;
  rows: number;
  sharedBlocksHit: number;
  sharedBlocksRead: number;
  ioBlocks: number;
  tempBlocks: number;
  ioMs: number;
  /** When this entry started counting (pg_stat_statements 1.11+), ISO. */
  since: string | null;
  slow: boolean;
  hog: boolean;
}

/** The placeholders of sql/queries/slowqueries/statements.sql. */
export type StatementPiece = 'total_ms' | 'io_ms' | 'since' | 'top_level';

/**
 * For each piece, its expressions from the richest to the plainest, with the view columns each
 * needs: the first whose columns the installed view has is used. A fixed table in code, so
 * nothing from outside ever becomes SQL text.
 */
const PIECES: Record<StatementPiece, readonly { needs: readonly string[]; sql: string }[]> = {
  // Planning time is counted since 1.8; the extension check refuses anything older.
  total_ms: [
    { needs: ['total_exec_time', 'total_plan_time'], sql: 's.total_exec_time + s.total_plan_time' },
    { needs: ['total_exec_time'], sql: 's.total_exec_time' },
  ],
  // 1.11 (Postgres 17) split blk_*_time into shared and local blocks.
  io_ms: [
    {
      needs: ['shared_blk_read_time', 'shared_blk_write_time', 'local_blk_read_time', 'local_blk_write_time'],
      sql: 's.shared_blk_read_time + s.shared_blk_write_time + s.local_blk_read_time + s.local_blk_write_time',
    },
    { needs: ['blk_read_time', 'blk_write_time'], sql: 's.blk_read_time + s.blk_write_time' },
    { needs: [], sql: '0::float8' },
  ],
  since: [
    { needs: ['stats_since'], sql: 's.stats_since' },
    { needs: [], sql: 'NULL::timestamptz' },
  ],
  // Without toplevel (1.8) nested statements are counted only when track = all; with it, only
  // top-level ones, so a function's inner statements do not count twice.
  top_level: [
    { needs: ['toplevel'], sql: 's.toplevel' },
    { needs: [], sql: 'true' },
  ],
};

/** The expression of each piece of statements.sql for a pg_stat_statements view with these columns. */
export function statementPieces(columns: readonly string[]): Record<StatementPiece, string> {
  const have = new Set(columns);
  const pick = (piece: StatementPiece) => {
    const choice = PIECES[piece].find((p) => p.needs.every((c) => have.has(c)));
    if (!choice) throw new Error(`pg_stat_statements has none of the columns ${piece} is computed from`);
    return choice.sql;
  };
  return { total_ms: pick('total_ms'), io_ms: pick('io_ms'), since: pick('since'), top_level: pick('top_level') };
}

/** The view's column names as extension.sql returns them (a text[] that pg parses to an array). */
function viewColumns(ext: Row): string[] {
  const v = ext.columns;
  return Array.isArray(v) ? v.filter((c): c is string => typeof c === 'string') : [];
}

const SORT_LABEL: Record<SlowSort, string> = {
  mean: 'mean time per call',
  total: 'total time',
  calls: 'calls',
  io: 'blocks read from disk',
};

const SECTION_TITLE = 'Top statements';

function unavailable(summary: string, nextStep: string, reason: 'missing' | 'permission' | 'unsupported'): Section {
  return { key: 'statements', title: SECTION_TITLE, status: 'unknown', summary, findings: [], omitted: 0, failure: { reason, message: summary }, nextStep };
}

/** Why the extension cannot be read, with the exact statement that fixes it; undefined when it can. */
export function extensionProblem(ext: Row, ctx: RunContext): Section | undefined {
  const schema = strOrNull(ext, 'installed_schema');
  const db = ctx.facts.database;
  if (schema === null) {
    if (strOrNull(ext, 'available_version') === null) {
      return unavailable(
        `pg_stat_statements is not installed in ${db}, and this server does not ship it.`,
        'Install the Postgres contrib package on the server (Supabase ships it), add `pg_stat_statements` to `shared_preload_libraries`, restart, then run `CREATE EXTENSION pg_stat_statements;`.',
        'missing',
      );
    }
    const create = bool(ext, 'extensions_schema')
      ? 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA extensions;'
      : 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements;';
    const preload =
      ext.preloaded === false
        ? ' It must also be in `shared_preload_libraries` (a restart is needed; Supabase preloads it already).'
        : '';
    return unavailable(
      `pg_stat_statements is not installed in ${db}, so there are no statement statistics yet.`,
      `Enable it as a database owner: \`${create}\` (on Supabase: Dashboard → Database → Extensions → pg_stat_statements).${preload} Statistics start counting from then on.`,
      'missing',
    );
  }
  if (!bool(ext, 'schema_usage')) {
    return unavailable(
      `pg_stat_statements is in schema ${schema}, which the bot role may not use.`,
      `Run \`GRANT USAGE ON SCHEMA ${str(ext, 'schema_ident')} TO ${ctx.facts.roleIdent};\` (sql/roles.sql does this for opsbot_ro).`,
      'permission',
    );
  }
  if (!bool(ext, 'has_exec_time')) {
    return unavailable(
      `pg_stat_statements ${str(ext, 'installed_version')} is older than 1.8 (Postgres 12 or earlier); the bot reads Postgres 13–18.`,
      'Upgrade Postgres, then run `ALTER EXTENSION pg_stat_statements UPDATE;`.',
      'unsupported',
    );
  }
  return undefined;
}

function statementFinding(row: Row, rank: number, sort: SlowSort, ctx: RunContext): Finding {
  const t = ctx.thresholds;
  const calls = num(row, 'calls');
  const totalMs = num(row, 'total_ms');
  const meanMs = num(row, 'mean_ms');
  const sharePct = numOrNull(row, 'share_pct');
  const hit = num(row, 'shared_blks_hit');
  const read = num(row, 'shared_blks_read');
  const ioMs = num(row, 'io_ms');
  const slow = meanMs > t.slowQueryMeanMs;
  const hog = (sharePct ?? 0) >= t.slowQueryHogPct && totalMs >= t.slowQueryHogMinTotalMs;
  const data: StatementStat = {
    rank,
    role: strOrNull(row, 'role'),
    queryId: strOrNull(row, 'queryid'),
    calls,
    totalMs: Math.round(totalMs * 100) / 100,
    meanMs: Math.round(meanMs * 1000) / 1000,
    sharePct: sharePct === null ? null : Math.round(sharePct * 100) / 100,
    rows: num(row, 'rows'),
    sharedBlocksHit: hit,
    sharedBlocksRead: read,
    ioBlocks: num(row, 'io_blocks'),
    tempBlocks: num(row, 'temp_blocks'),
    ioMs: Math.round(ioMs * 100) / 100,
    since: isoOrNull(epochMs(row, 'since')),
    slow,
    hog,
  };
  const lead: Record<SlowSort, string> = {
    mean: `${formatMs(meanMs)} mean`,
    total: `${formatMs(totalMs)} total`,
    calls: `${formatCount(calls)} calls`,
    io: `${formatCount(data.ioBlocks)} blocks read`,
  };
  const facts: string[] = [];
  if (slow) facts.push(`SLOW: mean over ${formatMs(t.slowQueryMeanMs)}`);
  if (hog) facts.push(`RESOURCE HOG: ${formatPct(sharePct ?? 0)} of all time`);
  if (sort !== 'mean') facts.push(`mean ${formatMs(meanMs)}`);
  if (sort !== 'calls') facts.push(plural(calls, 'call'));
  if (sort !== 'total') facts.push(`total ${formatMs(totalMs)}`);
  if (sharePct !== null && !hog) facts.push(`${formatPct(sharePct)} of time`);
  facts.push(plural(data.rows, 'row'));
  facts.push(hit + read > 0 ? `cache hit ${formatPct((100 * hit) / (hit + read))} (${formatCount(read)} blocks read)` : 'no shared blocks');
  if (sort !== 'io' && data.ioBlocks > read) facts.push(`${formatCount(data.ioBlocks)} blocks from disk or temp files`);
  if (data.tempBlocks > 0) facts.push(`${formatCount(data.tempBlocks)} temp blocks (work_mem too small?)`);
  if (ioMs > 0) facts.push(`I/O ${formatMs(ioMs)}`);
  facts.push(`role ${data.role ?? '(dropped role)'}`);
  return {
    status: slow || hog ? 'warn' : 'ok',
    title: `#${rank} · ${lead[sort]}`,
    facts,
    query: ctx.query(row.query),
    data: { ...data },
  };
}

export async function slowQueries(ctx: RunContext, sort: SlowSort, limit: number): Promise<TopicResult> {
  const title = `Slow queries by ${SORT_LABEL[sort]}`;
  const ext = (await ctx.tx.query('queries/slowqueries/extension'))[0] ?? {};
  const problem = extensionProblem(ext, ctx);
  const scope = `Database ${ctx.facts.database}, every role`;
  if (problem) return { title, notes: [scope], statsResetAt: null, sections: [problem] };

  const schema = str(ext, 'installed_schema');
  const fragments = statementPieces(viewColumns(ext));
  await ctx.tx.query('queries/slowqueries/search-path', [schema]);
  const notes = [`${scope}; pg_stat_statements ${str(ext, 'installed_version')} in schema ${schema}`];
  let resetMs: number | null = null;
  let dealloc = 0;
  if (bool(ext, 'has_info')) {
    const info = await ctx.tx.section('queries/slowqueries/info');
    if (info.ok) {
      resetMs = epochMs(info.rows[0] ?? {}, 'stats_reset');
      dealloc = num(info.rows[0] ?? {}, 'dealloc');
      notes.unshift(statsAgeNote('Statement statistics', resetMs, ctx));
    }
  } else {
    notes.unshift('Statement statistics age unknown: pg_stat_statements before 1.9 does not record its last reset');
  }
  if (dealloc > 0) {
    notes.push(
      `${formatCount(dealloc)} entries evicted since the reset (pg_stat_statements.max = ${str(ext, 'max_entries') || '?'}): rarely run statements may be missing`,
    );
  }

  const r = await ctx.tx.section('queries/slowqueries/statements', [sort, limit], { fragments });
  if (!r.ok) {
    const notLoaded = /shared_preload_libraries/.test(r.message);
    const section = notLoaded
      ? unavailable(
          'pg_stat_statements is installed but not loaded by the server.',
          'Add `pg_stat_statements` to `shared_preload_libraries` (e.g. `ALTER SYSTEM SET shared_preload_libraries = \'pg_stat_statements\';`, keeping any libraries already listed) and restart Postgres.',
          'missing',
        )
      : failedSection('statements', SECTION_TITLE, r, ctx);
    return { title, notes, statsResetAt: isoOrNull(resetMs), sections: [section] };
  }
  const first = r.rows[0] ?? {};
  const statements = num(first, 'statements');
  const hidden = num(first, 'hidden');
  const allMs = num(first, 'all_ms');
  const findings = r.rows.map((row, i) => statementFinding(row, i + 1, sort, ctx));
  const slow = findings.filter((f) => f.data.slow === true).length;
  const hogs = findings.filter((f) => f.data.hog === true).length;
  const t = ctx.thresholds;
  const flagged = slow + hogs > 0;
  const sections: Section[] = [
    {
      key: 'statements',
      title: SECTION_TITLE,
      status: worstOf(findings),
      summary:
        statements === 0
          ? `No statements recorded in ${ctx.facts.database} since the statistics were reset.`
          : `${plural(statements, 'statement')} recorded in ${ctx.facts.database}, ${formatMs(allMs)} in all; shown: ${findings.length}, ${slow} over the mean limit, ${hogs} resource ${hogs === 1 ? 'hog' : 'hogs'}.`,
      threshold: `mean ≤ ${formatMs(t.slowQueryMeanMs)} (runbook P95 target); no statement ≥ ${t.slowQueryHogPct} % of all time`,
      findings,
      omitted: Math.max(0, statements - findings.length),
      nextStep: flagged
        ? 'Run `EXPLAIN (ANALYZE, BUFFERS)` on the flagged statements against a staging copy and add the indexes they need (`/db indexes`; playbook create-recommended-indexes). If one is running away right now, see `/db long` (playbook terminate-backend).'
        : 'Nothing over the thresholds. The counters are cumulative since the reset shown above: compare again after the next deploy.',
      ...(flagged ? { playbook: 'create-recommended-indexes' as const } : {}),
    },
  ];
  if (hidden > 0) {
    sections.push({
      key: 'visibility',
      title: 'Hidden statements',
      status: 'warn',
      summary: `${plural(hidden, 'statement')} of other roles are hidden from the bot (shown as "query text hidden"), so this list may miss the real culprit.`,
      findings: [],
      omitted: 0,
      nextStep: `Let the bot read every role's statistics: \`GRANT pg_read_all_stats TO ${ctx.facts.roleIdent};\` (on Supabase the fix for "<insufficient privilege>").`,
    });
  }
  return { title, notes, statsResetAt: isoOrNull(resetMs), sections };
}
