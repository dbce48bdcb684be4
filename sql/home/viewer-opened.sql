-- A person opened the Home tab: records (or refreshes) them as a viewer and makes their view due.
-- Returns nothing. $1 user id, $2 now
INSERT INTO opsbot.home_viewers (user_id, opened_at, changed_at)
VALUES ($1, $2, $2)
ON CONFLICT (user_id) DO UPDATE
SET opened_at = EXCLUDED.opened_at,
    changed_at = greatest(opsbot.home_viewers.changed_at, EXCLUDED.changed_at),
    -- An opening after a give-up starts counting failures again.
    failures = 0
