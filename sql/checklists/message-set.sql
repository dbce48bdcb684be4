-- Remembers where the checklist was posted. Returns nothing.
-- $1 checklist id, $2 channel, $3 message ts
UPDATE opsbot.checklists SET channel = $2, message_ts = $3 WHERE id = $1
