-- One session by pid, with what the bot needs to decide whether it may end it, and how.
-- Returns: pid, backend_start_ms, datname (null for background processes), target_database
-- (current_database()), usename, application_name, state, query, running_seconds,
-- xact_seconds (null outside a transaction), blocking (sessions waiting for its locks),
-- is_superuser, is_replication, backend_type, is_self. $1 pid.
-- Reads statistics views only; takes no lock.
SELECT
  a.pid,
  (extract(epoch FROM a.backend_start) * 1000)::bigint AS backend_start_ms,
  a.datname::text AS datname,
  current_database()::text AS target_database,
  a.usename,
  a.application_name,
  a.state,
  left(a.query, 500) AS query,
  COALESCE(extract(epoch FROM now() - a.query_start)::bigint, 0) AS running_seconds,
  extract(epoch FROM now() - a.xact_start)::bigint AS xact_seconds,
  (SELECT count(*)::int FROM pg_stat_activity w WHERE a.pid = ANY (pg_blocking_pids(w.pid))) AS blocking,
  COALESCE(r.rolsuper, false) AS is_superuser,
  COALESCE(r.rolreplication, false) AS is_replication,
  a.backend_type,
  a.pid = pg_backend_pid() AS is_self
FROM pg_stat_activity a
LEFT JOIN pg_roles r ON r.oid = a.usesysid
WHERE a.pid = $1
