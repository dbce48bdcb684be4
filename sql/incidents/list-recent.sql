-- Incidents with a channel declared at or after a time, newest first. Returns: rows.
-- $1 since
SELECT * FROM opsbot.incidents
WHERE channel_id IS NOT NULL AND declared_at >= $1
ORDER BY declared_at DESC, id DESC
