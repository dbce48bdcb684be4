-- Acknowledges an alert once: the first click wins and its time to acknowledge (from the post)
-- is kept. Returns: every column of the row when this call acknowledged it.
-- $1 id, $2 user id, $3 acknowledged_at
UPDATE opsbot.alerts
SET acknowledged_by = $2, acknowledged_at = $3,
    time_to_ack_ms = GREATEST(0, round(EXTRACT(EPOCH FROM ($3::timestamptz - COALESCE(notified_at, fired_at))) * 1000))::bigint
WHERE id = $1 AND acknowledged_at IS NULL
RETURNING *
