-- ACCESS EXCLUSIVE relation locks of other sessions in the current database: what a catalog
-- query that sizes tables waits behind. Used to name the holder when such a query still hit
-- lock_timeout (a lock taken after largest-tables looked). Returns: schema, name, pid, granted
-- (false: a queued request, which our lock waits behind too). No parameters. Takes no locks on
-- user tables (pg_locks and the catalogs only).
SELECT
  n.nspname AS schema,
  c.relname AS name,
  l.pid,
  l.granted
FROM pg_locks l
JOIN pg_class c ON c.oid = l.relation
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.locktype = 'relation'
  AND l.mode = 'AccessExclusiveLock'
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.pid IS DISTINCT FROM pg_backend_pid()
  AND n.nspname NOT LIKE 'pg_temp%'
ORDER BY l.granted DESC, n.nspname, c.relname, l.pid
LIMIT 20
