-- Claims up to $4 recent viewers whose view is due, for one replica to publish; rows another
-- replica holds (claimed_until in the future, or locked right now) are skipped.
-- Returns: user_id, failures. $1 now, $2 lease end, $3 oldest recent opened_at, $4 limit
-- Locks: the claimed rows, FOR UPDATE SKIP LOCKED, for the statement only.
UPDATE opsbot.home_viewers v
SET claimed_at = $1, claimed_until = $2
FROM (
  SELECT user_id FROM opsbot.home_viewers
  WHERE opened_at >= $3
    AND changed_at > coalesce(covered_at, '-infinity')
    AND coalesce(not_before, '-infinity') <= $1
    AND coalesce(claimed_until, '-infinity') <= $1
  ORDER BY changed_at, user_id
  LIMIT $4
  FOR UPDATE SKIP LOCKED
) due
WHERE v.user_id = due.user_id
RETURNING v.user_id, v.failures
