-- Records that the alert was posted and where. Returns: every column of the row.
-- $1 id, $2 notified_at, $3 channel, $4 message_ts
UPDATE opsbot.alerts SET notified_at = $2, channel = $3, message_ts = $4
WHERE id = $1
RETURNING *
