-- Run by whoever just took the backup lock: a backup still "running" belonged to a process
-- that died. Marked failed; the caller removes its leftover files. Returns: id, store, object_key.
-- $1 finished_at, $2 error
UPDATE opsbot.backups SET state = 'failed', finished_at = $1, error = $2
WHERE state = 'running'
RETURNING id, store, object_key
