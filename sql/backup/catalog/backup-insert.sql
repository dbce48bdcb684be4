-- Records a backup that is starting (state running). The partial unique index on running rows
-- refuses a second running backup (23505). Returns: id.
-- $1 id, $2 kind, $3 started_by, $4 started_at, $5 store, $6 object_key
INSERT INTO opsbot.backups (id, kind, state, started_by, started_at, store, object_key)
VALUES ($1, $2, 'running', $3, $4, $5, $6)
RETURNING id
