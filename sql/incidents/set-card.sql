-- Remembers the pinned incident card. Returns: id, or none for an unknown incident.
-- $1 id, $2 card message ts
UPDATE opsbot.incidents SET card_ts = $2 WHERE id = $1 RETURNING id
