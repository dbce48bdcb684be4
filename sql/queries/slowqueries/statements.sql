-- Top statements of the current database, for every role (not only the bot's: PostgREST runs
-- as authenticator/anon/authenticated, Auth as supabase_auth_admin), from pg_stat_statements
-- 1.8 and later (Postgres 13-18). The four pieces that differ between its versions are
-- placeholders (the names below in double braces), each filled with a column expression that
-- src/diagnostics/slow-queries.ts picks from its fixed table by the columns the installed view
-- has, never with user text:
--   total_ms   planning + execution time (total_exec_time + total_plan_time);
--   io_ms      I/O time: shared_/local_blk_read_time and _write_time (1.11+), else
--              blk_read_time + blk_write_time;
--   since      when the entry started counting: stats_since (1.11+), else NULL;
--   top_level  top-level statements only, so a function's inner statements do not count
--              twice: toplevel (1.9+), else true (1.8 counts nested statements only when
--              pg_stat_statements.track = all).
-- Resolved through search-path.sql (the extension's schema is never written into SQL).
-- $1 order: 'mean' | 'total' | 'calls' | 'io'; $2 how many.
-- Returns up to $2 rows: role, queryid, query, calls, total_ms, mean_ms, share_pct (of all
-- statements' time in this database), rows, shared_blks_hit, shared_blks_read, io_blocks
-- (shared/local reads + temp reads and writes), temp_blocks, io_ms (0 unless track_io_timing),
-- since, and on every row the totals: statements, hidden (text not visible to the bot role),
-- all_ms. Reads shared memory and the query-text file; no locks on user tables.
WITH s AS (
  SELECT
    s.userid,
    s.queryid,
    s.query,
    s.calls,
    {{total_ms}} AS total_ms,
    s.rows,
    s.shared_blks_hit,
    s.shared_blks_read,
    s.shared_blks_read + s.local_blks_read + s.temp_blks_read + s.temp_blks_written AS io_blocks,
    s.temp_blks_read + s.temp_blks_written AS temp_blocks,
    {{io_ms}} AS io_ms,
    {{since}} AS since
  FROM pg_stat_statements s
  WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND s.calls > 0
    AND {{top_level}}
),
-- Totals as window aggregates: one pass, never re-aggregated per row.
ranked AS (
  SELECT
    s.*,
    count(*) OVER () AS statements,
    count(*) FILTER (WHERE s.query IS NULL OR s.query = '<insufficient privilege>') OVER () AS hidden,
    COALESCE(sum(s.total_ms) OVER (), 0) AS all_ms
  FROM s
),
top AS (
  SELECT *
  FROM ranked s
  ORDER BY
    CASE $1::text
      WHEN 'mean' THEN s.total_ms / s.calls
      WHEN 'calls' THEN s.calls::float8
      WHEN 'io' THEN s.io_blocks::float8
      ELSE s.total_ms
    END DESC,
    s.io_ms DESC,
    s.total_ms DESC
  LIMIT $2
)
SELECT
  r.rolname AS role,
  s.queryid::text AS queryid,
  s.query,
  s.calls,
  s.total_ms,
  s.total_ms / s.calls AS mean_ms,
  100 * s.total_ms / NULLIF(s.all_ms, 0) AS share_pct,
  s.rows,
  s.shared_blks_hit,
  s.shared_blks_read,
  s.io_blocks,
  s.temp_blocks,
  s.io_ms,
  s.since,
  s.statements,
  s.hidden,
  s.all_ms
FROM top s
LEFT JOIN pg_roles r ON r.oid = s.userid
ORDER BY
  CASE $1::text
    WHEN 'mean' THEN s.total_ms / s.calls
    WHEN 'calls' THEN s.calls::float8
    WHEN 'io' THEN s.io_blocks::float8
    ELSE s.total_ms
  END DESC,
  s.io_ms DESC,
  s.total_ms DESC
