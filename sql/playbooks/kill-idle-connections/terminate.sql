-- Ends one session if it is still the same backend (pid and start time) and still idle.
-- Returns one row (terminated) when it was ended; none when it is gone, reused or busy.
-- $1 pid, $2 backend_start_ms
SELECT pg_terminate_backend(a.pid) AS terminated
FROM pg_stat_activity a
WHERE a.pid = $1
  AND (extract(epoch FROM a.backend_start) * 1000)::bigint = $2
  AND a.state = 'idle'
