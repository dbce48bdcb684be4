-- Cancels a one-off window that is not cancelled yet. Returns: id when this call cancelled it.
-- $1 id, $2 cancelled_by, $3 cancelled_at, $4 reason
UPDATE opsbot.maintenance_windows
SET cancelled_at = $3, cancelled_by = $2, cancel_reason = $4
WHERE id = $1 AND cancelled_at IS NULL
RETURNING id
