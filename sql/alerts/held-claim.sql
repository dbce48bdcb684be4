-- Claims the alerts held during maintenance (fired, or recovered, inside a window) that no
-- summary has covered yet; one caller gets them and posts the summary.
-- Returns: every column of the claimed rows. $1 summarised_at
UPDATE opsbot.alerts
SET summarised_at = $1
WHERE summarised_at IS NULL AND (held_window IS NOT NULL OR recovered_in_window IS NOT NULL)
RETURNING *
