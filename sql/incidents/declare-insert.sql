-- Reserves an incident for a declaration key; nothing when the key is taken (a retry, a double
-- click, another replica). Returns: the new row, or no row.
-- $1 declare_key, $2 title, $3 severity, $4 kind, $5 user_impact, $6 source (jsonb),
-- $7 declared_by, $8 declared_at, $9 next_update_due_at
INSERT INTO opsbot.incidents (declare_key, title, severity, kind, user_impact, source, declared_by, declared_at, next_update_due_at)
VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)
ON CONFLICT (declare_key) DO NOTHING
RETURNING *
