-- Closes a job. Returns: id. $1 id, $2 finished_at, $3 outcome, $4 backup_id (kept when null)
UPDATE opsbot.backup_jobs SET finished_at = $2, outcome = $3, backup_id = coalesce($4, backup_id)
WHERE id = $1
RETURNING id
