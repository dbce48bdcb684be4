-- Adds a one-off window; the exclusion constraint refuses an overlap with another active one
-- (SQLSTATE 23P01). Returns: id. $1 starts_at, $2 ends_at, $3 reason, $4 created_by, $5 created_at
INSERT INTO opsbot.maintenance_windows (starts_at, ends_at, reason, created_by, created_at)
VALUES ($1, $2, $3, $4, $5)
RETURNING id
