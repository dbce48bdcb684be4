-- Client connections on the whole server, by state, and the limits they count against.
-- Returns one row: total, active, idle, idle_in_tx, idle_in_tx_over, long_running_over,
-- longest_running_s, max_connections, reserved.
-- $1 idle-in-transaction threshold (seconds), $2 long-running threshold (seconds).
-- The bot's own sessions (application_name opsbot…) are excluded from the "over" counts.
SELECT
  count(*) AS total,
  count(*) FILTER (WHERE state = 'active') AS active,
  count(*) FILTER (WHERE state = 'idle') AS idle,
  count(*) FILTER (WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')) AS idle_in_tx,
  count(*) FILTER (
    WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')
      AND now() - state_change > make_interval(secs => $1)
      AND application_name NOT LIKE 'opsbot%'
  ) AS idle_in_tx_over,
  count(*) FILTER (
    WHERE state = 'active'
      AND now() - query_start > make_interval(secs => $2)
      AND application_name NOT LIKE 'opsbot%'
  ) AS long_running_over,
  COALESCE(max(EXTRACT(EPOCH FROM now() - query_start)) FILTER (
    WHERE state = 'active' AND application_name NOT LIKE 'opsbot%'
  ), 0) AS longest_running_s,
  current_setting('max_connections')::int AS max_connections,
  current_setting('superuser_reserved_connections')::int AS reserved
FROM pg_stat_activity
WHERE backend_type = 'client backend'
