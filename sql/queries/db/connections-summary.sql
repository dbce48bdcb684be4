-- Client connections on the whole server against max_connections (the runbook's "Active DB
-- connections < 50"): every database counts against the same limit.
-- Returns one row: total, active, idle, idle_in_tx, other (other states), hidden (state not
-- visible to the bot role), own (the bot's sessions, application_name opsbot…),
-- this_database, max_connections, superuser_reserved, reserved (reserved_connections, PG16+;
-- 0 before), by_database (json array of {database, connections}, largest first, at most 10).
-- No parameters, no locks.
WITH c AS (
  SELECT datname, state, application_name
  FROM pg_stat_activity
  WHERE backend_type = 'client backend'
)
SELECT
  count(*) AS total,
  count(*) FILTER (WHERE state = 'active') AS active,
  count(*) FILTER (WHERE state = 'idle') AS idle,
  count(*) FILTER (WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')) AS idle_in_tx,
  count(*) FILTER (WHERE state NOT IN ('active', 'idle', 'idle in transaction', 'idle in transaction (aborted)')) AS other,
  count(*) FILTER (WHERE state IS NULL) AS hidden,
  count(*) FILTER (WHERE application_name LIKE 'opsbot%') AS own,
  count(*) FILTER (WHERE datname = current_database()) AS this_database,
  current_setting('max_connections')::int AS max_connections,
  current_setting('superuser_reserved_connections')::int AS superuser_reserved,
  COALESCE(current_setting('reserved_connections', true)::int, 0) AS reserved,
  (
    SELECT COALESCE(json_agg(json_build_object('database', d.datname, 'connections', d.n) ORDER BY d.n DESC, d.datname), '[]'::json)
    FROM (SELECT COALESCE(datname, '(none)') AS datname, count(*) AS n FROM c GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10) d
  ) AS by_database
FROM c
