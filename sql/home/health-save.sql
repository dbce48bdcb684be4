-- The status of one component from the newest health report; an older report never overwrites a newer one.
-- Returns nothing. $1 component, $2 title, $3 status, $4 checked_at
INSERT INTO opsbot.home_health (component, title, status, checked_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (component) DO UPDATE
SET title = EXCLUDED.title, status = EXCLUDED.status, checked_at = EXCLUDED.checked_at
WHERE opsbot.home_health.checked_at <= EXCLUDED.checked_at
