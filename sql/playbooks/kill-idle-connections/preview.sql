-- Idle client sessions the bot may end: idle longer than $1 minutes in database $2, and not
-- the bot's own, a superuser's, a replication role's or a Supabase platform role's.
-- Returns: pid, backend_start_ms, usename, application_name, client_addr, idle_seconds.
-- $1 minutes, $2 database name, $3 platform roles (text[]). No locks.
SELECT
  a.pid,
  (extract(epoch FROM a.backend_start) * 1000)::bigint AS backend_start_ms,
  a.usename,
  a.application_name,
  host(a.client_addr) AS client_addr,
  extract(epoch FROM now() - a.state_change)::bigint AS idle_seconds
FROM pg_stat_activity a
LEFT JOIN pg_roles r ON r.oid = a.usesysid
WHERE a.backend_type = 'client backend'
  AND a.state = 'idle'
  AND a.pid <> pg_backend_pid()
  AND now() - a.state_change > make_interval(mins => $1)
  AND a.datname = $2
  AND a.application_name NOT LIKE 'opsbot%'
  AND NOT COALESCE(r.rolsuper, false)
  AND NOT COALESCE(r.rolreplication, false)
  AND NOT (a.usename = ANY ($3::text[]))
ORDER BY a.state_change, a.pid
