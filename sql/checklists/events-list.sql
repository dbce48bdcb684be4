-- The history of a checklist, in revision order. Returns: id, item_key, action, user_id, at, revision.
-- $1 checklist id
SELECT id, item_key, action, user_id, at, revision
FROM opsbot.checklist_events
WHERE checklist_id = $1
ORDER BY revision
