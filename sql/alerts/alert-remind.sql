-- Claims the next reminder of a posted, unacknowledged, still-firing alert whose last post is
-- at least one reminder interval old; only one caller gets the row and posts the reminder.
-- Returns: every column of the row. $1 id, $2 now, $3 due before (now − interval), $4 current value
UPDATE opsbot.alerts
SET last_reminder_at = $2, reminders = reminders + 1, value = $4
WHERE id = $1 AND acknowledged_at IS NULL AND recovered_at IS NULL AND notified_at IS NOT NULL
  AND COALESCE(last_reminder_at, notified_at) <= $3
RETURNING *
