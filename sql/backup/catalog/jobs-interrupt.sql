-- Run by whoever just took the backup lock: any job still open was cut short (its process
-- died, or the lock would still be held). Returns: id, kind. $1 finished_at
UPDATE opsbot.backup_jobs SET finished_at = $1, outcome = 'interrupted'
WHERE finished_at IS NULL
RETURNING id, kind
