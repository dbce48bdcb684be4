-- One checklist. Returns: id, kind, title, description, access, context, channel, message_ts,
-- created_by, created_at, revision. $1 id
SELECT id, kind, title, description, access, context, channel, message_ts, created_by, created_at, revision
FROM opsbot.checklists
WHERE id = $1
