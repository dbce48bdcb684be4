-- Open incidents with a channel (never reservations), most severe first, then oldest first.
-- Returns: rows. No parameters.
SELECT * FROM opsbot.incidents
WHERE resolved_at IS NULL AND channel_id IS NOT NULL
ORDER BY severity, declared_at, id
