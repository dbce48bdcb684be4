-- Statements running longer than $1 seconds in the current database, longest first, with a
-- kind so the caller lists the usual suspects apart from culprits: 'client' (application
-- sessions), 'own' (the bot, application_name opsbot…), 'walsender' (replication, any
-- database), 'autovacuum', 'backup' (pg_dump, pg_basebackup), 'background' (pg_cron, pg_net and
-- other workers). Parallel workers are left out (their leader is listed). The calling session
-- is excluded. Returns up to $2 rows per kind: kind, pid, role, application, client, state,
-- backend_type, running_s, xact_s, wait_event_type, wait_event, query, total (of that kind).
-- $1 threshold in seconds, $2 rows per kind. No locks.
WITH a AS (
  SELECT
    CASE
      WHEN application_name LIKE 'opsbot%' THEN 'own'
      WHEN backend_type = 'walsender' THEN 'walsender'
      WHEN backend_type IN ('autovacuum worker', 'autovacuum launcher') OR query LIKE 'autovacuum:%' THEN 'autovacuum'
      WHEN application_name IN ('pg_dump', 'pg_dumpall', 'pg_basebackup', 'pg_restore') THEN 'backup'
      WHEN backend_type = 'client backend' THEN 'client'
      ELSE 'background'
    END AS kind,
    pid,
    usename AS role,
    application_name AS application,
    host(client_addr) AS client,
    state,
    backend_type,
    EXTRACT(EPOCH FROM now() - COALESCE(query_start, backend_start)) AS running_s,
    EXTRACT(EPOCH FROM now() - xact_start) AS xact_s,
    wait_event_type,
    wait_event,
    query
  FROM pg_stat_activity
  WHERE pid <> pg_backend_pid()
    AND backend_type <> 'parallel worker'
    AND (datname = current_database() OR backend_type = 'walsender')
    AND (state = 'active' OR backend_type = 'walsender')
    AND now() - COALESCE(query_start, backend_start) > make_interval(secs => $1)
),
ranked AS (
  SELECT a.*, row_number() OVER (PARTITION BY kind ORDER BY running_s DESC, pid) AS n, count(*) OVER (PARTITION BY kind) AS total
  FROM a
)
SELECT kind, pid, role, application, client, state, backend_type, running_s, xact_s, wait_event_type, wait_event, query, total
FROM ranked
WHERE n <= $2
ORDER BY kind, running_s DESC, pid
