-- The largest tables of the current database, all schemas (auth and storage tables are often
-- the biggest), excluding system catalogs. Returns: schema, name, total_bytes, table_bytes,
-- index_bytes, row_estimate, locked_by, lock_granted. $1 how many.
-- Locks: sizing a table takes ACCESS SHARE on it, its TOAST table and its indexes, which waits
-- behind an ACCESS EXCLUSIVE lock (held, or queued ahead of us) until lock_timeout. Such tables
-- are not sized: their sizes are NULL and locked_by is the pid of the lock's holder (or of the
-- queued request when none is granted). Rows: the $1 largest unlocked tables, then up to $1
-- locked ones (whatever their size, so people see what could not be measured).
WITH exclusive AS (
  SELECT l.relation, l.pid, l.granted
  FROM pg_locks l
  WHERE l.locktype = 'relation'
    AND l.mode = 'AccessExclusiveLock'
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND l.pid IS DISTINCT FROM pg_backend_pid()
),
tables AS (
  SELECT
    c.oid,
    n.nspname,
    c.relname,
    c.relpages,
    c.reltuples,
    (
      SELECT x.pid FROM exclusive x
      WHERE x.relation = c.oid
         OR x.relation = c.reltoastrelid
         OR x.relation IN (SELECT i.indexrelid FROM pg_index i WHERE i.indrelid = c.oid)
      ORDER BY x.granted DESC, x.pid
      LIMIT 1
    ) AS locked_by,
    (
      SELECT bool_or(x.granted) FROM exclusive x
      WHERE x.relation = c.oid
         OR x.relation = c.reltoastrelid
         OR x.relation IN (SELECT i.indexrelid FROM pg_index i WHERE i.indrelid = c.oid)
    ) AS lock_granted
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'm')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg_toast%'
    AND n.nspname NOT LIKE 'pg_temp%'
),
sized AS (
  -- CASE is evaluated lazily, so a locked table's size functions never run.
  SELECT
    t.*,
    CASE WHEN t.locked_by IS NULL THEN pg_total_relation_size(t.oid) END AS total_bytes,
    CASE WHEN t.locked_by IS NULL THEN pg_table_size(t.oid) END AS table_bytes,
    CASE WHEN t.locked_by IS NULL THEN pg_indexes_size(t.oid) END AS index_bytes
  FROM tables t
),
ranked AS (
  SELECT
    sized.*,
    row_number() OVER (
      PARTITION BY locked_by IS NULL
      ORDER BY COALESCE(total_bytes, relpages::bigint * current_setting('block_size')::bigint) DESC, nspname, relname
    ) AS rank
  FROM sized
)
SELECT
  nspname AS schema,
  relname AS name,
  total_bytes,
  table_bytes,
  index_bytes,
  GREATEST(reltuples, 0)::bigint AS row_estimate,
  locked_by,
  COALESCE(lock_granted, false) AS lock_granted
FROM ranked
WHERE rank <= $1
ORDER BY locked_by IS NOT NULL, rank
