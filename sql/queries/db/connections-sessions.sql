-- Sessions of the current database worth a look, by kind: 'idle' (idle longer than $1 seconds:
-- leaked or oversized pools), 'idle_in_tx' (idle inside a transaction, any duration: they hold
-- locks and pin the xmin horizon), 'own' (the bot's sessions, application_name opsbot…, listed
-- apart and never flagged). The calling session is excluded.
-- Returns up to $2 rows per kind, oldest first: kind, pid, role, application, client, state,
-- backend_start, idle_s (since the last state change), xact_s (transaction age), query (last
-- statement), total (sessions of that kind). $1 idle threshold in seconds, $2 rows per kind.
-- No locks.
WITH a AS (
  SELECT
    CASE
      WHEN application_name LIKE 'opsbot%' THEN 'own'
      WHEN state = 'idle' THEN 'idle'
      ELSE 'idle_in_tx'
    END AS kind,
    pid,
    usename AS role,
    application_name AS application,
    host(client_addr) AS client,
    state,
    backend_start,
    EXTRACT(EPOCH FROM now() - state_change) AS idle_s,
    EXTRACT(EPOCH FROM now() - xact_start) AS xact_s,
    query
  FROM pg_stat_activity
  WHERE backend_type = 'client backend'
    AND datname = current_database()
    AND pid <> pg_backend_pid()
    AND (
      (state = 'idle' AND now() - state_change > make_interval(secs => $1))
      OR state IN ('idle in transaction', 'idle in transaction (aborted)')
      OR application_name LIKE 'opsbot%'
    )
),
ranked AS (
  SELECT a.*, row_number() OVER (PARTITION BY kind ORDER BY idle_s DESC NULLS LAST, pid) AS n, count(*) OVER (PARTITION BY kind) AS total
  FROM a
)
SELECT kind, pid, role, application, client, state, backend_start, idle_s, xact_s, query, total
FROM ranked
WHERE n <= $2
ORDER BY kind, idle_s DESC NULLS LAST, pid
