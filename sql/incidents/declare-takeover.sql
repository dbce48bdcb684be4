-- Takes over a reservation whose channel never came (older than the cut-off, channel_id NULL):
-- the declaration is retried as new. The row lock makes one caller win; the others re-check the
-- fresh declared_at and get no row. Returns: the refreshed row, or no row.
-- $1 declare_key, $2 cut-off (reservations declared before it are stale), $3 title,
-- $4 severity, $5 kind, $6 user_impact, $7 source (jsonb), $8 declared_by, $9 declared_at,
-- $10 next_update_due_at
UPDATE opsbot.incidents
SET title = $3, severity = $4, kind = $5, user_impact = $6, source = $7::jsonb, declared_by = $8,
    declared_at = $9, next_update_due_at = $10
WHERE declare_key = $1 AND channel_id IS NULL AND declared_at < $2
RETURNING *
