-- Claims the reminders to post now: due, not done, and not posted within the repeat interval.
-- The UPDATE … RETURNING is the claim: a restart or a second replica cannot post one twice.
-- Returns: lockdown_id, kind, due_at, posts. $1 now, $2 repeat interval (seconds)
UPDATE opsbot.lockdown_reminders r
SET last_posted_at = $1, posts = r.posts + 1
WHERE r.done_at IS NULL
  AND r.due_at <= $1
  AND (r.last_posted_at IS NULL OR r.last_posted_at <= $1 - make_interval(secs => $2))
RETURNING r.lockdown_id, r.kind, r.due_at, r.posts
