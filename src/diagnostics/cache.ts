// /db cache: buffer cache hit ratios for tables and indexes (warn below 99 %), judged only
// once enough blocks were read to mean something, with the statistics' age, and the tables
// reading the most from disk.
import { formatCount, formatPct } from '../core/format.js';
import { epochMs, failedSection, isoOrNull, num, plural, type RunContext, statsAgeNote, str, type TopicResult } from './common.js';
import { DEFAULT_LIST_LIMIT } from './settings.js';
import type { Finding, Section, Status } from './types.js';

function ratio(label: string, hit: number, read: number, ctx: RunContext): Finding {
  const t = ctx.thresholds;
  const blocks = hit + read;
  const pct = blocks > 0 ? (100 * hit) / blocks : null;
  const judged = pct !== null && blocks >= t.cacheMinBlocks;
  const status: Status = !judged ? 'ok' : pct < t.cacheHitCriticalPct ? 'critical' : pct < t.cacheHitWarnPct ? 'warn' : 'ok';
  return {
    status,
    title: `${label} ${pct === null ? 'no reads yet' : formatPct(pct, 2)}`,
    facts: [
      `${formatCount(hit)} blocks from cache`,
      `${formatCount(read)} from disk or the OS cache`,
      ...(judged ? [] : [`too few blocks to judge (< ${formatCount(t.cacheMinBlocks)})`]),
    ],
    data: { label, hit, read, pct: pct === null ? null : Math.round(pct * 1000) / 1000, judged },
  };
}

async function ratios(ctx: RunContext): Promise<{ section: Section; resetMs: number | null }> {
  const t = ctx.thresholds;
  const title = 'Cache hit ratio';
  const r = await ctx.tx.section('queries/db/cache');
  if (!r.ok) return { section: failedSection('ratios', title, r, ctx), resetMs: ctx.facts.statsResetMs };
  const row = r.rows[0] ?? {};
  const findings = [
    ratio('Tables', num(row, 'heap_hit'), num(row, 'heap_read'), ctx),
    ratio('Indexes', num(row, 'idx_hit'), num(row, 'idx_read'), ctx),
    ratio('Whole database', num(row, 'db_hit'), num(row, 'db_read'), ctx),
  ];
  // The verdict is on user tables and indexes, as in the runbook; the database line is context.
  const status = [findings[0]!, findings[1]!].reduce<Status>((w, f) => (f.status === 'critical' || (f.status === 'warn' && w === 'ok') ? f.status : w), 'ok');
  const low = status !== 'ok';
  return {
    resetMs: epochMs(row, 'stats_reset'),
    section: {
      key: 'ratios',
      title,
      status,
      summary: `${findings[0]!.title.toLowerCase()}, ${findings[1]!.title.toLowerCase()} (shared_buffers only).`,
      threshold: `warn < ${t.cacheHitWarnPct} %, critical < ${t.cacheHitCriticalPct} %, judged after ${formatCount(t.cacheMinBlocks)} blocks`,
      findings,
      omitted: 0,
      nextStep: low
        ? 'Find the statements reading from disk (`/slowqueries io`) and the tables below; add the missing indexes (`/db indexes`, playbook create-recommended-indexes) or move to a larger compute size.'
        : 'Nothing to do. After a restart or a statistics reset the ratio starts low and recovers as the cache warms.',
      ...(low ? { playbook: 'create-recommended-indexes' as const } : {}),
    },
  };
}

async function readers(ctx: RunContext): Promise<Section> {
  const title = 'Tables reading the most from disk';
  const r = await ctx.tx.section('queries/db/cache-tables', [Math.min(DEFAULT_LIST_LIMIT, 10)]);
  if (!r.ok) return failedSection('tables', title, r, ctx);
  const findings: Finding[] = r.rows.map((row) => ({
    status: 'ok',
    title: `${str(row, 'schema')}.${str(row, 'name')}`,
    facts: [
      `${formatCount(num(row, 'blocks_read'))} blocks read`,
      `${formatCount(num(row, 'blocks_hit'))} from cache`,
      row.heap_hit_pct === null ? 'table: no reads' : `table hit ${formatPct(num(row, 'heap_hit_pct'), 2)}`,
      row.idx_hit_pct === null ? 'indexes: no reads' : `index hit ${formatPct(num(row, 'idx_hit_pct'), 2)}`,
    ],
    data: {
      schema: row.schema,
      name: row.name,
      blocksRead: num(row, 'blocks_read'),
      blocksHit: num(row, 'blocks_hit'),
      heapHitPct: row.heap_hit_pct === null ? null : num(row, 'heap_hit_pct'),
      indexHitPct: row.idx_hit_pct === null ? null : num(row, 'idx_hit_pct'),
    },
  }));
  return {
    key: 'tables',
    title,
    status: 'ok',
    summary: findings.length > 0 ? `${plural(findings.length, 'table')} with the most blocks read from outside shared_buffers.` : 'No table has read from disk yet.',
    findings,
    omitted: 0,
    nextStep: 'A large table with a low hit ratio and many sequential scans wants an index (`/db indexes`); a hot table bigger than memory wants a larger compute size.',
  };
}

export async function cache(ctx: RunContext): Promise<TopicResult> {
  const { section, resetMs } = await ratios(ctx);
  const sections = [section, await readers(ctx)];
  return {
    title: 'Cache',
    notes: [statsAgeNote('Block statistics', resetMs, ctx), `Database ${ctx.facts.database}`],
    statsResetAt: isoOrNull(resetMs),
    sections,
  };
}
