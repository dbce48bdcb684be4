-- Deletes the delete-user safety exports taken before a cutoff. Returns: deleted. $1 cutoff
WITH gone AS (DELETE FROM opsbot.user_exports WHERE taken_at < $1 RETURNING 1)
SELECT count(*)::int AS deleted FROM gone
