-- Skipped regular windows starting in [$1, $2]. Returns: starts_at, reason, skipped_by, skipped_at.
-- $1 from, $2 to
SELECT starts_at, reason, skipped_by, skipped_at
FROM opsbot.maintenance_skips
WHERE starts_at BETWEEN $1 AND $2
ORDER BY starts_at
