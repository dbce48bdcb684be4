-- All sessions and session-less refresh tokens are revoked. $1 id, $2 at
UPDATE opsbot.lockdowns SET sessions_done_at = $2 WHERE id = $1
