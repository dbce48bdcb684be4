-- Records the war room of a reservation. Returns: the row, or none when there is no such
-- reservation (unknown, or attached already). $1 id, $2 channel id, $3 channel name
UPDATE opsbot.incidents SET channel_id = $2, channel_name = $3
WHERE id = $1 AND channel_id IS NULL
RETURNING *
