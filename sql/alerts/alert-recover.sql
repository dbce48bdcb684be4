-- Closes a firing episode once. Returns: every column of the row when this call closed it.
-- $1 id, $2 recovered_at, $3 maintenance window id when it recovers inside one (else NULL), $4 value now
UPDATE opsbot.alerts
SET recovered_at = $2, recovered_in_window = CASE WHEN notified_at IS NOT NULL THEN $3 END, recovered_value = $4
WHERE id = $1 AND recovered_at IS NULL
RETURNING *
