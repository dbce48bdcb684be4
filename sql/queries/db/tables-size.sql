-- The largest tables of the current database, all schemas (auth.audit_log_entries and
-- storage.objects are often the biggest), with heap, index and TOAST sizes and the planner's
-- row estimate. Returns up to $1 rows, largest first: schema, name, total_bytes, heap_bytes,
-- index_bytes, toast_bytes, row_estimate (-1 = never analyzed), tables (how many in all).
-- $1 how many. The pg_*_size() functions take and at once release an AccessShareLock per
-- relation, so a table held by DDL makes this wait (up to lock_timeout).
WITH t AS (
  SELECT c.oid, c.reltoastrelid, c.reltuples, n.nspname, c.relname
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'm')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_(toast|temp_)'
),
ranked AS (
  SELECT t.*, pg_total_relation_size(t.oid) AS total_bytes, count(*) OVER () AS tables
  FROM t
  ORDER BY total_bytes DESC, nspname, relname
  LIMIT $1
)
SELECT
  nspname AS schema,
  relname AS name,
  total_bytes,
  pg_relation_size(oid) AS heap_bytes,
  pg_indexes_size(oid) AS index_bytes,
  CASE WHEN reltoastrelid = 0 THEN 0 ELSE pg_total_relation_size(reltoastrelid) END AS toast_bytes,
  reltuples::bigint AS row_estimate,
  tables
FROM ranked
ORDER BY total_bytes DESC, nspname, relname
