-- Ends a running request. Returns the row. $1 id, $2 state (succeeded|failed|stopped),
-- $3 finished_at, $4 rows_affected, $5 result (jsonb), $6 error
UPDATE opsbot.playbook_requests
SET state = $2, finished_at = $3, rows_affected = $4, result = $5::jsonb, error = $6
WHERE id = $1 AND state = 'running'
RETURNING *
