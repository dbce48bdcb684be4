-- Adds revoked counts after each batch, so a failure midway still shows what was done.
-- $1 id, $2 sessions, $3 refresh tokens
UPDATE opsbot.lockdowns
SET sessions_revoked = sessions_revoked + $2, refresh_tokens_revoked = refresh_tokens_revoked + $3
WHERE id = $1
