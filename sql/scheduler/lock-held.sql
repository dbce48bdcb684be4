-- Whether this session still holds the job's advisory lock taken by lock-try (a session that was
-- cut and replaced would not). Returns: held (boolean). Takes no lock.
-- $1 lock class (int), $2 job_id
SELECT EXISTS (
  SELECT 1 FROM pg_locks
  WHERE locktype = 'advisory' AND granted
    AND pid = pg_backend_pid()
    AND classid = ($1::int)::oid
    AND objid = hashtext($2)::oid
    AND objsubid = 2
) AS held
