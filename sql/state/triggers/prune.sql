-- Deletes trigger claims that expired. Returns nothing (rowCount is the number deleted).
-- $1 now
-- Locks: the deleted rows.
DELETE FROM opsbot.slack_triggers WHERE expires_at <= $1
