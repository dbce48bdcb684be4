-- Resolves table names to existing tables (to_regclass never errors on bad names).
-- Returns per input name: name, schema, table, oid (pins the table's identity), dead_tuples,
-- live_tuples, last_vacuum (null schema when the table does not exist). $1 names (text[]). No locks.
SELECT
  n.name,
  ns.nspname AS schema,
  c.relname AS "table",
  c.oid::bigint AS oid,
  COALESCE(s.n_dead_tup, 0) AS dead_tuples,
  COALESCE(s.n_live_tup, 0) AS live_tuples,
  GREATEST(s.last_vacuum, s.last_autovacuum) AS last_vacuum
FROM unnest($1::text[]) AS n(name)
LEFT JOIN pg_class c ON c.oid = to_regclass(n.name) AND c.relkind IN ('r', 'p', 'm')
LEFT JOIN pg_namespace ns ON ns.oid = c.relnamespace
LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
