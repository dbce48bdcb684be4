-- Terminates one session if it is still the approved backend in the target database; its
-- transaction rolls back and every lock it holds is released when it exits.
-- Returns one row (terminated) when the signal was sent, none otherwise.
-- $1 pid, $2 backend_start_ms, $3 database name pinned at preview (null: the current database).
-- Takes no lock; needs pg_signal_backend (never works on superuser sessions).
SELECT pg_terminate_backend(a.pid) AS terminated
FROM pg_stat_activity a
WHERE a.pid = $1
  AND (extract(epoch FROM a.backend_start) * 1000)::bigint = $2
  AND a.datname = current_database()
  AND a.datname::text = COALESCE($3::text, current_database()::text)
