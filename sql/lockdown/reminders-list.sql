-- A lockdown's reminders. Returns: kind, due_at, last_posted_at, posts, done_at, done_by. $1 lockdown id
SELECT kind, due_at, last_posted_at, posts, done_at, done_by
FROM opsbot.lockdown_reminders WHERE lockdown_id = $1 ORDER BY due_at
