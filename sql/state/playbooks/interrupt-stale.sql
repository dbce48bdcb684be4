-- Running requests whose process stopped (no heartbeat since $1) become interrupted; they are
-- reported, never re-run. rows_affected keeps the count of the last heartbeat (0 when none
-- came). Returns the rows. $1 heartbeat cutoff, $2 now
UPDATE opsbot.playbook_requests
SET state = 'interrupted', finished_at = $2, rows_affected = COALESCE(rows_affected, 0),
  error = 'the bot stopped while this was running (or could not record how it ended); check what was done before asking again'
WHERE state = 'running' AND heartbeat_at < $1
RETURNING *
