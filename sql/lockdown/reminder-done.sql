-- Marks a notification deadline as done. Returns the row when it was open.
-- $1 lockdown id, $2 kind, $3 by, $4 at
UPDATE opsbot.lockdown_reminders SET done_at = $4, done_by = $3
WHERE lockdown_id = $1 AND kind = $2 AND done_at IS NULL
RETURNING kind, done_at, done_by
