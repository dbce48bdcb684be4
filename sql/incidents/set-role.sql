-- Gives one role to a person; the first commander sets acknowledged_at. Run under incidents/lock.
-- Returns: the row. $1 id, $2 role ('commander' | 'scribe' | 'communications'), $3 user id, $4 at
UPDATE opsbot.incidents
SET commander = CASE WHEN $2 = 'commander' THEN $3 ELSE commander END,
    scribe = CASE WHEN $2 = 'scribe' THEN $3 ELSE scribe END,
    communications = CASE WHEN $2 = 'communications' THEN $3 ELSE communications END,
    acknowledged_at = CASE WHEN $2 = 'commander' THEN coalesce(acknowledged_at, $4) ELSE acknowledged_at END
WHERE id = $1 AND resolved_at IS NULL
RETURNING *
