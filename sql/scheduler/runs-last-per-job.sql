-- The most recent recorded occurrence of each of the given jobs.
-- Returns: job_id, scheduled_at, status, late, finished_at, summary. $1 job ids (text[])
SELECT DISTINCT ON (job_id) job_id, scheduled_at, status, late, finished_at, summary
FROM opsbot.job_runs
WHERE job_id = ANY($1::text[])
ORDER BY job_id, scheduled_at DESC
