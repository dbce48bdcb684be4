-- Records an occurrence that will not run (missed beyond the grace window, or superseded by a
-- newer one). Returns its id when this call recorded it; nothing when it was already recorded.
-- $1 job_id, $2 scheduled_at, $3 claimed_by, $4 finished_at, $5 summary (why it was skipped)
INSERT INTO opsbot.job_runs (job_id, scheduled_at, status, claimed_by, finished_at, summary)
VALUES ($1, $2, 'skipped', $3, $4, $5)
ON CONFLICT ON CONSTRAINT job_runs_once DO NOTHING
RETURNING id
