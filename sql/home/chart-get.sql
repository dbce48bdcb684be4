-- The uploaded image of chart $1, if any.
-- Returns: file_id, alt, title, figures, newest_sample_at, rendered_at, lease_until (no row before the first claim).
-- $1 chart name
-- Locks: none.
SELECT file_id, alt, title, figures, newest_sample_at, rendered_at, lease_until
FROM opsbot.home_charts
WHERE name = $1
