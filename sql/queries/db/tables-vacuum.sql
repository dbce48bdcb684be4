-- Vacuum and analyze state of the current database's tables (all schemas): dead tuples,
-- last manual and automatic vacuum and analyze, and whether autovacuum or autoanalyze is due
-- by the thresholds in effect for the table (its reloptions first, then the server settings;
-- dead-tuple, PG13+ insert-triggered and, on PG18, the max-threshold cap). Unlike the
-- Supabase CLI, autoanalyze is judged on changes since the last analyze, not on dead tuples.
-- Returns up to $2 rows that need attention (dead tuples over $1, vacuum or analyze due, or
-- never analyzed with rows), most dead tuples first: schema, name, live, dead, dead_pct,
-- mod_since_analyze, ins_since_vacuum, last_vacuum, last_autovacuum, last_analyze,
-- last_autoanalyze, vacuum_due ('dead tuples' | 'inserts' | NULL), analyze_due, vacuum_threshold,
-- autovacuum_enabled, never_analyzed, total (rows needing attention in all).
-- $1 dead-tuple threshold, $2 how many. Reads statistics only; no locks on user tables.
WITH s AS (
  SELECT
    st.schemaname,
    st.relname,
    st.n_live_tup,
    st.n_dead_tup,
    st.n_mod_since_analyze,
    st.n_ins_since_vacuum,
    st.last_vacuum,
    st.last_autovacuum,
    st.last_analyze,
    st.last_autoanalyze,
    GREATEST(c.reltuples, 0) AS reltuples,
    opt.*
  FROM pg_stat_all_tables st
  JOIN pg_class c ON c.oid = st.relid
  CROSS JOIN LATERAL (
    SELECT
      max(split_part(o, '=', 2)) FILTER (WHERE split_part(o, '=', 1) = 'autovacuum_enabled') AS o_enabled,
      max(split_part(o, '=', 2)) FILTER (WHERE split_part(o, '=', 1) = 'autovacuum_vacuum_threshold') AS o_vt,
      max(split_part(o, '=', 2)) FILTER (WHERE split_part(o, '=', 1) = 'autovacuum_vacuum_scale_factor') AS o_vs,
      max(split_part(o, '=', 2)) FILTER (WHERE split_part(o, '=', 1) = 'autovacuum_vacuum_insert_threshold') AS o_it,
      max(split_part(o, '=', 2)) FILTER (WHERE split_part(o, '=', 1) = 'autovacuum_vacuum_insert_scale_factor') AS o_is,
      max(split_part(o, '=', 2)) FILTER (WHERE split_part(o, '=', 1) = 'autovacuum_analyze_threshold') AS o_at,
      max(split_part(o, '=', 2)) FILTER (WHERE split_part(o, '=', 1) = 'autovacuum_analyze_scale_factor') AS o_as
    FROM unnest(c.reloptions) AS o
  ) opt
  WHERE c.relkind IN ('r', 'm')
    AND st.schemaname NOT IN ('pg_catalog', 'information_schema')
    AND st.schemaname !~ '^pg_(toast|temp_)'
),
j AS (
  SELECT
    s.*,
    LEAST(
      COALESCE(s.o_vt::float8, current_setting('autovacuum_vacuum_threshold')::float8)
        + COALESCE(s.o_vs::float8, current_setting('autovacuum_vacuum_scale_factor')::float8) * s.reltuples,
      COALESCE(NULLIF(current_setting('autovacuum_vacuum_max_threshold', true), '-1')::float8, 'Infinity'::float8)
    ) AS vacuum_threshold,
    COALESCE(s.o_it::float8, current_setting('autovacuum_vacuum_insert_threshold')::float8) AS insert_base,
    COALESCE(s.o_is::float8, current_setting('autovacuum_vacuum_insert_scale_factor')::float8) AS insert_scale,
    COALESCE(s.o_at::float8, current_setting('autovacuum_analyze_threshold')::float8)
      + COALESCE(s.o_as::float8, current_setting('autovacuum_analyze_scale_factor')::float8) * s.reltuples AS analyze_threshold,
    current_setting('autovacuum')::bool AND COALESCE(s.o_enabled::bool, true) AS autovacuum_enabled
  FROM s
),
k AS (
  SELECT
    j.*,
    CASE
      WHEN j.n_dead_tup > j.vacuum_threshold THEN 'dead tuples'
      WHEN j.insert_base >= 0 AND j.n_ins_since_vacuum > j.insert_base + j.insert_scale * j.reltuples THEN 'inserts'
    END AS vacuum_due,
    j.n_mod_since_analyze > j.analyze_threshold AS analyze_due,
    j.last_analyze IS NULL AND j.last_autoanalyze IS NULL AND j.n_live_tup > 0 AS never_analyzed
  FROM j
),
flagged AS (
  SELECT k.*, count(*) OVER () AS total
  FROM k
  WHERE k.n_dead_tup > $1 OR k.vacuum_due IS NOT NULL OR k.analyze_due OR k.never_analyzed
)
SELECT
  schemaname AS schema,
  relname AS name,
  n_live_tup AS live,
  n_dead_tup AS dead,
  round(100.0 * n_dead_tup / NULLIF(n_live_tup + n_dead_tup, 0), 1) AS dead_pct,
  n_mod_since_analyze AS mod_since_analyze,
  n_ins_since_vacuum AS ins_since_vacuum,
  last_vacuum,
  last_autovacuum,
  last_analyze,
  last_autoanalyze,
  vacuum_due,
  analyze_due,
  round(vacuum_threshold::numeric) AS vacuum_threshold,
  autovacuum_enabled,
  never_analyzed,
  total
FROM flagged
ORDER BY n_dead_tup DESC, n_mod_since_analyze DESC, schemaname, relname
LIMIT $2
