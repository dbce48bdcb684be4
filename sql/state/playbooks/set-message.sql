-- Remembers where the request message was posted, so every state change can update it.
-- $1 id, $2 channel, $3 message_ts
UPDATE opsbot.playbook_requests SET channel = $2, message_ts = $3 WHERE id = $1
