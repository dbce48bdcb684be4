-- One incident, locked for the rest of the transaction (a change and its audit row are made
-- under it). Returns: the row, or none. $1 id. Takes a row lock (FOR UPDATE).
SELECT * FROM opsbot.incidents WHERE id = $1 FOR UPDATE
