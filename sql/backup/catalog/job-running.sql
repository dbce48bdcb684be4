-- The newest job that has not finished (the one holding the lock, when it is held).
-- Returns: kind, backup_id, started_by, started_at, or nothing.
SELECT kind, backup_id, started_by, started_at
FROM opsbot.backup_jobs
WHERE finished_at IS NULL
ORDER BY started_at DESC, id DESC
LIMIT 1
