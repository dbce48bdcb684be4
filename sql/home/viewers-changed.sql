-- Something on the Home tab changed: every viewer who opened it since $2 is due a publish.
-- Returns: user_id of each viewer marked. $1 now, $2 oldest opened_at still counted as recent
UPDATE opsbot.home_viewers
SET changed_at = $1
WHERE opened_at >= $2 AND changed_at < $1
RETURNING user_id
