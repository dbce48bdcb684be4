-- Baseline for bench/diagnostics, the plain SQL a runbook has one paste into the SQL editor.
-- Returns: blocked sessions and the sessions blocking them.
-- No params. No locks beyond the catalog reads every query takes.
SELECT blocked.pid AS blocked_pid, blocked.query AS blocked_query, blocking.pid AS blocking_pid, blocking.query AS blocking_query
FROM pg_stat_activity blocked
JOIN pg_stat_activity blocking ON blocking.pid = ANY (pg_blocking_pids(blocked.pid))
