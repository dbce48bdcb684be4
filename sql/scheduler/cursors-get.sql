-- How far each of the given jobs has been examined. Returns: job_id, checked_through.
-- $1 job ids (text[])
SELECT job_id, checked_through
FROM opsbot.job_cursors
WHERE job_id = ANY($1::text[])
