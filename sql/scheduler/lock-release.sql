-- Releases the advisory lock taken by lock-try on the same connection. Returns: released (boolean).
-- $1 lock class (int), $2 job_id
SELECT pg_advisory_unlock($1::int, hashtext($2)) AS released
