-- views.publish failed. With $4 true the viewer stays due and is tried again from $3; with $4
-- false (too many failures) the pending change is dropped until the next change or opening.
-- Returns nothing. $1 user id, $2 error (short), $3 not_before, $4 retry (boolean), $5 count it (boolean)
UPDATE opsbot.home_viewers
SET claimed_at = NULL, claimed_until = NULL,
    failures = failures + CASE WHEN $5 THEN 1 ELSE 0 END,
    last_error = left($2, 500),
    not_before = $3,
    covered_at = CASE WHEN $4 THEN covered_at ELSE changed_at END
WHERE user_id = $1
