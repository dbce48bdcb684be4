-- The view was published with data read after $2: it covers every change up to then (a change
-- since keeps the view due), and the next publish waits until $4.
-- Returns nothing. $1 user id, $2 covered up to, $3 now, $4 not_before (now + the per-viewer interval)
UPDATE opsbot.home_viewers
SET covered_at = greatest(coalesce(covered_at, '-infinity'), $2),
    published_at = $3, not_before = $4,
    claimed_at = NULL, claimed_until = NULL, failures = 0, last_error = NULL
WHERE user_id = $1
