// /db migrations: which Supabase CLI migrations the target database has applied, newest first,
// and which of them landed in the last 24 hours — the first question after "it broke after the
// deploy". A database without the migrations table (not managed by the Supabase CLI) is said so.
import { formatCount } from '../core/format.js';
import { formatTime } from '../render/time.js';
import { failedSection, num, plural, type RunContext, str, strOrNull, type TopicResult } from './common.js';
import type { TopicSpec } from './service.js';
import type { DiagnosticReport, Finding, Section } from './types.js';

/** Migrations listed; the rest are counted. */
export const MIGRATIONS_LISTED = 15;
/** What "recent" means. */
export const RECENT_SECONDS = 24 * 3600;

const TABLE = 'supabase_migrations.schema_migrations';

async function applied(ctx: RunContext): Promise<Section> {
  const title = 'Applied migrations';
  const r = await ctx.tx.section('queries/db/migrations', [MIGRATIONS_LISTED, RECENT_SECONDS, new Date(ctx.now)]);
  if (!r.ok && r.reason === 'missing') {
    return {
      key: 'migrations',
      title,
      status: 'ok',
      summary: `There is no ${TABLE} table in ${ctx.facts.database}: its schema is not managed by Supabase CLI migrations (or the bot role cannot see that schema).`,
      findings: [],
      omitted: 0,
      nextStep: `Nothing to compare against. If migrations are applied with the Supabase CLI, check that the bot role may read ${TABLE} (\`GRANT USAGE ON SCHEMA supabase_migrations\`, \`GRANT SELECT ON ${TABLE}\`).`,
    };
  }
  if (!r.ok) return failedSection('migrations', title, r, ctx);
  const first = r.rows[0];
  const total = first ? num(first, 'total') : 0;
  const recent = first ? num(first, 'recent') : 0;
  const timed = first ? first.has_inserted_at === true : false;
  const cutoff = ctx.now - RECENT_SECONDS * 1000;
  const findings: Finding[] = r.rows.map((row) => {
    const at = row.inserted_at instanceof Date ? row.inserted_at.getTime() : null;
    const isRecent = at !== null && at > cutoff;
    const name = strOrNull(row, 'name');
    return {
      // Flagged: after a deploy, a fresh migration is the usual suspect.
      status: isRecent ? 'warn' : 'ok',
      title: `${str(row, 'version')}${name ? ` ${name}` : ''}`,
      facts: at === null ? [] : [`applied ${formatTime(at, ctx.timezone)}${isRecent ? ' (last 24 h)' : ''}`],
      data: { version: row.version, name, insertedAt: at === null ? null : new Date(at).toISOString(), recent: isRecent },
    };
  });
  const when = !timed
    ? 'The table records no apply time (no inserted_at column), so which were applied in the last 24 h is not known.'
    : recent > 0
      ? `${plural(recent, 'migration')} applied in the last 24 h.`
      : 'None applied in the last 24 h.';
  return {
    key: 'migrations',
    title,
    status: 'ok',
    summary: total === 0 ? `${TABLE} is empty: no migration has been applied with the Supabase CLI.` : `${formatCount(total)} applied, newest first. ${when}`,
    findings,
    omitted: Math.max(total - findings.length, 0),
    nextStep:
      recent > 0
        ? 'If trouble started after a deploy, compare these with the deploy time; a migration that took a long lock shows in `/db locks` and `/db long`.'
        : 'Nothing to do; compare with the repository’s supabase/migrations folder when versions seem missing.',
  };
}

async function read(ctx: RunContext): Promise<TopicResult> {
  return { title: 'Migrations', notes: [], statsResetAt: null, sections: [await applied(ctx)] };
}

/**
 * The line the incident timeline shows after "ran `/db migrations`" (the audit row's headline):
 * which migrations landed in the last 24 h, so a war room sees the usual suspect next to its
 * other findings. Undefined when none did or the table could not be read.
 */
export function recentMigrationsHeadline(report: DiagnosticReport): string | undefined {
  const recent = report.sections.flatMap((s) => (s.key === 'migrations' ? s.findings : [])).filter((f) => f.data.recent === true);
  if (recent.length === 0) return undefined;
  const shown = recent.slice(0, 5).map((f) => f.title);
  return `${plural(recent.length, 'migration')} applied in the last 24 h: ${shown.join(', ')}${recent.length > shown.length ? ', …' : ''}`;
}

/** The topic the /db declaration runs through DiagnosticsService.runTopic. */
export const MIGRATIONS_TOPIC: TopicSpec = { purpose: 'db-migrations', command: '/db migrations', read };
