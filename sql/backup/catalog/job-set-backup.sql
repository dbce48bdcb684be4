-- Names the backup a running job works on, as soon as it is known (shown to anyone refused
-- while it runs). Returns: id. $1 job id, $2 backup_id
UPDATE opsbot.backup_jobs SET backup_id = $2 WHERE id = $1 RETURNING id
