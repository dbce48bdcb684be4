-- Records the outcome of a claimed run. Returns nothing.
-- $1 id, $2 status ('succeeded' | 'failed'), $3 finished_at, $4 summary, $5 detail (jsonb), $6 error
UPDATE opsbot.job_runs
SET status = $2, finished_at = $3, summary = $4, detail = $5::jsonb, error = $6
WHERE id = $1 AND status = 'running'
