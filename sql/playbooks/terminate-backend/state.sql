-- Whether the approved backend is still there, in the target database, and what it is doing.
-- Returns (no row when it is gone, was replaced by another backend with the same pid, or is in
-- another database): state, in_transaction, xact_seconds, blocking (sessions waiting for its locks).
-- $1 pid, $2 backend_start_ms, $3 database name pinned at preview (null: the current database).
-- Reads statistics views only; takes no lock.
SELECT
  a.state,
  a.xact_start IS NOT NULL AS in_transaction,
  extract(epoch FROM now() - a.xact_start)::bigint AS xact_seconds,
  (SELECT count(*)::int FROM pg_stat_activity w WHERE a.pid = ANY (pg_blocking_pids(w.pid))) AS blocking
FROM pg_stat_activity a
WHERE a.pid = $1
  AND (extract(epoch FROM a.backend_start) * 1000)::bigint = $2
  AND a.datname = current_database()
  AND a.datname::text = COALESCE($3::text, current_database()::text)
