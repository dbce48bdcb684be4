-- Claims one occurrence of a job; returns its id only to the caller that inserted it, so a
-- second replica or a restarted process gets no row and does not run it again.
-- $1 job_id, $2 scheduled_at, $3 late, $4 claimed_by, $5 started_at
INSERT INTO opsbot.job_runs (job_id, scheduled_at, status, late, claimed_by, started_at)
VALUES ($1, $2, 'running', $3, $4, $5)
ON CONFLICT ON CONSTRAINT job_runs_once DO NOTHING
RETURNING id
