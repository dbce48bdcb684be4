-- Cancels the current statement of one session if it is still the same backend.
-- Returns one row (cancelled) when the signal was sent. $1 pid, $2 backend_start_ms
SELECT pg_cancel_backend(a.pid) AS cancelled
FROM pg_stat_activity a
WHERE a.pid = $1 AND (extract(epoch FROM a.backend_start) * 1000)::bigint = $2
