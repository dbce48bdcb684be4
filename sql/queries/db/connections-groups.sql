-- Client connections of the current database by role, application and client address, with
-- counts per state: who holds the connections. Returns up to $1 rows, largest first: role,
-- application, client (NULL = local socket or not visible), total, active, idle, idle_in_tx,
-- oldest_s (age of the oldest connection), own (application_name opsbot…), groups (number of
-- groups in all). $1 how many. No locks.
WITH g AS (
  SELECT
    usename AS role,
    application_name AS application,
    host(client_addr) AS client,
    count(*) AS total,
    count(*) FILTER (WHERE state = 'active') AS active,
    count(*) FILTER (WHERE state = 'idle') AS idle,
    count(*) FILTER (WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')) AS idle_in_tx,
    EXTRACT(EPOCH FROM now() - min(backend_start)) AS oldest_s,
    application_name LIKE 'opsbot%' AS own
  FROM pg_stat_activity
  WHERE backend_type = 'client backend' AND datname = current_database()
  GROUP BY usename, application_name, host(client_addr)
)
SELECT g.*, count(*) OVER () AS groups
FROM g
ORDER BY total DESC, role, application
LIMIT $1
