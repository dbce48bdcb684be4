-- Takes the session-level advisory lock of one job without waiting; replicas never run the same
-- job at the same time. Returns: locked (boolean). Lock: pg_advisory_lock(class $1, hashtext(job)).
-- $1 lock class (int), $2 job_id
SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS locked
