-- Every succeeded backup (the retention candidates), newest first. Returns: rows.
SELECT * FROM opsbot.backups
WHERE state = 'succeeded'
ORDER BY started_at DESC, id DESC
