-- Invalid indexes: left behind by a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY.
-- They are never used for reads yet every write still maintains them. Indexes being built right
-- now (pg_stat_progress_create_index) are left out. All schemas.
-- Returns up to $1 rows: schema, table_name, index_name, index_bytes, ready (still maintained
-- by writes), definition, total. $1 how many.
-- pg_relation_size() takes and at once releases an AccessShareLock per listed index.
WITH bad AS (
  SELECT i.indexrelid, i.indrelid, i.indisready, count(*) OVER () AS total
  FROM pg_index i
  WHERE NOT i.indisvalid
    AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid)
)
SELECT
  n.nspname AS schema,
  t.relname AS table_name,
  c.relname AS index_name,
  pg_relation_size(b.indexrelid) AS index_bytes,
  b.indisready AS ready,
  pg_get_indexdef(b.indexrelid) AS definition,
  b.total
FROM bad b
JOIN pg_class c ON c.oid = b.indexrelid
JOIN pg_class t ON t.oid = b.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
ORDER BY n.nspname, c.relname
LIMIT $1
