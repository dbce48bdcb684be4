-- The latest runs of one job, newest first.
-- Returns: id, job_id, scheduled_at, status, late, claimed_by, started_at, finished_at, summary, detail, error.
-- $1 job_id, $2 limit
SELECT id, job_id, scheduled_at, status, late, claimed_by, started_at, finished_at, summary, detail, error
FROM opsbot.job_runs
WHERE job_id = $1
ORDER BY scheduled_at DESC
LIMIT $2
