-- Forgets viewers who have not opened the Home tab since $1 (they get a fresh view when they do).
-- Returns: user_id of each removed. $1 cutoff
DELETE FROM opsbot.home_viewers WHERE opened_at < $1 RETURNING user_id
