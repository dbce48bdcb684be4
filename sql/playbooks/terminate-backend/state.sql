-- Whether the same backend is still there, and what it is doing. Returns: state (no row when gone).
-- $1 pid, $2 backend_start_ms
SELECT a.state
FROM pg_stat_activity a
WHERE a.pid = $1 AND (extract(epoch FROM a.backend_start) * 1000)::bigint = $2
