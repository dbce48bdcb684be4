-- Skips one regular window. Returns: starts_at when this call skipped it (nothing if it was
-- already skipped). $1 starts_at, $2 reason, $3 skipped_by, $4 skipped_at
INSERT INTO opsbot.maintenance_skips (starts_at, reason, skipped_by, skipped_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (starts_at) DO NOTHING
RETURNING starts_at
