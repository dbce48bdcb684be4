-- One-off windows overlapping [$1, $2], cancelled ones included (flagged).
-- Returns: id, starts_at, ends_at, reason, created_by, created_at, cancelled_at, cancelled_by, cancel_reason.
-- $1 from, $2 to
SELECT id, starts_at, ends_at, reason, created_by, created_at, cancelled_at, cancelled_by, cancel_reason
FROM opsbot.maintenance_windows
WHERE starts_at <= $2 AND ends_at >= $1
ORDER BY starts_at
