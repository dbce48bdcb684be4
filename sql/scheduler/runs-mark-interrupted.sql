-- Marks runs of a job still 'running' as interrupted. Only called while holding the job's
-- advisory lock, which proves no live process is running them.
-- Returns: id, scheduled_at, claimed_by. $1 job_id, $2 finished_at
UPDATE opsbot.job_runs
SET status = 'interrupted', finished_at = $2, error = 'the process running it stopped before it finished; not re-run'
WHERE job_id = $1 AND status = 'running'
RETURNING id, scheduled_at, claimed_by
