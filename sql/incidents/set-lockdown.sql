-- Links a lockdown to an open incident. Run under incidents/lock. Returns: the row.
-- $1 id, $2 lockdown id (uuid)
UPDATE opsbot.incidents SET lockdown_id = $2::uuid
WHERE id = $1 AND resolved_at IS NULL
RETURNING *
