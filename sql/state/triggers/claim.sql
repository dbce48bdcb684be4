-- Claims a Slack trigger_id for one delivery. Returns one row (trigger_id) when this call claimed
-- it, and no row when an unexpired claim exists (a replay or a retry: do nothing).
-- $1 trigger_id, $2 what (command or action), $3 user id, $4 now, $5 expires_at
-- Locks: the trigger's row (insert, or the conflicting row while an expired claim is replaced).
INSERT INTO opsbot.slack_triggers AS t (trigger_id, what, user_id, claimed_at, expires_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (trigger_id) DO UPDATE
  SET what = EXCLUDED.what, user_id = EXCLUDED.user_id, claimed_at = EXCLUDED.claimed_at, expires_at = EXCLUDED.expires_at
  WHERE t.expires_at <= EXCLUDED.claimed_at
RETURNING trigger_id
