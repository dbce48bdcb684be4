-- The open incident whose war room is a channel. Returns: the row, or none. $1 channel id
SELECT * FROM opsbot.incidents WHERE channel_id = $1 AND resolved_at IS NULL
