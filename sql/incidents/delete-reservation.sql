-- Removes a reservation whose channel could not be created (never an incident with a channel).
-- Returns: id, title, severity, kind, declared_by of the removed row, or none. $1 id
DELETE FROM opsbot.incidents WHERE id = $1 AND channel_id IS NULL
RETURNING id, title, severity, kind, declared_by
