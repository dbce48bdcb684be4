-- A running request is still alive, and this is how much it has committed so far, so a run
-- whose process dies is reported with its true count (interrupt-stale.sql keeps it).
-- Returns nothing. $1 id, $2 now, $3 rows committed so far, $4 steps committed so far.
-- The count never goes down: a late heartbeat cannot overwrite a newer one.
UPDATE opsbot.playbook_requests
SET heartbeat_at = $2,
  rows_affected = GREATEST(COALESCE(rows_affected, 0), $3::bigint),
  result = jsonb_build_object('progress', jsonb_build_object('rows', GREATEST(COALESCE(rows_affected, 0), $3::bigint), 'steps', $4::int))
WHERE id = $1 AND state = 'running'
