-- Claims the overdue stakeholder-update reminders: each open incident whose next update is due
-- at or before now and was not reminded for that due time yet. The row lock and the re-checked
-- WHERE make one replica get each lapse; a new update sets a new due time, so a new lapse.
-- Returns: the claimed rows (reminded_for_due_at is the due time reminded for). $1 now
UPDATE opsbot.incidents
SET reminded_for_due_at = next_update_due_at
WHERE resolved_at IS NULL AND channel_id IS NOT NULL
  AND next_update_due_at <= $1
  AND reminded_for_due_at IS DISTINCT FROM next_update_due_at
RETURNING *
