-- One session by pid, with what the bot needs to decide whether it may end it.
-- Returns: pid, backend_start_ms, usename, application_name, state, query, running_seconds,
-- is_superuser, is_replication, backend_type, is_self. $1 pid
SELECT
  a.pid,
  (extract(epoch FROM a.backend_start) * 1000)::bigint AS backend_start_ms,
  a.usename,
  a.application_name,
  a.state,
  left(a.query, 500) AS query,
  COALESCE(extract(epoch FROM now() - a.query_start)::bigint, 0) AS running_seconds,
  COALESCE(r.rolsuper, false) AS is_superuser,
  COALESCE(r.rolreplication, false) AS is_replication,
  a.backend_type,
  a.pid = pg_backend_pid() AS is_self
FROM pg_stat_activity a
LEFT JOIN pg_roles r ON r.oid = a.usesysid
WHERE a.pid = $1
