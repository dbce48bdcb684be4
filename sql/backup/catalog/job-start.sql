-- Records the job that now holds the backup lock. Returns: id.
-- $1 kind, $2 backup_id, $3 started_by, $4 started_at
INSERT INTO opsbot.backup_jobs (kind, backup_id, started_by, started_at)
VALUES ($1, $2, $3, $4)
RETURNING id
