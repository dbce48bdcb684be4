-- The largest tables of the current database, all schemas (auth and storage tables are often
-- the biggest), excluding system catalogs. Returns: schema, name, total_bytes, table_bytes,
-- index_bytes, row_estimate. $1 how many.
SELECT
  n.nspname AS schema,
  c.relname AS name,
  pg_total_relation_size(c.oid) AS total_bytes,
  pg_table_size(c.oid) AS table_bytes,
  pg_indexes_size(c.oid) AS index_bytes,
  GREATEST(c.reltuples, 0)::bigint AS row_estimate
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%'
  AND n.nspname NOT LIKE 'pg_temp%'
ORDER BY pg_total_relation_size(c.oid) DESC, n.nspname, c.relname
LIMIT $1
